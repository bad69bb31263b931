// The network as the real program declares it for each stack file, read from a mocked run.
import * as assert from "assert";
import { cidrContains, cidrsOverlap, parseCidr } from "../config/cidr";
import { find, ofType } from "../harness/run";
import { mockId } from "../harness/mocks";
import { TAGGABLE_TYPES } from "../components/tagging";
import { CapturedResource, StackCapture } from "../harness/types";
import { pickZoneIds } from "../components/zones";
import { runWith, stackRun } from "./helpers/stacks";

const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";
const NAT = "aws:ec2/natGateway:NatGateway";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
/**
 * The mocked account's us-east-1 maps us-east-1b to use1-az3 (no Fargate, no current Graviton): the
 * network takes the lowest-numbered usable zone ids instead of list positions.
 */
const TWO_ZONES = ["use1-az1", "use1-az2"];

function subnetsOf(capture: StackCapture, tier: string): CapturedResource[] {
    return ofType(capture, SUBNET).filter((s) => s.inputs.tags.SubnetTier === tier);
}

/** Security-group id -> the logical name of the group, to read rules as "alb -> services". */
function groupNames(capture: StackCapture): Map<string, string> {
    const ids = new Map<string, string>();
    for (const sg of ofType(capture, SG)) ids.set(mockId(SG, sg.name), sg.name.replace(/^network-/, ""));
    return ids;
}

/** Every egress rule as `group -> destination:port`, sorted. */
function egressRules(capture: StackCapture): string[] {
    const names = groupNames(capture);
    return ofType(capture, EGRESS)
        .map(
            (r) =>
                `${names.get(r.inputs.securityGroupId)} -> ${r.inputs.cidrIpv4 ?? names.get(r.inputs.referencedSecurityGroupId)}:${r.inputs.fromPort ?? "all"}`,
        )
        .sort();
}

/** Every ingress rule as `group <- source:port`. */
/** us-east-1's com.amazonaws.global.cloudfront.origin-facing (the mocks answer as AWS does). */
const CLOUDFRONT_PREFIX_LIST = "pl-3b927c52";

function ingressRules(capture: StackCapture): string[] {
    const names = groupNames(capture);
    return ofType(capture, INGRESS)
        .map((r) => {
            const source =
                r.inputs.cidrIpv4 ??
                (r.inputs.prefixListId === CLOUDFRONT_PREFIX_LIST ? "cloudfront" : r.inputs.prefixListId) ??
                names.get(r.inputs.referencedSecurityGroupId) ??
                r.inputs.referencedSecurityGroupId;
            return `${names.get(r.inputs.securityGroupId)} <- ${source}:${r.inputs.fromPort ?? "all"}`;
        })
        .sort();
}

