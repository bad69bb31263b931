// Alarms and a dashboard on whatever the tier runs (seeds 000 and 003): ALB 5xx rate and p95 latency,
// ECS service CPU/memory, RDS CPU/free storage/connections, ElastiCache CPU/memory/evictions/hit rate,
// and for the zero-cost host only its EC2 status check. Alarms notify one SNS topic.
//
// Cost: $0.10 per standard alarm-month after the free 10; a dashboard is $3/month after the free 3;
// SNS email is free for the first 1,000 notifications. Zero-cost keeps one alarm and no dashboard.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ObservabilitySettings } from "../config/types";
import { rotationEventPattern } from "../lambda/redeploy/package";
import { EVENT_RULE_NAME_MAX, physicalName } from "./naming";

export interface ObservabilityArgs {
    settings: ObservabilitySettings;
    namePrefix: string;
    region: string;
    loadBalancer?: { arnSuffix: pulumi.Input<string> };
    services?: { clusterName: pulumi.Input<string>; names: Record<string, pulumi.Input<string>> };
    database?: { instanceId: pulumi.Input<string>; maxConnections: number };
    /** Node ids (static: cache-layout cacheNodeIds) and those that serve reads. */
    cache?: { nodeIds: string[]; readerNodeIds: string[] };
    host?: { instanceId: pulumi.Input<string> };
    /** The edge's distribution and web ACL (their metrics are in us-east-1, on the dashboard only; alarms: edge-alarms.ts). */
    edge?: { distributionId: pulumi.Input<string>; webAclName?: pulumi.Input<string> };
    /** Secrets whose failed rotation notifies the alarm topic. */
    rotatingSecretArns?: pulumi.Input<string>[];
}

/** CloudWatch: at most 10 metrics in one alarm's metric math (CloudWatch quotas). */
export const ALARM_METRICS_MAX = 10;

/** One alarm, described as data so the list is readable and testable. */
interface AlarmSpec {
    key: string;
    description: string;
    comparison: "GreaterThanThreshold" | "LessThanThreshold";
    threshold: number;
    evaluationPeriods: number;
    /** A single metric ... */
    metric?: {
        namespace: string;
        name: string;
        dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
        statistic?: string;
        extendedStatistic?: string;
        period: number;
    };
    /** ... or metric math over several. */
    metricQueries?: pulumi.Input<aws.types.input.cloudwatch.MetricAlarmMetricQuery[]>;
}

/** Up to 10 metrics combined with an expression: CloudWatch alarms allow no more per query. */
function math(
    id: string,
    expression: string,
    label: string,
    metrics: { id: string; namespace: string; name: string; dimensions: Record<string, pulumi.Input<string>>; stat: string }[],
    period = 60,
): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
    return [
        { id, expression, label, returnData: true },
        ...metrics.map((m) => ({
            id: m.id,
            returnData: false,
            metric: { namespace: m.namespace, metricName: m.name, dimensions: m.dimensions, stat: m.stat, period },
        })),
    ];
}

/** `items` in consecutive chunks of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
    return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

/** `key` for the first chunk (so growing the cache never renames it), `key-2`, `key-3`... after. */
const chunkKey = (key: string, i: number) => (i === 0 ? key : `${key}-${i + 1}`);

/** One metric per node (at most 10 per alarm): the busiest/fullest node of that chunk. */
function acrossNodes(
    nodes: string[],
    metricName: string,
    stat: string,
    expression: (ids: string[]) => string,
    label: string,
): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
    const metrics = nodes.map((node, i) => ({ id: `n${i}`, namespace: "AWS/ElastiCache", name: metricName, dimensions: { CacheClusterId: node }, stat }));
    return math("result", expression(metrics.map((m) => m.id)), label, metrics, 300);
}

/**
 * Hits over lookups, summed over the nodes that serve reads (two metrics per node, so 5 nodes per
 * alarm). Replicas of a cluster-mode group serve none (clients do not send READONLY), so a per-node
 * minimum would alarm forever on idle replicas.
 */
