// The strict mock layer: every rule refuses a resource AWS or the provider would refuse, naming the
// resource and the rule's source, and accepts its boundary neighbour, so the layer cannot silently
// stop checking. Violating resources are declared directly with @pulumi/aws through RunOptions.program,
// under exactly the harness the real program runs in.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { ACCOUNT_ID } from "../../harness/mocks";
import { refused, accepted, targetGroup, listener, task, lambda, ok } from "./strict-helpers";

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
        // Wildcards: at most 5 per rule, across its values.
        await refused(
            () => ok(() => rule("r", 10, ["/a/*/b/*", "/c/*/d/*", "/e/?*"])),
            "listener-rule-limits",
            "aws:lb/listenerRule:ListenerRule",
            "r",
            "at most 5 wildcards",
        );
        await accepted(() => ok(() => rule("r", 10, ["/a/*/b/*", "/c/*/d/*", "/e/*"])));
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
