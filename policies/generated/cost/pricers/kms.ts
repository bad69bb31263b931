// GENERATED from cost/pricers/kms.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// KMS: customer managed keys (and their multi-Region replicas), one monthly fee each.

import { part, Pricer } from "./kit";

export const priceKmsKey: Pricer = (r, ctx) => ({
    parts: [part(ctx, { label: "customer managed key", rateKey: "kms.key.month", quantity: 1, quantityText: "1 key" })],
    inputs: { enableKeyRotation: r.inputs.enableKeyRotation === true },
});
