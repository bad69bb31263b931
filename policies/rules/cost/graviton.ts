// `graviton-preferred` (advisory): Graviton (arm64) types and ARM64 Fargate tasks, about 10-20%
// cheaper than x86 for the same size.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { FREE_TIER_EC2_TYPES, isGravitonType } from "../../generated/config/allowed-sizes";
import { effectiveTags, safeGet, safePath } from "../common";
import { PACK_TIERS, resolveTier, schemaWithTier, TierConfig, TierTable } from "../tiers";
import { T } from "../types";
import { usesFargate } from "./sizes";

/**
 * `graviton-preferred` (resource, advisory): EC2, RDS and ElastiCache use Graviton (arm64) types
 * and Fargate task definitions set `runtimePlatform.cpuArchitecture: "ARM64"`. Free-tier EC2
 * types are not flagged in a tier priced inside the free tier (`freeTierPricing`): they cost
 * nothing either way.
 */
export function gravitonPreferred(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "graviton-preferred",
        description: "Prefer Graviton (arm64): about 10-20% cheaper than x86 for the same size.",
        enforcementLevel: "advisory",
        severity: "low",
        tags: ["cost"],
        configSchema: schemaWithTier(tiers),
        validateResource: (args, report) => {
            const advise = (key: string, value: unknown) => {
                if (typeof value === "string" && !isGravitonType(value)) {
                    report(`${key} "${value}" is not Graviton; consider the equivalent *g type.`);
                }
            };
            switch (args.type) {
                case T.ec2Instance:
                case T.launchTemplate: {
                    const type = safeGet(args.props, "instanceType");
                    // An advisory never fails closed: an unknown tier just means no exemption.
                    const tier = resolveTier(effectiveTags(args.props, args.provider), args.getConfig<TierConfig>(), tiers);
                    if (tier.name !== undefined && tier.traits.freeTierPricing && (FREE_TIER_EC2_TYPES as readonly string[]).includes(type)) {
                        return;
                    }
                    advise("instanceType", type);
                    return;
                }
                case T.rdsInstance:
                case T.rdsClusterInstance:
                    advise("instanceClass", safeGet(args.props, "instanceClass"));
                    return;
                case T.cacheReplicationGroup:
                case T.cacheCluster:
                    advise("nodeType", safeGet(args.props, "nodeType"));
                    return;
                case T.ecsTaskDefinition:
                    if (usesFargate(args.props) && safePath(args.props, "runtimePlatform", "cpuArchitecture") !== "ARM64") {
                        report(`Fargate task definition "${args.name}" runs on X86_64; set runtimePlatform.cpuArchitecture "ARM64" (about 20% cheaper).`);
                    }
                    return;
                default:
                    return;
            }
        },
    };
}