function hitRate(readers: string[]): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
    const metric = (name: string, prefix: string) =>
        readers.map((node, i) => ({ id: `${prefix}${i}`, namespace: "AWS/ElastiCache", name, dimensions: { CacheClusterId: node }, stat: "Sum" }));
    const hits = metric("CacheHits", "h");
    const misses = metric("CacheMisses", "m");
    const sum = (ms: { id: string }[]) => ms.map((m) => `FILL(${m.id}, 0)`).join(" + ");
    return math(
        "rate",
        `IF((${sum(hits)}) + (${sum(misses)}) > 0, 100 * (${sum(hits)}) / ((${sum(hits)}) + (${sum(misses)})), 100)`,
        "hit rate %",
        [...hits, ...misses],
        300,
    );
}

export function alarmSpecs(args: ObservabilityArgs): AlarmSpec[] {
    const t = args.settings.thresholds;
    const specs: AlarmSpec[] = [];
    if (args.loadBalancer) {
        const lb = { LoadBalancer: args.loadBalancer.arnSuffix };
        specs.push(
            {
                key: "alb-5xx-rate",
                description: `More than ${t.alb5xxPercent}% of requests answered with a 5xx (load balancer or targets)`,
                comparison: "GreaterThanThreshold",
                threshold: t.alb5xxPercent,
                evaluationPeriods: 5,
                // 5xx counts are only published in minutes that have some: FILL keeps a gap from hiding the other.
                metricQueries: math("rate", "IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)", "5xx %", [
                    { id: "elb5xx", namespace: "AWS/ApplicationELB", name: "HTTPCode_ELB_5XX_Count", dimensions: lb, stat: "Sum" },
                    { id: "target5xx", namespace: "AWS/ApplicationELB", name: "HTTPCode_Target_5XX_Count", dimensions: lb, stat: "Sum" },
                    { id: "requests", namespace: "AWS/ApplicationELB", name: "RequestCount", dimensions: lb, stat: "Sum" },
                ]),
            },
            {
                key: "alb-latency-p95",
                description: `Target response time p95 above ${t.p95LatencyMs} ms`,
                comparison: "GreaterThanThreshold",
                threshold: t.p95LatencyMs / 1000, // the metric is in seconds
                evaluationPeriods: 5,
                metric: { namespace: "AWS/ApplicationELB", name: "TargetResponseTime", dimensions: lb, extendedStatistic: "p95", period: 60 },
            },
        );
    }
    if (args.services) {
        for (const [service, ecsName] of Object.entries(args.services.names)) {
            const dimensions = { ClusterName: args.services.clusterName, ServiceName: ecsName };
            specs.push(
                {
                    key: `${service}-cpu`,
                    description: `Service ${service}: average CPU above ${t.serviceCpuPercent}% (scaling should have caught it)`,
                    comparison: "GreaterThanThreshold",
                    threshold: t.serviceCpuPercent,
                    evaluationPeriods: 5,
                    metric: { namespace: "AWS/ECS", name: "CPUUtilization", dimensions, statistic: "Average", period: 60 },
                },
                {
                    key: `${service}-memory`,
                    description: `Service ${service}: average memory above ${t.serviceMemoryPercent}%`,
                    comparison: "GreaterThanThreshold",
                    threshold: t.serviceMemoryPercent,
                    evaluationPeriods: 5,
                    metric: { namespace: "AWS/ECS", name: "MemoryUtilization", dimensions, statistic: "Average", period: 60 },
                },
            );
        }
    }
    if (args.database) {
        const dimensions = { DBInstanceIdentifier: args.database.instanceId };
        specs.push(
            {
                key: "rds-cpu",
                description: `Database CPU above ${t.rdsCpuPercent}%`,
                comparison: "GreaterThanThreshold",
                threshold: t.rdsCpuPercent,
                evaluationPeriods: 5,
                metric: { namespace: "AWS/RDS", name: "CPUUtilization", dimensions, statistic: "Average", period: 60 },
            },
            {
                key: "rds-free-storage",
                description: `Database free storage below ${t.rdsFreeStorageGb} GB`,
                comparison: "LessThanThreshold",
                threshold: t.rdsFreeStorageGb * 1024 ** 3, // the metric is in bytes
                evaluationPeriods: 1,
                metric: { namespace: "AWS/RDS", name: "FreeStorageSpace", dimensions, statistic: "Minimum", period: 300 },
            },
            {
                key: "rds-connections",
                description: `Database connections above ${t.rdsConnections} (max_connections ${args.database.maxConnections})`,
                comparison: "GreaterThanThreshold",
                threshold: t.rdsConnections,
                evaluationPeriods: 3,
                metric: { namespace: "AWS/RDS", name: "DatabaseConnections", dimensions, statistic: "Maximum", period: 60 },
            },
        );
    }
    if (args.cache) {
        // Every node is watched whatever the count: one alarm per chunk of 10 nodes (5 for the hit
        // rate, which reads two metrics per node).
        const max = (ids: string[]) => `MAX([${ids.join(", ")}])`;
        const nodeChunks = chunks(args.cache.nodeIds, ALARM_METRICS_MAX);
        const of = (i: number, list: string[][]) => (list.length === 1 ? "" : ` (nodes ${list[i][0]}..${list[i][list[i].length - 1]})`);
        nodeChunks.forEach((nodes, i) =>
            specs.push(
                {
                    key: chunkKey("cache-cpu", i),
                    description: `Cache engine CPU above ${t.cacheCpuPercent}% on a node${of(i, nodeChunks)}`,
                    comparison: "GreaterThanThreshold",
                    threshold: t.cacheCpuPercent,
                    evaluationPeriods: 3,
                    metricQueries: acrossNodes(nodes, "EngineCPUUtilization", "Average", max, "engine CPU % (busiest node)"),
                },
                {
                    key: chunkKey("cache-memory", i),
                    description: `Cache memory above ${t.cacheMemoryPercent}% on a node${of(i, nodeChunks)}`,
                    comparison: "GreaterThanThreshold",
                    threshold: t.cacheMemoryPercent,
                    evaluationPeriods: 3,
                    metricQueries: acrossNodes(nodes, "DatabaseMemoryUsagePercentage", "Average", max, "memory % (fullest node)"),
                },
                {
                    key: chunkKey("cache-evictions", i),
                    description: `More than ${t.cacheEvictions} cache evictions in 5 minutes${of(i, nodeChunks)}`,
                    comparison: "GreaterThanThreshold",
                    threshold: t.cacheEvictions,
                    evaluationPeriods: 1,
                    metricQueries: acrossNodes(nodes, "Evictions", "Sum", (ids) => `SUM([${ids.join(", ")}])`, "evictions"),
                },
            ),
        );
        const readerChunks = chunks(args.cache.readerNodeIds, ALARM_METRICS_MAX / 2);
        readerChunks.forEach((readers, i) =>
            specs.push({
                key: chunkKey("cache-hit-rate", i),
                description: `Cache hit rate below ${t.cacheHitRatePercent}%${of(i, readerChunks)}`,
                comparison: "LessThanThreshold",
                threshold: t.cacheHitRatePercent,
                evaluationPeriods: 3,
                metricQueries: hitRate(readers),
            }),
        );
    }
    if (args.host) {
        specs.push({
            key: "host-status-check",
            description: "The zero-cost host failed an EC2 status check",
            comparison: "GreaterThanThreshold",
            threshold: 0,
            evaluationPeriods: 2,
            metric: { namespace: "AWS/EC2", name: "StatusCheckFailed", dimensions: { InstanceId: args.host.instanceId }, statistic: "Maximum", period: 300 },
        });
    }
    return specs;
}

