// The strict mock layer: every rule refuses a resource AWS or the provider would refuse, naming the
// resource and the rule's source, and accepts its boundary neighbour, so the layer cannot silently
// stop checking. Violating resources are declared directly with @pulumi/aws through RunOptions.program,
// under exactly the harness the real program runs in.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { ACCOUNT_ID } from "../../harness/mocks";
import { checkResource } from "../../harness/strict";
import { EXAMPLE_ACCOUNT_IDS } from "../../config/aws-limits";
import { refused, accepted, vpcId, CERT, targetGroup, listener, task, lambda, ok } from "./strict-helpers";

describe("strict layer: physical names after Pulumi autonaming", () => {
    it("refuses a target group whose logical name is 25 characters (autoname over 32), accepts 24", async () => {
        await refused(
            () => ok(() => targetGroup("t".repeat(25))),
            "physical-name",
            "aws:lb/targetGroup:TargetGroup",
            "t".repeat(25),
            "plus 7 random chars is longer than maximum length 32",
        );
        const capture = await accepted(async () => ({ arn: targetGroup("t".repeat(24)).arn }));
        assert.match(String(capture.outputs.arn), new RegExp(`:targetgroup/${"t".repeat(24)}-[0-9a-f]{7}/`), "the ARN carries the autoname");
    });

    it("refuses a target group namePrefix of 7 characters, accepts 6 expanded by the provider's 26-character suffix", async () => {
        await refused(() => ok(() => targetGroup("tg", { namePrefix: "abcdefg" })), "physical-name", "aws:lb/targetGroup:TargetGroup", "tg", "namePrefix");
        const capture = await accepted(async () => ({ arn: targetGroup("tg", { namePrefix: "abcdef" }).arn }));
        assert.match(String(capture.outputs.arn), /:targetgroup\/abcdef\d{18}[0-9a-f]{8}\//);
    });

    it("refuses a load balancer named with 33 characters or autonamed from a 25-character logical name, accepts 32", async () => {
        const lb = (name: string, args: Partial<aws.lb.LoadBalancerArgs> = {}) =>
            new aws.lb.LoadBalancer(name, { loadBalancerType: "application", subnets: ["subnet-1", "subnet-2"], ...args });
        await refused(() => ok(() => lb("alb", { name: "a".repeat(33) })), "physical-name", "aws:lb/loadBalancer:LoadBalancer", "alb", "at most 32");
        await refused(() => ok(() => lb("l".repeat(25))), "physical-name", "aws:lb/loadBalancer:LoadBalancer", "l".repeat(25), "autonamed");
        await accepted(() => ok(() => lb("alb", { name: "a".repeat(32) })));
    });

    it("refuses an IAM role autonamed from a 57-character logical name (64 max), accepts 56", async () => {
        const role = (name: string) => new aws.iam.Role(name, { assumeRolePolicy: "{}" });
        await refused(() => ok(() => role("r".repeat(57))), "physical-name", "aws:iam/role:Role", "r".repeat(57), "maximum length 64");
        await accepted(() => ok(() => role("r".repeat(56))));
    });

    it("refuses an ElastiCache group id autonamed from 33 characters (40 max) or explicit with two hyphens, accepts 32", async () => {
        const group = (name: string, args: Partial<aws.elasticache.ReplicationGroupArgs> = {}) =>
            new aws.elasticache.ReplicationGroup(name, { description: "cache", nodeType: "cache.t4g.small", ...args });
        await refused(
            () => ok(() => group("c".repeat(33))),
            "physical-name",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "c".repeat(33),
            "maximum length 40",
        );
        await refused(
            () => ok(() => group("cache", { replicationGroupId: "my--cache" })),
            "physical-name",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "cache",
            "consecutive hyphens",
        );
        await accepted(() => ok(() => group("c".repeat(32))));
    });

    it("refuses an RDS identifier of 64 characters, accepts 63", async () => {
        const db = (identifier: string) => new aws.rds.Instance("db", { identifier, engine: "postgres", instanceClass: "db.t4g.micro", allocatedStorage: 20 });
        await refused(() => ok(() => db(`d${"b".repeat(63)}`)), "physical-name", "aws:rds/instance:Instance", "db", "1-63");
        await accepted(() => ok(() => db(`d${"b".repeat(62)}`)));
    });

    it("refuses a Lambda function autonamed from 57 characters and a bucket with capitals; accepts their neighbours", async () => {
        await refused(() => ok(() => lambda("f".repeat(57))), "physical-name", "aws:lambda/function:Function", "f".repeat(57), "maximum length 64");
        await accepted(() => ok(() => lambda("f".repeat(56))));
        await refused(() => ok(() => new aws.s3.Bucket("logs", { bucket: "My-Logs" })), "physical-name", "aws:s3/bucket:Bucket", "logs", "lowercase");
        await accepted(() => ok(() => new aws.s3.Bucket("logs", { bucket: "my-logs" })));
    });
});

describe("strict layer: enumerated values", () => {
    it("refuses a log retention of 2 days, accepts 3 (CloudWatch's fixed list)", async () => {
        await refused(
            () => ok(() => new aws.cloudwatch.LogGroup("lg", { retentionInDays: 2 })),
            "log-retention-days",
            "aws:cloudwatch/logGroup:LogGroup",
            "lg",
            "retentionInDays = 2",
        );
        await accepted(() => ok(() => new aws.cloudwatch.LogGroup("lg", { retentionInDays: 3 })));
    });

    it("refuses a TLS policy ELB does not define, accepts a 2025-09 post-quantum one", async () => {
        await refused(
            () => ok(() => listener("https", { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2099-01" })),
            "elb-ssl-policy",
            "aws:lb/listener:Listener",
            "https",
            "ELBSecurityPolicy-TLS13-1-2-2099-01",
        );
        await accepted(() => ok(() => listener("https", { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" })));
    });

    it("refuses Fargate 1024 cpu / 1024 MiB and 8192 / 62464, accepts 1024 / 2048 and 8192 / 61440", async () => {
        await refused(
            () => ok(() => task("small", "1024", "1024")),
            "fargate-task-size",
            "aws:ecs/taskDefinition:TaskDefinition",
            "small",
            "2048-8192 in steps of 1024",
        );
        await refused(
            () => ok(() => task("big", "8192", "62464")),
            "fargate-task-size",
            "aws:ecs/taskDefinition:TaskDefinition",
            "big",
            "16384-61440 in steps of 4096",
        );
        await accepted(() =>
            ok(() => {
                task("small", "1024", "2048");
                task("big", "8192", "61440");
            }),
        );
    });

    it("refuses a retired Lambda runtime and two architectures, accepts nodejs22.x on arm64", async () => {
        await refused(
            () => ok(() => lambda("fn", { runtime: "nodejs16.x" })),
            "lambda-runtime-architecture",
            "aws:lambda/function:Function",
            "fn",
            "nodejs16.x",
        );
        await refused(
            () => ok(() => lambda("fn", { architectures: ["arm64", "x86_64"] })),
            "lambda-runtime-architecture",
            "aws:lambda/function:Function",
            "fn",
            "exactly one of x86_64, arm64",
        );
        await accepted(() => ok(() => lambda("fn")));
    });
});

describe("strict layer: ranges AWS enforces", () => {
    it("refuses a Lambda timeout of 901 s and 127 MB, accepts 900 s and 128 MB", async () => {
        await refused(() => ok(() => lambda("fn", { timeout: 901 })), "lambda-limits", "aws:lambda/function:Function", "fn", "timeout = 901");
        await refused(() => ok(() => lambda("fn", { memorySize: 127 })), "lambda-limits", "aws:lambda/function:Function", "fn", "memorySize = 127");
        await accepted(() => ok(() => lambda("fn", { timeout: 900, memorySize: 128 })));
    });

    it("refuses an ALB idle timeout of 4001 s, accepts 4000", async () => {
        const lb = (idleTimeout: number) =>
            new aws.lb.LoadBalancer("alb", { name: "alb", loadBalancerType: "application", subnets: ["subnet-1"], idleTimeout });
        await refused(() => ok(() => lb(4001)), "alb-idle-timeout", "aws:lb/loadBalancer:LoadBalancer", "alb", "from 1 to 4000");
        await accepted(() => ok(() => lb(4000)));
    });

    it("refuses target group deregistration 3601 s, health check timeout 121 s and thresholds of 11; accepts the bounds", async () => {
        await refused(
            () => ok(() => targetGroup("tg", { deregistrationDelay: 3601 })),
            "target-group-ranges",
            "aws:lb/targetGroup:TargetGroup",
            "tg",
            "deregistrationDelay",
        );
        await refused(
            () => ok(() => targetGroup("tg", { healthCheck: { timeout: 121 } })),
            "target-group-ranges",
            "aws:lb/targetGroup:TargetGroup",
            "tg",
            "healthCheck.timeout",
        );
        await refused(
            () => ok(() => targetGroup("tg", { healthCheck: { healthyThreshold: 11 } })),
            "target-group-ranges",
            "aws:lb/targetGroup:TargetGroup",
            "tg",
            "healthCheck.healthyThreshold",
        );
        await refused(
            () => ok(() => targetGroup("tg", { healthCheck: { interval: 4 } })),
            "target-group-ranges",
            "aws:lb/targetGroup:TargetGroup",
            "tg",
            "healthCheck.interval",
        );
        await accepted(() =>
            ok(() =>
                targetGroup("tg", { deregistrationDelay: 3600, healthCheck: { interval: 300, timeout: 120, healthyThreshold: 10, unhealthyThreshold: 2 } }),
            ),
        );
    });

    it("refuses a container health check timeout of 61 s or 0 retries, accepts 60 s and 1 retry", async () => {
        const withCheck = (healthCheck: Record<string, unknown>) =>
            task("app", "256", "512", [{ name: "app", image: "nginx", healthCheck: { command: ["CMD", "true"], ...healthCheck } }]);
        await refused(
            () => ok(() => withCheck({ timeout: 61 })),
            "ecs-container-health-check",
            "aws:ecs/taskDefinition:TaskDefinition",
            "app",
            "healthCheck.timeout",
        );
        await refused(
            () => ok(() => withCheck({ retries: 0 })),
            "ecs-container-health-check",
            "aws:ecs/taskDefinition:TaskDefinition",
            "app",
            "healthCheck.retries",
        );
        await accepted(() => ok(() => withCheck({ timeout: 60, retries: 1, interval: 300, startPeriod: 300 })));
    });

    it("refuses an ECS secret read from a KMS key ARN, accepts a Secrets Manager ARN with a JSON key and a parameter name", async () => {
        const withSecret = (valueFrom: string) => task("app", "256", "512", [{ name: "app", image: "nginx", secrets: [{ name: "S", valueFrom }] }]);
        await refused(
            () => ok(() => withSecret(`arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/abc`)),
            "ecs-secret-value-from",
            "aws:ecs/taskDefinition:TaskDefinition",
            "app",
            "valueFrom",
        );
        await accepted(() => ok(() => withSecret(`arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:app-AbCdEf:password::`)));
        await accepted(() => ok(() => withSecret("/platform/dev/app-secret")));
    });

    it("refuses listener rule priorities 0 and 50001 and six condition values, accepts 50000 with five", async () => {
        const rule = (name: string, priority: number, paths: string[], listenerArn = "arn:listener/a") =>
            new aws.lb.ListenerRule(name, {
                listenerArn,
                priority,
                actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
                conditions: [{ pathPattern: { values: paths } }],
            });
        await refused(() => ok(() => rule("r", 0, ["/a"])), "listener-rule-limits", "aws:lb/listenerRule:ListenerRule", "r", "from 1 to 50000");
        await refused(() => ok(() => rule("r", 50001, ["/a"])), "listener-rule-limits", "aws:lb/listenerRule:ListenerRule", "r", "priority");
        await refused(
            () => ok(() => rule("r", 10, ["/a", "/b", "/c", "/d", "/e", "/f"])),
            "listener-rule-limits",
            "aws:lb/listenerRule:ListenerRule",
            "r",
            "at most 5 condition values",
        );
        await accepted(() => ok(() => rule("r", 50000, ["/a", "/b", "/c", "/d", "/e"])));
    });

    it("refuses two rules of one listener on the same priority (after the run), accepts it on different listeners", async () => {
        const rule = (name: string, listenerArn: string) =>
            new aws.lb.ListenerRule(name, {
                listenerArn,
                priority: 100,
                actions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
                conditions: [{ pathPattern: { values: [`/${name}`] } }],
            });
        await refused(
            () =>
                ok(() => {
                    rule("first", "arn:listener/a");
                    rule("second", "arn:listener/a");
                }),
            "listener-rule-priority-unique",
            "aws:lb/listenerRule:ListenerRule",
            "second",
            'already held by "first"',
        );
        await accepted(() =>
            ok(() => {
                rule("first", "arn:listener/a");
                rule("second", "arn:listener/b");
            }),
        );
    });
});

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
