// The compute tier (ALB, Fargate services, scaling, Cloud Map, ECR) as the real program declares it
// for the staging and production stack files, read from a mocked run.
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { computedState, mockId } from "../../harness/mocks";
import { CapturedResource, StackCapture } from "../../harness/types";
import { runWith, stackRun } from "../helpers/stacks";

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
const SG = "aws:ec2/securityGroup:SecurityGroup";
const SUBNET = "aws:ec2/subnet:Subnet";
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

const containers = (capture: StackCapture, service: string): any[] => JSON.parse(find(capture, TD, `${service}-task`).inputs.containerDefinitions);
const policiesOf = (capture: StackCapture, service: string): CapturedResource[] =>
    ofType(capture, POLICY).filter((p) => p.name.startsWith(`${service}-`));
const privateSubnetIds = (capture: StackCapture) => ofType(capture, SUBNET).filter((s) => s.inputs.tags.SubnetTier === "private").map((s) => mockId(SUBNET, s.name));
const targetGroupArn = (_capture: StackCapture, name: string): string => computedState(TG, name, {}, "us-east-1").arn;
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
                assert.deepStrictEqual([https.inputs.port, https.inputs.protocol, https.inputs.certificateArn, https.inputs.sslPolicy],
                    [443, "HTTPS", CERT, "ELBSecurityPolicy-TLS13-1-2-2021-06"]);
                assert.deepStrictEqual(https.inputs.defaultActions.map((a: any) => [a.type, a.targetGroupArn]), [["forward", targetGroupArn(capture, "alb-api")]]);
                const http = find(capture, LISTENER, "alb-http");
                assert.deepStrictEqual([http.inputs.port, http.inputs.protocol], [80, "HTTP"]);
                assert.deepStrictEqual(http.inputs.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
                assert.strictEqual(capture.outputs.httpsEnabled, true);
                assert.strictEqual(capture.outputs.url, "https://api.example.com");
            });
        } else {
            it("runs HTTP-only without a certificate: port 80 forwards to the default service, and the outputs say so", () => {
                assert.strictEqual(ofType(capture, LISTENER).filter((l) => l.name === "alb-https").length, 0);
                const http = find(capture, LISTENER, "alb-http");
                assert.deepStrictEqual(http.inputs.defaultActions.map((a: any) => [a.type, a.targetGroupArn]), [["forward", targetGroupArn(capture, "alb-api")]]);
                assert.strictEqual(capture.outputs.httpsEnabled, false);
                assert.strictEqual(capture.outputs.url, `http://${capture.outputs.albDnsName}`);
            });
        }

        it("has one ip target group per HTTP service with the seed's health check", () => {
            const tgs = ofType(capture, TG);
            assert.deepStrictEqual(tgs.map((t) => t.name), ["alb-api", "alb-devices"]);
            for (const tg of tgs) {
                assert.deepStrictEqual([tg.inputs.targetType, tg.inputs.protocol, tg.inputs.port, tg.inputs.vpcId], ["ip", "HTTP", 8080, mockId("aws:ec2/vpc:Vpc", "network-vpc")]);
                const hc = tg.inputs.healthCheck;
                assert.deepStrictEqual([hc.path, hc.interval, hc.timeout, hc.healthyThreshold, hc.unhealthyThreshold, hc.matcher], ["/health/readiness", 30, 5, 2, 3, "200"]);
            }
        });

        it("routes /devices/* to devices by a listener rule on the serving listener", () => {
            const rule = find(capture, RULE, "alb-devices-path-1");
            assert.strictEqual(rule.inputs.priority, 201);
            assert.deepStrictEqual(rule.inputs.conditions, [{ pathPattern: { values: ["/devices/*"] } }]);
            assert.deepStrictEqual(rule.inputs.actions.map((a: any) => a.targetGroupArn), [targetGroupArn(capture, "alb-devices")]);
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
                assert.strictEqual(container.image, `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-${stack}/${s}:latest`);
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
            // The task role has no policies by default.
            assert.ok(!ofType(capture, ROLE_POLICY).some((p) => /-task-role$/.test(p.name)));
            assert.ok(!ofType(capture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").some((p) => /^(api|devices)-/.test(p.name)));
        });

        it("places services in the private subnets with the services SG and no public IP, rolling with a circuit breaker", () => {
            for (const s of ["api", "devices"]) {
                const svc = find(capture, SERVICE, `${s}-service`).inputs;
                assert.deepStrictEqual(svc.networkConfiguration, { subnets: privateSubnetIds(capture), securityGroups: [mockId(SG, "network-services")], assignPublicIp: false });
                assert.deepStrictEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.deepStrictEqual([svc.deploymentMinimumHealthyPercent, svc.deploymentMaximumPercent, svc.propagateTags, svc.enableExecuteCommand], [100, 200, "SERVICE", false]);
                assert.deepStrictEqual([svc.name, svc.desiredCount, svc.healthCheckGracePeriodSeconds], [`platform-${stack}-${s}`, production ? 2 : 1, 60]);
                assert.deepStrictEqual(svc.loadBalancers, [{ targetGroupArn: targetGroupArn(capture, `alb-${s}`), containerName: s, containerPort: 8080 }]);
                assert.deepStrictEqual(svc.capacityProviderStrategies, production
                    ? [{ capacityProvider: "FARGATE", weight: 1 }]
                    : [{ capacityProvider: "FARGATE", base: 1, weight: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }]);
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
            assert.strictEqual(registrations[0].inputs.healthCheckCustomConfig.failureThreshold, 1);
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
                const rule = JSON.parse(find(capture, "aws:ecr/lifecyclePolicy:LifecyclePolicy", `${s}-repo`).inputs.policy).rules[0];
                assert.strictEqual(rule.selection.countNumber, production ? 30 : 10);
            }
        });

        it("exports the compute outputs", () => {
            const o = capture.outputs;
            assert.match(o.albDnsName, /^platform-.*\.us-east-1\.elb\.amazonaws\.com$/);
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
    it("adds a third service from config alone: task definition, service, target group, rule, scaling, repository", async () => {
        const capture = await runWith("staging", { config: { services: { reports: {
            cpu: 512, memory: 1024, ports: [{ port: 8081, protocol: "http" }], routing: { paths: ["/reports/*"] },
            scaling: { min: 1, max: 3, desired: 1, requestsPerTarget: 200 },
        } } } });
        const td = find(capture, TD, "reports-task").inputs;
        assert.deepStrictEqual([td.cpu, td.memory], ["512", "1024"]);
        assert.strictEqual(find(capture, SERVICE, "reports-service").inputs.name, "platform-staging-reports");
        assert.deepStrictEqual([find(capture, TG, "alb-reports").inputs.port, find(capture, RULE, "alb-reports-path-1").inputs.priority], [8081, 301]);
        assert.strictEqual(find(capture, RULE, "alb-devices-path-1").inputs.priority, 201, "existing priorities unchanged");
        assert.deepStrictEqual([find(capture, TARGET, "reports-scaling").inputs.maxCapacity], [3]);
        const requests = find(capture, POLICY, "reports-requests").inputs.targetTrackingScalingPolicyConfiguration;
        assert.strictEqual(requests.targetValue, 200);
        assert.match(requests.predefinedMetricSpecification.resourceLabel, /^app\/platform-staging-alb\/[0-9a-f]+\/targetgroup\/alb-reports\/[0-9a-f]+$/);
        assert.strictEqual(find(capture, REPO, "reports-repo").inputs.name, "platform-staging/reports");
        assert.deepStrictEqual(Object.keys(capture.outputs.serviceNames), ["api", "devices", "reports"]);
    });

    it("publicTcp: an NLB without a security group forwards the TCP port to an ip target group; the services SG admits it from the public subnets only", async () => {
        const capture = await runWith("staging", { config: { services: { devices: { publicTcp: true } } } });
        const nlb = find(capture, LB, "alb-nlb").inputs;
        assert.deepStrictEqual([nlb.loadBalancerType, nlb.internal, nlb.securityGroups], ["network", false, undefined]);
        const listener = find(capture, LISTENER, "alb-nlb-tcp-5000").inputs;
        assert.deepStrictEqual([listener.port, listener.protocol], [5000, "TCP"]);
        const tg = find(capture, TG, "alb-devices-tcp-5000").inputs;
        assert.deepStrictEqual([tg.targetType, tg.protocol, tg.port, tg.healthCheck.path], ["ip", "TCP", 5000, "/health/readiness"]);
        const lbs = find(capture, SERVICE, "devices-service").inputs.loadBalancers.map((l: any) => l.containerPort);
        assert.deepStrictEqual(lbs, [8080, 5000]);
        const rules = ofType(capture, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("alb-nlb-"));
        const [a, b] = publicCidrs(capture);
        assert.deepStrictEqual(rules.map((r) => `${r.inputs.fromPort}<-${r.inputs.cidrIpv4}`), [`5000<-${a}`, `5000<-${b}`, `8080<-${a}`, `8080<-${b}`]);
        assert.ok(!ofType(capture, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" && ![80, 443].includes(r.inputs.fromPort)));
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
