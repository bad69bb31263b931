// `platform:observability`: the alarm topic's subscriber, the dashboard and the alarm thresholds.
import { flag, group, matches, number, optional, satisfies, text } from "./dsl";
import { onFargate } from "./common";

const threshold = (doc: string, value: number) =>
    number({ doc, default: value, check: satisfies((v: number) => typeof v === "number" && v >= 0, "must be a number >= 0") });

export const observability = group("Alarms and the dashboard.", {
    alarmEmail: optional(
        text({
            doc: "Email subscribed to the alarm topic; no subscription when unset.",
            example: "oncall@example.com",
            check: matches(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "is not an email address"),
        }),
    ),
    // The dashboard's widgets are the ALB's, the services' and the data stores' metrics.
    dashboard: flag({ doc: "A CloudWatch dashboard of the stack.", default: onFargate }),
    thresholds: group("Alarm thresholds.", {
        alb5xxPercent: threshold("ALB 5xx responses, % of requests.", 1),
        edge5xxPercent: threshold("CloudFront 5xx responses, % of viewer requests (the edge's 5xxErrorRate).", 1),
        p95LatencyMs: threshold("ALB p95 target response time, ms.", 300),
        serviceCpuPercent: threshold("A service's average CPU, %.", 85),
        serviceMemoryPercent: threshold("A service's average memory, %.", 85),
        rdsCpuPercent: threshold("RDS CPU, %.", 80),
        rdsFreeStorageGb: threshold("RDS free storage, GB (alarm below).", 20),
        rdsConnections: threshold("RDS connections.", 180),
        cacheCpuPercent: threshold("Cache engine CPU, %.", 75),
        cacheMemoryPercent: threshold("Cache memory used, %.", 80),
        cacheEvictions: threshold("Cache evictions per 5 minutes.", 100),
        cacheHitRatePercent: threshold("Cache hit rate, % (alarm below).", 80),
    }),
});
