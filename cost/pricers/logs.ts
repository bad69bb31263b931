// CloudWatch Logs: ingestion (the stack's assumed GB split over its log groups) and storage kept
// for each group's retention.

import { qty } from "../format";
import { num, part, Pricer } from "./kit";

export const priceLogGroup: Pricer = (r, ctx) => {
    const override = ctx.a.logIngestGbByGroup[r.name];
    const withoutOverride = ctx.logGroups.filter((g) => ctx.a.logIngestGbByGroup[g.name] === undefined).length;
    const overridden = Object.entries(ctx.a.logIngestGbByGroup)
        .filter(([n]) => ctx.logGroups.some((g) => g.name === n))
        .reduce((s, [, v]) => s + v, 0);
    const ingest = override ?? (withoutOverride > 0 ? Math.max(0, ctx.a.logIngestGbPerMonth - overridden) / withoutOverride : 0);
    const ingestText =
        override !== undefined
            ? `logIngestGbByGroup["${r.name}"] = ${override} GB`
            : `logIngestGbPerMonth = ${ctx.a.logIngestGbPerMonth} GB (stack)${overridden > 0 ? ` - ${qty(overridden)} GB set per group` : ""} / ${withoutOverride} log group(s)`;
    const retentionDays = num(r.inputs.retentionInDays) ?? 0;
    const months = retentionDays > 0 ? retentionDays / 30 : ctx.a.logRetentionMonthsWhenUnlimited;
    const ia = r.inputs.logGroupClass === "INFREQUENT_ACCESS";
    return {
        parts: [
            part(ctx, {
                label: "ingestion",
                rateKey: ia ? "logs.ingest.infrequentAccess.gb" : "logs.ingest.standard.gb",
                quantity: ingest,
                quantityText: `${qty(ingest)} GB`,
                assumption: ingestText,
                freeTierPool: "logs.gb",
            }),
            part(ctx, {
                label: "storage (steady state)",
                rateKey: "logs.storage.gbMonth",
                quantity: ingest * months,
                quantityText: `${qty(ingest)} GB x ${qty(months)} month(s) kept`,
                assumption:
                    retentionDays > 0
                        ? `retention ${retentionDays} days`
                        : `no retention: logRetentionMonthsWhenUnlimited = ${ctx.a.logRetentionMonthsWhenUnlimited}`,
                freeTierPool: "logs.gb",
            }),
        ],
        inputs: { ingestGb: ingest, retentionDays, logGroupClass: ia ? "INFREQUENT_ACCESS" : "STANDARD" },
    };
};
