// `platform:database`, `platform:cache` and `platform:secrets`: RDS PostgreSQL, ElastiCache and the
// application secret, on the tiers whose services run on Fargate.
import { DAILY_WINDOW, WEEKLY_WINDOW } from "../windows";
import { onFargate, retention } from "./common";
import { choice, each, flag, integer, list, matches, number, oneOf, optional, section, text } from "./dsl";

export const PRELOADABLE_LIBRARIES = ["pg_stat_statements", "pg_cron", "auto_explain", "pg_hint_plan", "pglogical", "pg_partman_bgw"];

export const database = section("RDS for PostgreSQL.", onFargate, {
    engine: choice(["postgres"], { doc: "The engine; PostgreSQL only.", default: "postgres", phrase: "is not supported" }),
    engineVersion: text({
        doc: "PostgreSQL major (or major.minor) version.",
        default: "17",
        check: matches(/^\d+(\.\d+)?$/, 'must be a PostgreSQL version like "17" or "16.4"'),
    }),
    instanceClass: text({
        doc: "Instance class; one of the tier's allowed classes (Graviton preferred).",
        default: (t) => t.allowedSizes.rds[0],
        check: oneOf(
            ({ traits }) => traits.allowedSizes.rds,
            ({ tier }) => `is not allowed for tier ${tier}`,
        ),
    }),
    multiAz: flag({ doc: "A synchronous standby in a second AZ.", default: (t) => t.highAvailability }),
    allocatedStorageGb: number({ doc: "gp3 storage, GB.", default: (t) => t.databaseStorageGb.allocated, check: integer(20, 65536) }),
    maxAllocatedStorageGb: number({ doc: "Storage autoscaling ceiling, GB; 0 disables autoscaling.", default: (t) => t.databaseStorageGb.max }),
    // The gp3 baseline from 400 GiB: stated explicitly, costs nothing extra (AWS-FACTS).
    iops: optional(
        number({
            doc: "gp3 IOPS; only settable from 400 GiB, never below the 12,000 baseline.",
            default: (t) => (t.databaseStorageGb.allocated >= 400 ? 12000 : undefined),
        }),
    ),
    storageThroughput: optional(
        number({
            doc: "gp3 throughput, MiB/s; only with `iops`.",
            default: (t) => (t.databaseStorageGb.allocated >= 400 ? 500 : undefined),
        }),
    ),
    backupRetentionDays: number({
        doc: "Days of automated backups (point-in-time recovery).",
        default: (t) => (t.protectData ? 30 : 7),
        check: integer(({ traits }) => traits.minBackupRetentionDays, 35),
    }),
    deletionProtection: flag({ doc: "RDS deletion protection.", default: (t) => t.protectData }),
    // Data stores keep a final snapshot in every tier (paid only once one exists, after a delete).
    finalSnapshot: flag({ doc: "Keep a final snapshot when the instance is deleted.", default: true }),
    performanceInsights: flag({ doc: "Performance Insights.", default: (t) => t.detailedMonitoring }),
    monitoringIntervalSeconds: number({
        doc: "Enhanced monitoring interval, seconds; 0 disables it.",
        default: (t) => (t.detailedMonitoring ? 60 : 0),
        check: oneOf([0, 1, 5, 10, 15, 30, 60], ""),
    }),
    logExports: list({
        doc: "Logs exported to CloudWatch Logs.",
        default: (t) => (t.detailedMonitoring ? ["postgresql", "upgrade"] : []),
        check: each(oneOf(["postgresql", "upgrade", "iam-db-auth-error"], "")),
    }),
    customerManagedKey: flag({ doc: "Encrypt with the stack's own KMS key instead of the AWS-managed key.", default: (t) => t.protectData }),
    passwordRotationDays: number({ doc: "Rotation schedule of the RDS-managed master password.", default: 30, check: integer(1, 365) }),
    databaseName: text({
        doc: "The database the stack creates.",
        default: "platform",
        check: matches(/^[a-z][a-z0-9_]{0,62}$/, "must be lowercase letters, digits and underscores, starting with a letter"),
    }),
    masterUsername: text({
        doc: "The master user (the services use their own user).",
        default: "platform_admin",
        check: (key, value: string) =>
            /^[a-z][a-z0-9_]{0,15}$/.test(value) && !["admin", "postgres", "rdsadmin"].includes(value)
                ? undefined
                : `platform:${key}: ${JSON.stringify(value)} must be 1-16 lowercase letters, digits, underscores and not a reserved name (admin, postgres, rdsadmin)`,
    }),
    maxConnections: number({ doc: "max_connections (seed 200).", default: 200, check: integer(10, 5000) }),
    workMemKb: number({ doc: "work_mem in kB (seed 16 MB).", default: 16384, check: integer(64, 2097151) }),
    preloadLibraries: list({
        doc: `shared_preload_libraries; \`timescaledb\` is refused (not on RDS). Allowed: ${PRELOADABLE_LIBRARIES.join(", ")}.`,
        default: ["pg_stat_statements", "pg_cron"],
    }),
});

