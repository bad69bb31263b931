// CloudWatch: log group retention values and metric-math alarm sizes.
import { LOG_RETENTION_DAYS, parseArn } from "../../config/aws-limits";
import { Finding, ResourceRule, T } from "./rule";

export const logRetentionDaysRule: ResourceRule = {
    id: "log-retention-days",
    scope: "resource",
    types: [T.logGroup],
    message: "CloudWatch Logs accepts only fixed retention values",
    source: "CloudWatch Logs API PutRetentionPolicy retentionInDays; AWS-FACTS.md (pre-deploy review)",
    check(r) {
        const days = r.inputs.retentionInDays;
        return days === undefined || days === 0 || LOG_RETENTION_DAYS.includes(days)
            ? []
            : [{ input: "retentionInDays", value: days, allowed: `one of ${LOG_RETENTION_DAYS.join(", ")} (0 or absent: never expire)` }];
    },
};

export const alarmMetricMathSizeRule: ResourceRule = {
    id: "alarm-metric-math-size",
    scope: "resource",
    types: [T.alarm],
    message: "a metric-math alarm exceeds CloudWatch's hard limits",
    source: 'CloudWatch "Limits that apply to alarms based on metric math expressions" (alarm-limits: at most 10 metrics, hard limit); PutMetricAlarm Metrics (at most 20 MetricDataQuery, 10 with MetricStat, 10 expressions)',
    check(r) {
        const queries: any[] = r.inputs.metricQueries ?? [];
        const metrics = queries.filter((q) => q?.metric !== undefined).length;
        const expressions = queries.filter((q) => q?.expression !== undefined).length;
        const findings: Finding[] = [];
        if (metrics > 10)
            findings.push({
                input: "metricQueries (with metric)",
                value: metrics,
                allowed: "at most 10 metrics per alarm (use a Metrics Insights query or several alarms)",
            });
        if (expressions > 10) findings.push({ input: "metricQueries (with expression)", value: expressions, allowed: "at most 10 expressions" });
        if (queries.length > 20) findings.push({ input: "metricQueries", value: queries.length, allowed: "at most 20 entries" });
        return findings;
    },
};

export const alarmActionRegionRule: ResourceRule = {
    id: "alarm-action-region",
    scope: "resource",
    types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    message: "an alarm that notifies another region, or watches CloudFront outside us-east-1",
    source: 'CloudWatch API PutMetricAlarm AlarmActions (an SNS topic of the alarm\'s Region; unconfirmed in this session); CloudFront Developer Guide "Monitoring CloudFront metrics with Amazon CloudWatch" (metrics in us-east-1 only)',
    check(r) {
        const findings: Finding[] = [];
        for (const key of ["alarmActions", "okActions", "insufficientDataActions"]) {
            (r.inputs[key] ?? []).forEach((action: unknown, i: number) => {
                const arn = typeof action === "string" ? parseArn(action) : undefined;
                if (arn?.service === "sns" && arn.region !== r.region)
                    findings.push({ input: `${key}[${i}]`, value: action, allowed: `an SNS topic in ${r.region}` });
            });
        }
        if (r.inputs.namespace === "AWS/CloudFront" && r.region !== "us-east-1")
            findings.push({ input: "namespace", value: `AWS/CloudFront in ${r.region}`, allowed: "CloudFront alarms in us-east-1" });
        return findings;
    },
};
