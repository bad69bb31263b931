import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FREE_TIER_EC2_TYPES, NAT_INSTANCE_TYPES } from "../../config/allowed-sizes";
import { ALLOWED_SIZES, TIERS, TierTraits } from "../../config/tiers";
import type { CapturedResource } from "../../harness/types";
import { catalogue, hasPrice, price, UnknownPriceError } from "../../cost/catalogue";
import { assumptionsFor, DEFAULT_ASSUMPTIONS, estimate, formatMoney, SERVICE_TAG } from "../../cost/estimate";

const H = catalogue.hoursPerMonth;
const STACK = "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev";

/** A captured resource the way the harness records it. */
function res(type: string, name: string, inputs: Record<string, any> = {}, parent?: CapturedResource | string): CapturedResource {
    const parentUrn = typeof parent === "string" ? parent : parent?.urn;
    const parentType = parent === undefined || typeof parent === "string" ? "pulumi:pulumi:Stack" : `${parent.type}`;
    return {
        type,
        name,
        inputs,
        secretInputs: [],
        parent: parentUrn ?? STACK,
        urn: `urn:pulumi:dev::platform::${parentType}$${type}::${name}`,
        custom: !type.startsWith("platform:"),
        protect: false,
        retainOnDelete: false,
    };
}

function component(type: string, name: string, parent?: CapturedResource): CapturedResource {
    return res(type, name, {}, parent);
}

