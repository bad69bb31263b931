// The strict layer's rules on ARNs (account, region), sizes and counts, zones without Fargate, and
// provider deprecations: each fed a violating resource and its boundary value (tests/harness/strict-helpers.ts).
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { ACCOUNT_ID } from "../../harness/mocks";
import { checkResource } from "../../harness/strict";
import { EXAMPLE_ACCOUNT_IDS } from "../../config/aws-limits";
import { refused, accepted, vpcId, CERT, listener, ok } from "./strict-helpers";

describe("strict layer: ARNs whose account or region cannot be right", () => {
    it("uses a caller account that is not a documentation example", () => {
        assert.match(ACCOUNT_ID, /^\d{12}$/);
        assert.ok(!EXAMPLE_ACCOUNT_IDS.includes(ACCOUNT_ID));
    });

    it("refuses any input naming example account 111122223333, accepts the caller's", async () => {
        const alarm = (account: string) =>
            new aws.cloudwatch.MetricAlarm("alarm", {
                comparisonOperator: "GreaterThanThreshold",
                evaluationPeriods: 1,
                metricName: "CPUUtilization",
                namespace: "AWS/EC2",
                period: 60,
                statistic: "Average",
                threshold: 80,
                alarmActions: [`arn:aws:sns:us-east-1:${account}:alarms`],
            });
        await refused(() => ok(() => alarm("111122223333")), "arn-example-account", "aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", "alarmActions[0]");
        await accepted(() => ok(() => alarm(ACCOUNT_ID)));
    });

    it("refuses an HTTPS listener certificate from another region or another account, accepts the stack's", async () => {
        await refused(
            () => ok(() => listener("https", { certificateArn: CERT.replace("us-east-1", "eu-west-1") })),
            "certificate-region-account",
            "aws:lb/listener:Listener",
            "https",
            "a certificate in us-east-1",
        );
        await refused(
            () => ok(() => listener("https", { certificateArn: CERT.replace(ACCOUNT_ID, "210987654321") })),
            "certificate-region-account",
            "aws:lb/listener:Listener",
            "https",
            `the deploying account ${ACCOUNT_ID}`,
        );
        await accepted(() => ok(() => listener("https")));
    });

    it("takes the caller account from aws:allowedAccountIds: its certificates pass, its ARNs and identity use it", async () => {
        const capture = await accepted(
            async () => {
                listener("https", { certificateArn: CERT.replace(ACCOUNT_ID, "210987654321") });
                return { topic: new aws.sns.Topic("topic").arn, caller: aws.getCallerIdentityOutput().accountId };
            },
            { config: { "aws:allowedAccountIds": ["210987654321"] } },
        );
        assert.deepStrictEqual(
            [capture.outputs.topic, capture.outputs.caller],
            [`arn:aws:sns:us-east-1:210987654321:topic-${String(capture.outputs.topic).slice(-7)}`, "210987654321"],
        );
    });

    it("refuses a CloudFront certificate outside us-east-1 (rule function over one resource)", () => {
        const distribution = (region: string) =>
            checkResource(
                {
                    type: "aws:cloudfront/distribution:Distribution",
                    name: "edge",
                    region: "eu-west-1",
                    inputs: { viewerCertificate: { acmCertificateArn: `arn:aws:acm:${region}:${ACCOUNT_ID}:certificate/x` } },
                },
                { stackRegion: "eu-west-1", account: ACCOUNT_ID, zoneIdOf: () => undefined },
            );
        assert.deepStrictEqual(
            distribution("eu-west-1").map((v) => [v.rule, v.allowed]),
            [["certificate-region-account", "a certificate in us-east-1 (CloudFront)"]],
        );
        assert.deepStrictEqual(distribution("us-east-1"), []);
    });

    it("creates resources of an explicit provider in its region: a us-west-2 certificate cannot serve a us-east-1 listener", async () => {
        await refused(
            async () => {
                const west = new aws.Provider("west", { region: "us-west-2" });
                const cert = new aws.acm.Certificate("cert", { domainName: "api.example.net", validationMethod: "DNS" }, { provider: west });
                listener("https", { certificateArn: cert.arn });
                return {};
            },
            "certificate-region-account",
            "aws:lb/listener:Listener",
            "https",
            "arn:aws:acm:us-west-2:",
        );
    });
});

