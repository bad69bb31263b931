// GENERATED from cost/pricers/kit.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// What every pricer shares: the estimation context, how a priced part is built from a catalogue
// rate, and how inputs are read (numbers, references between resources as the mocks resolve them).

import type { CapturedResource } from "../../harness/types";
import type { CostAssumptions } from "../assumptions";
import { Catalogue, freeTierAllowance, price } from "../catalogue";
import type { CostPart, ResourceNote } from "../estimate/types";
import { usd } from "../format";

/** A resource the estimator cannot price; the driver lists it in `unpriced` with this message. */
export class Unpriceable extends Error {}

/** A finite number from a number or numeric string input, else undefined. */
export function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

/** Estimation context: one per estimate() call. */
export interface Ctx {
    cat: Catalogue;
    hours: number;
    a: CostAssumptions;
    byType: Map<string, CapturedResource[]>;
    notes: ResourceNote[]; // extra unpriced notes from priced resources (PI long-term retention...)
    natGateways: number;
    logGroups: CapturedResource[];
}

interface PartSpec {
    label: string;
    rateKey?: string;
    rate?: number; // for rate-less adjustments
    unit?: string;
    quantity: number;
    /** How the quantity was obtained, e.g. "730 h x 2 tasks". */
    quantityText: string;
    assumption?: string;
    freeTierPool?: string;
}

/** One priced quantity: the catalogue rate (a missing key throws UnknownPriceError), its formula, its free-tier pool. */
export function part(ctx: Ctx, spec: PartSpec): CostPart {
    const rate = spec.rateKey !== undefined ? price(spec.rateKey, ctx.cat) : (spec.rate ?? 0);
    const unit = spec.rateKey !== undefined ? ctx.cat.prices[spec.rateKey].unit : (spec.unit ?? "");
    const monthly = spec.quantity * rate;
    const p: CostPart = {
        label: spec.label,
        rate,
        unit,
        quantity: spec.quantity,
        monthly,
        monthlyInsideFreeTier: monthly,
        formula: `${spec.label}: ${spec.quantityText} x ${usd(rate)}/${unit}${spec.rateKey ? ` [${spec.rateKey}]` : ""} = ${usd(monthly)}`,
    };
    if (spec.rateKey !== undefined) p.rateKey = spec.rateKey;
    if (spec.assumption !== undefined) p.assumption = spec.assumption;
    if (spec.freeTierPool !== undefined) {
        freeTierAllowance(spec.freeTierPool, ctx.cat); // unknown pool name throws
        p.freeTier = { allowance: spec.freeTierPool, quantityFree: 0 };
    }
    return p;
}

/** A priced resource: its parts and the formula inputs shown in the plan. */
export interface Priced {
    parts: CostPart[];
    inputs: Record<string, string | number | boolean>;
}

/** Prices one resource, or says why it is free; throws Unpriceable when it cannot tell. */
export type Pricer = (r: CapturedResource, ctx: Ctx) => Priced | { free: string };

/** Whether an input value (an id, ARN or name as the mocks resolved it) designates resource `target`. */
export function refersTo(value: unknown, target: CapturedResource): boolean {
    if (typeof value !== "string" || value === "") return false;
    if (value === target.urn || value === target.name) return true;
    const physical = [target.inputs.name, target.inputs.family].filter((x): x is string => typeof x === "string" && x !== "");
    if (physical.includes(value)) return true;
    // Mocked ids/ARNs are usually derived from the logical name: "<name>_id", "arn:...:task-definition/<family>:1".
    return [target.name, ...physical].some((n) => new RegExp(`(^|[/:])${escapeRe(n)}([_:-]id|:\\d+|_arn|-arn)?$`).test(value) || value === `${n}_id`);
}

function escapeRe(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
