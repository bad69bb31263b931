import * as assert from "assert";
import {
    allowedInstanceSizes,
    BudgetEstimate,
    Estimator,
    gp3Only,
    gravitonPreferred,
    logRetention,
    monthlyBudget,
    natGatewayCount,
    parseFargateSize,
    zeroBudgetNeverFree,
} from "../../policies/rules/cost";
import { CapturedResource } from "../../harness/types";
import {
    assertHasResourceViolation,
    assertHasStackViolation,
    assertNoResourceViolations,
    assertNoStackViolations,
    res,
    runResourcePolicy,
    runStackPolicy,
    tags,
} from "./util";

/** A fake estimator: a fixed price per resource type, and a record of what it was asked. */
function fakeEstimator(prices: Record<string, number>, freeTierCredit = 0) {
    const calls: { count: number; freeTier?: boolean; tier?: string }[] = [];
    const estimator: Estimator = (resources: CapturedResource[], options) => {
        calls.push({ count: resources.length, freeTier: options?.freeTier, tier: options?.tier });
        const total = resources.reduce((s, r) => s + (prices[r.type] ?? 0), 0);
        const inside = options?.freeTier ? Math.max(0, total - freeTierCredit) : total;
        const e: BudgetEstimate = { total, totalInsideFreeTier: inside, totalAfterFreeTier: total, unpriced: [] };
        return e;
    };
    return { estimator, calls };
}

const ec2 = "aws:ec2/instance:Instance";
const nat = "aws:ec2/natGateway:NatGateway";

