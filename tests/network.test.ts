// The network as the real program declares it for each stack file, read from a mocked run.
import * as assert from "assert";
import { cidrContains, cidrsOverlap, parseCidr } from "../config/cidr";
import { find, ofType } from "../harness/run";
import { mockId } from "../harness/mocks";
import { TAGGABLE_TYPES } from "../components/tagging";
import { CapturedResource, StackCapture } from "../harness/types";
import { runWith, stackRun } from "./helpers/stacks";

const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";
const NAT = "aws:ec2/natGateway:NatGateway";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";

function subnetsOf(capture: StackCapture, tier: string): CapturedResource[] {
    return ofType(capture, SUBNET).filter((s) => s.inputs.tags.SubnetTier === tier);
}

/** Security-group id -> the logical name of the group, to read rules as "alb -> services". */
function groupNames(capture: StackCapture): Map<string, string> {
    const ids = new Map<string, string>();
    for (const sg of ofType(capture, SG)) ids.set(mockId(SG, sg.name), sg.name.replace(/^network-/, ""));
    return ids;
}

/** Every ingress rule as `group <- source:port`. */
function ingressRules(capture: StackCapture): string[] {
    const names = groupNames(capture);
    return ofType(capture, INGRESS).map((r) => {
        const source = r.inputs.cidrIpv4 ?? names.get(r.inputs.referencedSecurityGroupId) ?? r.inputs.referencedSecurityGroupId;
        return `${names.get(r.inputs.securityGroupId)} <- ${source}:${r.inputs.fromPort ?? "all"}`;
    }).sort();
}

for (const stack of ["staging", "production"]) {
    describe(`network (${stack})`, () => {
        let capture: StackCapture;
        before(async () => { capture = await stackRun(stack); });

        it("has a 10.0.0.0/16 VPC with DNS support and hostnames", () => {
            const vpc = find(capture, "aws:ec2/vpc:Vpc", "network-vpc");
            assert.deepStrictEqual([vpc.inputs.cidrBlock, vpc.inputs.enableDnsSupport, vpc.inputs.enableDnsHostnames], ["10.0.0.0/16", true, true]);
        });

        it("puts public, private and database subnets in every AZ, inside the VPC, without overlap", () => {
            const vpc = parseCidr(find(capture, "aws:ec2/vpc:Vpc", "network-vpc").inputs.cidrBlock)!;
            const subnets = ofType(capture, SUBNET);
            assert.strictEqual(subnets.length, 6);
            for (const tier of ["public", "private", "database"]) {
                assert.deepStrictEqual(subnetsOf(capture, tier).map((s) => s.inputs.availabilityZone), ["us-east-1a", "us-east-1c"], `${tier} subnets per AZ`);
            }
            const cidrs = subnets.map((s) => parseCidr(s.inputs.cidrBlock)!);
            cidrs.forEach((c, i) => {
                assert.ok(cidrContains(vpc, c), `${subnets[i].inputs.cidrBlock} inside the VPC`);
                cidrs.slice(i + 1).forEach((other, j) => assert.ok(!cidrsOverlap(c, other), `${subnets[i].inputs.cidrBlock} overlaps ${subnets[i + 1 + j].inputs.cidrBlock}`));
            });
            assert.ok(subnets.every((s) => s.inputs.mapPublicIpOnLaunch === false), "no subnet auto-assigns public IPs");
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
            assert.deepStrictEqual(ingressRules(capture), [
                "alb <- 0.0.0.0/0:443",
                "alb <- 0.0.0.0/0:80",
                "cache <- services:6379",
                "database <- services:5432",
                "services <- alb:8080",
                "services <- services:5000",
                "services <- services:50051",
                ...(stack === "staging" ? ["nat <- 10.0.10.0/24:all", "nat <- 10.0.11.0/24:all"] : []),
            ].sort());
        });

        it("lets the load balancer send only to the services' app port, and nothing leave the data stores", () => {
            const names = groupNames(capture);
            const egress = ofType(capture, EGRESS).map((r) => `${names.get(r.inputs.securityGroupId)} -> ${r.inputs.cidrIpv4 ?? names.get(r.inputs.referencedSecurityGroupId)}:${r.inputs.fromPort ?? "all"}`);
            assert.ok(egress.includes("alb -> services:8080"));
            assert.ok(!egress.some((e) => e.startsWith("database") || e.startsWith("cache")), egress.join(", "));
        });

        it("allows 0.0.0.0/0 ingress only on the load balancer's 80 and 443", () => {
            const open = ingressRules(capture).filter((r) => r.includes("0.0.0.0/0"));
            assert.deepStrictEqual(open, ["alb <- 0.0.0.0/0:443", "alb <- 0.0.0.0/0:80"]);
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
        assert.deepStrictEqual(nats.map((n) => n.inputs.subnetId), subnetsOf(capture, "public").map((s) => mockId(SUBNET, s.name)));
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
        assert.deepStrictEqual(subnetsOf(capture, "database").map((s) => s.inputs.availabilityZone), ["us-east-1a", "us-east-1c", "us-east-1d"]);
        assert.strictEqual(ofType(capture, NAT).length, 3);
    });

    it("sends VPC flow logs to CloudWatch in production only", async () => {
        const production = await stackRun("production");
        const flowLog = find(production, "aws:ec2/flowLog:FlowLog", "network-flow-logs");
        assert.strictEqual(flowLog.inputs.trafficType, "ALL");
        assert.strictEqual(find(production, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").inputs.retentionInDays, 30);
        assert.strictEqual(ofType(await stackRun("staging"), "aws:ec2/flowLog:FlowLog").length, 0);
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