for (const stack of ["staging", "production"]) {
    describe(`network (${stack})`, () => {
        let capture: StackCapture;
        before(async () => {
            capture = await stackRun(stack);
        });

        it("has a 10.0.0.0/16 VPC with DNS support and hostnames", () => {
            const vpc = find(capture, "aws:ec2/vpc:Vpc", "network-vpc");
            assert.deepStrictEqual([vpc.inputs.cidrBlock, vpc.inputs.enableDnsSupport, vpc.inputs.enableDnsHostnames], ["10.0.0.0/16", true, true]);
        });

        it("puts public, private and database subnets in every AZ, inside the VPC, without overlap", () => {
            const vpc = parseCidr(find(capture, "aws:ec2/vpc:Vpc", "network-vpc").inputs.cidrBlock)!;
            const subnets = ofType(capture, SUBNET);
            assert.strictEqual(subnets.length, 6);
            for (const tier of ["public", "private", "database"]) {
                // A3/C2: placed by zone id (the same physical zones in every account), never by name.
                assert.deepStrictEqual(
                    subnetsOf(capture, tier).map((s) => [s.inputs.availabilityZoneId, s.inputs.availabilityZone]),
                    TWO_ZONES.map((id) => [id, undefined]),
                    `${tier} subnets per AZ`,
                );
            }
            const cidrs = subnets.map((s) => parseCidr(s.inputs.cidrBlock)!);
            cidrs.forEach((c, i) => {
                assert.ok(cidrContains(vpc, c), `${subnets[i].inputs.cidrBlock} inside the VPC`);
                cidrs
                    .slice(i + 1)
                    .forEach((other, j) =>
                        assert.ok(!cidrsOverlap(c, other), `${subnets[i].inputs.cidrBlock} overlaps ${subnets[i + 1 + j].inputs.cidrBlock}`),
                    );
            });
            assert.ok(
                subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false),
                "no subnet auto-assigns public IPs",
            );
        });

        it("routes public subnets to the internet gateway and gives database subnets no internet route", () => {
            const publicRoute = find(capture, ROUTE, "network-public-internet");
            assert.strictEqual(publicRoute.inputs.destinationCidrBlock, "0.0.0.0/0");
            assert.ok(publicRoute.inputs.gatewayId, "public default route goes to the IGW");
            assert.ok(!ofType(capture, ROUTE).some((r) => r.name.startsWith("network-database")), "no database route");
        });

        it("builds DB and ElastiCache subnet groups over the database subnets", () => {
            const dbSubnetIds = subnetsOf(capture, "database").map((s) => mockId(SUBNET, s.name));
            assert.deepStrictEqual(find(capture, "aws:rds/subnetGroup:SubnetGroup", "network-database").inputs.subnetIds, dbSubnetIds);
            assert.deepStrictEqual(find(capture, "aws:elasticache/subnetGroup:SubnetGroup", "network-cache").inputs.subnetIds, dbSubnetIds);
        });

        it("adds a free S3 gateway endpoint on every route table", () => {
            const endpoint = find(capture, "aws:ec2/vpcEndpoint:VpcEndpoint", "network-s3");
            assert.strictEqual(endpoint.inputs.vpcEndpointType, "Gateway");
            assert.strictEqual(endpoint.inputs.serviceName, "com.amazonaws.us-east-1.s3");
            assert.strictEqual(endpoint.inputs.routeTableIds.length, ofType(capture, "aws:ec2/routeTable:RouteTable").length);
        });

        it("opens exactly the seed's security-group chain", () => {
            assert.deepStrictEqual(
                ingressRules(capture),
                [
                    // Behind the edge: CloudFront's origin-facing addresses on the one port it uses.
                    stack === "production" ? "alb <- cloudfront:443" : "alb <- cloudfront:80",
                    "cache <- services:6379",
                    // B10: the app DB user's bootstrap and rotation functions reach PostgreSQL too.
                    "database <- database-app-user-bootstrap:5432",
                    "database <- database-app-user-rotation:5432",
                    "database <- services:5432",
                    "services <- alb:8080",
                    "services <- services:5000",
                    "services <- services:50051",
                    ...(stack === "staging" ? ["nat <- 10.0.10.0/24:all", "nat <- 10.0.11.0/24:all"] : []),
                ].sort(),
            );
        });

        it("lets the load balancer send only to the services' app port, and nothing leave the data stores", () => {
            const egress = egressRules(capture);
            assert.ok(egress.includes("alb -> services:8080"));
            assert.ok(!egress.some((e) => e.startsWith("database ->") || e.startsWith("cache ->")), egress.join(", "));
        });

        it("D: services send only HTTPS out, PostgreSQL and Redis to the data tier and their internal ports to each other; no all-traffic egress but the NAT instance's", () => {
            assert.deepStrictEqual(
                egressRules(capture),
                [
                    "alb -> services:8080",
                    "database-app-user-bootstrap -> 0.0.0.0/0:443",
                    "database-app-user-bootstrap -> database:5432",
                    "database-app-user-rotation -> 0.0.0.0/0:443",
                    "database-app-user-rotation -> database:5432",
                    "services -> 0.0.0.0/0:443",
                    "services -> cache:6379",
                    "services -> database:5432",
                    "services -> services:5000",
                    "services -> services:50051",
                    ...(stack === "staging" ? ["nat -> 0.0.0.0/0:all"] : []),
                ].sort(),
            );
            for (const rule of ofType(capture, EGRESS).filter((r) => r.inputs.fromPort !== undefined)) {
                assert.deepStrictEqual([rule.inputs.ipProtocol, rule.inputs.toPort], ["tcp", rule.inputs.fromPort], rule.name);
            }
        });

        it("allows no 0.0.0.0/0 ingress at all: the load balancer takes CloudFront's prefix list, in one rule (it weighs 55 of the group's 60)", () => {
            assert.deepStrictEqual(
                ingressRules(capture).filter((r) => r.includes("0.0.0.0/0") || r.includes("::/0")),
                [],
            );
            const fromCloudFront = ofType(capture, INGRESS).filter((r) => r.inputs.prefixListId !== undefined);
            assert.deepStrictEqual(
                fromCloudFront.map((r) => [r.inputs.prefixListId, r.inputs.fromPort, r.inputs.toPort]),
                [[CLOUDFRONT_PREFIX_LIST, stack === "production" ? 443 : 80, stack === "production" ? 443 : 80]],
            );
        });
    });
}

