// Two stacks' monthly totals recomputed by hand from the price catalogue and the mocked run's
// resource inputs (sizes, counts, retention), then compared with the estimator. The figures are
// derived, never typed in: a change to a rate, a size or a count moves both sides. Production:
// per-service averages follow the ECS services' Service tag, never their logical names.
import * as assert from "assert";
import { price } from "../cost/catalogue";
import { Tier } from "../config/tiers";
import { assumptionsForTier, estimate, SERVICE_TAG } from "../cost/estimate";
import { ofType } from "../harness/run";
import { StackCapture } from "../harness/types";
import { stackRun } from "./helpers/stacks";

const HOURS = 730;

/** The cost assumptions of the tier the run reports (its `tier` output), as the plan prices it. */
const assumptionsOf = (capture: StackCapture) => assumptionsForTier(capture.outputs.tier as Tier);
const hourly = (key: string) => price(key) * HOURS;

/** CloudWatch logs: the tier's ingestion split over the log groups, stored for their retention. */
function logs(capture: StackCapture, ingestGb: number): number {
    const groups = ofType(capture, "aws:cloudwatch/logGroup:LogGroup");
    const perGroup = ingestGb / groups.length;
    return groups.reduce(
        (sum, g) => sum + perGroup * price("logs.ingest.standard.gb") + perGroup * (g.inputs.retentionInDays / 30) * price("logs.storage.gbMonth"),
        0,
    );
}

/** Standard alarms are billed per metric they read; a dashboard per month. */
function observability(capture: StackCapture): number {
    const metrics = ofType(capture, "aws:cloudwatch/metricAlarm:MetricAlarm").reduce(
        (n, a) => n + (a.inputs.metricQueries ? a.inputs.metricQueries.filter((q: any) => q.metric).length : 1),
        0,
    );
    return (
        metrics * price("cloudwatch.alarm.standard.month") + ofType(capture, "aws:cloudwatch/dashboard:Dashboard").length * price("cloudwatch.dashboard.month")
    );
}

