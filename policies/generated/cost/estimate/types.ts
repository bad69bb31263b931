// GENERATED from cost/estimate/types.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// What `estimate()` returns: priced lines with their formulas, free and unpriced resources.

import type { CostAssumptions } from "../assumptions";
import type { Catalogue } from "../catalogue";

export interface EstimateOptions {
    /** Overrides of `DEFAULT_ASSUMPTIONS` (see `assumptionsFor`, cost/assumptions.ts). */
    assumptions?: Partial<CostAssumptions>;
    /** Apply the catalogue's free-tier allowances to `totalInsideFreeTier` (default false: an account without free tier). */
    freeTier?: boolean;
    /** Price catalogue; defaults to cost/price-catalogue.json. */
    catalogue?: Catalogue;
}

/** One priced quantity of a resource. */
export interface CostPart {
    /** What is charged, e.g. "instance hours", "gp3 storage". */
    label: string;
    /** Catalogue key of the rate; absent for a derived adjustment (Spot discount). */
    rateKey?: string;
    /** USD per `unit`. */
    rate: number;
    unit: string;
    quantity: number;
    monthly: number;
    /** Same part with the free-tier allowances applied (equals `monthly` when free tier is off). */
    monthlyInsideFreeTier: number;
    /** e.g. "730 h x 2 (Multi-AZ) x $0.065/hour". */
    formula: string;
    /** Usage assumption behind the quantity, e.g. "natDataGbPerMonth = 100 GB (stack) / 2 NAT gateways". */
    assumption?: string;
    /** Free-tier allowance this part draws on, and how much of it was used. */
    freeTier?: { allowance: string; quantityFree: number };
}

/** Monthly cost of one priced resource. */
export interface CostLine {
    type: string;
    name: string;
    urn: string;
    /** Top-level component the resource belongs to ("stack" when it has none). */
    component: string;
    monthly: number;
    monthlyInsideFreeTier: number;
    /** Human-readable formula of the whole line. */
    formula: string;
    /** Formula inputs: hours, count, size, Multi-AZ factor, architecture, rate keys... */
    inputs: Record<string, string | number | boolean>;
    rateKeys: string[];
    parts: CostPart[];
}

export interface ResourceNote {
    type: string;
    name: string;
    reason: string;
}

export interface CostEstimate {
    currency: "USD";
    catalogueDate: string;
    region: string;
    hoursPerMonth: number;
    lines: CostLine[];
    /** Monthly total per top-level component (after free tier). */
    byComponent: Record<string, number>;
    /** Monthly total per top-level component with the free-tier allowances applied. */
    byComponentInsideFreeTier: Record<string, number>;
    /** Monthly total of the stack (no free tier). */
    total: number;
    /** Total with the free-tier allowances applied; equals `total` when `freeTier` is off. */
    totalInsideFreeTier: number;
    /** Same as `total`. */
    totalAfterFreeTier: number;
    freeTierApplied: boolean;
    /** Resources the estimator cannot price (unknown type, unknown rate, missing link). Never counted as $0. */
    unpriced: ResourceNote[];
    /** Resources that cost nothing by themselves, with the reason. */
    free: ResourceNote[];
    assumptions: CostAssumptions;
}
