// Lambda: compute (GB-seconds) and requests, at the assumed invocations and duration.

import { qty } from "../format";
import { num, part, Pricer } from "./kit";

export const priceLambda: Pricer = (r, ctx) => {
    const arch = Array.isArray(r.inputs.architectures) && r.inputs.architectures[0] === "arm64" ? "arm64" : "x86_64";
    const memMb = num(r.inputs.memorySize) ?? 128;
    const inv = ctx.a.lambdaInvocationsPerFunctionPerMonth;
    const gbs = (inv * ctx.a.lambdaAvgDurationMs * memMb) / 1000 / 1024;
    const assumption = `lambdaInvocationsPerFunctionPerMonth = ${qty(inv)}, lambdaAvgDurationMs = ${ctx.a.lambdaAvgDurationMs}`;
    return {
        parts: [
            part(ctx, {
                label: `${arch} compute`,
                rateKey: `lambda.${arch}.gbSecond`,
                quantity: gbs,
                quantityText: `${qty(inv)} x ${ctx.a.lambdaAvgDurationMs} ms x ${memMb} MB = ${qty(gbs)} GB-s`,
                assumption,
                freeTierPool: "lambda.gbSeconds",
            }),
            part(ctx, {
                label: `${arch} requests`,
                rateKey: `lambda.${arch}.requestsPerMillion`,
                quantity: inv / 1e6,
                quantityText: `${qty(inv)} / 1M`,
                assumption,
                freeTierPool: "lambda.requests",
            }),
        ],
        inputs: { architecture: arch, memoryMb: memMb, invocations: inv, gbSeconds: gbs },
    };
};
