// The compute tier under config variants (a third service, public TCP, first deploy, long names,
// configured images and certificates) and the hosted zone lookup, through the real program.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { find, ofType } from "../../harness/run";
import { computedState } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { runWith, stackRun } from "../helpers/stacks";
import {
    LB,
    LISTENER,
    RULE,
    TG,
    TD,
    SERVICE,
    TARGET,
    POLICY,
    REPO,
    ROLE_POLICY,
    ROLE,
    CERTIFICATE,
    CERT_VALIDATION,
    RECORD,
    DEVICES_PATH_PRIORITY,
    containers,
    publicCidrs,
} from "./captured";

describe("compute: config variants", () => {
    it("loadBalancer.clientKeepAliveSeconds reaches the ALB (3600 unless set, AWS's own default)", async () => {
        assert.strictEqual(find(await stackRun("staging"), LB, "alb").inputs.clientKeepAlive, 3600);
        const capture = await runWith("staging", { config: { loadBalancer: { clientKeepAliveSeconds: 86400 } } });
        assert.strictEqual(find(capture, LB, "alb").inputs.clientKeepAlive, 86400);
    });

    it("adds a third service from config alone: task definition, service, target group, rule, scaling, repository", async () => {
        const capture = await runWith("staging", {
            config: {
                services: {
                    reports: {
                        cpu: 512,
                        memory: 1024,
                        ports: [{ port: 8081, protocol: "http" }],
                        routing: { paths: ["/reports/*"] },
                        scaling: { min: 1, max: 3, desired: 1, requestsPerTarget: 200 },
                    },
                },
            },
        });
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
        assert.deepStrictEqual(
            [tg.targetType, tg.protocol, tg.port, tg.healthCheck.path, tg.deregistrationDelay],
            ["ip", "TCP", 5000, "/health/readiness", 30],
        );
        const lbs = find(capture, SERVICE, "devices-service").inputs.loadBalancers.map((l: any) => l.containerPort);
        assert.deepStrictEqual(lbs, [8080, 5000]);
        const rules = ofType(capture, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("alb-nlb-"));
        const [a, b] = publicCidrs(capture);
        assert.deepStrictEqual(
            rules.map((r) => `${r.inputs.fromPort}<-${r.inputs.cidrIpv4}`),
            [`5000<-${a}`, `5000<-${b}`, `8080<-${a}`, `8080<-${b}`],
        );
        assert.ok(
            !ofType(capture, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some(
                (r) => r.inputs.cidrIpv4 === "0.0.0.0/0" && ![80, 443].includes(r.inputs.fromPort),
            ),
        );
    });

    it("first deploy (no image yet): repository, log group and roles exist; no task definition, ECS service or scaling; a warning says what to do", async () => {
        const warnings: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as any).warn = (message: string) => {
            warnings.push(message);
            return Promise.resolve();
        };
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
            assert.ok(
                warnings.some(
                    (w) => w.includes(`service ${s}: no image yet`) && w.includes(`push one to platform-staging/${s}`) && w.includes(`services.${s}.imageTag`),
                ),
                `warning for ${s}; got ${JSON.stringify(warnings)}`,
            );
        }
        for (const type of [TD, SERVICE, TARGET, POLICY])
            assert.deepStrictEqual(
                ofType(capture, type).map((r) => r.name),
                [],
                type,
            );
        // The load balancer and its target groups are ready for the first release.
        assert.deepStrictEqual(
            ofType(capture, TG).map((t) => t.name),
            ["tg-api", "tg-devices"],
        );
        assert.deepStrictEqual(Object.keys(capture.outputs.serviceNames), ["api", "devices"]);
    });

    it("A2: a 24-character service name (the longest config allows) still fits ELB's 32 characters, with an NLB port too", async () => {
        const name = "a-service-name-of-24-chr";
        assert.strictEqual(name.length, 24);
        // The strict layer refuses a target group whose autoname would exceed 32 characters, as a preview would.
        const capture = await runWith("staging", {
            config: {
                services: {
                    [name]: {
                        ports: [
                            { port: 8081, protocol: "http" },
                            { port: 5001, protocol: "tcp" },
                        ],
                        routing: { paths: ["/long/*"] },
                        publicTcp: true,
                    },
                },
            },
        });
        const names = ofType(capture, TG)
            .map((t) => t.name)
            .filter((n) => n.startsWith("tg-a-service"));
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
        assert.deepStrictEqual(pull.Resource, [
            "arn:aws:ecr:us-east-1:482917365014:repository/platform-staging/api",
            "arn:aws:ecr:us-east-1:210987654321:repository/team/api",
        ]);
    });

    it("B8: services.<n>.containerHealthCheck wget (or a command) puts that health check into the task definition", async () => {
        const capture = await runWith("staging", {
            config: { services: { api: { containerHealthCheck: "wget" }, devices: { containerHealthCheck: ["CMD", "/app/healthcheck"] } } },
        });
        assert.deepStrictEqual(containers(capture, "api")[0].healthCheck, {
            command: ["CMD-SHELL", "wget -q -O /dev/null http://localhost:8080/health/readiness || exit 1"],
            interval: 30,
            timeout: 5,
            retries: 3,
            startPeriod: 60,
        });
        assert.deepStrictEqual(containers(capture, "devices")[0].healthCheck.command, ["CMD", "/app/healthcheck"]);
    });

    it("A1: a certificate ARN of the stack's region and account is used as is: no certificate issued", async () => {
        const arn = "arn:aws:acm:us-east-1:482917365014:certificate/5b1e0c64-8d2f-4a57-9e3b-2f6a1c9d7e40";
        const capture = await runWith("production", {
            config: { loadBalancer: { certificateArn: arn, domainName: "origin.api.example.com" } },
            removeKeys: ["loadBalancer"],
        });
        assert.strictEqual(find(capture, LISTENER, "alb-https").inputs.certificateArn, arn);
        // The load balancer issues nothing and writes no record (no zone given): only the edge's own.
        for (const type of [CERTIFICATE, CERT_VALIDATION, RECORD]) {
            assert.deepStrictEqual(
                ofType(capture, type)
                    .filter((r) => r.name.startsWith("alb-"))
                    .map((r) => r.name),
                [],
                type,
            );
        }
        const origin = find(capture, "aws:cloudfront/distribution:Distribution", "edge-distribution").inputs.origins[0];
        assert.deepStrictEqual([origin.domainName, origin.customOriginConfig.originProtocolPolicy], ["origin.api.example.com", "https-only"]);
        assert.strictEqual(capture.outputs.httpsEnabled, true);
        assert.strictEqual(capture.outputs.url, "https://api.example.com");
    });

    it("no public TCP by default: no NLB", async () => {
        const capture = await stackRun("staging");
        assert.deepStrictEqual(
            ofType(capture, LB).map((l) => l.name),
            ["alb"],
        );
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
        await assert.rejects(
            runWith("production", { hostedZones: ["another-zone.org"] }),
            /platform:loadBalancer\.hostedZone: "example\.com" is not a public Route 53 hosted zone of this account \(no matching Route 53 Hosted Zone found\)/,
        );
    });

    it("the zone the account has is used for the validation records and the aliases (the origin's and the edge's)", async () => {
        const capture = await runWith("production", { hostedZones: ["example.com"] });
        const records = ofType(capture, "aws:route53/record:Record");
        assert.deepStrictEqual(records.map((r) => r.name).sort(), [
            "alb-alias",
            "alb-certificate-validation",
            "edge-alias-a",
            "edge-alias-aaaa",
            "edge-certificate-validation",
        ]);
        assert.ok(records.every((r) => typeof r.inputs.zoneId === "string" && r.inputs.zoneId.length > 0));
    });
});
