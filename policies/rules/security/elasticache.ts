// ElastiCache controls: automatic backups (ElastiCache.1), automatic failover where the tier has
// high availability (ElastiCache.3), encryption at rest (ElastiCache.4) and in transit (ElastiCache.5).

import { ResourceValidationPolicy } from "@pulumi/policy";
import { asNumber, safeGet } from "../common";
import { PACK_TIERS, schemaWithTier, TierTable } from "../tiers";
import { T } from "../types";
import { control, tierHas } from "./control";

export function elasticacheBackups(): ResourceValidationPolicy {
    return {
        name: "elasticache-automatic-backups",
        description: control("ElastiCache.1", "ElastiCache (Redis OSS / Valkey) keeps automatic backups (snapshotRetentionLimit > 0)."),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== T.cacheReplicationGroup && args.type !== T.cacheCluster) {
                return;
            }
            if (safeGet(args.props, "engine") === "memcached") {
                return; // memcached has no snapshots.
            }
            if (args.type === T.cacheCluster && safeGet(args.props, "replicationGroupId") !== undefined) {
                return; // a member of a replication group: the group's setting applies.
            }
            const limit = asNumber(safeGet(args.props, "snapshotRetentionLimit"));
            if (limit === undefined || limit <= 0) {
                report(`ElastiCache "${args.name}" has no automatic backups (snapshotRetentionLimit is ${limit ?? "unset"}; set 1 or more).`);
            }
        },
    };
}

/** ElastiCache.3 where the tier has `highAvailability` (the trait `cache.automaticFailover` defaults from). */
export function elasticacheAutomaticFailover(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "elasticache-automatic-failover",
        description: control("ElastiCache.3", "ElastiCache replication groups enable automatic failover in tiers with high availability."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP", "reliability"],
        configSchema: schemaWithTier(tiers),
        validateResource: (args, report) => {
            if (
                args.type === T.cacheReplicationGroup &&
                tierHas(args, report, tiers, "highAvailability") &&
                safeGet(args.props, "automaticFailoverEnabled") !== true
            ) {
                report(`Replication group "${args.name}" does not set automaticFailoverEnabled: true although its tier has high availability.`);
            }
        },
    };
}

export function elasticacheEncryptionAtRest(): ResourceValidationPolicy {
    return {
        name: "elasticache-encryption-at-rest",
        description: control("ElastiCache.4", "ElastiCache replication groups encrypt data at rest (atRestEncryptionEnabled; Valkey defaults to true)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== T.cacheReplicationGroup) {
                return;
            }
            const value = safeGet(args.props, "atRestEncryptionEnabled");
            const engine = safeGet(args.props, "engine") ?? "redis";
            const effective = value ?? engine === "valkey";
            if (effective !== true) {
                report(
                    `Replication group "${args.name}" is not encrypted at rest (atRestEncryptionEnabled ${value === undefined ? `unset, default false for ${engine}` : String(value)}).`,
                );
            }
        },
    };
}

export function elasticacheEncryptionInTransit(): ResourceValidationPolicy {
    return {
        name: "elasticache-encryption-in-transit",
        description: control("ElastiCache.5", "ElastiCache replication groups encrypt data in transit (transitEncryptionEnabled: true)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type === T.cacheReplicationGroup && safeGet(args.props, "transitEncryptionEnabled") !== true) {
                report(`Replication group "${args.name}" does not set transitEncryptionEnabled: true.`);
            }
        },
    };
}
