// The compute tier's pure decisions, without Pulumi: rule priorities, containers, IAM, scaling.
import * as assert from "assert";
import { resolveSettings } from "../../config/validate";
import { ServiceSettings, Settings } from "../../config/types";
import {
    containerDefinition,
    containerHealthCheckCommand,
    scalingMetricEnvironment,
    secretEnvironment,
    secretValueFrom,
} from "../../components/container-definition";
import { executionRolePolicy } from "../../components/execution-role";
import { ecrLifecyclePolicy, ecrRepositoryArnOf, ecrRepositoryName, imageReference } from "../../components/images";
import { defaultService, listenerRules } from "../../components/listener-rules";
import { discoveryEnvironment, grpcAddresses, namespaceName } from "../../components/service-discovery";
import { capacityProviderStrategy, scalingPolicies } from "../../components/service-scaling";
import { autonameBase, physicalName } from "../../components/naming";
import { servicePriorityBlock } from "../../config/priorities";

function settings(values: Record<string, unknown> = {}, stack = "staging"): Settings {
    return resolveSettings({ project: "platform", stack, region: "us-east-1", values: { tier: stack, ...values }, secretKeys: [] });
}
const service = (s: Settings, name: string): ServiceSettings => s.services.find((x) => x.name === name)!;
/** The services of `s` with `hosts` routing for `name` (which config refuses behind the edge). */
const withHosts = (s: Settings, name: string, hosts: string[]): ServiceSettings[] =>
    s.services.map((x) => (x.name === name ? { ...x, routing: { ...x.routing, hosts } } : x));
const APP = "arn:aws:secretsmanager:us-east-1:482917365014:secret:platform-staging/app-20261201000000000000000002-AbCdEf";
// `database:*` reads the application DB user's secret (never the RDS-managed master secret).
const DB = "arn:aws:secretsmanager:us-east-1:482917365014:secret:platform-staging/db-app-user-20261201000000000000000001-XyZ123";

