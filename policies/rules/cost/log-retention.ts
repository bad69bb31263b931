// `log-retention` (CloudWatch.16): every log group expires its logs, within the tier's
// `logRetention` bounds, at a value CloudWatch accepts.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { asNumber, safeGet } from "../common";
import { PACK_TIERS, perTierProperties, schemaWithTier, TierConfig, TierTable, tierOf } from "../tiers";
import { T } from "../types";

export interface RetentionBounds {
    min: number;
    max: number;
}

export interface RetentionConfig extends TierConfig {
    /** Bounds per tier, overriding the tier's `logRetention` trait. */
    bounds?: Record<string, Partial<RetentionBounds>>;
}

/**
 * Values CloudWatch Logs accepts for retentionInDays (0 = never expire, refused here), as listed in
 * the team's AWS-FACTS.md (pre-deploy review of 2026-12-01).
 */
export const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * `log-retention` (resource, mandatory): every CloudWatch log group sets `retentionInDays`
 * (unset or 0 = kept and billed forever) within the tier's `logRetention` [min, max] and to a
 * value CloudWatch accepts.
 */
export function logRetention(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    const bound = { type: "object", properties: { min: { type: "integer", minimum: 1 }, max: { type: "integer", minimum: 1 } } } as const;
    return {
        name: "log-retention",
        description:
            "[CloudWatch.16] CloudWatch log groups set retentionInDays, within the tier's retention bounds (the tier table's logRetention min and max).",
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["cost", "security"],
        configSchema: schemaWithTier(tiers, {
            bounds: { type: "object", description: "Retention bounds in days per tier.", properties: perTierProperties(tiers, bound) },
        }),
        validateResource: (args, report) => {
            if (args.type !== T.logGroup) {
                return;
            }
            const days = asNumber(safeGet(args.props, "retentionInDays"));
            if (days === undefined || days === 0) {
                report(`Log group "${args.name}" does not set retentionInDays: its logs would be kept (and billed) forever.`);
                return;
            }
            if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) {
                report(`retentionInDays ${days} is not a value CloudWatch accepts (${CLOUDWATCH_RETENTION_DAYS.join(", ")}).`);
            }
            const tier = tierOf(args, report, tiers);
            if (tier === undefined) {
                return;
            }
            const { min, max } = tier.traits.logRetention;
            const b = { min, max, ...args.getConfig<RetentionConfig>().bounds?.[tier.name] };
            if (days < b.min || days > b.max) {
                report(`retentionInDays ${days} is outside tier ${tier.name}'s bounds [${b.min}, ${b.max}] days.`);
            }
        },
    };
}
