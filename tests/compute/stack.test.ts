// The compute tier (ALB, Fargate services, scaling, Cloud Map, ECR) as the real program declares it
// for the staging and production stack files, read from a mocked run.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { find, ofType } from "../../harness/run";
import { computedState, mockId } from "../../harness/mocks";
import { CapturedResource, StackCapture } from "../../harness/types";
import { rulePriority, servicePriorityBlock } from "../../config/priorities";
import { RELEASE_TAG, runWith, stackRun } from "../helpers/stacks";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const RULE = "aws:lb/listenerRule:ListenerRule";
const TG = "aws:lb/targetGroup:TargetGroup";
const TD = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const TARGET = "aws:appautoscaling/target:Target";
const POLICY = "aws:appautoscaling/policy:Policy";
const REPO = "aws:ecr/repository:Repository";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE = "aws:iam/role:Role";
const SECRET = "aws:secretsmanager/secret:Secret";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const SUBNET = "aws:ec2/subnet:Subnet";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const CERT_VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const RECORD = "aws:route53/record:Record";
/** The TLS 1.3 policy with post-quantum key exchange, TLS 1.2 still accepted (the default sslPolicy). */
const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";
/** servicePriorityBlock("devices") (FNV-1a of the name): 323, so its path rules start at 32350. */
const DEVICES_PATH_PRIORITY = 32350;

const containers = (capture: StackCapture, service: string): any[] => JSON.parse(find(capture, TD, `${service}-task`).inputs.containerDefinitions);
const policiesOf = (capture: StackCapture, service: string): CapturedResource[] =>
    ofType(capture, POLICY).filter((p) => p.name.startsWith(`${service}-`));
const privateSubnetIds = (capture: StackCapture) => ofType(capture, SUBNET).filter((s) => s.inputs.tags.SubnetTier === "private").map((s) => mockId(SUBNET, s.name));
const targetGroupArn = (_capture: StackCapture, name: string): string => computedState(TG, name, {}, "us-east-1").arn;
const taskRoleId = (service: string): string => computedState(ROLE, `${service}-task-role`, {}, "us-east-1").id;
const publicCidrs = (capture: StackCapture): string[] => ofType(capture, SUBNET).filter((s) => s.inputs.tags.SubnetTier === "public").map((s) => s.inputs.cidrBlock);