export class Observability extends pulumi.ComponentResource {
    readonly topicArn: pulumi.Output<string>;
    readonly alarmNames: pulumi.Output<string>[];
    readonly dashboardName?: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:observability:Observability", name, {}, opts);
        const parent = { parent: this };
        const topic = new aws.sns.Topic(`${name}-alarms`, { name: `${args.namePrefix}-alarms` }, parent);
        this.topicArn = topic.arn;
        if (args.settings.alarmEmail) {
            new aws.sns.TopicSubscription(`${name}-alarms-email`, { topic: topic.arn, protocol: "email", endpoint: args.settings.alarmEmail }, parent);
        }

        this.alarmNames = alarmSpecs(args).map(
            (spec) =>
                new aws.cloudwatch.MetricAlarm(
                    `${name}-${spec.key}`,
                    {
                        name: `${args.namePrefix}-${spec.key}`,
                        alarmDescription: spec.description,
                        comparisonOperator: spec.comparison,
                        threshold: spec.threshold,
                        evaluationPeriods: spec.evaluationPeriods,
                        ...(spec.metric
                            ? {
                                  namespace: spec.metric.namespace,
                                  metricName: spec.metric.name,
                                  dimensions: spec.metric.dimensions,
                                  statistic: spec.metric.statistic,
                                  extendedStatistic: spec.metric.extendedStatistic,
                                  period: spec.metric.period,
                              }
                            : { metricQueries: spec.metricQueries }),
                        // No data means no traffic (or a scaled-in service), not an incident.
                        treatMissingData: "notBreaching",
                        alarmActions: [topic.arn],
                        okActions: [topic.arn],
                    },
                    parent,
                ).name,
        );