export const cache = section("ElastiCache (Valkey or Redis OSS).", onFargate, {
    engine: choice(["valkey", "redis"], { doc: "Valkey (about 20% cheaper, seed 001) or Redis OSS.", default: "valkey", phrase: "" }),
    engineVersion: text({ doc: "Engine version ElastiCache offers for the engine.", default: "8.0" }),
    nodeType: text({
        doc: "Node type; one of the tier's allowed types.",
        default: (t) => t.allowedSizes.elasticache[0],
        check: oneOf(
            ({ traits }) => traits.allowedSizes.elasticache,
            ({ tier }) => `is not allowed for tier ${tier}`,
        ),
    }),
    clusterMode: flag({ doc: "Cluster mode (data sharded over `shards`).", default: (t) => t.highAvailability }),
    // Seed 003 §10.2.3: 2 shards x 2 replicas.
    shards: number({ doc: "Shards (node groups) in cluster mode; 1 with cluster mode off.", default: (t) => (t.highAvailability ? 2 : 1) }),
    // Topology rules (ranges and combinations): config/cache-topology.ts.
    replicasPerShard: number({ doc: "Replicas per shard (or read replicas with cluster mode off), 0-5.", default: (t) => (t.highAvailability ? 2 : 0) }),
    automaticFailover: flag({ doc: "Promote a replica when a primary fails (required in cluster mode).", default: (t) => t.highAvailability }),
    multiAz: flag({ doc: "Spread replicas over AZs (requires automatic failover).", default: (t) => t.highAvailability }),
    snapshotRetentionDays: number({ doc: "Days of daily snapshots; 0 disables them.", default: 7, check: integer(0, 35) }),
    maintenanceWindow: text({
        doc: "Weekly maintenance window (UTC), at least 60 minutes.",
        default: "sun:03:00-sun:04:00",
        check: matches(WEEKLY_WINDOW, "must look like sun:03:00-sun:04:00 (ddd:hh24:mi-ddd:hh24:mi)"),
    }),
    snapshotWindow: text({
        doc: "Daily snapshot window (UTC), at least 60 minutes, not overlapping maintenance.",
        default: "01:00-02:00",
        check: matches(DAILY_WINDOW, "must look like 01:00-02:00"),
    }),
    transitEncryption: flag({ doc: "TLS between clients and the cache.", default: true }),
    authToken: flag({ doc: "An AUTH token (requires transit encryption), kept in the application secret.", default: true }),
    finalSnapshot: flag({ doc: "Keep a final snapshot when the cache is deleted.", default: true }),
    slowLogRetentionDays: number({ doc: "Retention of the slow-log group, days.", default: (t) => t.logRetention.default, check: retention }),
    customerManagedKey: flag({ doc: "Encrypt at rest with the stack's KMS key (changing it replaces the cache).", default: (t) => t.protectData }),
});

export const secrets = section("The application secret and its rotation.", onFargate, {
    rotationDays: number({ doc: "Rotation interval of the application secret and the database user (seed: 30 days).", default: 30, check: integer(1, 365) }),
    customerManagedKey: flag({ doc: "Encrypt secrets with the stack's KMS key.", default: (t) => t.protectData }),
    cloudTrail: choice(["create", "existing"], {
        doc: "`create`: a CloudTrail trail for this region, without which EventBridge never receives the rotation events; `existing`: the account already has one logging management events here.",
        default: "create",
        phrase: "is not accepted (EventBridge receives rotation events only from a CloudTrail trail logging management events in the region)",
    }),
});