for (const stack of ["staging", "production"]) {
    const production = stack === "production";
    describe(`compute (${stack})`, () => {
        let capture: StackCapture;
        before(async () => { capture = await stackRun(stack); });

        it("runs an internet-facing ALB in the public subnets: cross-zone, 60 s idle, invalid headers dropped, deletion protection per tier", () => {
            const alb = find(capture, LB, "alb");
            const publicSubnets = ofType(capture, SUBNET).filter((s) => s.inputs.tags.SubnetTier === "public").map((s) => mockId(SUBNET, s.name));
            assert.deepStrictEqual(
                [alb.inputs.loadBalancerType, alb.inputs.internal, alb.inputs.subnets, alb.inputs.enableCrossZoneLoadBalancing, alb.inputs.idleTimeout, alb.inputs.dropInvalidHeaderFields, alb.inputs.enableDeletionProtection],
                ["application", false, publicSubnets, true, 60, true, production],
            );
            assert.deepStrictEqual(alb.inputs.securityGroups, [mockId(SG, "network-alb")]);
            assert.deepStrictEqual([alb.inputs.accessLogs.enabled, alb.inputs.accessLogs.prefix, alb.inputs.accessLogs.bucket],
                [true, "alb", find(capture, "aws:s3/bucket:Bucket", "alb-logs").inputs.bucket ?? alb.inputs.accessLogs.bucket]);
        });

        if (production) {
            it("serves HTTPS on 443 with the certificate and the TLS 1.3 policy, and redirects 80 to HTTPS with a 301", () => {
                const https = find(capture, LISTENER, "alb-https");
                // The certificate the stack issued, once validated (CertificateValidation's certificateArn).
                const issued = computedState(CERTIFICATE, "alb-certificate", find(capture, CERTIFICATE, "alb-certificate").inputs, "us-east-1").arn;
                assert.deepStrictEqual([https.inputs.port, https.inputs.protocol, https.inputs.certificateArn, https.inputs.sslPolicy],
                    [443, "HTTPS", issued, TLS_POLICY]);
                assert.deepStrictEqual(https.inputs.defaultActions.map((a: any) => [a.type, a.targetGroupArn]), [["forward", targetGroupArn(capture, "tg-api")]]);
                const http = find(capture, LISTENER, "alb-http");
                assert.deepStrictEqual([http.inputs.port, http.inputs.protocol], [80, "HTTP"]);
                assert.deepStrictEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
                assert.strictEqual(capture.outputs.httpsEnabled, true);
                assert.strictEqual(capture.outputs.url, "https://api.example.com");
            });

            it("A1: issues its own DNS-validated certificate for loadBalancer.domainName and points the name at the ALB", () => {
                const certificate = find(capture, CERTIFICATE, "alb-certificate");
                assert.deepStrictEqual([certificate.inputs.domainName, certificate.inputs.validationMethod, certificate.inputs.subjectAlternativeNames],
                    ["api.example.com", "DNS", undefined]);
                const issued = computedState(CERTIFICATE, "alb-certificate", certificate.inputs, "us-east-1");
                const [option] = issued.domainValidationOptions;
                // ACM's validation CNAME, written into the hosted zone ...
                const record = find(capture, RECORD, "alb-certificate-validation").inputs;
                assert.deepStrictEqual([record.name, record.type, record.records, record.ttl, record.allowOverwrite],
                    [option.resourceRecordName, "CNAME", [option.resourceRecordValue], 300, true]);
                assert.match(record.zoneId, /^Z[0-9A-Z]+$/);
                // ... which CertificateValidation waits on: the listener uses its certificateArn, so it waits for issuance.
                const validation = find(capture, CERT_VALIDATION, "alb-certificate").inputs;
                assert.deepStrictEqual([validation.certificateArn, validation.validationRecordFqdns], [issued.arn, [option.resourceRecordName.replace(/\.$/, "")]]);
                assert.strictEqual(find(capture, LISTENER, "alb-https").inputs.certificateArn, issued.arn);
                // The public name: an A alias to the ALB in the same zone.
                const alias = find(capture, RECORD, "alb-alias").inputs;
                const alb = computedState(LB, "alb", find(capture, LB, "alb").inputs, "us-east-1");
                assert.deepStrictEqual([alias.zoneId, alias.name, alias.type, alias.aliases],
                    [record.zoneId, "api.example.com", "A", [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }]]);
                assert.deepStrictEqual(ofType(capture, RECORD).map((r) => r.name), ["alb-certificate-validation", "alb-alias"]);
            });
        } else {
            it("runs HTTP-only without a certificate: port 80 forwards to the default service, and the outputs say so", () => {
                assert.strictEqual(ofType(capture, LISTENER).filter((l) => l.name === "alb-https").length, 0);
                const http = find(capture, LISTENER, "alb-http");
                assert.deepStrictEqual(http.inputs.defaultActions.map((a: any) => [a.type, a.targetGroupArn]), [["forward", targetGroupArn(capture, "tg-api")]]);
                assert.strictEqual(capture.outputs.httpsEnabled, false);
                assert.strictEqual(capture.outputs.url, `http://${capture.outputs.albDnsName}`);
                // No domain configured: no certificate and no DNS records.
                for (const type of [CERTIFICATE, CERT_VALIDATION, RECORD]) assert.strictEqual(ofType(capture, type).length, 0, type);
            });
        }

        it("has one ip target group per HTTP service with the seed's health check", () => {
            const tgs = ofType(capture, TG);
            assert.deepStrictEqual(tgs.map((t) => t.name), ["tg-api", "tg-devices"]);
            for (const tg of tgs) {
                assert.deepStrictEqual([tg.inputs.targetType, tg.inputs.protocol, tg.inputs.port, tg.inputs.vpcId], ["ip", "HTTP", 8080, mockId("aws:ec2/vpc:Vpc", "network-vpc")]);
                // Autonamed (no explicit name): `tg-<service>-<7 chars>` fits ELB's 32 characters.
                assert.strictEqual(tg.inputs.name, undefined);
                assert.deepStrictEqual(tg.inputs.tags.Service, tg.name.replace(/^tg-/, ""));
                const hc = tg.inputs.healthCheck;
                assert.deepStrictEqual([hc.path, hc.interval, hc.timeout, hc.healthyThreshold, hc.unhealthyThreshold, hc.matcher], ["/health/readiness", 30, 5, 2, 3, "200"]);
            }
        });

        it("E: target groups drain for 30 s, not the default 300 s, on every deploy", () => {
            assert.deepStrictEqual(ofType(capture, TG).map((t) => t.inputs.deregistrationDelay), [30, 30]);
        });

        it("routes /devices and /devices/* to devices by a listener rule on the serving listener, at a priority of devices' own block", () => {
            const rule = find(capture, RULE, "alb-devices-path-1");
            assert.strictEqual(rule.inputs.priority, DEVICES_PATH_PRIORITY);
            assert.strictEqual(rule.inputs.priority, rulePriority(servicePriorityBlock("devices"), "path", 0));
            assert.deepStrictEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/devices", "/devices/*"] } }]);
            assert.deepStrictEqual(rule.inputs.actions.map((a: any) => a.targetGroupArn), [targetGroupArn(capture, "tg-devices")]);
            assert.ok(rule.inputs.listenerArn.includes(production ? "alb-https" : "alb-http"), rule.inputs.listenerArn);
        });

        it("keeps access logs in an AES256-encrypted, fully private, owner-enforced bucket the ELB may write to", () => {
            const sse = find(capture, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "alb-logs");
            assert.strictEqual(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            const pab = find(capture, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "alb-logs").inputs;
            assert.deepStrictEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
            assert.strictEqual(find(capture, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "alb-logs").inputs.rule.objectOwnership, "BucketOwnerEnforced");
            const lifecycle = find(capture, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "alb-logs").inputs.rules[0];
            assert.deepStrictEqual([lifecycle.status, lifecycle.expiration.days], ["Enabled", production ? 90 : 14]);
            assert.strictEqual(find(capture, "aws:s3/bucket:Bucket", "alb-logs").inputs.forceDestroy, !production);

            const policy = JSON.parse(find(capture, "aws:s3/bucketPolicy:BucketPolicy", "alb-logs").inputs.policy);
            const writers = policy.Statement.filter((s: any) => s.Effect === "Allow");
            assert.deepStrictEqual(writers.map((s: any) => s.Principal), [{ AWS: "arn:aws:iam::127311923021:root" }, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }]);
            for (const s of writers) {
                assert.strictEqual(s.Action, "s3:PutObject");
                assert.match(s.Resource, /^arn:aws:s3:::[^/]+\/alb\/AWSLogs\/482917365014\/\*$/);
            }
            assert.ok(policy.Statement.some((s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"));
            // AWS checks the bucket policy when access logging is enabled: the ALB waits for it.
            const alb = ofType(capture, "aws:lb/loadBalancer:LoadBalancer").find((lb) => lb.inputs.loadBalancerType === "application")!;
            assert.deepStrictEqual(alb.dependsOn, ["aws:s3/bucketPolicy:BucketPolicy::alb-logs"]);
        });

        it("defines the seed's task sizes on Graviton, awsvpc/FARGATE, with per-tier log retention", () => {
            const sizes = ["api", "devices"].map((s) => {
                const td = find(capture, TD, `${s}-task`).inputs;
                assert.deepStrictEqual([td.networkMode, td.requiresCompatibilities, td.runtimePlatform], ["awsvpc", ["FARGATE"], { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" }]);
                return [td.cpu, td.memory];
            });
            assert.deepStrictEqual(sizes, [["1024", "2048"], ["2048", "4096"]]);
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
            const taskPolicies = (s: string) => ofType(capture, ROLE_POLICY).filter((p) => p.inputs.role === taskRoleId(s)).map((p) => p.name);
            assert.deepStrictEqual(taskPolicies("api"), []);
            assert.deepStrictEqual(taskPolicies("devices"), ["devices-task-metric"]);
            assert.ok(!ofType(capture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").some((p) => /^(api|devices)-/.test(p.name)));
        });

        it("places services in the private subnets with the services SG and no public IP, rolling with a circuit breaker", () => {
            for (const s of ["api", "devices"]) {
                const svc = find(capture, SERVICE, `${s}-service`).inputs;
                assert.deepStrictEqual(svc.networkConfiguration, { subnets: privateSubnetIds(capture), securityGroups: [mockId(SG, "network-services")], assignPublicIp: false });
                assert.deepStrictEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.deepStrictEqual([svc.deploymentMinimumHealthyPercent, svc.deploymentMaximumPercent, svc.propagateTags, svc.enableExecuteCommand], [100, 200, "SERVICE", false]);
                assert.deepStrictEqual([svc.name, svc.desiredCount, svc.healthCheckGracePeriodSeconds], [`platform-${stack}-${s}`, production ? 2 : 1, 60]);
                assert.deepStrictEqual(svc.loadBalancers, [{ targetGroupArn: targetGroupArn(capture, `tg-${s}`), containerName: s, containerPort: 8080 }]);
                assert.deepStrictEqual(svc.capacityProviderStrategies, production
                    ? [{ capacityProvider: "FARGATE", weight: 1 }]
                    : [{ capacityProvider: "FARGATE", base: 1, weight: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }]);
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
                ]) assert.ok(dependsOn.includes(needed), `${s}-service waits for ${needed}; has ${dependsOn.join(", ")}`);
            }
            assert.ok(find(capture, SERVICE, "devices-service").dependsOn!.includes(`${ROLE_POLICY}::devices-task-metric`));
        });

        it("B1: devices may publish its scaling metric (PutMetricData in its namespace only), is told the dimension values, and never scales in on the metric alone", () => {
            const policy = JSON.parse(find(capture, ROLE_POLICY, "devices-task-metric").inputs.policy);
            assert.deepStrictEqual(policy.Statement, [{
                Sid: "PublishScalingMetric", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*",
                Condition: { StringEquals: { "cloudwatch:namespace": "Platform/Devices" } },
            }]);
            const env = Object.fromEntries(containers(capture, "devices")[0].environment.map((e: any) => [e.name, e.value]));
            assert.deepStrictEqual([env.SCALING_METRIC_NAMESPACE, env.SCALING_METRIC_NAME, env.SCALING_METRIC_CLUSTER_NAME, env.SCALING_METRIC_SERVICE_NAME],
                ["Platform/Devices", "ActiveConnections", `platform-${stack}`, `platform-${stack}-devices`]);
            // The dimensions the policy reads are exactly the values the container is given.
            const custom = find(capture, POLICY, "devices-custom").inputs.targetTrackingScalingPolicyConfiguration;
            assert.deepStrictEqual(custom.customizedMetricSpecification.dimensions.map((d: any) => d.value), [env.SCALING_METRIC_CLUSTER_NAME, env.SCALING_METRIC_SERVICE_NAME]);
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
            assert.strictEqual(appUser, computedState(SECRET, "database-app-user-secret", find(capture, SECRET, "database-app-user-secret").inputs, "us-east-1").arn);
            const expected: Record<string, [string, string][]> = {
                api: [["APP_SECRET_JWT", `${app}:jwt::`], ["APP_SECRET_REDIS", `${app}:redis::`], ["DATABASE_PASSWORD", `${appUser}:password::`], ["DATABASE_USERNAME", `${appUser}:username::`]],
                devices: [["APP_SECRET_REDIS", `${app}:redis::`], ["DATABASE_PASSWORD", `${appUser}:password::`], ["DATABASE_USERNAME", `${appUser}:username::`]],
            };
            for (const s of ["api", "devices"]) {
                assert.deepStrictEqual(containers(capture, s)[0].secrets.map((x: any) => [x.name, x.valueFrom]), expected[s]);
                const readSecrets = JSON.parse(find(capture, ROLE_POLICY, `${s}-execution`).inputs.policy).Statement.find((st: any) => st.Sid === "ReadSecrets").Resource;
                assert.deepStrictEqual(readSecrets, [app, appUser].sort());
                assert.ok(!JSON.stringify(find(capture, TD, `${s}-task`).inputs.containerDefinitions).includes(master), `${s} never names the master secret`);
            }
        });

        it("runs a cluster with Container Insights per tier and both Fargate capacity providers", () => {
            const cluster = find(capture, "aws:ecs/cluster:Cluster", "cluster").inputs;
            assert.deepStrictEqual([cluster.name, cluster.settings], [`platform-${stack}`, [{ name: "containerInsights", value: production ? "enabled" : "disabled" }]]);
            assert.deepStrictEqual(find(capture, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "cluster").inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        });

        it("scales every service on CPU 70 and memory 80, devices also on 1000 active connections per task", () => {
            for (const s of ["api", "devices"]) {
                const target = find(capture, TARGET, `${s}-scaling`).inputs;
                assert.deepStrictEqual([target.resourceId, target.scalableDimension, target.serviceNamespace, target.minCapacity, target.maxCapacity],
                    [`service/platform-${stack}/platform-${stack}-${s}`, "ecs:service:DesiredCount", "ecs", production ? 2 : 1, production ? (s === "api" ? 10 : 8) : 2]);
                const summary = policiesOf(capture, s).map((p) => {
                    const c = p.inputs.targetTrackingScalingPolicyConfiguration;
                    assert.strictEqual(p.inputs.policyType, "TargetTrackingScaling");
                    assert.strictEqual(p.inputs.resourceId, target.resourceId);
                    return [c.predefinedMetricSpecification?.predefinedMetricType ?? c.customizedMetricSpecification.metricName, c.targetValue, c.scaleOutCooldown, c.scaleInCooldown];
                });
                assert.deepStrictEqual(summary, [
                    ["ECSServiceAverageCPUUtilization", 70, 60, 300],
                    ["ECSServiceAverageMemoryUtilization", 80, 60, 300],
                    ...(s === "devices" ? [["ActiveConnections", 1000, 60, 300]] : []),
                ]);
            }
            const custom = find(capture, POLICY, "devices-custom").inputs.targetTrackingScalingPolicyConfiguration.customizedMetricSpecification;
            assert.deepStrictEqual([custom.namespace, custom.statistic, custom.dimensions], ["Platform/Devices", "Average", [
                { name: "ClusterName", value: `platform-${stack}` }, { name: "ServiceName", value: `platform-${stack}-devices` },
            ]]);
        });

        it("registers the gRPC service (devices) in the private Cloud Map namespace, and only it", () => {
            const namespace = find(capture, "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "cluster-discovery").inputs;
            assert.deepStrictEqual([namespace.name, namespace.vpc], [`${stack}.platform.internal`, mockId("aws:ec2/vpc:Vpc", "network-vpc")]);
            const registrations = ofType(capture, "aws:servicediscovery/service:Service");
            assert.deepStrictEqual(registrations.map((r) => r.name), ["devices-discovery"]);
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
                assert.deepStrictEqual([repo.name, repo.imageTagMutability, repo.imageScanningConfiguration.scanOnPush, repo.encryptionConfigurations, repo.forceDelete],
                    [`platform-${stack}/${s}`, "IMMUTABLE", true, [{ encryptionType: "AES256" }], !production]);
                const rules = JSON.parse(find(capture, "aws:ecr/lifecyclePolicy:LifecyclePolicy", `${s}-repo`).inputs.policy).rules;
                assert.deepStrictEqual(rules.map((r: any) => [r.rulePriority, r.selection.tagStatus, r.selection.tagPatternList, r.selection.countType, r.selection.countNumber, r.action.type]), [
                    [1, "tagged", ["*"], "imageCountMoreThan", production ? 30 : 10, "expire"],
                ]);
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

describe("compute: config variants", () => {
    it("loadBalancer.clientKeepAliveSeconds reaches the ALB (3600 unless set, AWS's own default)", async () => {
        assert.strictEqual(find(await stackRun("staging"), LB, "alb").inputs.clientKeepAlive, 3600);
        const capture = await runWith("staging", { config: { loadBalancer: { clientKeepAliveSeconds: 86400 } } });
        assert.strictEqual(find(capture, LB, "alb").inputs.clientKeepAlive, 86400);
    });

    it("adds a third service from config alone: task definition, service, target group, rule, scaling, repository", async () => {
        const capture = await runWith("staging", { config: { services: { reports: {
            cpu: 512, memory: 1024, ports: [{ port: 8081, protocol: "http" }], routing: { paths: ["/reports/*"] },
            scaling: { min: 1, max: 3, desired: 1, requestsPerTarget: 200 },
        } } } });
        const td = find(capture, TD, "reports-task").inputs;
        assert.deepStrictEqual([td.cpu, td.memory], ["512", "1024"]);
        assert.strictEqual(find(capture, SERVICE, "reports-service").inputs.name, "platform-staging-reports");
        // reports' own block (servicePriorityBlock("reports") = 40): path rules from 4050.
        assert.deepStrictEqual([find(capture, TG, "tg-reports").inputs.port, find(capture, RULE, "alb-reports-path-1").inputs.priority], [8081, 4050]);
        assert.strictEqual(find(capture, RULE, "alb-devices-path-1").inputs.priority, DEVICES_PATH_PRIORITY, "existing priorities unchanged");
        assert.deepStrictEqual([find(capture, TARGET, "reports-scaling").inputs.maxCapacity], [3]);
        const requests = find(capture, POLICY, "reports-requests").inputs.targetTrackingScalingPolicyConfiguration;
        assert.strictEqual(requests.targetValue, 200);
        // app/<ALB autoname>/<id>/targetgroup/<target group autoname>/<id>, from the resources' arnSuffix.
        const label = `${computedState(LB, "alb", {}, "us-east-1").arnSuffix}/${computedState(TG, "tg-reports", {}, "us-east-1").arnSuffix}`;
        assert.match(label, /^app\/alb-[0-9a-z]{7}\/[0-9a-f]+\/targetgroup\/tg-reports-[0-9a-z]{7}\/[0-9a-f]+$/);
        assert.strictEqual(requests.predefinedMetricSpecification.resourceLabel, label);
        assert.strictEqual(find(capture, REPO, "reports-repo").inputs.name, "platform-staging/reports");
        assert.deepStrictEqual(Object.keys(capture.outputs.serviceNames), ["api", "devices", "reports"]);
    });

    it("publicTcp: an NLB without a security group forwards the TCP port to an ip target group; the services SG admits it from the public subnets only", async () => {
        const capture = await runWith("staging", { config: { services: { devices: { publicTcp: true } } } });
        const nlb = find(capture, LB, "alb-nlb").inputs;
        assert.deepStrictEqual([nlb.loadBalancerType, nlb.internal, nlb.securityGroups], ["network", false, undefined]);
        const listener = find(capture, LISTENER, "alb-nlb-tcp-5000").inputs;
        assert.deepStrictEqual([listener.port, listener.protocol], [5000, "TCP"]);
        const tg = find(capture, TG, "tg-devices-tcp-5000").inputs;
        assert.deepStrictEqual([tg.targetType, tg.protocol, tg.port, tg.healthCheck.path, tg.deregistrationDelay], ["ip", "TCP", 5000, "/health/readiness", 30]);
        const lbs = find(capture, SERVICE, "devices-service").inputs.loadBalancers.map((l: any) => l.containerPort);
        assert.deepStrictEqual(lbs, [8080, 5000]);
        const rules = ofType(capture, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("alb-nlb-"));
        const [a, b] = publicCidrs(capture);
        assert.deepStrictEqual(rules.map((r) => `${r.inputs.fromPort}<-${r.inputs.cidrIpv4}`), [`5000<-${a}`, `5000<-${b}`, `8080<-${a}`, `8080<-${b}`]);
        assert.ok(!ofType(capture, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" && ![80, 443].includes(r.inputs.fromPort)));
    });

    it("first deploy (no image yet): repository, log group and roles exist; no task definition, ECS service or scaling; a warning says what to do", async () => {
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string) => { warnings.push(message); return Promise.resolve(); };
        let capture: StackCapture;
        try {
            capture = await runWith("staging", { imageTag: undefined });
        } finally {
            (pulumi.log as any).warn = warn;
        }
        for (const s of ["api", "devices"]) {
            assert.strictEqual(find(capture, REPO, `${s}-repo`).inputs.name, `platform-staging/${s}`);
            find(capture, "aws:cloudwatch/logGroup:LogGroup", `${s}-logs`);
            find(capture, ROLE, `${s}-execution`);
            find(capture, ROLE, `${s}-task-role`);
            assert.ok(warnings.some((w) => w.includes(`service ${s}: no image yet`) && w.includes(`push one to platform-staging/${s}`) && w.includes(`services.${s}.imageTag`)),
                `warning for ${s}; got ${JSON.stringify(warnings)}`);
        }
        for (const type of [TD, SERVICE, TARGET, POLICY]) assert.deepStrictEqual(ofType(capture, type).map((r) => r.name), [], type);
        // The load balancer and its target groups are ready for the first release.
        assert.deepStrictEqual(ofType(capture, TG).map((t) => t.name), ["tg-api", "tg-devices"]);
        assert.deepStrictEqual(Object.keys(capture.outputs.serviceNames), ["api", "devices"]);
    });

    it("A2: a 24-character service name (the longest config allows) still fits ELB's 32 characters, with an NLB port too", async () => {
        const name = "a-service-name-of-24-chr";
        assert.strictEqual(name.length, 24);
        // The strict layer refuses a target group whose autoname would exceed 32 characters, as a preview would.
        const capture = await runWith("staging", { config: { services: { [name]: {
            ports: [{ port: 8081, protocol: "http" }, { port: 5001, protocol: "tcp" }], routing: { paths: ["/long/*"] }, publicTcp: true,
        } } } });
        const names = ofType(capture, TG).map((t) => t.name).filter((n) => n.startsWith("tg-a-service"));
        assert.strictEqual(names.length, 2, names.join(", "));
        for (const logical of names) {
            assert.ok(logical.length <= 24, `${logical}: ${logical.length} + 8 autoname characters <= 32`);
            assert.ok(computedState(TG, logical, {}, "us-east-1").name.length <= 32);
        }
        assert.strictEqual(new Set(names).size, 2);
    });

    it("B7: a configured image in another private ECR repository may be pulled by the execution role", async () => {
        const image = "210987654321.dkr.ecr.us-east-1.amazonaws.com/team/api:1.2.0";
        const capture = await runWith("staging", { config: { services: { api: { image } } } });
        assert.strictEqual(containers(capture, "api")[0].image, image);
        const pull = JSON.parse(find(capture, ROLE_POLICY, "api-execution").inputs.policy).Statement.find((st: any) => st.Sid === "PullImage");
        assert.deepStrictEqual(pull.Resource, ["arn:aws:ecr:us-east-1:482917365014:repository/platform-staging/api", "arn:aws:ecr:us-east-1:210987654321:repository/team/api"]);
    });

    it("B8: services.<n>.containerHealthCheck wget (or a command) puts that health check into the task definition", async () => {
        const capture = await runWith("staging", { config: { services: { api: { containerHealthCheck: "wget" }, devices: { containerHealthCheck: ["CMD", "/app/healthcheck"] } } } });
        assert.deepStrictEqual(containers(capture, "api")[0].healthCheck, {
            command: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/health/readiness || exit 1"], interval: 30, timeout: 5, retries: 3, startPeriod: 60,
        });
        assert.deepStrictEqual(containers(capture, "devices")[0].healthCheck.command, ["CMD", "/app/healthcheck"]);
    });

    it("A1: a certificate ARN of the stack's region and account is used as is: no certificate issued", async () => {
        const arn = "arn:aws:acm:us-east-1:482917365014:certificate/5b1e0c64-8d2f-4a57-9e3b-2f6a1c9d7e40";
        const capture = await runWith("production", { config: { loadBalancer: { certificateArn: arn } }, removeKeys: ["loadBalancer"] });
        assert.strictEqual(find(capture, LISTENER, "alb-https").inputs.certificateArn, arn);
        for (const type of [CERTIFICATE, CERT_VALIDATION, RECORD]) assert.strictEqual(ofType(capture, type).length, 0, type);
        assert.strictEqual(capture.outputs.httpsEnabled, true);
        assert.strictEqual(capture.outputs.url, `https://${capture.outputs.albDnsName}`);
    });

    it("no public TCP by default: no NLB", async () => {
        const capture = await stackRun("staging");
        assert.deepStrictEqual(ofType(capture, LB).map((l) => l.name), ["alb"]);
    });

    it("uses a configured image as is", async () => {
        const capture = await runWith("staging", { config: { services: { api: { image: "public.ecr.aws/nginx/nginx:1.27" } } } });
        assert.strictEqual(containers(capture, "api")[0].image, "public.ecr.aws/nginx/nginx:1.27");
    });

    it("declares no load balancer, cluster or services on the zero-cost stack", async () => {
        const capture = await stackRun("dev");
        for (const type of [LB, "aws:ecs/cluster:Cluster", SERVICE, TD, TARGET]) assert.strictEqual(ofType(capture, type).length, 0, type);
        for (const output of ["albDnsName", "clusterName", "serviceNames", "serviceDiscoveryNamespace"]) assert.ok(!(output in capture.outputs), output);
    });
});

describe("compute: the hosted zone is looked up at preview (A1)", () => {
    it("a zone the account does not have fails the run naming platform:loadBalancer.hostedZone", async () => {
        await assert.rejects(runWith("production", { hostedZones: ["another-zone.org"] }),
            /platform:loadBalancer\.hostedZone: "example\.com" is not a public Route 53 hosted zone of this account \(no matching Route 53 Hosted Zone found\)/);
    });

    it("the zone the account has is used for the validation record and the alias", async () => {
        const capture = await runWith("production", { hostedZones: ["example.com"] });
        const records = ofType(capture, "aws:route53/record:Record");
        assert.strictEqual(records.length, 2);
        assert.ok(records.every((r) => typeof r.inputs.zoneId === "string" && r.inputs.zoneId.length > 0));
    });
});