describe("network: NAT choices", () => {
    const privateEgress = (capture: StackCapture) => ofType(capture, ROUTE).filter((r) => /^network-private-\d-egress$/.test(r.name));

    it("per-az (production default): one NAT gateway with its EIP per AZ, each private table to its own AZ's", async () => {
        const capture = await stackRun("production");
        const nats = ofType(capture, NAT);
        assert.strictEqual(nats.length, 2);
        assert.strictEqual(ofType(capture, "aws:ec2/eip:Eip").length, 2);
        assert.deepStrictEqual(
            nats.map((n) => n.inputs.subnetId),
            subnetsOf(capture, "public").map((s) => mockId(SUBNET, s.name)),
        );
        const routes = privateEgress(capture);
        assert.strictEqual(routes.length, 2);
        assert.notStrictEqual(routes[0].inputs.natGatewayId, routes[1].inputs.natGatewayId);
    });

    it("single: one NAT gateway shared by every private route table", async () => {
        const capture = await runWith("staging", { config: { network: { nat: "single" } } });
        assert.strictEqual(ofType(capture, NAT).length, 1);
        const routes = privateEgress(capture);
        assert.strictEqual(routes.length, 2);
        assert.strictEqual(routes[0].inputs.natGatewayId, routes[1].inputs.natGatewayId);
        assert.ok(!capture.resources.some((r) => r.name === "network-nat" && r.type === "aws:ec2/instance:Instance"));
    });

    it("instance (staging default): a Graviton NAT instance, no NAT gateway, private routes to its interface", async () => {
        const capture = await stackRun("staging");
        assert.strictEqual(ofType(capture, NAT).length, 0);
        const instance = find(capture, "aws:ec2/instance:Instance", "network-nat");
        assert.strictEqual(instance.inputs.instanceType, "t4g.nano");
        assert.strictEqual(instance.inputs.sourceDestCheck, false);
        assert.strictEqual(instance.inputs.metadataOptions.httpTokens, "required");
        assert.strictEqual(instance.inputs.creditSpecification.cpuCredits, "standard", "no surplus-credit billing");
        assert.ok(instance.dependsOn!.includes("aws:ec2/route:Route::network-public-internet"), "boots after the internet route exists");
        const routes = privateEgress(capture);
        assert.strictEqual(routes.length, 2);
        assert.ok(routes.every((r) => r.inputs.networkInterfaceId && !r.inputs.natGatewayId));
    });

    it("three AZs: three subnets per tier and three NAT gateways with per-az", async () => {
        const capture = await runWith("production", { config: { network: { azCount: 3 } } });
        assert.strictEqual(subnetsOf(capture, "private").length, 3);
        // use1-az3 (us-east-1b in this account) skipped: az1, az2, az4.
        assert.deepStrictEqual(
            subnetsOf(capture, "database").map((s) => s.inputs.availabilityZoneId),
            ["use1-az1", "use1-az2", "use1-az4"],
        );
        assert.strictEqual(ofType(capture, NAT).length, 3);
    });

    it("sends VPC flow logs to CloudWatch in production only", async () => {
        const production = await stackRun("production");
        const flowLog = find(production, "aws:ec2/flowLog:FlowLog", "network-flow-logs");
        assert.strictEqual(flowLog.inputs.trafficType, "ALL");
        assert.strictEqual(find(production, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").inputs.retentionInDays, 30);
        assert.strictEqual(ofType(await stackRun("staging"), "aws:ec2/flowLog:FlowLog").length, 0);
    });

    it("B4: the flow-log role is assumable only for this account's flow logs, has AWS's documented minimum, and the flow log waits for it", async () => {
        const production = await stackRun("production");
        const trust = JSON.parse(find(production, "aws:iam/role:Role", "network-flow-logs").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [
            {
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Condition: {
                    StringEquals: { "aws:SourceAccount": "482917365014" },
                    ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:482917365014:vpc-flow-log/*" },
                },
            },
        ]);
        const policy = JSON.parse(find(production, "aws:iam/rolePolicy:RolePolicy", "network-flow-logs").inputs.policy);
        const actions = policy.Statement.flatMap((st: any) => [].concat(st.Action)).sort();
        assert.deepStrictEqual(actions, [
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:DescribeLogGroups",
            "logs:DescribeLogStreams",
            "logs:PutLogEvents",
        ]);
        const logGroupArn = "arn:aws:logs:us-east-1:482917365014:log-group:/platform-production/vpc-flow-logs";
        const writes = policy.Statement.find((st: any) => [].concat(st.Action).includes("logs:PutLogEvents" as never));
        assert.deepStrictEqual(writes.Resource, [logGroupArn, `${logGroupArn}:*`]);
        const describe = policy.Statement.find((st: any) => [].concat(st.Action).includes("logs:DescribeLogGroups" as never));
        assert.deepStrictEqual([describe.Action, describe.Resource], ["logs:DescribeLogGroups", "*"], "DescribeLogGroups has no resource-level permissions");
        assert.deepStrictEqual(find(production, "aws:ec2/flowLog:FlowLog", "network-flow-logs").dependsOn, [
            "aws:iam/rolePolicy:RolePolicy::network-flow-logs",
        ]);
    });
});

describe("network: availability zones (A3, C2)", () => {
    it("asks EC2 for regular zones without use1-az3 and with no state filter (an impaired zone must not shift the list)", async () => {
        // The data source's module export, wrapped for one run to see the arguments the network passes.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const module = require("@pulumi/aws/getAvailabilityZones");
        const original = module.getAvailabilityZonesOutput;
        const seen: any[] = [];
        module.getAvailabilityZonesOutput = (args: any, opts: any) => {
            seen.push(args);
            return original(args, opts);
        };
        try {
            await runWith("staging", {});
        } finally {
            module.getAvailabilityZonesOutput = original;
        }
        assert.strictEqual(seen.length, 1);
        assert.strictEqual(seen[0].state, undefined, "no state filter");
        assert.deepStrictEqual(seen[0], { excludeZoneIds: ["use1-az3"], filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
    });

    it("pins network.availabilityZoneIds when given", async () => {
        const capture = await runWith("staging", { config: { network: { availabilityZoneIds: ["use1-az6", "use1-az4"] } } });
        for (const tier of ["public", "private", "database"]) {
            assert.deepStrictEqual(
                subnetsOf(capture, tier).map((s) => s.inputs.availabilityZoneId),
                ["use1-az6", "use1-az4"],
                tier,
            );
        }
    });

    it("picks the lowest-numbered usable zone ids, by number, whatever order EC2 answers in", () => {
        assert.deepStrictEqual(pickZoneIds(["use1-az5", "use1-az3", "use1-az10", "use1-az2", "use1-az1"], 3), ["use1-az1", "use1-az2", "use1-az5"]);
        assert.deepStrictEqual(pickZoneIds(["use1-az5", "use1-az3", "use1-az1"], 2), ["use1-az1", "use1-az5"], "use1-az3 never, even when offered");
        assert.deepStrictEqual(pickZoneIds(["use1-az1", "use1-az2", "use1-az4"], 2, ["use1-az4", "use1-az2"]), ["use1-az4", "use1-az2"]);
        assert.throws(() => pickZoneIds(["use1-az1", "use1-az2"], 2, ["use1-az1", "use1-az9"]), /platform:network\.availabilityZoneIds: use1-az9 not offered/);
        assert.throws(() => pickZoneIds(["use1-az1", "use1-az3"], 2), /platform:network\.azCount: 2 zones needed, the region offers 1 usable/);
    });
});

describe("network (dev, zero-cost)", () => {
    it("has public subnets only, no NAT of any kind, and only 80/443 open to the host", async () => {
        const capture = await stackRun("dev");
        assert.strictEqual(subnetsOf(capture, "private").length + subnetsOf(capture, "database").length, 0);
        assert.ok(subnetsOf(capture, "public").length >= 1);
        assert.strictEqual(ofType(capture, NAT).length, 0);
        assert.ok(!ofType(capture, ROUTE).some((r) => r.name.includes("egress")));
        assert.deepStrictEqual(ingressRules(capture), ["host <- 0.0.0.0/0:443", "host <- 0.0.0.0/0:80"]);
        const host = ofType(capture, "aws:ec2/instance:Instance")[0];
        assert.ok(host.dependsOn!.includes("aws:ec2/route:Route::network-public-internet"), "the host boots after the internet route exists");
    });
});

describe("cost-allocation tags", () => {
    it("tags every taggable resource with Project, Environment, Tier and CostCenter", async () => {
        for (const stack of ["dev", "staging", "production"]) {
            const capture = await stackRun(stack);
            const taggable = capture.resources.filter((r) => TAGGABLE_TYPES.has(r.type));
            assert.ok(taggable.length > 5);
            for (const r of taggable) {
                assert.deepStrictEqual(
                    [r.inputs.tags?.Project, r.inputs.tags?.Environment, r.inputs.tags?.Tier, r.inputs.tags?.CostCenter],
                    ["platform", stack, { dev: "zero-cost", staging: "staging", production: "production" }[stack], "platform"],
                    `${r.type} ${r.name}`,
                );
            }
        }
    });
});