describe("policies: monthly-budget", () => {
    it("rejects a staging stack over its budget and passes one under it", () => {
        const { estimator } = fakeEstimator({ [nat]: 150 });
        const policy = monthlyBudget(estimator);
        const two = [res(nat, "nat-a", { tags: tags("staging") }), res(nat, "nat-b", { tags: tags("staging") })];
        assertHasStackViolation(policy, two, { message: /\$300\.00.*exceeds the staging budget of \$225\.00/ });
        assertNoStackViolations(policy, two.slice(0, 1));
    });

    it("reads the budget from pack config", () => {
        const { estimator } = fakeEstimator({ [nat]: 150 });
        const policy = monthlyBudget(estimator);
        const one = [res(nat, "nat-a", { tags: tags("staging") })];
        assertHasStackViolation(policy, one, { message: "budget of $100.00" }, { budgets: { staging: 100 } });
    });

    it("zero-cost compares the cost inside the free tier with $0", () => {
        const { estimator, calls } = fakeEstimator({ [ec2]: 8.47 }, 8.47);
        const policy = monthlyBudget(estimator);
        const host = [res(ec2, "host", { tags: tags("zero-cost") })];
        assertNoStackViolations(policy, host);
        assert.strictEqual(calls[0].freeTier, true);
        assert.strictEqual(calls[0].tier, "zero-cost");
        const twoHosts = [...host, res(ec2, "host-2", { tags: tags("zero-cost") })];
        assertHasStackViolation(policy, twoHosts, { message: /\$8\.47 \(inside the free tier\) exceeds the zero-cost budget of \$0\.00/ });
    });

    it("hands every resource to the estimator", () => {
        const { estimator, calls } = fakeEstimator({});
        runStackPolicy(monthlyBudget(estimator), [res(ec2, "a", { tags: tags("staging") }), res("platform:x:Y", "comp", {}, { custom: false })]);
        assert.strictEqual(calls[0].count, 2);
    });

    it("takes the tier from the Tier tag before the config, and from config when no tag", () => {
        const { estimator, calls } = fakeEstimator({ [ec2]: 50 });
        const policy = monthlyBudget(estimator);
        runStackPolicy(policy, [res(ec2, "a", { tags: tags("production") })], { tier: "staging" });
        assert.strictEqual(calls[0].tier, "production");
        runStackPolicy(policy, [res(ec2, "a", {})], { tier: "staging" });
        assert.strictEqual(calls[1].tier, "staging");
    });

    it("fails closed when no tier can be found or tags disagree", () => {
        const { estimator } = fakeEstimator({});
        const policy = monthlyBudget(estimator);
        assertHasStackViolation(policy, [res(ec2, "a", {})], { message: "Cannot determine the stack's tier" });
        assertHasStackViolation(policy, [res(ec2, "a", { tags: tags("staging") }), res(ec2, "b", { tags: tags("production") })], {
            message: "different Tier tags",
        });
    });

    it("works with the real cost estimator through the pack", () => {
        // Real cost/estimate.ts: a NAT gateway alone costs more than $0 in zero-cost.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { packEstimator } = require("../../policies/pack") as typeof import("../../policies/pack");
        const policy = monthlyBudget(packEstimator);
        assertHasStackViolation(policy, [res(nat, "nat", { tags: tags("zero-cost"), subnetId: "subnet-1" })], { message: "exceeds the zero-cost budget" });
        assertNoStackViolations(policy, [res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16", tags: tags("zero-cost") })]);
    });
});

describe("policies: allowed-instance-sizes", () => {
    const policy = allowedInstanceSizes();
    it("EC2: free-tier types only in zero-cost, NAT-instance types elsewhere", () => {
        assertNoResourceViolations(policy, res(ec2, "host", { instanceType: "t3.micro", tags: tags("zero-cost") }));
        assertHasResourceViolation(policy, res(ec2, "host", { instanceType: "m5.large", tags: tags("zero-cost") }), {
            message: /"m5\.large" is not allowed in tier zero-cost/,
        });
        assertNoResourceViolations(policy, res("aws:ec2/launchTemplate:LaunchTemplate", "nat", { instanceType: "t4g.nano", tags: tags("staging") }));
        assertHasResourceViolation(policy, res("aws:ec2/launchTemplate:LaunchTemplate", "nat", { instanceType: "c5.large", tags: tags("staging") }));
    });
    it("RDS: none in zero-cost, listed classes elsewhere", () => {
        const rds = "aws:rds/instance:Instance";
        assertHasResourceViolation(policy, res(rds, "db", { instanceClass: "db.t4g.micro", tags: tags("zero-cost") }), {
            message: "none (no rds in zero-cost)",
        });
        assertNoResourceViolations(policy, res(rds, "db", { instanceClass: "db.t4g.small", tags: tags("staging") }));
        assertHasResourceViolation(policy, res(rds, "db", { instanceClass: "db.r6g.large", tags: tags("staging") }));
        assertNoResourceViolations(policy, res(rds, "db", { instanceClass: "db.r6g.large", tags: tags("production") }));
    });
    it("ElastiCache node types", () => {
        const rg = "aws:elasticache/replicationGroup:ReplicationGroup";
        assertNoResourceViolations(policy, res(rg, "cache", { nodeType: "cache.t4g.micro", tags: tags("staging") }));
        assertHasResourceViolation(policy, res(rg, "cache", { nodeType: "cache.r7g.large", tags: tags("staging") }), { message: "nodeType" });
    });
    it("Fargate task size ceiling, and no Fargate in zero-cost", () => {
        const td = "aws:ecs/taskDefinition:TaskDefinition";
        const task = (cpu: string, memory: string, tier: "staging" | "production" | "zero-cost") =>
            res(td, "api", { requiresCompatibilities: ["FARGATE"], cpu, memory, tags: tags(tier), containerDefinitions: "[]" });
        assertNoResourceViolations(policy, task("512", "1024", "staging"));
        assertHasResourceViolation(policy, task("4096", "8192", "staging"), { message: "exceeds tier staging's ceiling" });
        assertNoResourceViolations(policy, task("4 vCPU", "16 GB", "production"));
        assertHasResourceViolation(policy, task("256", "512", "zero-cost"), { message: "not allowed in tier zero-cost" });
        assertNoResourceViolations(policy, res(td, "ec2-task", { requiresCompatibilities: ["EC2"], cpu: "8192", tags: tags("staging") }));
    });
    it("parses Fargate sizes", () => {
        assert.deepStrictEqual(parseFargateSize("0.25 vCPU", "0.5 GB"), { cpu: 256, memory: 512 });
        assert.deepStrictEqual(parseFargateSize(1024, "2048"), { cpu: 1024, memory: 2048 });
    });
    it("tier from tag wins over config; config is the fallback; neither is a violation", () => {
        const big = { instanceClass: "db.r6g.large" };
        const rds = "aws:rds/instance:Instance";
        assertNoResourceViolations(policy, res(rds, "db", { ...big, tags: tags("production") }), { tier: "staging" });
        assertHasResourceViolation(policy, res(rds, "db", big), { message: "tier staging" }, { tier: "staging" });
        assertNoResourceViolations(policy, res(rds, "db", big), { tier: "production" });
        assertHasResourceViolation(policy, res(rds, "db", big), { message: "Cannot determine the tier" });
        assertHasResourceViolation(policy, res(rds, "db", { ...big, tags: { Tier: "prod" } }), { message: 'Tier tag "prod"' });
    });
});

describe("policies: nat-gateway-count (stack)", () => {
    const policy = natGatewayCount();
    const subnet = (az: string, tier: "staging" | "production") => res("aws:ec2/subnet:Subnet", `public-${az}`, { availabilityZone: az, tags: tags(tier) });
    const natGw = (name: string, tier: "zero-cost" | "staging" | "production") => res(nat, name, { tags: tags(tier) });

    it("counts every NAT gateway even when other resources come first (aws-ts-finops bug)", () => {
        const stack = [
            subnet("us-east-1a", "staging"),
            res("aws:ec2/vpc:Vpc", "vpc", { tags: tags("staging") }),
            natGw("nat-a", "staging"),
            subnet("us-east-1b", "staging"),
            natGw("nat-b", "staging"),
        ];
        assertHasStackViolation(policy, stack, { message: /2 NAT gateway\(s\) \(nat-a, nat-b\) exceed tier staging's limit of 1/ });
    });
    it("staging: one is fine", () => {
        assertNoStackViolations(policy, [res("aws:ec2/vpc:Vpc", "vpc", { tags: tags("staging") }), natGw("nat-a", "staging")]);
    });
    it("zero-cost: none", () => {
        assertHasStackViolation(policy, [res(ec2, "host", { tags: tags("zero-cost") }), natGw("nat", "zero-cost")], { message: "limit of 0" });
        assertNoStackViolations(policy, [res(ec2, "host", { tags: tags("zero-cost") })]);
    });
    it("production: one per AZ, AZs from the subnets, else azCount", () => {
        const azs = ["us-east-1a", "us-east-1b"].map((az) => subnet(az, "production"));
        assertNoStackViolations(policy, [...azs, natGw("a", "production"), natGw("b", "production")]);
        assertHasStackViolation(policy, [...azs, natGw("a", "production"), natGw("b", "production"), natGw("c", "production")], {
            message: "one per AZ, 2 AZs",
        });
        const three = [natGw("a", "production"), natGw("b", "production"), natGw("c", "production")];
        assertNoStackViolations(policy, three);
        assertHasStackViolation(policy, [...three, natGw("d", "production")], { message: "limit of 3" });
        assertHasStackViolation(policy, three, { message: "limit of 2" }, { azCount: 2 });
    });
    it("limits can be set per tier in config", () => {
        assertNoStackViolations(policy, [natGw("a", "staging"), natGw("b", "staging")], { maxNatGateways: { staging: 2 } });
    });
});

describe("policies: zero-budget-never-free", () => {
    const policy = zeroBudgetNeverFree();
    const cases: [string, Record<string, any>][] = [
        [nat, {}],
        ["aws:lb/loadBalancer:LoadBalancer", {}],
        ["aws:rds/instance:Instance", {}],
        ["aws:elasticache/replicationGroup:ReplicationGroup", {}],
        ["aws:ec2/eip:Eip", {}],
        ["aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface" }],
        ["aws:kms/key:Key", {}],
        ["aws:ecs/service:Service", { launchType: "FARGATE" }],
    ];
    for (const [type, inputs] of cases) {
        it(`rejects ${type} in zero-cost, allows it in staging`, () => {
            assertHasResourceViolation(policy, res(type, "x", { ...inputs, tags: tags("zero-cost") }), { message: "not allowed in tier zero-cost" });
            assertNoResourceViolations(policy, res(type, "x", { ...inputs, tags: tags("staging") }));
        });
    }
    it("allows gateway VPC endpoints, the host, and an EIP when config allows it", () => {
        assertNoResourceViolations(policy, res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway", tags: tags("zero-cost") }));
        assertNoResourceViolations(policy, res(ec2, "host", { instanceType: "t3.micro", tags: tags("zero-cost") }));
        assertNoResourceViolations(policy, res("aws:ec2/eip:Eip", "ip", { tags: tags("zero-cost") }), { allowElasticIp: true });
        assertNoResourceViolations(policy, res("aws:kms/key:Key", "k", { tags: tags("zero-cost") }), { allowTypes: ["aws:kms/key:Key"] });
    });
    it("uses the config tier when the resource has no Tier tag", () => {
        assertHasResourceViolation(policy, res(nat, "nat", {}), { message: "zero-cost" }, { tier: "zero-cost" });
        assertNoResourceViolations(policy, res(nat, "nat", {}), { tier: "production" });
    });
});

describe("policies: log-retention", () => {
    const policy = logRetention();
    const lg = (days: number | undefined, tier: "staging" | "production") =>
        res("aws:cloudwatch/logGroup:LogGroup", "logs", { ...(days === undefined ? {} : { retentionInDays: days }), tags: tags(tier) });
    it("requires retention to be set", () => {
        assertHasResourceViolation(policy, lg(undefined, "staging"), { message: "does not set retentionInDays" });
        assertHasResourceViolation(policy, lg(0, "production"), { message: "does not set retentionInDays" });
    });
    it("bounds per tier", () => {
        assertNoResourceViolations(policy, lg(3, "staging"));
        assertHasResourceViolation(policy, lg(30, "staging"), { message: "outside tier staging's bounds [1, 14]" });
        assertNoResourceViolations(policy, lg(90, "production"));
        assertHasResourceViolation(policy, lg(400, "production"), { message: "[30, 365]" });
        assertNoResourceViolations(policy, lg(30, "staging"), { bounds: { staging: { min: 1, max: 30 } } });
    });
    it("rejects values CloudWatch does not accept", () => {
        assertHasResourceViolation(policy, lg(10, "staging"), { message: "not a value CloudWatch accepts" });
    });
});

describe("policies: gp3-only", () => {
    const policy = gp3Only();
    it("EBS volumes", () => {
        assertHasResourceViolation(policy, res("aws:ebs/volume:Volume", "v", { size: 8 }), { message: "unset" });
        assertHasResourceViolation(policy, res("aws:ebs/volume:Volume", "v", { type: "gp2" }), { message: '"gp2"' });
        assertNoResourceViolations(policy, res("aws:ebs/volume:Volume", "v", { type: "gp3" }));
    });
    it("instance root and EBS block devices", () => {
        assertHasResourceViolation(policy, res(ec2, "host", {}), { message: "rootBlockDevice.volumeType" });
        assertHasResourceViolation(policy, res(ec2, "host", { rootBlockDevice: { volumeType: "gp3" }, ebsBlockDevices: [{ volumeType: "io1" }] }), {
            message: "ebsBlockDevices[0]",
        });
        assertNoResourceViolations(policy, res(ec2, "host", { rootBlockDevice: { volumeType: "gp3", volumeSize: 8 } }));
    });
    it("launch templates and RDS", () => {
        assertHasResourceViolation(
            policy,
            res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp2" } }] }),
        );
        assertNoResourceViolations(
            policy,
            res("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp3" } }] }),
        );
        assertHasResourceViolation(policy, res("aws:rds/instance:Instance", "db", {}), { message: "storageType" });
        assertNoResourceViolations(policy, res("aws:rds/instance:Instance", "db", { storageType: "gp3" }));
    });
});

