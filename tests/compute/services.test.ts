// The compute tier's services (task definitions, IAM, ECS services, scaling, Cloud Map, ECR, outputs)
// as the real program declares them for the staging and production stack files, read from a mocked
// run.
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { computedState, mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { RELEASE_TAG, stackRun } from "../helpers/stacks";
import {
    LB,
    LISTENER,
    TD,
    SERVICE,
    TARGET,
    POLICY,
    REPO,
    ROLE_POLICY,
    SECRET,
    SG,
    containers,
    policiesOf,
    privateSubnetIds,
    targetGroupArn,
    taskRoleId,
} from "./captured";

for (const stack of ["staging", "production"]) {
    const production = stack === "production";
    describe(`compute (${stack})`, () => {
        let capture: StackCapture;
        before(async () => {
            capture = await stackRun(stack);
        });

        it("defines the seed's task sizes on Graviton, awsvpc/FARGATE, with per-tier log retention", () => {
            const sizes = ["api", "devices"].map((s) => {
                const td = find(capture, TD, `${s}-task`).inputs;
                assert.deepStrictEqual(
                    [td.networkMode, td.requiresCompatibilities, td.runtimePlatform],
                    ["awsvpc", ["FARGATE"], { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" }],
                );
                return [td.cpu, td.memory];
            });
            assert.deepStrictEqual(sizes, [
                ["1024", "2048"],
                ["2048", "4096"],
            ]);
            for (const s of ["api", "devices"]) {
                const logGroup = find(capture, "aws:cloudwatch/logGroup:LogGroup", `${s}-logs`).inputs;
                assert.deepStrictEqual([logGroup.name, logGroup.retentionInDays], [`/ecs/platform-${stack}/${s}`, production ? 30 : 3]);
                const [container] = containers(capture, s);
                assert.strictEqual(container.logConfiguration.options["awslogs-group"], logGroup.name);
                // The deployed release's tag (the harness sets services.<n>.imageTag); there is no default `latest`.
                assert.strictEqual(container.image, `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-${stack}/${s}:${RELEASE_TAG}`);
            }
        });

        it("passes secrets by ARN only, never as plain values", () => {
            for (const s of ["api", "devices"]) {
                const [container] = containers(capture, s);
                assert.ok(!container.environment.some((e: any) => /SECRET|PASSWORD|USERNAME/.test(e.name)), "no secret in plain environment");
                for (const secret of container.secrets) {
                    assert.deepStrictEqual(Object.keys(secret).sort(), ["name", "valueFrom"]);
                    assert.match(secret.valueFrom, /^arn:aws:secretsmanager:us-east-1:482917365014:secret:[^:]+(:[A-Za-z0-9_.-]+::)?$/);
                }
                assert.strictEqual(container.privileged, undefined);
                assert.strictEqual(container.essential, true);
            }
        });

        it("scopes each execution role to its own repository, log group and secrets; no * except GetAuthorizationToken", () => {
            for (const s of ["api", "devices"]) {
                const policy = JSON.parse(find(capture, ROLE_POLICY, `${s}-execution`).inputs.policy);
                for (const st of policy.Statement) {
                    const resources = [].concat(st.Resource);
                    if (resources.includes("*" as never)) assert.deepStrictEqual(st.Action, ["ecr:GetAuthorizationToken"]);
                }
                const bySid = Object.fromEntries(policy.Statement.map((st: any) => [st.Sid, st.Resource]));
                assert.strictEqual(bySid.PullImage, `arn:aws:ecr:us-east-1:482917365014:repository/platform-${stack}/${s}`);
                assert.strictEqual(bySid.WriteLogs, `arn:aws:logs:us-east-1:482917365014:log-group:/ecs/platform-${stack}/${s}:*`);
                const secretArns = [...new Set(containers(capture, s)[0].secrets.map((x: any) => x.valueFrom.replace(/:[A-Za-z0-9_.-]+::$/, "")))].sort();
                assert.deepStrictEqual(bySid.ReadSecrets ?? [], secretArns, "reads exactly the secrets it is given");
            }
            // The task role has no policies by default; devices' may only publish its scaling metric (B1).
            const taskPolicies = (s: string) =>
                ofType(capture, ROLE_POLICY)
                    .filter((p) => p.inputs.role === taskRoleId(s))
                    .map((p) => p.name);
            assert.deepStrictEqual(taskPolicies("api"), []);
            assert.deepStrictEqual(taskPolicies("devices"), ["devices-task-metric"]);
            assert.ok(!ofType(capture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").some((p) => /^(api|devices)-/.test(p.name)));
        });

        it("places services in the private subnets with the services SG and no public IP, rolling with a circuit breaker", () => {
            for (const s of ["api", "devices"]) {
                const svc = find(capture, SERVICE, `${s}-service`).inputs;
                assert.deepStrictEqual(svc.networkConfiguration, {
                    subnets: privateSubnetIds(capture),
                    securityGroups: [mockId(SG, "network-services")],
                    assignPublicIp: false,
                });
                assert.deepStrictEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.deepStrictEqual(
                    [svc.deploymentMinimumHealthyPercent, svc.deploymentMaximumPercent, svc.propagateTags, svc.enableExecuteCommand],
                    [100, 200, "SERVICE", false],
                );
                assert.deepStrictEqual([svc.name, svc.desiredCount, svc.healthCheckGracePeriodSeconds], [`platform-${stack}-${s}`, production ? 2 : 1, 60]);
                assert.deepStrictEqual(svc.loadBalancers, [{ targetGroupArn: targetGroupArn(capture, `tg-${s}`), containerName: s, containerPort: 8080 }]);
                assert.deepStrictEqual(
                    svc.capacityProviderStrategies,
                    production
                        ? [{ capacityProvider: "FARGATE", weight: 1 }]
                        : [
                              { capacityProvider: "FARGATE", base: 1, weight: 1 },
                              { capacityProvider: "FARGATE_SPOT", weight: 3 },
                          ],
                );
            }
        });

        it("B6/C10: pulumi up waits for each service's steady state, and the previous task definition revision stays registered", () => {
            for (const s of ["api", "devices"]) {
                const svc = find(capture, SERVICE, `${s}-service`).inputs;
                assert.strictEqual(svc.waitForSteadyState, true, `${s}: a rolled-back deployment fails the update`);
                assert.deepStrictEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.strictEqual(find(capture, TD, `${s}-task`).inputs.skipDestroy, true, `${s}: the circuit breaker can roll back to the old revision`);
            }
        });

        it("B5: the first tasks wait for the execution role's policy, the app secret's first version, the app DB user's secret version and its bootstrap", () => {
            for (const s of ["api", "devices"]) {
                const dependsOn = find(capture, SERVICE, `${s}-service`).dependsOn!;
                for (const needed of [
                    `${ROLE_POLICY}::${s}-execution`,
                    "aws:secretsmanager/secretVersion:SecretVersion::app-secret-version",
                    "aws:secretsmanager/secretVersion:SecretVersion::database-app-user-version",
                    "aws:lambda/invocation:Invocation::database-app-user-bootstrap",
                    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders::cluster",
                    `${LISTENER}::alb-http`,
                ])
                    assert.ok(dependsOn.includes(needed), `${s}-service waits for ${needed}; has ${dependsOn.join(", ")}`);
            }
            assert.ok(find(capture, SERVICE, "devices-service").dependsOn!.includes(`${ROLE_POLICY}::devices-task-metric`));
        });

        it("B1: devices may publish its scaling metric (PutMetricData in its namespace only), is told the dimension values, and never scales in on the metric alone", () => {
            const policy = JSON.parse(find(capture, ROLE_POLICY, "devices-task-metric").inputs.policy);
            assert.deepStrictEqual(policy.Statement, [
                {
                    Sid: "PublishScalingMetric",
                    Effect: "Allow",
                    Action: "cloudwatch:PutMetricData",
                    Resource: "*",
                    Condition: { StringEquals: { "cloudwatch:namespace": "Platform/Devices" } },
                },
            ]);
            const env = Object.fromEntries(containers(capture, "devices")[0].environment.map((e: any) => [e.name, e.value]));
            assert.deepStrictEqual(
                [env.SCALING_METRIC_NAMESPACE, env.SCALING_METRIC_NAME, env.SCALING_METRIC_CLUSTER_NAME, env.SCALING_METRIC_SERVICE_NAME],
                ["Platform/Devices", "ActiveConnections", `platform-${stack}`, `platform-${stack}-devices`],
            );
            // The dimensions the policy reads are exactly the values the container is given.
            const custom = find(capture, POLICY, "devices-custom").inputs.targetTrackingScalingPolicyConfiguration;
            assert.deepStrictEqual(
                custom.customizedMetricSpecification.dimensions.map((d: any) => d.value),
                [env.SCALING_METRIC_CLUSTER_NAME, env.SCALING_METRIC_SERVICE_NAME],
            );
            assert.strictEqual(custom.disableScaleIn, true, "scale-out only on the custom metric (customMetric.scaleIn false by default)");
            for (const p of ["devices-cpu", "devices-memory", "api-cpu", "api-memory"]) {
                assert.strictEqual(find(capture, POLICY, p).inputs.targetTrackingScalingPolicyConfiguration.disableScaleIn, false, p);
            }
            assert.ok(!containers(capture, "api")[0].environment.some((e: any) => e.name.startsWith("SCALING_METRIC_")));
        });

        it("B8: no container health check by default (the target group's HTTP check watches the tasks)", () => {
            for (const s of ["api", "devices"]) assert.strictEqual(containers(capture, s)[0].healthCheck, undefined, s);
        });

        it("B10/D: services read the application DB user's secret and single keys of the app secret, never the RDS master secret or the whole app secret", () => {
            const appUser = capture.outputs.databaseSecretArn;
            const master = capture.outputs.databaseMasterSecretArn;
            const app = capture.outputs.appSecretArn;
            assert.match(appUser, new RegExp(`^arn:aws:secretsmanager:us-east-1:482917365014:secret:platform-${stack}/db-app-user-`));
            assert.notStrictEqual(appUser, master);
            assert.strictEqual(
                appUser,
                computedState(SECRET, "database-app-user-secret", find(capture, SECRET, "database-app-user-secret").inputs, "us-east-1").arn,
            );
            const expected: Record<string, [string, string][]> = {
                api: [
                    ["APP_SECRET_JWT", `${app}:jwt::`],
                    ["APP_SECRET_REDIS", `${app}:redis::`],
                    ["DATABASE_PASSWORD", `${appUser}:password::`],
                    ["DATABASE_USERNAME", `${appUser}:username::`],
                ],
                devices: [
                    ["APP_SECRET_REDIS", `${app}:redis::`],
                    ["DATABASE_PASSWORD", `${appUser}:password::`],
                    ["DATABASE_USERNAME", `${appUser}:username::`],
                ],
            };
            for (const s of ["api", "devices"]) {
                assert.deepStrictEqual(
                    containers(capture, s)[0].secrets.map((x: any) => [x.name, x.valueFrom]),
                    expected[s],
                );
                const readSecrets = JSON.parse(find(capture, ROLE_POLICY, `${s}-execution`).inputs.policy).Statement.find(
                    (st: any) => st.Sid === "ReadSecrets",
                ).Resource;
                assert.deepStrictEqual(readSecrets, [app, appUser].sort());
                assert.ok(!JSON.stringify(find(capture, TD, `${s}-task`).inputs.containerDefinitions).includes(master), `${s} never names the master secret`);
            }
        });

        it("runs a cluster with Container Insights per tier and both Fargate capacity providers", () => {
            const cluster = find(capture, "aws:ecs/cluster:Cluster", "cluster").inputs;
            assert.deepStrictEqual(
                [cluster.name, cluster.settings],
                [`platform-${stack}`, [{ name: "containerInsights", value: production ? "enabled" : "disabled" }]],
            );
            assert.deepStrictEqual(find(capture, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cluster").inputs.capacityProviders, [
                "FARGATE",
                "FARGATE_SPOT",
            ]);
        });

        it("scales every service on CPU 70 and memory 80, devices also on 1000 active connections per task", () => {
            for (const s of ["api", "devices"]) {
                const target = find(capture, TARGET, `${s}-scaling`).inputs;
                assert.deepStrictEqual(
                    [target.resourceId, target.scalableDimension, target.serviceNamespace, target.minCapacity, target.maxCapacity],
                    [
                        `service/platform-${stack}/platform-${stack}-${s}`,
                        "ecs:service:DesiredCount",
                        "ecs",
                        production ? 2 : 1,
                        production ? (s === "api" ? 10 : 8) : 2,
                    ],
                );
                const summary = policiesOf(capture, s).map((p) => {
                    const c = p.inputs.targetTrackingScalingPolicyConfiguration;
                    assert.strictEqual(p.inputs.policyType, "TargetTrackingScaling");
                    assert.strictEqual(p.inputs.resourceId, target.resourceId);
                    return [
                        c.predefinedMetricSpecification?.predefinedMetricType ?? c.customizedMetricSpecification.metricName,
                        c.targetValue,
                        c.scaleOutCooldown,
                        c.scaleInCooldown,
                    ];
                });
                assert.deepStrictEqual(summary, [
                    ["ECSServiceAverageCPUUtilization", 70, 60, 300],
                    ["ECSServiceAverageMemoryUtilization", 80, 60, 300],
                    ...(s === "devices" ? [["ActiveConnections", 1000, 60, 300]] : []),
                ]);
            }
            const custom = find(capture, POLICY, "devices-custom").inputs.targetTrackingScalingPolicyConfiguration.customizedMetricSpecification;
            assert.deepStrictEqual(
                [custom.namespace, custom.statistic, custom.dimensions],
                [
                    "Platform/Devices",
                    "Average",
                    [
                        { name: "ClusterName", value: `platform-${stack}` },
                        { name: "ServiceName", value: `platform-${stack}-devices` },
                    ],
                ],
            );
        });

        it("registers the gRPC service (devices) in the private Cloud Map namespace, and only it", () => {
            const namespace = find(capture, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "cluster-discovery").inputs;
            assert.deepStrictEqual([namespace.name, namespace.vpc], [`${stack}.platform.internal`, mockId("aws:ec2/vpc:Vpc", "network-vpc")]);
            const registrations = ofType(capture, "aws:servicediscovery/service:Service");
            assert.deepStrictEqual(
                registrations.map((r) => r.name),
                ["devices-discovery"],
            );
            const dns = registrations[0].inputs.dnsConfig;
            assert.deepStrictEqual([registrations[0].inputs.name, dns.routingPolicy, dns.dnsRecords], ["devices", "MULTIVALUE", [{ type: "A", ttl: 10 }]]);
            // C9: no healthCheckCustomConfig: its only field is deprecated, and an empty block is never
            // stored by the provider (replaced on every update, terraform-provider-aws#44285).
            assert.strictEqual(registrations[0].inputs.healthCheckCustomConfig, undefined);
            assert.ok(find(capture, SERVICE, "devices-service").inputs.serviceRegistries.registryArn);
            assert.strictEqual(find(capture, SERVICE, "api-service").inputs.serviceRegistries, undefined);
            const [api] = containers(capture, "api");
            assert.ok(api.environment.some((e: any) => e.name === "DEVICES_GRPC_ADDRESS" && e.value === `devices.${stack}.platform.internal:50051`));
            assert.strictEqual(capture.outputs.serviceDiscoveryNamespace, `${stack}.platform.internal`);
        });

        it("keeps an immutable, scanned, AES256 ECR repository per service with a lifecycle policy", () => {
            for (const s of ["api", "devices"]) {
                const repo = find(capture, REPO, `${s}-repo`).inputs;
                assert.deepStrictEqual(
                    [repo.name, repo.imageTagMutability, repo.imageScanningConfiguration.scanOnPush, repo.encryptionConfigurations, repo.forceDelete],
                    [`platform-${stack}/${s}`, "IMMUTABLE", true, [{ encryptionType: "AES256" }], !production],
                );
                const rules = JSON.parse(find(capture, "aws:ecr/lifecyclePolicy:LifecyclePolicy", `${s}-repo`).inputs.policy).rules;
                assert.deepStrictEqual(
                    rules.map((r: any) => [
                        r.rulePriority,
                        r.selection.tagStatus,
                        r.selection.tagPatternList,
                        r.selection.countType,
                        r.selection.countNumber,
                        r.action.type,
                    ]),
                    [[1, "tagged", ["*"], "imageCountMoreThan", production ? 30 : 10, "expire"]],
                );
            }
        });

        it("exports the compute outputs", () => {
            const o = capture.outputs;
            // The ALB is autonamed `alb-<7 chars>`; its Name tag carries the stack.
            assert.match(o.albDnsName, /^alb-[0-9a-z]{7}-[0-9a-z]+\.us-east-1\.elb\.amazonaws\.com$/);
            const alb = find(capture, LB, "alb").inputs;
            assert.deepStrictEqual([alb.name, alb.namePrefix, alb.tags.Name], [undefined, undefined, `platform-${stack}-alb`]);
            assert.strictEqual(o.clusterName, `platform-${stack}`);
            assert.deepStrictEqual(o.serviceNames, { api: `platform-${stack}-api`, devices: `platform-${stack}-devices` });
            assert.deepStrictEqual(o.ecrRepositoryUrls, {
                api: `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-${stack}/api`,
                devices: `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-${stack}/devices`,
            });
        });
    });
}
