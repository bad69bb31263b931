// Alarms and dashboards per tier (seeds 000 and 003), read from mocked runs of the real program.
import * as assert from "assert";
import { find, ofType } from "../harness/run";
import { computedState } from "../harness/mocks";
import { StackCapture } from "../harness/types";
import { runWith, sharedRun, stackRun } from "./helpers/stacks";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const alarm = (c: StackCapture, key: string) => find(c, ALARM, `observability-${key}`);
const alarmKeys = (c: StackCapture) =>
    ofType(c, ALARM)
        .map((a) => a.name.replace(/^observability-/, ""))
        .sort();
const RULE = "aws:cloudwatch/eventRule:EventRule";
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
/** CacheClusterId of each node an alarm's metric math reads (its first query is the expression). */
const nodesOf = (a: { inputs: Record<string, any> }) => (a.inputs.metricQueries as any[]).slice(1).map((q) => q.metric.dimensions.CacheClusterId);
/** The member cluster ids AWS gives the replication group (as the mocked create answers). */
const memberClusters = (c: StackCapture) => computedState(GROUP, "cache-group", find(c, GROUP, "cache-group").inputs, "us-east-1").memberClusters as string[];

describe("observability", () => {
    it("production: every seed alarm, each notifying the stack's topic, and a dashboard", async () => {
        const capture = await stackRun("production");
        assert.deepStrictEqual(alarmKeys(capture), [
            "alb-5xx-rate",
            "alb-latency-p95",
            "api-cpu",
            "api-memory",
            "cache-cpu",
            "cache-evictions",
            "cache-hit-rate",
            "cache-memory",
            "devices-cpu",
            "devices-memory",
            "edge-alarms-5xx-rate",
            "rds-connections",
            "rds-cpu",
            "rds-free-storage",
        ]);
        const topicArn = "arn:aws:sns:us-east-1:482917365014:platform-production-alarms";
        for (const a of ofType(capture, ALARM)) {
            assert.deepStrictEqual(a.inputs.alarmActions, [topicArn], a.name);
            assert.strictEqual(a.inputs.treatMissingData, "notBreaching");
        }
        assert.strictEqual(ofType(capture, "aws:cloudwatch/dashboard:Dashboard").length, 1);
        assert.strictEqual(capture.outputs.alarmTopicArn, topicArn);
    });

    it("ALB 5xx rate above 1% is a rate of load-balancer and target 5xx over requests", async () => {
        const a = alarm(await stackRun("production"), "alb-5xx-rate");
        assert.strictEqual(a.inputs.threshold, 1);
        assert.strictEqual(a.inputs.comparisonOperator, "GreaterThanThreshold");
        const queries = a.inputs.metricQueries as any[];
        assert.match(queries[0].expression, /100 \* \(FILL\(elb5xx, 0\) \+ FILL\(target5xx, 0\)\) \/ requests/);
        assert.deepStrictEqual(
            queries.slice(1).map((q) => q.metric.metricName),
            ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "RequestCount"],
        );
        assert.ok(queries.slice(1).every((q) => q.metric.dimensions.LoadBalancer.startsWith("app/")));
    });

    it("p95 latency threshold comes from config, in seconds (seed: 300 ms)", async () => {
        assert.strictEqual(alarm(await stackRun("production"), "alb-latency-p95").inputs.threshold, 0.3);
        assert.strictEqual(alarm(await stackRun("production"), "alb-latency-p95").inputs.extendedStatistic, "p95");
        const tuned = await runWith("production", { config: { observability: { thresholds: { p95LatencyMs: 500 } } } });
        assert.strictEqual(alarm(tuned, "alb-latency-p95").inputs.threshold, 0.5);
    });

    it("RDS alarms: CPU, free storage in bytes, connections below max_connections", async () => {
        const c = await stackRun("production");
        assert.strictEqual(alarm(c, "rds-cpu").inputs.threshold, 80);
        assert.strictEqual(alarm(c, "rds-free-storage").inputs.threshold, 20 * 1024 ** 3);
        assert.strictEqual(alarm(c, "rds-free-storage").inputs.comparisonOperator, "LessThanThreshold");
        assert.strictEqual(alarm(c, "rds-connections").inputs.threshold, 180);
        assert.strictEqual(alarm(c, "rds-cpu").inputs.dimensions.DBInstanceIdentifier, "platform-production-postgres");
    });

    it("cache CPU, memory and evictions watch every node of the 2 x (1+2) cluster", async () => {
        const c = await stackRun("production");
        for (const key of ["cache-cpu", "cache-memory", "cache-evictions"]) {
            const nodes = (alarm(c, key).inputs.metricQueries as any[]).slice(1).map((q) => q.metric.dimensions.CacheClusterId);
            assert.strictEqual(nodes.length, 6, key);
        }
    });

    it("cache hit rate below 80% is hits over lookups on the nodes serving reads (each shard's primary in cluster mode)", async () => {
        const hitRate = alarm(await stackRun("production"), "cache-hit-rate");
        assert.strictEqual(hitRate.inputs.threshold, 80);
        assert.strictEqual(hitRate.inputs.comparisonOperator, "LessThanThreshold");
        const metrics = (hitRate.inputs.metricQueries as any[]).slice(1).map((q) => `${q.metric.metricName}:${q.metric.dimensions.CacheClusterId}`);
        assert.deepStrictEqual(metrics, [
            "CacheHits:platform-production-cache-0001-001",
            "CacheHits:platform-production-cache-0002-001",
            "CacheMisses:platform-production-cache-0001-001",
            "CacheMisses:platform-production-cache-0002-001",
        ]);
        assert.ok(metrics.length <= 10, "an alarm reads at most 10 metrics");
        const staging = alarm(await stackRun("staging"), "cache-hit-rate");
        assert.strictEqual((staging.inputs.metricQueries as any[]).length, 3, "one node: its hits and misses");
    });

    it("B13: more than 10 cache nodes: one alarm per chunk of 10 (hit rate: 5 reading nodes), every node watched once, the first chunk keeping its key", async () => {
        // 6 shards x (1 + 2) = 18 nodes, 6 primaries serving reads.
        const c = await runWith("production", { config: { cache: { shards: 6, replicasPerShard: 2 } } });
        const all = memberClusters(c);
        assert.strictEqual(all.length, 18);
        for (const key of ["cache-cpu", "cache-memory", "cache-evictions"]) {
            const first = nodesOf(alarm(c, key));
            const second = nodesOf(alarm(c, `${key}-2`));
            assert.deepStrictEqual([first.length, second.length], [10, 8], key);
            assert.deepStrictEqual([...first, ...second], all, `${key}: the static node ids are the group's member clusters, each once`);
            assert.ok(!alarmKeys(c).includes(`${key}-3`));
        }
        const primaries = all.filter((id) => id.endsWith("-001"));
        const hitRate = [alarm(c, "cache-hit-rate"), alarm(c, "cache-hit-rate-2")];
        const readers = hitRate.map((a) => [...new Set(nodesOf(a))]);
        assert.deepStrictEqual(
            readers.map((r) => r.length),
            [5, 1],
        );
        assert.deepStrictEqual(readers.flat(), primaries);
        for (const a of [...hitRate, ...["cache-cpu", "cache-cpu-2"].map((k) => alarm(c, k))]) {
            assert.ok((a.inputs.metricQueries as any[]).length - 1 <= 10, `${a.name}: at most 10 metrics per alarm`);
        }
    });

    it("B13: the production cache's 6 nodes stay in one alarm per metric, under the keys from before the chunking, on the group's member clusters", async () => {
        const c = await stackRun("production");
        assert.deepStrictEqual(nodesOf(alarm(c, "cache-cpu")), memberClusters(c));
        assert.ok(!alarmKeys(c).some((k) => /^cache-.*-2$/.test(k)));
    });

    it("B2/E: a failed or abandoned rotation of any of the three secrets notifies the alarm topic, which keeps its default publishers and adds exactly that rule", async () => {
        for (const stack of ["staging", "production"]) {
            const c = await stackRun(stack);
            const rule = find(c, RULE, "observability-rotation-failed");
            const ruleArn = computedState(RULE, rule.name, rule.inputs, "us-east-1").arn;
            const pattern = JSON.parse(rule.inputs.eventPattern);
            const secrets = [c.outputs.appSecretArn, c.outputs.databaseSecretArn, c.outputs.databaseMasterSecretArn].sort();
            assert.strictEqual(new Set(secrets).size, 3);
            assert.deepStrictEqual(
                [pattern.source, pattern["detail-type"], pattern.detail.eventSource, pattern.detail.eventName],
                [["aws.secretsmanager"], ["AWS Service Event via CloudTrail"], ["secretsmanager.amazonaws.com"], ["RotationFailed", "RotationAbandoned"]],
            );
            assert.deepStrictEqual([...pattern.detail.$or[0].additionalEventData.SecretId].sort(), secrets);
            assert.deepStrictEqual([...pattern.detail.$or[1].requestParameters.secretId].sort(), secrets);

            const topicArn = c.outputs.alarmTopicArn;
            const target = find(c, "aws:cloudwatch/eventTarget:EventTarget", "observability-rotation-failed");
            assert.deepStrictEqual([target.inputs.rule, target.inputs.arn], [rule.inputs.name, topicArn]);
            assert.match(target.inputs.inputTransformer.inputTemplate, /<event> for secret <secret>/);
            assert.deepStrictEqual(
                target.dependsOn,
                ["aws:sns/topicPolicy:TopicPolicy::observability-alarms"],
                "the rule cannot publish before the policy exists",
            );
            const policy = find(c, "aws:sns/topicPolicy:TopicPolicy", "observability-alarms").inputs;
            assert.strictEqual(policy.arn, topicArn);
            const statements = JSON.parse(policy.policy).Statement;
            assert.deepStrictEqual(
                statements.find((st: any) => st.Sid === "RotationFailureRulePublishes"),
                {
                    Sid: "RotationFailureRulePublishes",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topicArn,
                    Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
                },
            );
            // The policy replaces the topic's default one: the account (AWS:SourceOwner) and its CloudWatch
            // alarms keep publishing, and no other principal may.
            const account = topicArn.split(":")[4];
            assert.deepStrictEqual(
                statements.map((st: any) => [st.Sid, st.Principal, st.Condition]),
                [
                    ["AccountOwnerManagesAndPublishes", { AWS: "*" }, { StringEquals: { "AWS:SourceOwner": account } }],
                    ["CloudWatchAlarmsPublish", { Service: "cloudwatch.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": account } }],
                    ["RotationFailureRulePublishes", { Service: "events.amazonaws.com" }, { ArnEquals: { "aws:SourceArn": ruleArn } }],
                ],
            );
            assert.ok(statements.every((st: any) => st.Resource === topicArn && st.Effect === "Allow"));
        }
    });

    it('B2: staging and production create a trail logging this region\'s management events (the rotation-failure events come through CloudTrail); "existing" skips it', async () => {
        for (const stack of ["staging", "production"]) {
            const trail = find(await stackRun(stack), "aws:cloudtrail/trail:Trail", "audit-trail").inputs;
            assert.deepStrictEqual(
                [trail.name, trail.enableLogging, trail.isMultiRegionTrail, trail.eventSelectors],
                [`platform-${stack}-management-events`, true, false, [{ readWriteType: "All", includeManagementEvents: true }]],
            );
        }
        const existing = await sharedRun("staging", { config: { secrets: { cloudTrail: "existing" } } });
        assert.strictEqual(ofType(existing, "aws:cloudtrail/trail:Trail").length, 0);
        assert.ok(!existing.resources.some((r) => r.type === "platform:observability:AuditTrail"));
        find(existing, RULE, "observability-rotation-failed");
    });

    it("zero-cost: no secret rotates, so no rotation-failure rule and no trail", async () => {
        const c = await stackRun("dev");
        assert.deepStrictEqual(ofType(c, RULE), []);
        assert.deepStrictEqual(ofType(c, "aws:cloudtrail/trail:Trail"), []);
    });

    it("first deploy: no service alarms until a service runs", async () => {
        const c = await sharedRun("staging", { imageTag: undefined });
        assert.ok(!alarmKeys(c).some((k) => /^(api|devices)-/.test(k)), alarmKeys(c).join(", "));
        find(c, ALARM, "observability-rds-cpu");
    });

    it("service alarms use the ECS cluster and service names", async () => {
        const c = await stackRun("staging");
        const cpu = alarm(c, "api-cpu");
        assert.strictEqual(cpu.inputs.metricName, "CPUUtilization");
        assert.strictEqual(cpu.inputs.namespace, "AWS/ECS");
        assert.strictEqual(cpu.inputs.dimensions.ServiceName, c.outputs.serviceNames.api);
        assert.strictEqual(cpu.inputs.dimensions.ClusterName, c.outputs.clusterName);
    });

    it("zero-cost: only the EC2 status-check alarm, no dashboard (inside the free 10 alarms and 3 dashboards)", async () => {
        const c = await stackRun("dev");
        assert.deepStrictEqual(alarmKeys(c), ["host-status-check"]);
        assert.strictEqual(alarm(c, "host-status-check").inputs.dimensions.InstanceId, c.outputs.instanceId);
        assert.strictEqual(ofType(c, "aws:cloudwatch/dashboard:Dashboard").length, 0);
    });

    it("subscribes the alarm email only when config gives one", async () => {
        assert.strictEqual(ofType(await stackRun("staging"), "aws:sns/topicSubscription:TopicSubscription").length, 0);
        const c = await runWith("staging", { config: { observability: { alarmEmail: "oncall@example.com" } } });
        const subscription = find(c, "aws:sns/topicSubscription:TopicSubscription", "observability-alarms-email");
        assert.deepStrictEqual([subscription.inputs.protocol, subscription.inputs.endpoint], ["email", "oncall@example.com"]);
    });
});
