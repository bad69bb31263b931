// CloudWatch: alarms (per metric they read), composite alarms, dashboards.

import { num, part, Pricer } from "./kit";

export const priceMetricAlarm: Pricer = (r, ctx) => {
    const queries: any[] = Array.isArray(r.inputs.metricQueries) ? r.inputs.metricQueries : [];
    const metrics = queries.length > 0 ? Math.max(1, queries.filter((q) => q.metric !== undefined).length) : 1;
    const periods = [num(r.inputs.period), ...queries.map((q) => num(q.metric?.period))].filter((p): p is number => p !== undefined);
    const highRes = periods.some((p) => p < 60);
    return {
        parts: [
            part(ctx, {
                label: highRes ? "high-resolution alarm metrics" : "standard alarm metrics",
                rateKey: highRes ? "cloudwatch.alarm.highResolution.month" : "cloudwatch.alarm.standard.month",
                quantity: metrics,
                quantityText: `${metrics} metric(s)`,
                freeTierPool: highRes ? undefined : "cloudwatch.alarms",
            }),
        ],
        inputs: { metrics, highResolution: highRes },
    };
};

export const priceCompositeAlarm: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "composite alarm", rateKey: "cloudwatch.compositeAlarm.month", quantity: 1, quantityText: "1 alarm" })],
    inputs: {},
});

export const priceDashboard: Pricer = (_r, ctx) => ({
    parts: [
        part(ctx, {
            label: "dashboard",
            rateKey: "cloudwatch.dashboard.month",
            quantity: 1,
            quantityText: "1 dashboard",
            freeTierPool: "cloudwatch.dashboards",
        }),
    ],
    inputs: {},
});
