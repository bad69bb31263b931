// Amazon Linux 2023 AMI lookup: the newest image for the instance type's architecture, never a
// hard-coded id (ids differ per region and age out).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isGravitonType } from "../config/allowed-sizes";

export function architectureOf(instanceType: string): "arm64" | "x86_64" {
    return isGravitonType(instanceType) ? "arm64" : "x86_64";
}

export function amazonLinux2023Ami(instanceType: string, opts?: pulumi.InvokeOptions): pulumi.Output<string> {
    const architecture = architectureOf(instanceType);
    return aws.ec2.getAmiOutput(
        {
            owners: ["amazon"],
            mostRecent: true,
            filters: [
                { name: "name", values: [`al2023-ami-2023.*-kernel-*-${architecture}`] },
                { name: "architecture", values: [architecture] },
                { name: "virtualization-type", values: ["hvm"] },
            ],
        },
        opts,
    ).id;
}
