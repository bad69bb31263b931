// GENERATED from cost/pricers/secrets.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Secrets Manager: secrets and their API calls.

import { qty } from "../format";
import { part, Pricer } from "./kit";

export const priceSecret: Pricer = (_r, ctx) => {
    const calls = ctx.a.secretsApiCallsPerSecretPerMonth;
    return {
        parts: [
            part(ctx, { label: "secret", rateKey: "secretsmanager.secret.month", quantity: 1, quantityText: "1 secret" }),
            part(ctx, {
                label: "API calls",
                rateKey: "secretsmanager.apiCalls.per10k",
                quantity: calls / 10_000,
                quantityText: `${qty(calls)} / 10,000`,
                assumption: `secretsApiCallsPerSecretPerMonth = ${qty(calls)}`,
            }),
        ],
        inputs: { apiCalls: calls },
    };
};
