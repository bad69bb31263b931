// GENERATED from cost/pricers/elasticache.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// ElastiCache (Redis OSS, Valkey): node hours of replication groups and standalone clusters.

import type { CapturedResource } from "../../harness/types";
import { cacheNodeCount } from "../../config/cache-topology";
import { freeTierAllowance } from "../catalogue";
import { Ctx, num, part, Priced, Pricer, Unpriceable } from "./kit";

/** Nodes of a replication group: numCacheClusters, else shards x (1 primary + replicas). */
function cacheNodes(inputs: Record<string, any>): { nodes: number; text: string } {
    const clusters = num(inputs.numCacheClusters);
    if (clusters !== undefined) return { nodes: clusters, text: `numCacheClusters ${clusters}` };
    const groups = num(inputs.numNodeGroups);
    const replicas = num(inputs.replicasPerNodeGroup) ?? 0;
    if (groups !== undefined)
        return {
            nodes: cacheNodeCount({ clusterMode: true, shards: groups, replicasPerShard: replicas }),
            text: `${groups} shard(s) x (1 primary + ${replicas} replica(s))`,
        };
    return { nodes: 1, text: "1 node (numCacheClusters and numNodeGroups unset)" };
}

function priceCacheNodes(r: CapturedResource, ctx: Ctx, nodes: number, nodesText: string): Priced {
    const engine = String(r.inputs.engine ?? "redis").toLowerCase();
    if (engine !== "redis" && engine !== "valkey") throw new Unpriceable(`engine "${engine}" is not in the catalogue (redis, valkey)`);
    const nodeType = r.inputs.nodeType;
    if (typeof nodeType !== "string") throw new Unpriceable("nodeType is not set");
    const pool = freeTierAllowance("elasticache.microNodeHours", ctx.cat).appliesTo?.includes(nodeType) ? "elasticache.microNodeHours" : undefined;
    return {
        parts: [
            part(ctx, {
                label: `${engine} node hours`,
                rateKey: `elasticache.${engine}.${nodeType}`,
                quantity: nodes * ctx.hours,
                quantityText: `${nodesText} x ${ctx.hours} h`,
                freeTierPool: pool,
            }),
        ],
        inputs: { engine, nodeType, nodes, hours: ctx.hours },
    };
}

export const priceReplicationGroup: Pricer = (r, ctx) => {
    const { nodes, text } = cacheNodes(r.inputs);
    return priceCacheNodes(r, ctx, nodes, text);
};

export const priceCacheCluster: Pricer = (r, ctx) => {
    if (typeof r.inputs.replicationGroupId === "string" && r.inputs.nodeType === undefined) {
        return { free: "a member of a replication group, priced on the group" };
    }
    const nodes = num(r.inputs.numCacheNodes) ?? 1;
    return priceCacheNodes(r, ctx, nodes, `${nodes} node(s)`);
};
