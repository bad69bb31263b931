// GENERATED from config/cache-topology.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// The cache's topology rules, in one place: which combinations of cluster mode, shards, replicas,
// failover and Multi-AZ AWS accepts, and how many nodes a topology has. Config validation reports
// the problems; the cache component refuses them; the estimator counts nodes with the same formula.

export interface CacheTopologyInput {
    clusterMode: boolean;
    shards: number;
    replicasPerShard: number;
    automaticFailover: boolean;
    multiAz: boolean;
    authToken: boolean;
    transitEncryption: boolean;
}

/** Problems naming `platform:cache.<key>`; empty when AWS accepts the topology. */
export function cacheTopologyProblems(c: CacheTopologyInput): string[] {
    const problems: string[] = [];
    // ElastiCache: 0-5 replicas per shard (node group); up to 500 shards in cluster mode.
    if (!Number.isInteger(c.replicasPerShard) || c.replicasPerShard < 0 || c.replicasPerShard > 5) {
        problems.push(`platform:cache.replicasPerShard: ${JSON.stringify(c.replicasPerShard)} must be a whole number from 0 to 5`);
    }
    if (c.clusterMode) {
        if (!Number.isInteger(c.shards) || c.shards < 1 || c.shards > 500)
            problems.push(`platform:cache.shards: ${JSON.stringify(c.shards)} must be a whole number from 1 to 500`);
        if (!c.automaticFailover)
            problems.push("platform:cache.automaticFailover: must be true when cache.clusterMode is true (AWS requires automatic failover in cluster mode)");
    } else if (c.shards !== 1) {
        problems.push(`platform:cache.shards: ${c.shards} needs cache.clusterMode true; with cluster mode off there is one shard`);
    }
    if (c.automaticFailover && c.replicasPerShard < 1) {
        problems.push("platform:cache.automaticFailover: needs at least one replica (cache.replicasPerShard >= 1); a single node has nothing to fail over to");
    }
    if (c.multiAz && !c.automaticFailover) problems.push("platform:cache.multiAz: requires cache.automaticFailover true (AWS rule)");
    if (c.authToken && !c.transitEncryption)
        problems.push("platform:cache.authToken: requires cache.transitEncryption true (AWS accepts an AUTH token only with in-transit encryption)");
    return problems;
}

/** Nodes of a topology: shards x (1 primary + replicas); one shard with cluster mode off. */
export function cacheNodeCount(c: Pick<CacheTopologyInput, "clusterMode" | "shards" | "replicasPerShard">): number {
    return (c.clusterMode ? c.shards : 1) * (1 + c.replicasPerShard);
}
