// GENERATED from cost/pricers/ssm.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Systems Manager Parameter Store: advanced parameters only (standard ones are free).

import { part, Pricer, Unpriceable } from "./kit";

export const priceSsmParameter: Pricer = (r, ctx) => {
    if (r.inputs.tier !== "Advanced" && r.inputs.tier !== "Intelligent-Tiering") return { free: "standard SSM parameters have no charge" };
    if (r.inputs.tier === "Intelligent-Tiering") throw new Unpriceable("Intelligent-Tiering parameters may be standard or advanced; not known offline");
    return {
        parts: [part(ctx, { label: "advanced parameter", rateKey: "ssm.parameter.advanced.month", quantity: 1, quantityText: "1 parameter" })],
        inputs: { tier: "Advanced" },
    };
};
