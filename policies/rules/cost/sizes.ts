// `allowed-instance-sizes`: EC2, RDS, ElastiCache and Fargate sizes are among those the tier's
// `allowedSizes` trait lists (the same lists config validation uses).

import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, asNumber, safeGet } from "../common";
import { PACK_TIERS, schemaWithTier, TierTable, tierOf } from "../tiers";
import { T } from "../types";

/** Fargate task CPU in CPU units and memory in MiB, from "256"/"0.25 vCPU" and "512"/"1 GB". */
export function parseFargateSize(cpu: unknown, memory: unknown): { cpu?: number; memory?: number } {
    const parse = (v: unknown, unitRe: RegExp): number | undefined => {
        const n = asNumber(v);
        if (n !== undefined) {
            return n;
        }
        if (typeof v === "string") {
            const m = unitRe.exec(v.trim());
            if (m) {
                return Math.round(parseFloat(m[1]) * 1024);
            }
        }
        return undefined;
    };
    return { cpu: parse(cpu, /^([\d.]+)\s*vcpu$/i), memory: parse(memory, /^([\d.]+)\s*gb$/i) };
}

export function usesFargate(props: any): boolean {
    return asArray(safeGet(props, "requiresCompatibilities")).includes("FARGATE");
}

/**
 * `allowed-instance-sizes` (resource, mandatory): EC2 instance types (instances and launch
 * templates), RDS instance classes, ElastiCache node types and Fargate task sizes are among the
 * resource's tier's `allowedSizes`.
 */
export function allowedInstanceSizes(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "allowed-instance-sizes",
        description: "EC2, RDS, ElastiCache and Fargate sizes are among the sizes allowed for the tier (the tier table's allowedSizes).",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier(tiers),
        validateResource: (args, report) => {
            const check = (family: "ec2" | "rds" | "elasticache", key: string, value: unknown) => {
                if (typeof value !== "string") {
                    return;
                }
                const tier = tierOf(args, report, tiers);
                if (tier === undefined) {
                    return;
                }
                const allowed = tier.traits.allowedSizes[family];
                if (!allowed.includes(value)) {
                    const list = allowed.length > 0 ? allowed.join(", ") : `none (no ${family} in ${tier.name})`;
                    report(`${key} "${value}" is not allowed in tier ${tier.name}; allowed: ${list}.`);
                }
            };
            switch (args.type) {
                case T.ec2Instance:
                case T.launchTemplate:
                    check("ec2", "instanceType", safeGet(args.props, "instanceType"));
                    return;
                case T.rdsInstance:
                case T.rdsClusterInstance:
                    check("rds", "instanceClass", safeGet(args.props, "instanceClass"));
                    return;
                case T.cacheReplicationGroup:
                case T.cacheCluster:
                    check("elasticache", "nodeType", safeGet(args.props, "nodeType"));
                    return;
                case T.ecsTaskDefinition: {
                    if (!usesFargate(args.props)) {
                        return;
                    }
                    const tier = tierOf(args, report, tiers);
                    if (tier === undefined) {
                        return;
                    }
                    const limit = tier.traits.allowedSizes.fargate;
                    if (limit === undefined) {
                        report(`Fargate tasks are not allowed in tier ${tier.name}.`);
                        return;
                    }
                    const size = parseFargateSize(safeGet(args.props, "cpu"), safeGet(args.props, "memory"));
                    if (size.cpu === undefined || size.memory === undefined) {
                        report(
                            `A Fargate task definition must set task-level cpu and memory (got cpu=${String(safeGet(args.props, "cpu"))}, memory=${String(safeGet(args.props, "memory"))}).`,
                        );
                        return;
                    }
                    if (size.cpu > limit.maxCpu || size.memory > limit.maxMemory) {
                        report(
                            `Fargate task size cpu=${size.cpu} memory=${size.memory} MiB exceeds tier ${tier.name}'s ceiling cpu=${limit.maxCpu} memory=${limit.maxMemory} MiB.`,
                        );
                    }
                    return;
                }
                default:
                    return;
            }
        },
    };
}