const close = (actual: number, expected: number, msg?: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${msg ?? ""} ${actual} != ${expected}`);

function fargate(arch: "ARM64" | "X86_64", extra: Record<string, any> = {}): CapturedResource[] {
    const td = res("aws:ecs/taskDefinition:TaskDefinition", "api-task", {
        family: "platform-dev-api",
        cpu: "1024",
        memory: "2048",
        runtimePlatform: { cpuArchitecture: arch, operatingSystemFamily: "LINUX" },
    });
    const svc = res("aws:ecs/service:Service", "api-service", {
        name: "api",
        desiredCount: 2,
        tags: { Project: "platform", [SERVICE_TAG]: "api" },
        taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/platform-dev-api:1",
        ...extra,
    });
    return [td, svc];
}

describe("cost/estimate", () => {
    it("prices a small stack: the total recomputed by hand from the catalogue's rates", () => {
        const network = component("platform:network:Network", "network");
        const app = component("platform:compute:Compute", "app");
        const data = component("platform:data:Data", "data");
        const db = component("platform:data:Database", "db", data); // nested: counts under "data"
        const resources: CapturedResource[] = [
            network,
            app,
            data,
            db,
            res("aws:ec2/vpc:Vpc", "network-vpc", { cidrBlock: "10.0.0.0/16" }, network),
            res("aws:ec2/subnet:Subnet", "network-public-1", {}, network),
            res("aws:ec2/natGateway:NatGateway", "network-nat-1", { allocationId: "eipalloc-1" }, network),
            res("aws:ec2/eip:Eip", "network-nat-1-eip", { domain: "vpc" }, network),
            res("aws:lb/loadBalancer:LoadBalancer", "app-alb", { loadBalancerType: "application", internal: false, subnets: ["s-1", "s-2"] }, app),
            res("aws:lb/targetGroup:TargetGroup", "app-tg", {}, app),
            res(
                "aws:ecs/taskDefinition:TaskDefinition",
                "app-api-task",
                { family: "platform-dev-api", cpu: "512", memory: "1024", runtimePlatform: { cpuArchitecture: "ARM64" } },
                app,
            ),
            res(
                "aws:ecs/service:Service",
                "app-api",
                { desiredCount: 3, taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/platform-dev-api:1" },
                app,
            ),
            res(
                "aws:appautoscaling/target:Target",
                "app-api-scaling",
                { resourceId: "service/platform-dev/app-api", minCapacity: 2, maxCapacity: 6, serviceNamespace: "ecs" },
                app,
            ),
            res(
                "aws:rds/instance:Instance",
                "db-instance",
                { engine: "postgres", instanceClass: "db.t4g.small", multiAz: false, allocatedStorage: 20, storageType: "gp3", backupRetentionPeriod: 7 },
                db,
            ),
            res("aws:secretsmanager/secret:Secret", "data-app-secret", {}, data),
            res("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu-high", { period: 300 }),
            res("aws:cloudwatch/logGroup:LogGroup", "api-logs", { retentionInDays: 3 }),
        ];
        const assumptions = { natDataGbPerMonth: 50, albLcuPerLoadBalancer: 2, logIngestGbPerMonth: 3, secretsApiCallsPerSecretPerMonth: 20_000 };
        const e = estimate(resources, { assumptions });

        const nat = H * price("vpc.natGateway.hour") + 50 * price("vpc.natGateway.gb");
        const eip = H * price("vpc.publicIpv4.hour");
        const alb = H * price("elb.application.hour") + 2 * H * price("elb.application.lcuHour") + 2 * H * price("vpc.publicIpv4.hour");
        // averageTasks defaults to the scaling target's min (2), not desiredCount (3).
        const tasks = 2 * H * (0.5 * price("fargate.arm64.vcpuHour") + 1 * price("fargate.arm64.gbHour"));
        const rds = H * price("rds.postgres.singleAz.db.t4g.small") + 20 * price("rds.storage.gp3.singleAz.gbMonth") + 0 * price("rds.backup.gbMonth");
        const secret = price("secretsmanager.secret.month") + 2 * price("secretsmanager.apiCalls.per10k");
        const alarm = price("cloudwatch.alarm.standard.month");
        const logs = 3 * price("logs.ingest.standard.gb") + 3 * (3 / 30) * price("logs.storage.gbMonth");

        close(e.total, nat + eip + alb + tasks + rds + secret + alarm + logs, "total");
        assert.equal(e.totalAfterFreeTier, e.total);
        assert.equal(e.totalInsideFreeTier, e.total, "free tier off: nothing is taken off");
        assert.deepEqual(Object.keys(e.byComponent).sort(), ["app", "data", "network", "stack"]);
        close(e.byComponent.network, nat + eip);
        close(e.byComponent.app, alb + tasks);
        close(e.byComponent.data, rds + secret);
        close(e.byComponent.stack, alarm + logs);
        assert.equal(e.currency, "USD");
        assert.equal(e.catalogueDate, catalogue.retrievedAt);
        assert.deepEqual(e.unpriced, []);

        const svc = e.lines.find((l) => l.name === "app-api")!;
        assert.equal(svc.inputs.averageTasks, 2);
        assert.equal(svc.inputs.architecture, "arm64");
        assert.deepEqual(svc.rateKeys, ["fargate.arm64.vcpuHour", "fargate.arm64.gbHour"]);
        assert.match(svc.formula, /2 task\(s\) x 730 h x 0\.5 vCPU/);
        assert.match(svc.parts[0].assumption!, /scaling minCapacity 2/);
        const natLine = e.lines.find((l) => l.name === "network-nat-1")!;
        assert.match(natLine.parts[1].assumption!, /natDataGbPerMonth = 50 GB/);
        // Free resources are listed with a reason; components too.
        for (const name of ["network-vpc", "network-public-1", "app-tg", "app-api-task", "app-api-scaling", "network", "db"]) {
            const f = e.free.find((x) => x.name === name);
            assert.ok(f && f.reason.length > 0, `${name} is listed as free with a reason`);
        }
        assert.equal(e.lines.length + e.free.length + e.unpriced.length, resources.length, "every resource lands in exactly one list");
    });

    it("Multi-AZ doubles the RDS instance and storage", () => {
        const inputs = { engine: "postgres", instanceClass: "db.t4g.medium", allocatedStorage: 100, storageType: "gp3", backupRetentionPeriod: 7 };
        const single = estimate([res("aws:rds/instance:Instance", "db", { ...inputs, multiAz: false })]);
        const multi = estimate([res("aws:rds/instance:Instance", "db", { ...inputs, multiAz: true })]);
        close(multi.total, 2 * single.total);
        assert.equal(multi.lines[0].inputs.multiAzFactor, 2);
        assert.deepEqual(multi.lines[0].rateKeys.slice(0, 2), ["rds.postgres.multiAz.db.t4g.medium", "rds.storage.gp3.multiAz.gbMonth"]);
    });

    it("prices gp3 IOPS and throughput only above the size's baseline", () => {
        const base = { engine: "postgres", instanceClass: "db.r6g.large", multiAz: true, allocatedStorage: 500, storageType: "gp3" };
        const atBaseline = estimate([res("aws:rds/instance:Instance", "db", { ...base, iops: 12_000, storageThroughput: 500 })]);
        assert.equal(atBaseline.lines[0].parts.filter((p) => /baseline/.test(p.label)).length, 0, "500 GB at 12,000 IOPS is the baseline");
        const above = estimate([res("aws:rds/instance:Instance", "db", { ...base, iops: 15_000, storageThroughput: 600 })]);
        close(above.total - atBaseline.total, 3000 * price("rds.storage.gp3.multiAz.iopsMonth") + 100 * price("rds.storage.gp3.multiAz.throughputMibpsMonth"));
    });

    it("Fargate ARM costs less than x86 for the same task; FARGATE_SPOT takes the assumed discount", () => {
        const arm = estimate(fargate("ARM64"));
        const x86 = estimate(fargate("X86_64"));
        assert.ok(arm.total > 0 && arm.total < x86.total, `${arm.total} < ${x86.total}`);
        close(x86.total, 2 * H * (price("fargate.x86_64.vcpuHour") + 2 * price("fargate.x86_64.gbHour")), "desiredCount when there is no scaling target");

        const spot = estimate(
            fargate("X86_64", {
                capacityProviderStrategies: [
                    { capacityProvider: "FARGATE", base: 1, weight: 0 },
                    { capacityProvider: "FARGATE_SPOT", weight: 1 },
                ],
            }),
        );
        close(spot.total, x86.total * (1 - 0.5 * DEFAULT_ASSUMPTIONS.fargateSpotDiscount), "1 of 2 tasks on Spot");
        assert.match(spot.lines[0].parts[2].assumption!, /fargateSpotDiscount/);
    });

    it("averageTasks: min by default, or max / a number / per service", () => {
        const scaled = [
            ...fargate("ARM64"),
            res("aws:appautoscaling/target:Target", "api-scaling", { resourceId: "service/cluster/api", minCapacity: 1, maxCapacity: 5 }),
        ];
        const perTask = H * (price("fargate.arm64.vcpuHour") + 2 * price("fargate.arm64.gbHour"));
        close(estimate(scaled).total, 1 * perTask);
        close(estimate(scaled, { assumptions: { averageTasks: "max" } }).total, 5 * perTask);
        close(estimate(scaled, { assumptions: { averageTasks: 2.5 } }).total, 2.5 * perTask);
        close(estimate(scaled, { assumptions: { averageTasksByService: { api: 4 } } }).total, 4 * perTask);
        assert.match(
            estimate(scaled, { assumptions: { averageTasksByService: { api: 4 } } }).lines[0].parts[0].assumption!,
            /averageTasksByService\["api"\] = 4 \(Service tag\)/,
        );
    });

    it("averageTasksByService is keyed by the Service tag: a logical name is no key, a renamed child keeps its price", () => {
        const scaled = [
            ...fargate("ARM64"),
            res("aws:appautoscaling/target:Target", "api-scaling", { resourceId: "service/cluster/api", minCapacity: 1, maxCapacity: 5 }),
        ];
        const perTask = H * (price("fargate.arm64.vcpuHour") + 2 * price("fargate.arm64.gbHour"));
        const assumptions = { averageTasksByService: { api: 4 } };
        const renamed = scaled.map((r) =>
            r.name === "api-service" ? { ...r, name: "api-ecs-service-v2", urn: r.urn.replace(/::api-service$/, "::api-ecs-service-v2") } : r,
        );
        close(estimate(renamed, { assumptions }).total, estimate(scaled, { assumptions }).total, "renaming the ECS service's logical name");
        close(estimate(renamed, { assumptions }).total, 4 * perTask);
        // The logical name as a key does nothing: the service stays at its scaling minimum.
        close(estimate(scaled, { assumptions: { averageTasksByService: { "api-service": 4 } } }).total, 1 * perTask);
        // Without the tag the per-service figure cannot apply, and the formula says why.
        const untagged = scaled.map((r) => (r.name === "api-service" ? { ...r, inputs: { ...r.inputs, tags: { Project: "platform" } } } : r));
        const e = estimate(untagged, { assumptions });
        close(e.total, 1 * perTask);
        assert.match(e.lines[0].parts[0].assumption!, /scaling minCapacity 1 .*no Service tag: averageTasksByService does not apply/);
    });

    it("refuses a per-service or per-group figure that is negative or not a number", () => {
        assert.throws(
            () => estimate(fargate("ARM64"), { assumptions: { averageTasksByService: { api: -1 } } }),
            /averageTasksByService\["api"\] must be a number >= 0, got -1/,
        );
        assert.throws(() => estimate([], { assumptions: { logIngestGbByGroup: { logs: Number.NaN } } }), /logIngestGbByGroup\["logs"\] must be a number >= 0/);
    });

    it("assumptionsFor: a tier's usage traits set the usage figures; a tier that is not in the table prices from its column alone", () => {
        const qa: Pick<TierTraits, "usage"> = {
            usage: { logIngestGb: 2, natDataGb: 40, edgeRequestsMillions: 1, edgeDataOutGb: 10, averageTasksByService: { api: 3 } },
        };
        const a = assumptionsFor(qa);
        assert.equal(a.ecrStorageGbPerRepository, DEFAULT_ASSUMPTIONS.ecrStorageGbPerRepository, "no ECR figure in the column: the estimator's default");
        assert.equal(assumptionsFor({ usage: { ...qa.usage, ecrStorageGbPerRepository: 0.25 } }).ecrStorageGbPerRepository, 0.25);
        assert.equal(assumptionsFor(qa, { natDataGbPerMonth: 7 }).natDataGbPerMonth, 7, "overrides win over the traits");
        const stack = [
            ...fargate("ARM64"),
            res("aws:ec2/natGateway:NatGateway", "nat-1", {}),
            res("aws:ec2/natGateway:NatGateway", "nat-2", {}),
            res("aws:cloudwatch/logGroup:LogGroup", "api-logs", { retentionInDays: 30 }),
        ];
        const e = estimate(stack, { assumptions: a });
        const line = (name: string) => e.lines.find((l) => l.name === name)!;
        close(line("nat-1").parts[1].quantity, 40 / 2, "natDataGb split over the NAT gateways");
        close(line("api-logs").parts[0].quantity, 2, "logIngestGb on the only log group");
        assert.equal(line("api-service").inputs.averageTasks, 3, "averageTasksByService by the Service tag");
    });

    it("Valkey costs less than Redis OSS for the same nodes; shards x (1 + replicas) nodes", () => {
        const group = (engine: string) =>
            res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
                engine,
                nodeType: "cache.r6g.large",
                numNodeGroups: 3,
                replicasPerNodeGroup: 1,
            });
        const redis = estimate([group("redis")]);
        const valkey = estimate([group("valkey")]);
        assert.equal(redis.lines[0].inputs.nodes, 6);
        close(redis.total, 6 * H * price("elasticache.redis.cache.r6g.large"));
        assert.ok(valkey.total < redis.total);
        const byClusters = estimate([
            res("aws:elasticache/replicationGroup:ReplicationGroup", "c", { engine: "valkey", nodeType: "cache.t4g.small", numCacheClusters: 2 }),
        ]);
        close(byClusters.total, 2 * H * price("elasticache.valkey.cache.t4g.small"));
    });

    it("lists a resource type it does not price in `unpriced`, never as $0", () => {
        const e = estimate([res("aws:opensearch/domain:Domain", "search", {}), res("aws:ec2/vpc:Vpc", "vpc", {})]);
        assert.equal(e.total, 0);
        assert.deepEqual(e.unpriced, [
            {
                type: "aws:opensearch/domain:Domain",
                name: "search",
                reason: "no pricing rule for resource type aws:opensearch/domain:Domain in cost/pricers/index.ts",
            },
        ]);
        assert.deepEqual(
            e.free.map((f) => f.name),
            ["vpc"],
        );
    });

    it("an instance class missing from the catalogue lands in `unpriced` with the missing key; price() throws", () => {
        const e = estimate([
            res("aws:rds/instance:Instance", "db", { engine: "postgres", instanceClass: "db.x9.large", allocatedStorage: 20, storageType: "gp3" }),
            res("aws:ec2/instance:Instance", "host", { instanceType: "t3.micro" }),
        ]);
        assert.deepEqual(
            e.lines.map((l) => l.name),
            ["host"],
        );
        assert.equal(e.unpriced.length, 1);
        assert.equal(e.unpriced[0].name, "db");
        assert.match(e.unpriced[0].reason, /No price "rds\.postgres\.singleAz\.db\.x9\.large" in the cost catalogue/);
        assert.throws(
            () => price("rds.postgres.singleAz.db.x9.large"),
            (err: unknown) => err instanceof UnknownPriceError && err.key === "rds.postgres.singleAz.db.x9.large",
        );
    });

    it("one t3.micro is $0 inside the free tier and costs money after it", () => {
        const host = [
            res("aws:ec2/instance:Instance", "host", {
                instanceType: "t3.micro",
                associatePublicIpAddress: true,
                rootBlockDevice: { volumeSize: 20, volumeType: "gp3" },
            }),
            res("aws:cloudwatch/metricAlarm:MetricAlarm", "host-cpu", { period: 300 }),
            res("aws:cloudwatch/logGroup:LogGroup", "host-logs", { retentionInDays: 3 }),
        ];
        const e = estimate(host, { freeTier: true, assumptions: { logIngestGbPerMonth: 1 } });
        assert.equal(e.freeTierApplied, true);
        assert.equal(e.totalInsideFreeTier, 0);
        assert.ok(e.totalAfterFreeTier > 0);
        assert.equal(e.totalAfterFreeTier, e.total);
        close(e.lines[0].monthly, H * price("ec2.instance.t3.micro") + 20 * price("ebs.gp3.gbMonth") + H * price("vpc.publicIpv4.hour"));
        assert.match(e.lines[0].parts[0].formula, /free tier ec2\.microInstanceHours/);

        // A second micro instance shares the 750 h: only 2 x 730 - 750 hours are paid.
        const two = estimate([...host, res("aws:ec2/instance:Instance", "host-2", { instanceType: "t3.micro", rootBlockDevice: { volumeSize: 8 } })], {
            freeTier: true,
            assumptions: { logIngestGbPerMonth: 1 },
        });
        close(two.totalInsideFreeTier, (2 * H - 750) * price("ec2.instance.t3.micro"));

        // A non-eligible type is never free.
        const big = estimate([res("aws:ec2/instance:Instance", "h", { instanceType: "t3.medium", rootBlockDevice: { volumeSize: 8 } })], { freeTier: true });
        close(big.totalInsideFreeTier, H * price("ec2.instance.t3.medium"));
    });

    it("has a price for every size config/allowed-sizes.ts allows", () => {
        const missing: string[] = [];
        const need = (k: string) => hasPrice(k) || missing.push(k);
        for (const t of [...FREE_TIER_EC2_TYPES, ...NAT_INSTANCE_TYPES]) need(`ec2.instance.${t}`);
        for (const tier of TIERS) {
            for (const t of ALLOWED_SIZES[tier].ec2) need(`ec2.instance.${t}`);
            for (const c of ALLOWED_SIZES[tier].rds) for (const az of ["singleAz", "multiAz"]) need(`rds.postgres.${az}.${c}`);
            for (const n of ALLOWED_SIZES[tier].elasticache) for (const engine of ["redis", "valkey"]) need(`elasticache.${engine}.${n}`);
        }
        assert.deepEqual([...new Set(missing)], []);
    });

    it("marks every derived rate unconfirmed and every hourly rate has a source", () => {
        for (const [key, e] of Object.entries(catalogue.prices)) {
            if (e.derived) assert.equal(e.source, "unconfirmed", key);
        }
        assert.equal(catalogue.hoursPerMonth, 730);
        assert.equal(catalogue.freeTier["ec2.microInstanceHours"].quantity, 750);
    });

    it("formatMoney rounds to cents with separators", () => {
        assert.equal(formatMoney(1944.005), "$1,944.01");
        assert.equal(formatMoney(0), "$0.00");
        assert.equal(formatMoney(-3.1), "-$3.10");
        assert.equal(formatMoney(-0.001), "$0.00");
    });

    it("stays free of Node-only APIs (the PolicyPack bundles it) and names no tier (it reads the tier table's traits)", () => {
        const root = path.join(__dirname, "..", "..", "cost");
        // cost/refresh.ts is the catalogue refresh tool (reads and writes the JSON), not part of the estimator.
        const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && f !== "refresh.ts");
        assert.ok(files.includes(path.join("estimate", "index.ts")) && files.includes(path.join("pricers", "ecs.ts")), files.join(", "));
        for (const f of files) {
            const src = fs.readFileSync(path.join(root, f), "utf8");
            assert.doesNotMatch(src, /from "(fs|path|child_process|os)"|require\(/, f);
            for (const tier of TIERS) assert.ok(!src.includes(`"${tier}"`) && !src.includes(`'${tier}'`), `${f} names tier "${tier}"`);
        }
    });

    it("keeps every source file of the estimator under 400 lines (one idea each)", () => {
        const root = path.join(__dirname, "..", "..", "cost");
        for (const f of (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"))) {
            const lines = fs.readFileSync(path.join(root, f), "utf8").split("\n").length;
            assert.ok(lines <= 400, `cost/${f} has ${lines} lines`);
        }
    });
});
