// RDS controls: not public (RDS.2), encrypted (RDS.3), Multi-AZ (RDS.5) and deletion protection
// (RDS.7 / RDS.8) where the tier's traits demand them.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { safeGet } from "../common";
import { PACK_TIERS, schemaWithTier, TierTable } from "../tiers";
import { T } from "../types";
import { control, tierHas } from "./control";

export function rdsNotPublic(): ResourceValidationPolicy {
    return {
        name: "rds-not-public",
        description: control("RDS.2", "RDS instances are not publicly accessible (publiclyAccessible must not be true)."),
        enforcementLevel: "mandatory",
        severity: "critical",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if ((args.type === T.rdsInstance || args.type === T.rdsClusterInstance) && safeGet(args.props, "publiclyAccessible") === true) {
                report(`RDS "${args.name}" sets publiclyAccessible: true.`);
            }
        },
    };
}

export function rdsStorageEncrypted(): ResourceValidationPolicy {
    return {
        name: "rds-storage-encrypted",
        description: control("RDS.3", "RDS instances (and Aurora clusters, RDS.27) encrypt storage at rest (storageEncrypted: true)."),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if ((args.type === T.rdsInstance || args.type === T.rdsCluster) && safeGet(args.props, "storageEncrypted") !== true) {
                report(`RDS "${args.name}" does not set storageEncrypted: true (the default is unencrypted).`);
            }
        },
    };
}

/** RDS.5 where the tier has `highAvailability` (the trait config/settings derives `database.multiAz` from). */
export function rdsMultiAz(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "rds-multi-az",
        description: control("RDS.5", "RDS instances are Multi-AZ (multiAz: true) in tiers with high availability."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP", "reliability"],
        configSchema: schemaWithTier(tiers),
        validateResource: (args, report) => {
            if (args.type === T.rdsInstance && tierHas(args, report, tiers, "highAvailability") && safeGet(args.props, "multiAz") !== true) {
                report(`RDS instance "${args.name}" is not Multi-AZ although its tier has high availability.`);
            }
        },
    };
}

/** RDS.7 / RDS.8 where the tier has `protectData` (the trait `database.deletionProtection` defaults from). */
export function rdsDeletionProtection(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "rds-deletion-protection",
        description: control("RDS.7 / RDS.8", "RDS clusters (RDS.7) and instances (RDS.8) enable deletion protection in tiers that protect data."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        configSchema: schemaWithTier(tiers),
        validateResource: (args, report) => {
            if (
                (args.type === T.rdsInstance || args.type === T.rdsCluster) &&
                tierHas(args, report, tiers, "protectData") &&
                safeGet(args.props, "deletionProtection") !== true
            ) {
                report(`RDS "${args.name}" does not set deletionProtection: true although its tier protects data.`);
            }
        },
    };
}
