// GENERATED from cost/estimate/free-tier.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// The free tier: the catalogue's monthly allowances, spent across the stack's priced parts.

import { Catalogue, freeTierAllowance } from "../catalogue";
import { qty, usd } from "../format";
import type { CostLine } from "./types";

/** Spends the allowances in resource order (the first eligible resources use them up). */
export function applyFreeTier(lines: CostLine[], cat: Catalogue): void {
    const remaining = new Map<string, number>();
    for (const line of lines) {
        for (const p of line.parts) {
            if (!p.freeTier || p.rate <= 0) continue;
            const pool = p.freeTier.allowance;
            const left = remaining.get(pool) ?? freeTierAllowance(pool, cat).quantity;
            const used = Math.min(left, p.quantity);
            remaining.set(pool, left - used);
            p.freeTier.quantityFree = used;
            p.monthlyInsideFreeTier = (p.quantity - used) * p.rate;
            p.formula += ` (free tier ${pool}: ${qty(used)} free, ${usd(p.monthlyInsideFreeTier)} inside free tier)`;
        }
        line.monthlyInsideFreeTier = line.parts.reduce((s, p) => s + p.monthlyInsideFreeTier, 0);
    }
}