describe("strict layer: sizes and counts", () => {
    it("refuses a metric-math alarm over 11 metrics, accepts 10", async () => {
        const alarm = (metrics: number) =>
            new aws.cloudwatch.MetricAlarm("sum", {
                comparisonOperator: "GreaterThanThreshold",
                evaluationPeriods: 1,
                threshold: 1,
                metricQueries: [
                    { id: "total", expression: Array.from({ length: metrics }, (_, i) => `m${i}`).join("+"), returnData: true },
                    ...Array.from({ length: metrics }, (_, i) => ({
                        id: `m${i}`,
                        metric: {
                            metricName: "CPUUtilization",
                            namespace: "AWS/ElastiCache",
                            period: 60,
                            stat: "Average",
                            dimensions: { CacheClusterId: `node-${i}` },
                        },
                    })),
                ],
            });
        await refused(() => ok(() => alarm(11)), "alarm-metric-math-size", "aws:cloudwatch/metricAlarm:MetricAlarm", "sum", "at most 10 metrics");
        await accepted(() => ok(() => alarm(10)));
    });

    it("refuses EC2 user data of 16385 bytes (plain or base64 in a launch template), accepts 16384", async () => {
        const instance = (bytes: number) =>
            new aws.ec2.Instance("host", { ami: "ami-0f1e2d3c4b5a69788", instanceType: "t3.micro", userData: "x".repeat(bytes) });
        await refused(() => ok(() => instance(16385)), "user-data-size", "aws:ec2/instance:Instance", "host", "16385 bytes");
        await refused(
            () => ok(() => new aws.ec2.LaunchTemplate("lt", { userData: Buffer.from("y".repeat(16385)).toString("base64") })),
            "user-data-size",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "lt",
            "16385 bytes",
        );
        await accepted(() => ok(() => instance(16384)));
    });

    it("refuses a Standard SSM parameter of 4097 characters, accepts 4096 (and 8192 in Advanced)", async () => {
        const parameter = (name: string, value: string, tier?: string) =>
            new aws.ssm.Parameter(name, { name: `/x/${name}`, type: "SecureString", value, tier });
        await refused(
            () => ok(() => parameter("p", "v".repeat(4097))),
            "ssm-parameter-size",
            "aws:ssm/parameter:Parameter",
            "p",
            "at most 4096 characters in tier Standard",
        );
        await accepted(() =>
            ok(() => {
                parameter("p", "v".repeat(4096));
                parameter("q", "v".repeat(8192), "Advanced");
            }),
        );
    });

    it("refuses inline policies over 10240 characters on one role (after the run), accepts 10240", async () => {
        const doc = (chars: number) =>
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"b".repeat(chars)}` }] });
        const overhead = doc(0).length;
        const declare = (total: number) =>
            ok(() => {
                const role = new aws.iam.Role("worker", { assumeRolePolicy: "{}" });
                new aws.iam.RolePolicy("one", { role: role.id, policy: doc(5000 - overhead) });
                new aws.iam.RolePolicy("two", { role: role.id, policy: doc(total - 5000 - overhead) });
            });
        await refused(() => declare(10241), "iam-role-inline-policy-size", "aws:iam/rolePolicy:RolePolicy", "two", "10241 characters");
        await accepted(() => declare(10240));
    });
});

describe("strict layer: zones without Fargate", () => {
    it("refuses a subnet in us-east-1b (use1-az3 in the mocked account) or in zone id use1-az3, accepts us-east-1a", async () => {
        const subnet = (args: Partial<aws.ec2.SubnetArgs>) => new aws.ec2.Subnet("sn", { vpcId, cidrBlock: "10.0.1.0/24", ...args });
        await refused(
            () => ok(() => subnet({ availabilityZone: "us-east-1b" })),
            "subnet-zone-without-fargate",
            "aws:ec2/subnet:Subnet",
            "sn",
            "zone id use1-az3",
        );
        await refused(
            () => ok(() => subnet({ availabilityZoneId: "use1-az3" })),
            "subnet-zone-without-fargate",
            "aws:ec2/subnet:Subnet",
            "sn",
            "availabilityZoneId",
        );
        await accepted(() => ok(() => subnet({ availabilityZone: "us-east-1a" })));
    });

    it("answers getAvailabilityZones with equal-length names and zone ids, honouring excludeZoneIds, excludeNames, state and filters", async () => {
        const capture = await accepted(async () => ({
            all: aws.getAvailabilityZonesOutput({}),
            excluded: aws.getAvailabilityZonesOutput({
                excludeZoneIds: ["use1-az3"],
                excludeNames: ["us-east-1f"],
                filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
            }),
            impaired: aws.getAvailabilityZonesOutput({ state: "impaired" }),
            byName: aws.getAvailabilityZonesOutput({ filters: [{ name: "zone-name", values: ["us-east-1d"] }] }),
        }));
        const o = capture.outputs as Record<string, { names: string[]; zoneIds: string[] }>;
        assert.deepStrictEqual(
            o.all.names.map((n, i) => `${n}=${o.all.zoneIds[i]}`),
            ["us-east-1a=use1-az1", "us-east-1b=use1-az3", "us-east-1c=use1-az5", "us-east-1d=use1-az2", "us-east-1e=use1-az4", "us-east-1f=use1-az6"],
        );
        assert.deepStrictEqual(
            [o.excluded.names, o.excluded.zoneIds],
            [
                ["us-east-1a", "us-east-1c", "us-east-1d", "us-east-1e"],
                ["use1-az1", "use1-az5", "use1-az2", "use1-az4"],
            ],
        );
        assert.deepStrictEqual([o.impaired.names, o.impaired.zoneIds], [[], []]);
        assert.deepStrictEqual(o.byName.zoneIds, ["use1-az2"]);
    });
});

describe("strict layer: provider deprecations and ElastiCache AUTH", () => {
    it("refuses Cloud Map healthCheckCustomConfig.failureThreshold and the empty block (never stored: replaced on every update); accepts no block", async () => {
        const discovery = (config?: Record<string, unknown>) =>
            new aws.servicediscovery.Service("svc", { name: "svc", ...(config ? { healthCheckCustomConfig: config } : {}) });
        await refused(
            () => ok(() => discovery({ failureThreshold: 1 })),
            "deprecated-input",
            "aws:servicediscovery/service:Service",
            "svc",
            "healthCheckCustomConfig.failureThreshold",
        );
        await refused(() => ok(() => discovery({})), "deprecated-input", "aws:servicediscovery/service:Service", "svc", "terraform-provider-aws#44285");
        await accepted(() => ok(() => discovery()));
    });

    it("refuses an AUTH token of 15 characters, with @, or without transit encryption; accepts 16 plain characters", async () => {
        const group = (authToken: string, transitEncryptionEnabled = true) =>
            new aws.elasticache.ReplicationGroup("cache", { description: "c", nodeType: "cache.t4g.small", authToken, transitEncryptionEnabled });
        await refused(
            () => ok(() => group("a".repeat(15))),
            "elasticache-auth-token",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "cache",
            "16-128 printable ASCII",
        );
        await refused(
            () => ok(() => group(`${"a".repeat(15)}@`)),
            "elasticache-auth-token",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "cache",
            'without / " @ %',
        );
        await refused(
            () => ok(() => group("a".repeat(16), false)),
            "elasticache-auth-token",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "cache",
            "transitEncryptionEnabled",
        );
        await accepted(() => ok(() => group("a".repeat(16))));
    });

    it("refuses a RandomPassword AUTH token that may draw @ or % (random's default specials) or is 12 long, accepts special: false at 64", async () => {
        const declare = (args: random.RandomPasswordArgs) =>
            ok(() => {
                const token = new random.RandomPassword("token", args);
                new aws.elasticache.ReplicationGroup("cache", {
                    description: "c",
                    nodeType: "cache.t4g.small",
                    authToken: token.result,
                    transitEncryptionEnabled: true,
                });
            });
        await refused(
            () => declare({ length: 64 }),
            "elasticache-auth-token-generator",
            "random:index/randomPassword:RandomPassword",
            "token",
            "special (default true)",
        );
        await refused(
            () => declare({ length: 12, special: false }),
            "elasticache-auth-token-generator",
            "random:index/randomPassword:RandomPassword",
            "token",
            "16-128",
        );
        await accepted(() => declare({ length: 64, special: false }));
    });
});
