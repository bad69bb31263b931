/**
 * Optional daily snapshots of the host's data volume with Data Lifecycle Manager (`host.snapshots`,
 * off by default: snapshots are not free). The policy finds the volume by its SNAPSHOT_TAG_KEY tag,
 * which ./index.ts sets even while snapshots are off. Resource wiring for ./index.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SNAPSHOT_TAG_KEY } from "./layout";

/** Daily snapshots of the data volume (found by its SNAPSHOT_TAG_KEY tag), keeping `retainCount`. */
export function hostSnapshots(name: string, namePrefix: string, retainCount: number, parent: { parent: pulumi.Resource }): void {
    const role = new aws.iam.Role(
        `${name}-dlm`,
        {
            description: `${namePrefix} host: Data Lifecycle Manager snapshots of the data volume`,
            assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
                {
                    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["dlm.amazonaws.com"] }] }],
                },
                parent,
            ).json,
            tags: { Name: `${namePrefix}-host-dlm` },
        },
        parent,
    );
    const managed = new aws.iam.RolePolicyAttachment(
        `${name}-dlm`,
        {
            role: role.name,
            policyArn: "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
        },
        parent,
    );
    new aws.dlm.LifecyclePolicy(
        `${name}-snapshots`,
        {
            description: `${namePrefix} host data volume, daily`,
            executionRoleArn: role.arn,
            state: "ENABLED",
            policyDetails: {
                policyType: "EBS_SNAPSHOT_MANAGEMENT",
                resourceTypes: ["VOLUME"],
                targetTags: { [SNAPSHOT_TAG_KEY]: `${namePrefix}-host` },
                schedules: [
                    {
                        name: "daily",
                        createRule: { interval: 24, intervalUnit: "HOURS", times: "03:00" },
                        retainRule: { count: retainCount },
                        // The volume's tags (cost allocation, Name) go onto each snapshot.
                        copyTags: true,
                        tagsToAdd: { SnapshotCreator: "dlm" },
                    },
                ],
            },
            tags: { Name: `${namePrefix}-host-snapshots` },
        },
        { ...parent, dependsOn: [managed] },
    );
}
