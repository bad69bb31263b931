// Tiers as the pack sees them: a resource's tier is its `Tier` tag (else the policy's `tier`
// config), and what a tier demands is read from its traits in the tier table, never from its name.
// The published pack carries a generated copy of config/tiers.ts (policies/generated/); factories
// take the table as a parameter so the offline evaluator can hand them the live one.

import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { TIER_TABLE, TierTraits } from "../generated/config/tiers";
import { effectiveTags, isAwsType, Tags } from "./common";

export type { TierTraits };

/** Tier name -> traits (config/tiers.ts's TIER_TABLE). */
export type TierTable = Readonly<Record<string, TierTraits>>;

/** The tier table the pack ships (generated copy of config/tiers.ts). */
export const PACK_TIERS: TierTable = TIER_TABLE;

/** A tier found for a resource or a stack. */
export interface ResolvedTier {
    name: string;
    traits: TierTraits;
    source: "tag" | "config";
}

export type TierResolution = ResolvedTier | { name: undefined; problem: string };

/** Config every tier-aware policy accepts: the fallback tier when a resource has no `Tier` tag. */
export interface TierConfig {
    tier?: string;
}

export function tierNames(tiers: TierTable): string[] {
    return Object.keys(tiers);
}

export function isTierIn(tiers: TierTable, value: unknown): value is string {
    return typeof value === "string" && Object.prototype.hasOwnProperty.call(tiers, value);
}

export function tierConfigProperty(tiers: TierTable): PolicyConfigJSONSchema {
    return {
        type: "string",
        enum: tierNames(tiers),
        description: `Tier of the stack, used when a resource has no Tier tag (${tierNames(tiers).join(", ")}).`,
    };
}

/** A policy config schema from properties, always including `tier`. */
export function schemaWithTier(tiers: TierTable, properties: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
    return { properties: { tier: tierConfigProperty(tiers), ...properties } };
}

/** Properties keyed by tier name, for per-tier overrides in a policy's config schema. */
export function perTierProperties(tiers: TierTable, schema: PolicyConfigJSONSchema): Record<string, PolicyConfigJSONSchema> {
    return Object.fromEntries(tierNames(tiers).map((t) => [t, schema]));
}

/** Tier of one resource: its `Tier` tag, else the policy's `tier` config. */
export function resolveTier(tags: Tags, config: TierConfig, tiers: TierTable): TierResolution {
    const names = tierNames(tiers).join(", ");
    const tag = tags["Tier"];
    if (tag !== undefined) {
        if (isTierIn(tiers, tag)) {
            return { name: tag, traits: tiers[tag], source: "tag" };
        }
        return { name: undefined, problem: `Tier tag "${tag}" is not one of ${names}` };
    }
    if (config.tier !== undefined) {
        if (isTierIn(tiers, config.tier)) {
            return { name: config.tier, traits: tiers[config.tier], source: "config" };
        }
        return { name: undefined, problem: `pack config tier "${String(config.tier)}" is not one of ${names}` };
    }
    return { name: undefined, problem: "no Tier tag on the resource and no `tier` in this policy's pack config" };
}

/**
 * Tier for a resource policy; reports a violation and returns undefined when it cannot be
 * determined (fail closed: a tier-dependent check must not silently pass).
 */
export function tierOf(args: ResourceValidationArgs, report: ReportViolation, tiers: TierTable): ResolvedTier | undefined {
    const r = resolveTier(effectiveTags(args.props, args.provider), args.getConfig<TierConfig>(), tiers);
    if (r.name === undefined) {
        report(`Cannot determine the tier: ${r.problem}.`);
        return undefined;
    }
    return r;
}

/**
 * Tier of a whole stack: the `Tier` tags of its AWS resources when they agree, else the config.
 * Reports a violation and returns undefined when tags disagree or nothing says.
 */
export function stackTierOf(args: StackValidationArgs, report: ReportViolation, tiers: TierTable): ResolvedTier | undefined {
    const seen = new Set<string>();
    for (const r of args.resources) {
        if (!isAwsType(r.type)) {
            continue;
        }
        const tag = effectiveTags(r.props, r.provider)["Tier"];
        if (tag !== undefined) {
            seen.add(tag);
        }
    }
    if (seen.size > 1) {
        report(`Resources carry different Tier tags (${[...seen].sort().join(", ")}); one stack must have one tier.`);
        return undefined;
    }
    const tags: Tags = seen.size === 1 ? { Tier: [...seen][0] } : {};
    const r = resolveTier(tags, args.getConfig<TierConfig>(), tiers);
    if (r.name === undefined) {
        report(`Cannot determine the stack's tier: ${r.problem.replace("the resource", "any resource")}.`);
        return undefined;
    }
    return r;
}
