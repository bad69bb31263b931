// `nat-gateway-count`: NAT gateways are billed per hour and per GB; each tier's `maxNatGateways`
// trait caps them (unset: one per availability zone).

import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { safeGet } from "../common";
import { PACK_TIERS, perTierProperties, schemaWithTier, stackTierOf, TierConfig, TierTable } from "../tiers";
import { T } from "../types";

export interface NatConfig extends TierConfig {
    /** Most NAT gateways per tier, overriding the tier's `maxNatGateways` trait. */
    maxNatGateways?: Record<string, number>;
    /** AZ count used for a one-per-AZ tier when no subnet reveals its AZ. */
    azCount?: number;
}

/**
 * `nat-gateway-count` (stack, mandatory): counts NAT gateways over EVERY resource of the stack
 * (aws-ts-finops's `requireSingleNatGateway` returned at the first non-NAT resource; this one
 * does not stop early) against the tier's `maxNatGateways`; a tier without one allows one per AZ,
 * the number of AZs being the distinct `availabilityZone`/`availabilityZoneId` of the stack's
 * subnets, else `azCount` (default 3).
 */
export function natGatewayCount(tiers: TierTable = PACK_TIERS): StackValidationPolicy {
    return {
        name: "nat-gateway-count",
        description: "NAT gateways stay within the tier's limit (the tier table's maxNatGateways; unset: at most one per availability zone).",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier(tiers, {
            maxNatGateways: {
                type: "object",
                description: "Most NAT gateways per tier (default: the tier table's maxNatGateways, else one per AZ).",
                properties: perTierProperties(tiers, { type: "integer", minimum: 0 }),
            },
            azCount: { type: "integer", minimum: 1, default: 3, description: "AZ count when subnets do not reveal it." },
        }),
        validateStack: (args, report) => {
            const nats: PolicyResource[] = [];
            const azs = new Set<string>();
            for (const r of args.resources) {
                if (r.type === T.natGateway) {
                    nats.push(r);
                } else if (r.type === T.subnet) {
                    const az = safeGet(r.props, "availabilityZone") ?? safeGet(r.props, "availabilityZoneId");
                    if (typeof az === "string" && az !== "") {
                        azs.add(az);
                    }
                }
            }
            const tier = stackTierOf(args, report, tiers);
            if (tier === undefined) {
                return;
            }
            const config = args.getConfig<NatConfig>();
            const azCount = azs.size > 0 ? azs.size : (config.azCount ?? 3);
            const fixed = config.maxNatGateways?.[tier.name] ?? tier.traits.maxNatGateways;
            const limit = fixed ?? azCount;
            if (nats.length > limit) {
                const names = nats.map((n) => n.name).join(", ");
                report(
                    `${nats.length} NAT gateway(s) (${names}) exceed tier ${tier.name}'s limit of ${limit}` +
                        (fixed === undefined ? ` (one per AZ, ${azCount} AZs)` : "") +
                        ".",
                );
            }
        },
    };
}
