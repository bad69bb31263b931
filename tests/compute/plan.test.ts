// The compute tier's pure decisions, without Pulumi: rule priorities, containers, IAM, scaling.
import * as assert from "assert";
import { resolveSettings } from "../../config/validate";
import { ServiceSettings, Settings } from "../../config/types";
import {
    capacityProviderStrategy, containerDefinition, defaultService, discoveryEnvironment, ecrLifecyclePolicy,
    ecrRepositoryName, executionRolePolicy, grpcAddresses, listenerRules, namespaceName, publicTcpListeners,
    scalingPolicies, secretEnvironment, secretValueFrom,
} from "../../components/compute-plan";
import { physicalName } from "../../components/load-balancer";

function settings(values: Record<string, unknown> = {}, stack = "staging"): Settings {
    return resolveSettings({ project: "platform", stack, region: "us-east-1", values: { tier: stack, ...values }, secretKeys: [] });
}
const service = (s: Settings, name: string): ServiceSettings => s.services.find((x) => x.name === name)!;
const APP = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-staging/app-AbCdEf";
const DB = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-XyZ123";

describe("compute plan: listener rules", () => {
    it("gives each service a priority block by its position in config, host rules before path rules", () => {
        const s = settings({ services: { api: { routing: { default: true, paths: ["/v1/*"], hosts: ["api.example.com"] } } } });
        assert.deepStrictEqual(listenerRules(s.services).map((r) => [r.service, r.suffix, r.priority, r.condition.values]), [
            ["api", "host-1", 101, ["api.example.com"]],
            ["api", "path-1", 102, ["/v1/*"]],
            ["devices", "path-1", 201, ["/devices/*"]],
        ]);
    });

    it("keeps existing priorities when a service is added", () => {
        const before = listenerRules(settings().services);
        const after = listenerRules(settings({ services: { reports: { ports: [{ port: 8081, protocol: "http" }], routing: { paths: ["/reports/*"] } } } }).services);
        assert.deepStrictEqual(after.slice(0, before.length), before);
        assert.deepStrictEqual(after.slice(before.length).map((r) => [r.service, r.priority]), [["reports", 301]]);
    });

    it("splits more than five values into several rules (ALB limit)", () => {
        const paths = ["/a", "/b", "/c", "/d", "/e", "/f"];
        const rules = listenerRules(settings({ services: { devices: { routing: { paths } } } }).services).filter((r) => r.service === "devices");
        assert.deepStrictEqual(rules.map((r) => [r.priority, r.condition.values.length]), [[201, 5], [202, 1]]);
    });

    it("refuses a path pattern the ALB would refuse, naming the key", () => {
        assert.throws(() => listenerRules(settings({ services: { devices: { routing: { paths: ["devices/*"] } } } }).services),
            /platform:services\.devices\.routing\.paths\[0\]: "devices\/\*" is not a valid ALB path pattern/);
    });

    it("picks the single default service", () => {
        assert.strictEqual(defaultService(settings().services).name, "api");
    });

});

