// GENERATED from cost/pricers/dns.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Route 53 hosted zones, and Cloud Map: DNS namespaces (a hosted zone each) and registered instances.

import { qty } from "../format";
import { part, Pricer } from "./kit";

export const priceHostedZone: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "Route 53 hosted zone", rateKey: "route53.hostedZone.month", quantity: 1, quantityText: "1 zone" })],
    inputs: {},
});

export const priceCloudMapService: Pricer = (_r, ctx) => ({
    parts: [
        part(ctx, {
            label: "registered instances",
            rateKey: "cloudmap.instance.month",
            quantity: ctx.a.cloudMapInstancesPerService,
            quantityText: `${qty(ctx.a.cloudMapInstancesPerService)} instance(s)`,
            assumption: `cloudMapInstancesPerService = ${ctx.a.cloudMapInstancesPerService}`,
        }),
    ],
    inputs: {},
});
