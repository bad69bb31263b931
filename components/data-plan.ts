// Pure decisions of the data tier (database, cache, application secret): names, parameter groups,
// windows, cache topology and the application secret's JSON shape. No Pulumi resources here, so
// every rule is tested directly (tests/data/data-plan.test.ts); the components only wire results.
import { cacheNodeCount, cacheTopologyProblems } from "../config/cache-topology";
import { CacheSettings, DatabaseSettings } from "../config/types";

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** "17" -> "17", "16.4" -> "16". */
export function majorVersion(engineVersion: string): string {
    return engineVersion.split(".")[0];
}

/** RDS parameter group family, e.g. `postgres17`. */
export function postgresFamily(engineVersion: string): string {
    return `postgres${majorVersion(engineVersion)}`;
}

export interface DbParameter {
    name: string;
    value: string;
    /** Static parameters must be `pending-reboot` (RDS refuses `immediate` for them). */
    applyMethod: "immediate" | "pending-reboot";
}

/**
 * The custom parameter group's parameters (seed 003 §10.2.2 without TimescaleDB, which RDS does not
 * offer: see config/validate.ts and AWS-FACTS). Static parameters take effect at the next reboot.
 */
export function postgresParameters(settings: DatabaseSettings): DbParameter[] {
    const params: DbParameter[] = [
        // TLS only: clients that do not negotiate SSL are refused.
        { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
        { name: "max_connections", value: String(settings.maxConnections), applyMethod: "pending-reboot" },
        // kB, as RDS stores it (16MB = 16384).
        { name: "work_mem", value: String(settings.workMemKb), applyMethod: "immediate" },
    ];
    if (settings.preloadLibraries.length > 0) {
        params.push({ name: "shared_preload_libraries", value: settings.preloadLibraries.join(","), applyMethod: "pending-reboot" });
    }
    if (settings.preloadLibraries.includes("pg_cron")) {
        // pg_cron lives in one database; make it the application database so jobs run where the data is.
        params.push({ name: "cron.database_name", value: settings.databaseName, applyMethod: "pending-reboot" });
    }
    return params;
}

/** Daily backup window (UTC), before the weekly maintenance window and clear of the cache's. */
export const RDS_BACKUP_WINDOW = "02:00-03:00";
/** Weekly maintenance window (UTC): after the backup window, never overlapping it. */
export const RDS_MAINTENANCE_WINDOW = "sun:04:00-sun:05:00";
/** Performance Insights retention in days: 7 is the free tier. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;

export { windowIntervals, windowsOverlap } from "../config/windows";

// ---------------------------------------------------------------------------------------------
// Cache

/** ElastiCache parameter group family: valkey 8.x -> `valkey8`, valkey 7.2 -> `valkey7`, redis 7.x -> `redis7`. */
export function cacheFamily(engine: CacheSettings["engine"], engineVersion: string): string {
    return `${engine}${majorVersion(engineVersion)}`;
}

export interface CacheParameter {
    name: string;
    value: string;
}

/** Slow log: commands over 10 ms (the engine default, stated so a change is visible). */
export const SLOWLOG_THRESHOLD_MICROSECONDS = 10000;

/**
 * The custom cache parameter group. A custom group (not `default.valkey8[.cluster.on]`) so the
 * cluster switch and the slow-log threshold are explicit and a later parameter change is an edit,
 * not a switch of group.
 */
export function cacheParameters(settings: CacheSettings): CacheParameter[] {
    return [
        { name: "cluster-enabled", value: settings.clusterMode ? "yes" : "no" },
        { name: "slowlog-log-slower-than", value: String(SLOWLOG_THRESHOLD_MICROSECONDS) },
        { name: "slowlog-max-len", value: "128" },
    ];
}

export interface CacheTopology {
    /** What apps are told: `cluster` = connect a cluster-aware client to the configuration endpoint. */
    mode: "cluster" | "replication-group";
    clusterMode: "enabled" | "disabled";
    /** Cluster mode: shards and replicas per shard; otherwise undefined. */
    numNodeGroups?: number;
    replicasPerNodeGroup?: number;
    /** Cluster mode off: primary + replicas; otherwise undefined (they conflict with numNodeGroups). */
    numCacheClusters?: number;
    automaticFailoverEnabled: boolean;
    multiAzEnabled: boolean;
    /** Total nodes, for documentation and cost. */
    nodeCount: number;
}

/**
 * One switch hides the coupled replication-group settings (as terraform-aws-modules' elasticache
 * does): cluster mode sets shards/replicas and forces failover; otherwise one shard of 1 + replicas
 * nodes. Throws on combinations AWS refuses (config validation catches them first; this guards
 * direct use of the component).
 */
export function cacheTopology(settings: CacheSettings): CacheTopology {
    const problems = cacheTopologyProblems(settings);
    if (problems.length > 0) throw new Error(`Invalid cache topology: ${problems.join("; ")}`);

    if (settings.clusterMode) {
        return {
            mode: "cluster",
            clusterMode: "enabled",
            numNodeGroups: settings.shards,
            replicasPerNodeGroup: settings.replicasPerShard,
            automaticFailoverEnabled: true,
            multiAzEnabled: settings.multiAz,
            nodeCount: cacheNodeCount(settings),
        };
    }
    return {
        mode: "replication-group",
        clusterMode: "disabled",
        numCacheClusters: 1 + settings.replicasPerShard,
        automaticFailoverEnabled: settings.automaticFailover,
        multiAzEnabled: settings.multiAz,
        nodeCount: cacheNodeCount(settings),
    };
}

/**
 * The node (cache cluster) ids ElastiCache gives a replication group's members, known before it
 * exists: `<group>-<shard 0001..>-<node 001..>` in cluster mode, `<group>-<node 001..>` otherwise
 * (ElastiCache "Finding connection endpoints"). Alarms need them statically: CloudWatch publishes the
 * engine metrics per node, and one alarm may read at most 10 metrics, so they are split in chunks.
 * Shards added later continue the numbering; removing a shard other than the last one leaves its
 * alarms reading a name that no longer exists (no data, treated as not breaching).
 */
export function cacheNodeIds(groupId: string, topology: CacheTopology): string[] {
    const pad = (n: number, width: number) => String(n).padStart(width, "0");
    if (topology.clusterMode === "enabled") {
        const perShard = 1 + (topology.replicasPerNodeGroup ?? 0);
        return Array.from({ length: topology.numNodeGroups ?? 1 }, (_, shard) =>
            Array.from({ length: perShard }, (_, node) => `${groupId}-${pad(shard + 1, 4)}-${pad(node + 1, 3)}`)).flat();
    }
    return Array.from({ length: topology.numCacheClusters ?? 1 }, (_, node) => `${groupId}-${pad(node + 1, 3)}`);
}

/** Redis/Valkey port. */
export const CACHE_PORT = 6379;

// ---------------------------------------------------------------------------------------------
// Application secret

/** AUTH token and JWT secret: 64 alphanumerics. AWS allows 16-128 printable ASCII without / " @. */
export const GENERATED_SECRET_LENGTH = 64;

/** Characters AWS refuses in an ElastiCache AUTH token. */
export const AUTH_TOKEN_FORBIDDEN = ["/", "\"", "@"];

/** Whether a token meets the ElastiCache AUTH rules (16-128 printable ASCII, none of / " @). */
export function isValidAuthToken(token: string): boolean {
    return token.length >= 16 && token.length <= 128 && /^[\x21-\x7e]+$/.test(token) &&
        !AUTH_TOKEN_FORBIDDEN.some((c) => token.includes(c));
}

export const JWT_EXPIRES_IN = "15m";
export const JWT_REFRESH_EXPIRES_IN = "7d";

/**
 * The application secret (seed 003 §10.2.6, adapted): connection details plus generated secrets.
 * Database credentials are not copied in: they live in the application database user's own secret
 * (rotated with alternating users), referenced by ARN, so a rotation never leaves a stale copy here.
 * Generic over the value type so the components pass Pulumi outputs and tests pass plain values;
 * lambda/rotation/index.js reads and rotates this shape.
 *
 * `jwt`: apps SIGN with `secret` and VERIFY with every one of `secret`, `previousSecret` and
 * `nextSecret` present. A rotation promotes `nextSecret` (published one period earlier) to
 * `secret` and keeps the old one as `previousSecret`, so during the rolling redeploy old and new
 * tasks accept each other's tokens, and refresh tokens (7 days) survive a rotation (30 days).
 */
export interface AppSecretDocument<S, N> {
    database?: { host: S; port: N; dbname: S; userSecretArn: S };
    redis?: { host: S; port: N; authToken?: S; replicationGroupId: S };
    jwt: { secret: S; previousSecret?: S; nextSecret?: S; expiresIn: string; refreshExpiresIn: string };
    newrelic?: { licenseKey: S; appName: string };
    /** Seed 003's `devices_grpc: { url }`, one `<service>_grpc` entry per gRPC service. */
    [grpc: `${string}_grpc`]: { url: string };
}

export function appSecretDocument<S, N>(parts: {
    database?: { host: S; port: N; dbname: S; userSecretArn: S };
    redis?: { host: S; port: N; authToken?: S; replicationGroupId: S };
    jwtSecret: S;
    /** The secret the next rotation promotes (verify-only until then). */
    jwtNextSecret?: S;
    newrelic?: { licenseKey: S; appName: string };
    /** Service name -> `host:port` of its gRPC endpoint. */
    grpcUrls?: Record<string, string>;
}): AppSecretDocument<S, N> {
    const jwt: AppSecretDocument<S, N>["jwt"] = { secret: parts.jwtSecret, expiresIn: JWT_EXPIRES_IN, refreshExpiresIn: JWT_REFRESH_EXPIRES_IN };
    if (parts.jwtNextSecret !== undefined) jwt.nextSecret = parts.jwtNextSecret;
    let redis: AppSecretDocument<S, N>["redis"];
    if (parts.redis) {
        const { authToken, ...rest } = parts.redis;
        redis = authToken === undefined ? rest : { ...rest, authToken };
    }
    const grpc = Object.fromEntries(Object.entries(parts.grpcUrls ?? {}).sort(([a], [b]) => a.localeCompare(b))
        .map(([service, url]) => [`${service.replace(/[^A-Za-z0-9]/g, "_")}_grpc`, { url }]));
    // Key order as the seed writes it: database, redis, jwt, newrelic, <service>_grpc.
    return {
        ...(parts.database && { database: { ...parts.database } }),
        ...(redis && { redis }),
        jwt,
        ...(parts.newrelic && { newrelic: { ...parts.newrelic } }),
        ...grpc,
    } as AppSecretDocument<S, N>;
}

/** Secrets Manager recovery window: 30 days where data is protected, 7 otherwise. */
export function recoveryWindowDays(protectData: boolean): number {
    return protectData ? 30 : 7;
}