describe("policies: graviton-preferred (advisory)", () => {
    const policy = gravitonPreferred();
    it("is advisory", () => assert.strictEqual(policy.enforcementLevel, "advisory"));
    it("flags x86 types and passes Graviton ones", () => {
        assertHasResourceViolation(policy, res("aws:rds/instance:Instance", "db", { instanceClass: "db.t3.medium" }), { message: "not Graviton" });
        assertNoResourceViolations(policy, res("aws:rds/instance:Instance", "db", { instanceClass: "db.t4g.medium" }));
        assertHasResourceViolation(policy, res("aws:elasticache/replicationGroup:ReplicationGroup", "c", { nodeType: "cache.r6i.large" }));
        assertNoResourceViolations(policy, res("aws:elasticache/replicationGroup:ReplicationGroup", "c", { nodeType: "cache.r7g.large" }));
        assertHasResourceViolation(policy, res(ec2, "nat", { instanceType: "t3.nano", tags: tags("staging") }));
    });
    it("does not nag about a free-tier host in zero-cost", () => {
        assertNoResourceViolations(policy, res(ec2, "host", { instanceType: "t2.micro", tags: tags("zero-cost") }));
    });
    it("Fargate runtimePlatform", () => {
        const td = "aws:ecs/taskDefinition:TaskDefinition";
        assertHasResourceViolation(policy, res(td, "api", { requiresCompatibilities: ["FARGATE"] }), { message: "ARM64" });
        assertNoResourceViolations(
            policy,
            res(td, "api", { requiresCompatibilities: ["FARGATE"], runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" } }),
        );
    });
    it("ignores unrelated resources", () => {
        const run = runResourcePolicy(policy, res("aws:s3/bucketV2:BucketV2", "b", {}));
        assert.deepStrictEqual(run.messages, []);
    });
});