describe("cost: the stack files (two recomputed by hand from the catalogue)", () => {
    it("staging", async () => {
        const capture = await stackRun("staging");
        const a = assumptionsOf(capture);
        let total = 0;

        const [rds] = ofType(capture, "aws:rds/instance:Instance");
        assert.strictEqual(rds.inputs.multiAz, false);
        total += hourly(`rds.postgres.singleAz.${rds.inputs.instanceClass}`) + rds.inputs.allocatedStorage * price("rds.storage.gp3.singleAz.gbMonth");

        const [cache] = ofType(capture, "aws:elasticache/replicationGroup:ReplicationGroup");
        total += cache.inputs.numCacheClusters * hourly(`elasticache.${cache.inputs.engine}.${cache.inputs.nodeType}`);

        // Fargate: each service at its scaling minimum, on Graviton.
        for (const task of ofType(capture, "aws:ecs/taskDefinition:TaskDefinition")) {
            assert.strictEqual(task.inputs.runtimePlatform.cpuArchitecture, "ARM64");
            const service = task.name.replace(/-task$/, "");
            const tasks = ofType(capture, "aws:appautoscaling/target:Target").find((t) => t.name === `${service}-scaling`)!.inputs.minCapacity;
            total +=
                tasks *
                HOURS *
                ((Number(task.inputs.cpu) / 1024) * price("fargate.arm64.vcpuHour") + (Number(task.inputs.memory) / 1024) * price("fargate.arm64.gbHour"));
        }

        // ALB with one LCU and a public IPv4 address per AZ; its log bucket.
        const albs = ofType(capture, "aws:lb/loadBalancer:LoadBalancer");
        total +=
            albs.length *
            (hourly("elb.application.hour") +
                a.albLcuPerLoadBalancer * hourly("elb.application.lcuHour") +
                albs[0].inputs.subnets.length * hourly("vpc.publicIpv4.hour"));
        total += ofType(capture, "aws:s3/bucket:Bucket").length * a.s3StorageGbPerBucket * price("s3.standard.gbMonth");

        // NAT instance: instance hours, its gp3 root volume, its public IPv4.
        for (const nat of ofType(capture, "aws:ec2/instance:Instance")) {
            total +=
                hourly(`ec2.instance.${nat.inputs.instanceType}`) +
                nat.inputs.rootBlockDevice.volumeSize * price("ebs.gp3.gbMonth") +
                hourly("vpc.publicIpv4.hour");
        }

        // Secrets: the app secret and the RDS-managed one, API calls, the rotation Lambda.
        const secrets = ofType(capture, "aws:secretsmanager/secret:Secret").length + 1;
        total +=
            secrets * price("secretsmanager.secret.month") +
            ((ofType(capture, "aws:secretsmanager/secret:Secret").length * a.secretsApiCallsPerSecretPerMonth) / 10_000) *
                price("secretsmanager.apiCalls.per10k");
        for (const fn of ofType(capture, "aws:lambda/function:Function")) {
            const gbSeconds = (((a.lambdaInvocationsPerFunctionPerMonth * a.lambdaAvgDurationMs) / 1000) * fn.inputs.memorySize) / 1024;
            total += gbSeconds * price("lambda.arm64.gbSecond") + (a.lambdaInvocationsPerFunctionPerMonth / 1e6) * price("lambda.arm64.requestsPerMillion");
        }

        // ECR storage, Cloud Map (hosted zone of the namespace, registered instances), logs, alarms.
        total += ofType(capture, "aws:ecr/repository:Repository").length * a.ecrStorageGbPerRepository * price("ecr.storage.gbMonth");
        total +=
            ofType(capture, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").length * price("route53.hostedZone.month") +
            ofType(capture, "aws:servicediscovery/service:Service").length * a.cloudMapInstancesPerService * price("cloudmap.instance.month");
        total += logs(capture, a.logIngestGbPerMonth) + observability(capture);

        const estimated = estimate(capture.resources, { assumptions: a });
        assert.deepStrictEqual(estimated.unpriced, []);
        assert.ok(Math.abs(estimated.total - total) < 0.01, `estimator ${estimated.total} vs by hand ${total}`);
    });

    it("dev (zero-cost): $0 inside the free tier; after it, the host, its root and data volumes, its IPv4, ECR and one alarm", async () => {
        const capture = await stackRun("dev");
        const a = assumptionsOf(capture);
        const [host] = ofType(capture, "aws:ec2/instance:Instance");
        const dataGb = ofType(capture, "aws:ebs/volume:Volume").reduce((sum, v) => sum + v.inputs.size, 0);
        assert.ok(dataGb > 0, "the host's data volume is priced");
        const afterFreeTier =
            hourly(`ec2.instance.${host.inputs.instanceType}`) +
            (host.inputs.rootBlockDevice.volumeSize + dataGb) * price("ebs.gp3.gbMonth") +
            hourly("vpc.publicIpv4.hour") +
            ofType(capture, "aws:ecr/repository:Repository").length * a.ecrStorageGbPerRepository * price("ecr.storage.gbMonth") +
            observability(capture);
        const estimated = estimate(capture.resources, { assumptions: a, freeTier: true });
        assert.ok(Math.abs(estimated.totalAfterFreeTier - afterFreeTier) < 0.01, `estimator ${estimated.totalAfterFreeTier} vs by hand ${afterFreeTier}`);
        assert.strictEqual(estimated.totalInsideFreeTier, 0);
    });

    it("production: per-service task averages follow each ECS service's Service tag, so renaming the child keeps the price", async () => {
        const capture = await stackRun("production");
        const a = assumptionsOf(capture);
        const services = ofType(capture, "aws:ecs/service:Service");
        // Every ECS service carries its service name (the end of its physical name) as the Service tag
        // (components/fargate-service.ts), and every per-service figure of the tier finds its service.
        for (const s of services)
            assert.ok(typeof s.inputs.tags?.[SERVICE_TAG] === "string" && s.inputs.name.endsWith(`-${s.inputs.tags[SERVICE_TAG]}`), s.name);
        const tags = services.map((s) => s.inputs.tags[SERVICE_TAG]);
        for (const name of Object.keys(a.averageTasksByService))
            assert.ok(tags.includes(name), `averageTasksByService["${name}"] matches no ECS service (${tags.join(", ")})`);
        const priced = estimate(capture.resources, { assumptions: a });
        for (const s of services) {
            const line = priced.lines.find((l) => l.name === s.name)!;
            assert.strictEqual(line.inputs.averageTasks, a.averageTasksByService[s.inputs.tags[SERVICE_TAG]], s.name);
        }

        // The same stack with its ECS services under other logical names (and URNs).
        const rename = (name: string) => `${name}-renamed`;
        const renamed = capture.resources.map((r) =>
            r.type === "aws:ecs/service:Service" ? { ...r, name: rename(r.name), urn: r.urn.replace(/::([^:]+)$/, (_m, n) => `::${rename(n)}`) } : r,
        );
        const again = estimate(renamed, { assumptions: a });
        assert.deepStrictEqual(again.unpriced, priced.unpriced);
        assert.ok(Math.abs(again.total - priced.total) < 1e-9, `renamed ${again.total} vs ${priced.total}`);

        // The tag is what carries the figure: without it the services fall back to their scaling minimum.
        const untagged = capture.resources.map((r) => (r.type === "aws:ecs/service:Service" ? { ...r, inputs: { ...r.inputs, tags: {} } } : r));
        assert.ok(estimate(untagged, { assumptions: a }).total < priced.total - 1, "the per-service averages (4 and 3 tasks) are above the minimum");
    });
});
