// How the cache is laid out: its parameter group, its topology (config/cache-topology.ts holds the
// rules), its node ids and port.
import { cacheNodeCount, cacheTopologyProblems } from "../config/cache-topology";
import { CacheSettings } from "../config/types";
import { majorVersion } from "./database-parameters";

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
            Array.from({ length: perShard }, (_, node) => `${groupId}-${pad(shard + 1, 4)}-${pad(node + 1, 3)}`),
        ).flat();
    }
    return Array.from({ length: topology.numCacheClusters ?? 1 }, (_, node) => `${groupId}-${pad(node + 1, 3)}`);
}

/** Redis/Valkey port. */
export const CACHE_PORT = 6379;