describe("compute plan: containers", () => {
    it("references secrets by ARN, with the ECS json-key syntax", () => {
        assert.strictEqual(secretValueFrom(APP), APP);
        assert.strictEqual(secretValueFrom(DB, "password"), `${DB}:password::`);
        const result = secretEnvironment(service(settings(), "api"), { app: APP, database: DB });
        assert.deepStrictEqual(result.secrets, [
            { name: "APP_SECRET", valueFrom: APP },
            { name: "DATABASE_PASSWORD", valueFrom: `${DB}:password::` },
            { name: "DATABASE_USERNAME", valueFrom: `${DB}:username::` },
        ]);
        assert.deepStrictEqual(result.secretArns, [APP, DB].sort());
    });

    it("leaves out secrets whose source does not exist yet", () => {
        const result = secretEnvironment(service(settings(), "api"), { app: APP });
        assert.deepStrictEqual(result.secrets.map((x) => x.name), ["APP_SECRET"]);
        assert.deepStrictEqual(result.skipped, ["DATABASE_PASSWORD", "DATABASE_USERNAME"]);
        assert.deepStrictEqual(secretEnvironment(service(settings(), "api"), {}).secrets, []);
    });

    it("builds the devices container: all ports, curl health check, awslogs, read-only root with a writable /tmp", () => {
        const s = settings();
        const devices = service(s, "devices");
        const def = containerDefinition(devices, {
            image: "repo:1.0.0", logGroupName: "/ecs/x/devices", region: "us-east-1", secretArns: { app: APP, database: DB },
            extraEnvironment: discoveryEnvironment(s.services, "staging.platform.internal"),
        }) as any;
        assert.deepStrictEqual(def.portMappings.map((p: any) => p.containerPort), [8080, 50051, 5000]);
        assert.deepStrictEqual(def.healthCheck, {
            command: ["CMD-SHELL", "curl -f http://localhost:8080/health/readiness || exit 1"], interval: 30, timeout: 5, retries: 3, startPeriod: 60,
        });
        assert.strictEqual(def.essential, true);
        assert.strictEqual(def.privileged, undefined);
        assert.strictEqual(def.readonlyRootFilesystem, true);
        assert.deepStrictEqual(def.mountPoints, [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
        assert.deepStrictEqual(def.logConfiguration.options, { "awslogs-group": "/ecs/x/devices", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "devices" });
        assert.deepStrictEqual(def.environment, [
            { name: "DEVICES_GRPC_ADDRESS", value: "devices.staging.platform.internal:50051" },
            { name: "ENVIRONMENT", value: "staging" },
        ]);
        assert.ok(def.secrets.every((x: any) => x.valueFrom.startsWith("arn:aws:secretsmanager:") && x.value === undefined));
    });

    it("gives a service without an http port no curl health check, and a writable root when configured", () => {
        const worker = service(settings({ services: { worker: { ports: [{ port: 9000, protocol: "tcp" }], readOnlyRootFilesystem: false } } }), "worker");
        const def = containerDefinition(worker, { image: "x", logGroupName: "g", region: "us-east-1", secretArns: {} }) as any;
        assert.strictEqual(def.healthCheck, undefined);
        assert.deepStrictEqual(def.mountPoints, []);
        assert.strictEqual(def.readonlyRootFilesystem, false);
    });
});

describe("compute plan: IAM, capacity, scaling, names", () => {
    it("scopes the execution policy to known ARNs; only GetAuthorizationToken has *", () => {
        const policy = executionRolePolicy({ repositoryArn: "arn:repo", logGroupArn: "arn:logs", secretArns: [APP], kmsKeyArn: "arn:kms", region: "us-east-1" });
        const star = policy.Statement.filter((st) => ([] as string[]).concat(st.Resource).includes("*"));
        assert.deepStrictEqual(star.map((st) => st.Action), [["ecr:GetAuthorizationToken"]]);
        assert.deepStrictEqual(policy.Statement.map((st) => st.Resource), ["*", "arn:repo", "arn:logs:*", [APP], "arn:kms"]);
        const noSecrets = executionRolePolicy({ repositoryArn: "arn:repo", logGroupArn: "arn:logs", secretArns: [], kmsKeyArn: "arn:kms", region: "us-east-1" });
        assert.deepStrictEqual(noSecrets.Statement.map((st) => st.Sid), ["EcrAuth", "PullImage", "WriteLogs"]);
    });

    it("spot: FARGATE base 1 weight 1 + FARGATE_SPOT weight 3; otherwise FARGATE only", () => {
        assert.deepStrictEqual(capacityProviderStrategy(true), [{ capacityProvider: "FARGATE", base: 1, weight: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }]);
        assert.deepStrictEqual(capacityProviderStrategy(false), [{ capacityProvider: "FARGATE", weight: 1 }]);
    });

    it("scales on CPU 70 and memory 80, plus request count and the custom metric when configured", () => {
        const s = settings({ services: { api: { scaling: { requestsPerTarget: 500 } } } });
        const summary = (name: string) => scalingPolicies(service(s, name), true)
            .map((p) => [p.suffix, p.targetValue, p.scaleOutCooldown, p.scaleInCooldown, p.predefined?.metricType ?? p.customized?.metricName]);
        assert.deepStrictEqual(summary("api"), [
            ["cpu", 70, 60, 300, "ECSServiceAverageCPUUtilization"],
            ["memory", 80, 60, 300, "ECSServiceAverageMemoryUtilization"],
            ["requests", 500, 60, 300, "ALBRequestCountPerTarget"],
        ]);
        assert.deepStrictEqual(summary("devices")[2], ["custom", 1000, 60, 300, "ActiveConnections"]);
        assert.throws(() => scalingPolicies(service(s, "api"), false), /requestsPerTarget: service api publishes no ALB request count/);
    });

    it("names: namespace, repositories, gRPC addresses, length-limited physical names", () => {
        assert.strictEqual(namespaceName("platform", "staging"), "staging.platform.internal");
        assert.strictEqual(namespaceName("My_Project", "Prod"), "prod.my-project.internal");
        assert.strictEqual(ecrRepositoryName("platform-staging", "api"), "platform-staging/api");
        assert.deepStrictEqual(grpcAddresses(settings().services, "staging.platform.internal"), { devices: "devices.staging.platform.internal:50051" });
        assert.strictEqual(physicalName("platform-staging", "alb", 32), "platform-staging-alb");
        const long = physicalName("a-very-long-project-name-for-testing-stack", "alb", 32);
        assert.ok(long.length <= 32 && long.endsWith("-alb"), long);
    });

    it("keeps the last N images in ECR", () => {
        const rule = JSON.parse(ecrLifecyclePolicy(10)).rules[0];
        assert.deepStrictEqual([rule.selection.countType, rule.selection.countNumber, rule.action.type], ["imageCountMoreThan", 10, "expire"]);
    });
});