        if (args.rotatingSecretArns && args.rotatingSecretArns.length > 0) this.rotationFailures(name, args, topic);

        if (args.settings.dashboard) {
            this.dashboardName = new aws.cloudwatch.Dashboard(
                `${name}-dashboard`,
                {
                    dashboardName: args.namePrefix,
                    dashboardBody: dashboardBody(args),
                },
                parent,
            ).dashboardName;
        }
        this.registerOutputs({ topicArn: this.topicArn });
    }

    /**
     * A failed or abandoned rotation of one of the stack's secrets notifies the alarm topic (the
     * events arrive only through CloudTrail: see components/audit-trail.ts). The topic's policy lets
     * exactly this rule publish.
     */
    private rotationFailures(name: string, args: ObservabilityArgs, topic: aws.sns.Topic): void {
        const parent = { parent: this };
        const rule = new aws.cloudwatch.EventRule(
            `${name}-rotation-failed`,
            {
                name: physicalName(args.namePrefix, "rotation-failed", EVENT_RULE_NAME_MAX),
                description: `A secret of ${args.namePrefix} failed to rotate`,
                eventPattern: pulumi
                    .all(args.rotatingSecretArns!)
                    .apply((arns) => JSON.stringify(rotationEventPattern(["RotationFailed", "RotationAbandoned"], arns))),
            },
            parent,
        );
        const caller = aws.getCallerIdentityOutput({}, parent);
        // A topic policy replaces the default one, so it restates what the default granted: the
        // account's own principals (SNS "default topic policy": AWS:SourceOwner), and CloudWatch
        // alarms of this account publishing their state changes; plus exactly this rule.
        const policy = new aws.sns.TopicPolicy(
            `${name}-alarms`,
            {
                arn: topic.arn,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "AccountOwnerManagesAndPublishes",
                            Effect: "Allow",
                            Principal: { AWS: "*" },
                            Action: [
                                "SNS:GetTopicAttributes",
                                "SNS:SetTopicAttributes",
                                "SNS:AddPermission",
                                "SNS:RemovePermission",
                                "SNS:DeleteTopic",
                                "SNS:Subscribe",
                                "SNS:ListSubscriptionsByTopic",
                                "SNS:Publish",
                            ],
                            Resource: topic.arn,
                            Condition: { StringEquals: { "AWS:SourceOwner": caller.accountId } },
                        },
                        {
                            Sid: "CloudWatchAlarmsPublish",
                            Effect: "Allow",
                            Principal: { Service: "cloudwatch.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: topic.arn,
                            Condition: { StringEquals: { "aws:SourceAccount": caller.accountId } },
                        },
                        {
                            Sid: "RotationFailureRulePublishes",
                            Effect: "Allow",
                            Principal: { Service: "events.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: topic.arn,
                            Condition: { ArnEquals: { "aws:SourceArn": rule.arn } },
                        },
                    ],
                }),
            },
            parent,
        );
        new aws.cloudwatch.EventTarget(
            `${name}-rotation-failed`,
            {
                rule: rule.name,
                arn: topic.arn,
                inputTransformer: {
                    inputPaths: { event: "$.detail.eventName", secret: "$.detail.additionalEventData.SecretId", time: "$.time" },
                    inputTemplate: `"<event> for secret <secret> at <time> in ${args.namePrefix}: see the rotation function's logs"`,
                },
            },
            { parent: this, dependsOn: [policy] },
        );
    }
}

