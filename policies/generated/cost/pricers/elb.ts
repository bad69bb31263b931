// GENERATED from cost/pricers/elb.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Elastic Load Balancing: ALB and NLB hours, capacity units, the public IPv4 of internet-facing ones.

import { qty } from "../format";
import { part, Pricer, Unpriceable } from "./kit";

export const priceLoadBalancer: Pricer = (r, ctx) => {
    const lbType = r.inputs.loadBalancerType ?? "application";
    if (lbType !== "application" && lbType !== "network") throw new Unpriceable(`loadBalancerType "${lbType}" is not in the catalogue`);
    const isAlb = lbType === "application";
    const units = isAlb ? ctx.a.albLcuPerLoadBalancer : ctx.a.nlbNlcuPerLoadBalancer;
    const parts = [
        part(ctx, { label: `${isAlb ? "ALB" : "NLB"} hours`, rateKey: `elb.${lbType}.hour`, quantity: ctx.hours, quantityText: `${ctx.hours} h` }),
        part(ctx, {
            label: isAlb ? "LCU hours" : "NLCU hours",
            rateKey: isAlb ? "elb.application.lcuHour" : "elb.network.nlcuHour",
            quantity: units * ctx.hours,
            quantityText: `${qty(units)} x ${ctx.hours} h`,
            assumption: isAlb ? `albLcuPerLoadBalancer = ${units}` : `nlbNlcuPerLoadBalancer = ${units}`,
        }),
    ];
    const internal = r.inputs.internal === true;
    let azs = 0;
    if (!internal) {
        // Internet-facing load balancers hold one public IPv4 address per AZ, billed since 2024-02-01.
        const subnets = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : Array.isArray(r.inputs.subnetMappings) ? r.inputs.subnetMappings.length : 0;
        azs = subnets > 0 ? subnets : ctx.a.loadBalancerAzsWhenUnknown;
        parts.push(
            part(ctx, {
                label: "public IPv4 addresses",
                rateKey: "vpc.publicIpv4.hour",
                quantity: azs * ctx.hours,
                quantityText: `${azs} AZ x ${ctx.hours} h`,
                assumption: subnets > 0 ? undefined : `loadBalancerAzsWhenUnknown = ${azs}`,
            }),
        );
    }
    return { parts, inputs: { loadBalancerType: lbType, hours: ctx.hours, capacityUnits: units, internal, publicIpv4: azs } };
};
