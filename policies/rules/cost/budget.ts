// `monthly-budget`: the stack's estimated monthly cost stays within its tier's budget trait. The
// estimator is injected: the pack passes its generated copy of cost/estimate (policies/pack.ts),
// the offline evaluator the live one, tests a fake.

import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type { CapturedResource } from "../../generated/harness/types";
import { materialize } from "../common";
import { PACK_TIERS, perTierProperties, schemaWithTier, stackTierOf, TierConfig, TierTable, TierTraits } from "../tiers";

/** What the budget policy needs from cost/estimate's CostEstimate. */
export interface BudgetEstimate {
    total: number;
    totalInsideFreeTier: number;
    totalAfterFreeTier: number;
    unpriced?: readonly unknown[];
}

/**
 * cost/estimate's `estimate` as far as the budget policy uses it: whether to price inside the free
 * tier, and the tier (name and traits) so an adapter can pick the tier's usage assumptions.
 */
export type Estimator = (resources: CapturedResource[], options: { freeTier: boolean; tier: string; traits: TierTraits }) => BudgetEstimate;

export interface BudgetConfig extends TierConfig {
    /** Monthly budget in USD per tier, overriding the tier's `budgetUsd` trait. */
    budgets?: Record<string, number>;
}

const KNOWN_PROVIDER_PACKAGES = new Set(["aws", "random", "tls", "command", "awsx", "docker", "docker-build"]);

/** A stack policy's resource as the estimator's CapturedResource (unknown preview values dropped). */
export function toCapturedResource(r: PolicyResource): CapturedResource {
    const pkg = r.type.split(":")[0];
    return {
        type: r.type,
        name: r.name,
        inputs: materialize(r.props) ?? {},
        secretInputs: [],
        parent: r.parent?.urn ?? r.opts?.parent,
        urn: r.urn,
        custom: r.provider !== undefined || KNOWN_PROVIDER_PACKAGES.has(pkg),
        protect: r.opts?.protect ?? false,
        retainOnDelete: false,
    };
}

const money = (n: number) => `$${n.toFixed(2)}`;

/**
 * `monthly-budget` (stack, mandatory): the estimated monthly cost of the whole stack is at most the
 * tier's budget (`budgetUsd`, or the pack config's `budgets.<tier>`). A tier priced inside the free
 * tier (`freeTierPricing`) compares the estimate with the free-tier allowances applied; the others
 * the estimate without them (the larger of `total` and `totalAfterFreeTier`).
 */
export function monthlyBudget(estimator: Estimator, tiers: TierTable = PACK_TIERS): StackValidationPolicy {
    return {
        name: "monthly-budget",
        description: "The stack's estimated monthly cost stays within its tier's budget (inside the free tier for tiers priced so).",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier(tiers, {
            budgets: {
                type: "object",
                description: "Monthly budget in USD per tier (default: the tier table's budgetUsd).",
                properties: perTierProperties(tiers, { type: "number", minimum: 0 }),
            },
        }),
        validateStack: (args, report) => {
            const tier = stackTierOf(args, report, tiers);
            if (tier === undefined) {
                return;
            }
            const budget = args.getConfig<BudgetConfig>().budgets?.[tier.name] ?? tier.traits.budgetUsd;
            const resources = args.resources.map(toCapturedResource);
            const freeTier = tier.traits.freeTierPricing;
            const e = estimator(resources, { freeTier, tier: tier.name, traits: tier.traits });
            const cost = freeTier ? e.totalInsideFreeTier : Math.max(e.total, e.totalAfterFreeTier);
            const basis = freeTier ? "inside the free tier" : "without free-tier allowances";
            if (cost > budget + 0.005) {
                const unpriced = e.unpriced?.length ? ` ${e.unpriced.length} resource(s) could not be priced.` : "";
                report(
                    `Estimated monthly cost ${money(cost)} (${basis}) exceeds the ${tier.name} budget of ${money(budget)} ` +
                        `(pack config monthly-budget.budgets.${tier.name}).${unpriced}`,
                );
            }
        },
    };
}
