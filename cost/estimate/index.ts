// Monthly cost estimate of a mocked run (harness capture), priced from cost/price-catalogue.json.
// Pure functions, no Pulumi runtime and no fs: the PolicyPack's `monthly-budget` policy calls
// `estimate()` directly. Every resource ends up in exactly one of three lists: `lines` (priced, with
// the formula; cost/pricers), `free` (no charge, with the reason; ./free.ts) or `unpriced` (we do not
// know: never a silent $0).

import type { CapturedResource } from "../../harness/types";
import { CostAssumptions, DEFAULT_ASSUMPTIONS, validateAssumptions } from "../assumptions";
import { catalogue as shippedCatalogue, catalogueAssumption } from "../catalogue";
import { formatMoney } from "../format";
import { Ctx, Pricer, PRICERS, Unpriceable } from "../pricers";
import { componentOf } from "../../harness/components";
import { freeReason } from "./free";
import { applyFreeTier } from "./free-tier";
import type { CostEstimate, CostLine, EstimateOptions, ResourceNote } from "./types";

// The public API of the estimator, in one import for its callers (plan, policy pack, tests).
export { assumptionsFor, assumptionsForTier, DEFAULT_ASSUMPTIONS } from "../assumptions";
export type { AverageTasks, CostAssumptions } from "../assumptions";
export { formatMoney } from "../format";
export { PRICED_TYPES } from "../pricers";
export { SERVICE_TAG, serviceNameOf } from "../pricers/ecs-tasks";
export { freeReason } from "./free";
export type { CostEstimate, CostLine, CostPart, EstimateOptions, ResourceNote } from "./types";

/** Where a pricing rule for a new resource type goes (named in `unpriced`). */
const PRICERS_HOME = "cost/pricers/index.ts";

/**
 * Monthly cost of a captured stack, priced from the catalogue.
 * Throws only for a broken catalogue or assumptions; a resource it cannot price lands in `unpriced`.
 */
export function estimate(resources: CapturedResource[], options: EstimateOptions = {}): CostEstimate {
    const cat = options.catalogue ?? shippedCatalogue;
    const a: CostAssumptions = {
        ...DEFAULT_ASSUMPTIONS,
        ...(options.catalogue ? { fargateSpotDiscount: catalogueAssumption("fargate.spotDiscount", cat) } : {}),
        ...options.assumptions,
    };
    validateAssumptions(a);
    const byType = new Map<string, CapturedResource[]>();
    for (const r of resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
    const ctx: Ctx = {
        cat,
        hours: cat.hoursPerMonth,
        a,
        byType,
        notes: [],
        natGateways: (byType.get("aws:ec2/natGateway:NatGateway") ?? []).length,
        logGroups: byType.get("aws:cloudwatch/logGroup:LogGroup") ?? [],
    };

    const lines: CostLine[] = [];
    const unpriced: ResourceNote[] = [];
    const free: ResourceNote[] = [];
    for (const r of resources) {
        const pricer = PRICERS[r.type];
        if (!pricer) {
            const reason = freeReason(r);
            if (reason !== undefined) free.push({ type: r.type, name: r.name, reason });
            else unpriced.push({ type: r.type, name: r.name, reason: `no pricing rule for resource type ${r.type} in ${PRICERS_HOME}` });
            continue;
        }
        let result: ReturnType<Pricer>;
        try {
            result = pricer(r, ctx);
        } catch (e) {
            if (e instanceof Unpriceable || (e instanceof Error && e.name === "UnknownPriceError")) {
                unpriced.push({ type: r.type, name: r.name, reason: e.message });
                continue;
            }
            throw e;
        }
        if ("free" in result) {
            free.push({ type: r.type, name: r.name, reason: result.free });
            continue;
        }
        const parts = result.parts;
        const monthly = parts.reduce((s, p) => s + p.monthly, 0);
        lines.push({
            type: r.type,
            name: r.name,
            urn: r.urn,
            component: componentOf(r, byUrn),
            monthly,
            monthlyInsideFreeTier: monthly,
            formula: `${parts.map((p) => p.formula).join(" + ")} => ${formatMoney(monthly)}/month`,
            inputs: { ...result.inputs, rateKeys: parts.flatMap((p) => (p.rateKey ? [p.rateKey] : [])).join(",") },
            rateKeys: parts.flatMap((p) => (p.rateKey ? [p.rateKey] : [])),
            parts,
        });
    }
    unpriced.push(...ctx.notes);

    const freeTierApplied = options.freeTier === true;
    if (freeTierApplied) applyFreeTier(lines, cat);

    const byComponent: Record<string, number> = {};
    const byComponentInsideFreeTier: Record<string, number> = {};
    for (const l of lines) {
        byComponent[l.component] = (byComponent[l.component] ?? 0) + l.monthly;
        byComponentInsideFreeTier[l.component] = (byComponentInsideFreeTier[l.component] ?? 0) + l.monthlyInsideFreeTier;
    }
    const total = lines.reduce((s, l) => s + l.monthly, 0);
    const totalInsideFreeTier = lines.reduce((s, l) => s + l.monthlyInsideFreeTier, 0);
    return {
        currency: "USD",
        catalogueDate: cat.retrievedAt,
        region: cat.region,
        hoursPerMonth: cat.hoursPerMonth,
        lines,
        byComponent,
        byComponentInsideFreeTier,
        total,
        totalInsideFreeTier,
        totalAfterFreeTier: total,
        freeTierApplied,
        unpriced,
        free,
        assumptions: a,
    };
}
