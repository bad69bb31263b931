// `gp3-only`: gp3 costs 20% less than gp2 per GB with a 3,000 IOPS baseline at any size.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, safeGet, safePath } from "../common";
import { T } from "../types";

/**
 * `gp3-only` (resource, mandatory): EBS volumes (`type`, whose default is gp2), instance root and
 * EBS block devices (`volumeType`; an instance must declare its root device, since the AMI's
 * default may be gp2), launch template block device mappings and RDS instances (`storageType`,
 * whose API default is gp2) use gp3.
 */
export function gp3Only(): ResourceValidationPolicy {
    return {
        name: "gp3-only",
        description: "EBS volumes, instance block devices and RDS storage use gp3 (20% cheaper than gp2, 3,000 IOPS baseline).",
        enforcementLevel: "mandatory",
        severity: "low",
        tags: ["cost"],
        validateResource: (args, report) => {
            const need = (what: string, value: unknown) => {
                if (value !== "gp3") {
                    report(`${what} is ${value === undefined ? "unset (defaults to gp2 or the AMI's type)" : `"${String(value)}"`}; use "gp3".`);
                }
            };
            switch (args.type) {
                case T.ebsVolume:
                    need("type", safeGet(args.props, "type"));
                    return;
                case T.ec2Instance: {
                    need("rootBlockDevice.volumeType", safePath(args.props, "rootBlockDevice", "volumeType"));
                    asArray(safeGet(args.props, "ebsBlockDevices")).forEach((d, i) => need(`ebsBlockDevices[${i}].volumeType`, safeGet(d, "volumeType")));
                    return;
                }
                case T.launchTemplate:
                    asArray(safeGet(args.props, "blockDeviceMappings")).forEach((m, i) => {
                        const ebs = safeGet(m, "ebs");
                        if (ebs !== undefined) {
                            need(`blockDeviceMappings[${i}].ebs.volumeType`, safeGet(ebs, "volumeType"));
                        }
                    });
                    return;
                case T.rdsInstance:
                    need("storageType", safeGet(args.props, "storageType"));
                    return;
                default:
                    return;
            }
        },
    };
}