describe("compute plan: listener rules", () => {
    it("gives each service its own priority block from its name, host rules (n+1..) before path rules (n+50..)", () => {
        // Host rules: refused behind the edge by config (config/resolve/routing.ts), set here on the
        // validated settings, as a load balancer without the edge would take them.
        const s = withHosts(settings({ services: { api: { routing: { default: true, paths: ["/v1/*"] } } } }), "api", ["api.example.com"]);
        const api = servicePriorityBlock("api") * 100;
        const devices = servicePriorityBlock("devices") * 100;
        assert.notStrictEqual(api, devices);
        assert.deepStrictEqual(
            listenerRules(s).map((r) => [r.service, r.suffix, r.priority, r.condition.values]),
            [
                ["api", "host-1", api + 1, ["api.example.com"]],
                ["api", "path-1", api + 50, ["/v1/*"]],
                ["devices", "path-1", devices + 50, ["/devices", "/devices/*"]],
            ],
        );
    });

    // pulumi-aws#175: priorities that move onto numbers other rules still hold fail with PriorityInUse.
    it("keeps every existing priority when a service is added before the others, disabled, or the config reordered", () => {
        const byRule = (values: Record<string, unknown>) =>
            Object.fromEntries(listenerRules(settings(values).services).map((r) => [`${r.service}/${r.suffix}`, r.priority]));
        const before = byRule({});
        const reports = { ports: [{ port: 8081, protocol: "http" }], routing: { paths: ["/reports/*"] } };
        // A new service first in the map, and the seed services listed in the opposite order.
        const added = byRule({ services: { reports, devices: {}, api: {} } });
        assert.deepStrictEqual(Object.fromEntries(Object.entries(added).filter(([k]) => !k.startsWith("reports/"))), before);
        assert.strictEqual(added["reports/path-1"], servicePriorityBlock("reports") * 100 + 50);
        // Disabling the service with rules leaves the rest where it was (here: none left), re-enabling restores it.
        const withReports = byRule({ services: { reports } });
        const withoutDevices = byRule({ services: { reports, devices: { enabled: false } } });
        assert.deepStrictEqual(withoutDevices, { "reports/path-1": withReports["reports/path-1"] });
        // A host rule added to a service does not move its path rules.
        const withHost = Object.fromEntries(
            listenerRules(withHosts(settings(), "devices", ["devices.example.com"])).map((r) => [`${r.service}/${r.suffix}`, r.priority]),
        );
        assert.strictEqual(withHost["devices/path-1"], before["devices/path-1"]);
        assert.ok(withHost["devices/host-1"] < withHost["devices/path-1"]);
    });

    it("takes routing.priority when set, and refuses two services in one block", () => {
        const rules = listenerRules(settings({ services: { devices: { routing: { priority: 7 } } } }).services);
        assert.deepStrictEqual(
            rules.map((r) => r.priority),
            [750],
        );
        assert.throws(
            () =>
                settings({
                    services: {
                        devices: { routing: { priority: 7 } },
                        reports: { ports: [{ port: 8081, protocol: "http" }], routing: { paths: ["/r/*"], priority: 7 } },
                    },
                }),
            /platform:services\.reports\.routing\.priority: block 7 is also service devices'/,
        );
    });

    it("splits more than five values into several rules (ALB limit)", () => {
        const paths = ["/a", "/b", "/c", "/d", "/e", "/f"];
        const rules = listenerRules(settings({ services: { devices: { routing: { paths } } } }).services).filter((r) => r.service === "devices");
        const block = servicePriorityBlock("devices") * 100;
        assert.deepStrictEqual(
            rules.map((r) => [r.priority, r.condition.values.length]),
            [
                [block + 50, 5],
                [block + 51, 1],
            ],
        );
    });

    it("refuses a path pattern the ALB would refuse, naming the key", () => {
        assert.throws(
            () => listenerRules(settings({ services: { devices: { routing: { paths: ["devices/*"] } } } }).services),
            /platform:services\.devices\.routing\.paths\[0\]: "devices\/\*" is not a valid ALB path pattern/,
        );
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
        // Only the keys the service needs: never the whole application secret.
        assert.deepStrictEqual(result.secrets, [
            { name: "APP_SECRET_JWT", valueFrom: `${APP}:jwt::` },
            { name: "APP_SECRET_REDIS", valueFrom: `${APP}:redis::` },
            { name: "DATABASE_PASSWORD", valueFrom: `${DB}:password::` },
            { name: "DATABASE_USERNAME", valueFrom: `${DB}:username::` },
        ]);
        assert.deepStrictEqual(result.secretArns, [APP, DB].sort());
        const devices = secretEnvironment(service(settings(), "devices"), { app: APP, database: DB });
        assert.deepStrictEqual(
            devices.secrets.map((x) => x.name),
            ["APP_SECRET_REDIS", "DATABASE_PASSWORD", "DATABASE_USERNAME"],
        );
    });

    it("gives NEW_RELIC_LICENSE_KEY from the license parameter to a service that declares it", () => {
        const PARAM = "arn:aws:ssm:us-east-1:210987654321:parameter/platform/staging/newrelic-license-key";
        const s = resolveSettings({
            project: "platform",
            stack: "staging",
            region: "us-east-1",
            values: { tier: "staging", newRelicLicenseKey: "nr-key", services: { api: { secrets: { NEW_RELIC_LICENSE_KEY: "newrelic" } } } },
            secretKeys: ["newRelicLicenseKey"],
        });
        const result = secretEnvironment(service(s, "api"), { app: APP, database: DB, newrelic: PARAM });
        assert.deepStrictEqual(
            result.secrets.find((x) => x.name === "NEW_RELIC_LICENSE_KEY"),
            { name: "NEW_RELIC_LICENSE_KEY", valueFrom: PARAM },
        );
        assert.ok(result.secretArns.includes(PARAM));
    });

    it("leaves out secrets whose source does not exist yet", () => {
        const result = secretEnvironment(service(settings(), "api"), { app: APP });
        assert.deepStrictEqual(
            result.secrets.map((x) => x.name),
            ["APP_SECRET_JWT", "APP_SECRET_REDIS"],
        );
        assert.deepStrictEqual(result.skipped, ["DATABASE_PASSWORD", "DATABASE_USERNAME"]);
        assert.deepStrictEqual(secretEnvironment(service(settings(), "api"), {}).secrets, []);
    });

    it("builds the devices container: all ports, awslogs, read-only root with a writable /tmp", () => {
        const s = settings({ services: { devices: { containerHealthCheck: "curl" } } });
        const devices = service(s, "devices");
        const def = containerDefinition(devices, {
            image: "repo:1.0.0",
            logGroupName: "/ecs/x/devices",
            region: "us-east-1",
            secretArns: { app: APP, database: DB },
            extraEnvironment: discoveryEnvironment(s.services, "staging.platform.internal"),
        }) as any;
        assert.deepStrictEqual(
            def.portMappings.map((p: any) => p.containerPort),
            [8080, 50051, 5000],
        );
        assert.deepStrictEqual(def.healthCheck, {
            command: ["CMD-SHELL", "curl -f http://localhost:8080/health/readiness || exit 1"],
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: 60,
        });
        assert.strictEqual(def.essential, true);
        assert.strictEqual(def.privileged, undefined);
        assert.strictEqual(def.readonlyRootFilesystem, true);
        assert.deepStrictEqual(def.mountPoints, [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
        assert.deepStrictEqual(def.logConfiguration.options, {
            "awslogs-group": "/ecs/x/devices",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "devices",
        });
        assert.deepStrictEqual(def.environment, [
            { name: "DEVICES_GRPC_ADDRESS", value: "devices.staging.platform.internal:50051" },
            { name: "ENVIRONMENT", value: "staging" },
        ]);
        assert.ok(def.secrets.length > 0);
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

describe("compute plan: container health check (configurable; none by default)", () => {
    const api = (check: unknown) => service(settings({ services: { api: { containerHealthCheck: check } } }), "api");
    it("none by default: the target group's HTTP check watches the task, and an image without curl is not replaced in a loop", () => {
        assert.strictEqual(containerHealthCheckCommand(service(settings(), "api")), undefined);
        const def = containerDefinition(service(settings(), "api"), { image: "x", logGroupName: "g", region: "us-east-1", secretArns: {} }) as any;
        assert.strictEqual(def.healthCheck, undefined);
    });
    it("curl is seed 003's command, wget its busybox twin, or a command list of the image's own", () => {
        assert.deepStrictEqual(containerHealthCheckCommand(api("curl")), ["CMD-SHELL", "curl -f http://localhost:8080/health/readiness || exit 1"]);
        assert.deepStrictEqual(containerHealthCheckCommand(api("wget")), [
            "CMD-SHELL",
            "wget -q -O /dev/null http://localhost:8080/health/readiness || exit 1",
        ]);
        assert.deepStrictEqual(containerHealthCheckCommand(api(["CMD", "/app/healthcheck"])), ["CMD", "/app/healthcheck"]);
    });
    it("refuses anything else, and curl on a service without an http port, naming the key", () => {
        assert.throws(() => api("ping"), /platform:services\.api\.containerHealthCheck: "ping" must be "none", "curl"/);
        assert.throws(() => api(["/app/healthcheck"]), /platform:services\.api\.containerHealthCheck/);
        assert.throws(
            () => settings({ services: { worker: { ports: [{ port: 9000, protocol: "tcp" }], containerHealthCheck: "curl" } } }),
            /platform:services\.worker\.containerHealthCheck: "curl" probes the http port, and service worker has none/,
        );
    });
});

describe("compute plan: images", () => {
    it("no image and no tag: the service awaits its first image; a tag names this stack's repository; an image wins", () => {
        assert.strictEqual(imageReference(service(settings(), "api"), "repo"), undefined);
        assert.strictEqual(imageReference(service(settings({ services: { api: { imageTag: "a1b2c3" } } }), "api"), "repo"), "repo:a1b2c3");
        assert.strictEqual(imageReference(service(settings({ services: { api: { image: "ghcr.io/x/api:1" } } }), "api"), "repo"), "ghcr.io/x/api:1");
        assert.throws(() => settings({ services: { api: { image: "ghcr.io/x/api:1", imageTag: "1" } } }), /set either image .* or imageTag/);
        assert.throws(() => settings({ services: { api: { imageTag: "-bad" } } }), /platform:services\.api\.imageTag: "-bad" is not an image tag/);
    });
    it("finds the repository of a configured private ECR image (other repository or account)", () => {
        assert.strictEqual(
            ecrRepositoryArnOf("444455556677.dkr.ecr.eu-west-1.amazonaws.com/team/api:1.2"),
            "arn:aws:ecr:eu-west-1:444455556677:repository/team/api",
        );
        assert.strictEqual(ecrRepositoryArnOf("ghcr.io/team/api:1.2"), undefined);
    });
});

describe("compute plan: IAM, capacity, scaling, names", () => {
    it("scopes the execution policy to known ARNs; only GetAuthorizationToken has *", () => {
        const policy = executionRolePolicy({
            repositoryArns: ["arn:repo"],
            logGroupArn: "arn:logs",
            secretArns: [APP],
            kmsKeyArn: "arn:kms",
            region: "us-east-1",
        });
        const star = policy.Statement.filter((st) => ([] as string[]).concat(st.Resource).includes("*"));
        assert.deepStrictEqual(
            star.map((st) => st.Action),
            [["ecr:GetAuthorizationToken"]],
        );
        assert.deepStrictEqual(
            policy.Statement.map((st) => st.Resource),
            ["*", "arn:repo", "arn:logs:*", [APP], "arn:kms"],
        );
        const noSecrets = executionRolePolicy({
            repositoryArns: ["arn:repo"],
            logGroupArn: "arn:logs",
            secretArns: [],
            kmsKeyArn: "arn:kms",
            region: "us-east-1",
        });
        assert.deepStrictEqual(
            noSecrets.Statement.map((st) => st.Sid),
            ["EcrAuth", "PullImage", "WriteLogs"],
        );
    });

    it("B7: pulls from a configured image's repository too; reads an SSM parameter with ssm:GetParameters", () => {
        const PARAM = "arn:aws:ssm:us-east-1:210987654321:parameter/platform/staging/newrelic-license-key";
        const policy = executionRolePolicy({
            repositoryArns: ["arn:repo", "arn:aws:ecr:eu-west-1:444455556677:repository/team/api"],
            logGroupArn: "arn:logs",
            secretArns: [APP, PARAM],
            region: "us-east-1",
        });
        const bySid = Object.fromEntries(policy.Statement.map((st) => [st.Sid, st]));
        assert.deepStrictEqual(bySid.PullImage.Resource, ["arn:repo", "arn:aws:ecr:eu-west-1:444455556677:repository/team/api"]);
        assert.deepStrictEqual([bySid.ReadParameters.Action, bySid.ReadParameters.Resource], [["ssm:GetParameters"], [PARAM]]);
        assert.deepStrictEqual(bySid.ReadSecrets.Resource, [APP]);
    });

    it("spot: FARGATE base 1 weight 1 + FARGATE_SPOT weight 3; otherwise FARGATE only", () => {
        assert.deepStrictEqual(capacityProviderStrategy(true), [
            { capacityProvider: "FARGATE", base: 1, weight: 1 },
            { capacityProvider: "FARGATE_SPOT", weight: 3 },
        ]);
        assert.deepStrictEqual(capacityProviderStrategy(false), [{ capacityProvider: "FARGATE", weight: 1 }]);
    });

    it("scales on CPU 70 and memory 80, plus request count and the custom metric when configured", () => {
        const s = settings({ services: { api: { scaling: { requestsPerTarget: 500 } } } });
        const summary = (name: string) =>
            scalingPolicies(service(s, name), true).map((p) => [
                p.suffix,
                p.targetValue,
                p.scaleOutCooldown,
                p.scaleInCooldown,
                p.predefined?.metricType ?? p.customized?.metricName,
            ]);
        assert.deepStrictEqual(summary("api"), [
            ["cpu", 70, 60, 300, "ECSServiceAverageCPUUtilization"],
            ["memory", 80, 60, 300, "ECSServiceAverageMemoryUtilization"],
            ["requests", 500, 60, 300, "ALBRequestCountPerTarget"],
        ]);
        assert.deepStrictEqual(summary("devices")[2], ["custom", 1000, 60, 300, "ActiveConnections"]);
        // No policy but the custom one may be scale-out only: AWS scales in only when every policy agrees.
        assert.deepStrictEqual(
            scalingPolicies(service(s, "devices"), true).map((p) => [p.suffix, p.disableScaleIn]),
            [
                ["cpu", false],
                ["memory", false],
                ["custom", true],
            ],
        );
        assert.throws(() => scalingPolicies(service(s, "api"), false), /requestsPerTarget: service api publishes no ALB request count/);
    });

    it("names: namespace, repositories, gRPC addresses, length-limited physical names", () => {
        assert.strictEqual(namespaceName("platform", "staging"), "staging.platform.internal");
        assert.strictEqual(namespaceName("My_Project", "Prod"), "prod.my-project.internal");
        assert.strictEqual(ecrRepositoryName("platform-staging", "api"), "platform-staging/api");
        assert.deepStrictEqual(grpcAddresses(settings().services, "staging.platform.internal"), { devices: "devices.staging.platform.internal:50051" });
        assert.strictEqual(physicalName("platform-staging", "postgres", 63), "platform-staging-postgres");
        // Target group logical names whose autoname (<logical>-<7 chars>) fits ELB's 32 characters.
        assert.strictEqual(autonameBase(["tg", "api"], 32), "tg-api");
        const long = autonameBase(["tg", "a-service-name-of-24-chr", "tcp", "50051"], 32);
        assert.ok(long.length <= 24 && long.startsWith("tg-a-service"), long);
        assert.notStrictEqual(long, autonameBase(["tg", "a-service-name-of-24-chr", "tcp", "50052"], 32));
    });

    it("ECR lifecycle: keeps the last N tagged images; untagged manifests (index children, attestations) are neither counted nor expired", () => {
        const rules = JSON.parse(ecrLifecyclePolicy(10)).rules;
        assert.deepStrictEqual(rules, [
            {
                rulePriority: 1,
                description: "Keep the last 10 tagged images",
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 10 },
                action: { type: "expire" },
            },
        ]);
    });

    it("B1: a service scaled on a custom metric is told what to publish and the dimension values", () => {
        const devices = service(settings(), "devices");
        assert.deepStrictEqual(scalingMetricEnvironment(devices, "platform-staging", "platform-staging-devices"), {
            SCALING_METRIC_NAMESPACE: "Platform/Devices",
            SCALING_METRIC_NAME: "ActiveConnections",
            SCALING_METRIC_CLUSTER_NAME: "platform-staging",
            SCALING_METRIC_SERVICE_NAME: "platform-staging-devices",
        });
        assert.deepStrictEqual(scalingMetricEnvironment(service(settings(), "api"), "c", "s"), {});
    });
});