/** One row of graphs per concern the tier has. */
function dashboardBody(args: ObservabilityArgs): pulumi.Output<string> {
    return pulumi
        .all([
            args.loadBalancer?.arnSuffix,
            args.services?.clusterName,
            pulumi.output(args.services?.names ?? {}),
            args.database?.instanceId,
            pulumi.output(args.cache?.nodeIds ?? []),
            args.host?.instanceId,
            args.edge?.distributionId,
            args.edge?.webAclName,
        ])
        .apply(([lb, cluster, services, db, nodes, host, distribution, webAcl]) => {
            const widgets: object[] = [];
            const graph = (title: string, metrics: unknown[][], stat = "Average", region = args.region) =>
                widgets.push({
                    type: "metric",
                    width: 12,
                    height: 6,
                    properties: { title, region, stat, period: 60, metrics },
                });
            // CloudFront and CLOUDFRONT-scope WAF publish in us-east-1 only (a widget may read another region).
            if (distribution) {
                graph(
                    "Edge: requests and 5xx rate",
                    [
                        ["AWS/CloudFront", "Requests", "DistributionId", distribution, "Region", "Global", { stat: "Sum" }],
                        [".", "5xxErrorRate", ".", ".", ".", ".", { yAxis: "right" }],
                    ],
                    "Average",
                    "us-east-1",
                );
            }
            if (webAcl) graph("Edge firewall: blocked requests", [["AWS/WAFV2", "BlockedRequests", "WebACL", webAcl, "Rule", "ALL"]], "Sum", "us-east-1");
            if (lb) {
                graph(
                    "Requests and 5xx",
                    [
                        ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", lb],
                        [".", "HTTPCode_Target_5XX_Count", ".", "."],
                        [".", "HTTPCode_ELB_5XX_Count", ".", "."],
                    ],
                    "Sum",
                );
                graph("Target response time p95", [["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb]], "p95");
            }
            for (const [service, ecsName] of Object.entries(services as Record<string, string>)) {
                graph(`Service ${service}: CPU and memory`, [
                    ["AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", ecsName],
                    [".", "MemoryUtilization", ".", ".", ".", "."],
                ]);
            }
            if (db)
                graph("Database", [
                    ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", db],
                    [".", "DatabaseConnections", ".", "."],
                    [".", "FreeStorageSpace", ".", ".", { yAxis: "right" }],
                ]);
            if ((nodes as string[]).length > 0) {
                graph(
                    "Cache engine CPU per node",
                    (nodes as string[]).map((n) => ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", n]),
                );
                graph(
                    "Cache hit rate per node",
                    (nodes as string[]).map((n) => ["AWS/ElastiCache", "CacheHitRate", "CacheClusterId", n]),
                );
            }
            if (host)
                graph("Host", [
                    ["AWS/EC2", "CPUUtilization", "InstanceId", host],
                    [".", "StatusCheckFailed", ".", "."],
                ]);
            return JSON.stringify({ widgets });
        });
}
