// GENERATED from cost/pricers/vpc.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// VPC: public IPv4 addresses (Elastic IPs), NAT gateways, interface endpoints.

import { qty } from "../format";
import { part, Pricer, Unpriceable } from "./kit";

export const priceEip: Pricer = (r, ctx) => {
    // The EC2 free tier covers public IPv4 on instances, not on NAT gateways or load balancers.
    const onInstance = typeof r.inputs.instance === "string" && r.inputs.instance !== "";
    return {
        parts: [
            part(ctx, {
                label: "public IPv4 address",
                rateKey: "vpc.publicIpv4.hour",
                quantity: ctx.hours,
                quantityText: `${ctx.hours} h`,
                freeTierPool: onInstance ? "vpc.publicIpv4Hours" : undefined,
            }),
        ],
        inputs: { hours: ctx.hours, attachedToInstance: onInstance },
    };
};

export const priceNatGateway: Pricer = (r, ctx) => {
    const gb = ctx.natGateways > 0 ? ctx.a.natDataGbPerMonth / ctx.natGateways : 0;
    return {
        parts: [
            part(ctx, { label: "NAT gateway hours", rateKey: "vpc.natGateway.hour", quantity: ctx.hours, quantityText: `${ctx.hours} h` }),
            part(ctx, {
                label: "NAT data processed",
                rateKey: "vpc.natGateway.gb",
                quantity: gb,
                quantityText: `${qty(gb)} GB`,
                assumption: `natDataGbPerMonth = ${ctx.a.natDataGbPerMonth} GB (stack) / ${ctx.natGateways} NAT gateway(s)`,
            }),
        ],
        inputs: { hours: ctx.hours, dataGb: gb, connectivityType: r.inputs.connectivityType ?? "public" },
    };
};

export const priceVpcEndpoint: Pricer = (r, ctx) => {
    const kind = r.inputs.vpcEndpointType ?? "Gateway"; // the provider's default
    if (kind === "Gateway") return { free: "gateway endpoints (S3, DynamoDB) have no charge" };
    if (kind !== "Interface") throw new Unpriceable(`vpcEndpointType "${kind}" is not in the catalogue`);
    const subnets = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : 0;
    const azs = subnets > 0 ? subnets : ctx.a.vpcEndpointAzsWhenUnknown;
    return {
        parts: [
            part(ctx, {
                label: "interface endpoint hours",
                rateKey: "vpc.endpoint.interface.hourPerAz",
                quantity: azs * ctx.hours,
                quantityText: `${azs} AZ x ${ctx.hours} h`,
                assumption: subnets > 0 ? undefined : `vpcEndpointAzsWhenUnknown = ${azs}`,
            }),
            part(ctx, {
                label: "data processed",
                rateKey: "vpc.endpoint.interface.gb",
                quantity: ctx.a.vpcEndpointDataGbPerMonth,
                quantityText: `${qty(ctx.a.vpcEndpointDataGbPerMonth)} GB`,
                assumption: `vpcEndpointDataGbPerMonth = ${ctx.a.vpcEndpointDataGbPerMonth}`,
            }),
        ],
        inputs: { vpcEndpointType: kind, azs, hours: ctx.hours },
    };
};
