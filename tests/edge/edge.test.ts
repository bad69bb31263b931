// The edge (components/edge.ts): a CloudFront distribution in front of the load balancer in every
// Fargate tier, HTTPS for every viewer, the origin closed to all but CloudFront (prefix list and a
// secret header), the stack's own us-east-1 certificate and alias records from the domain config,
// and the WAF web ACL where the tier's trait or config asks for it.
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { computedState } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { runWith, sharedRun, stackRun } from "../helpers/stacks";
import { captureLogs, findStrings } from "../data/helpers";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const RECORD = "aws:route53/record:Record";
const RULE = "aws:lb/listenerRule:ListenerRule";
const PROVIDER = "pulumi:providers:aws";

// AWS-managed policies (CloudFront Developer Guide, "Use managed cache policies" / "... origin request policies").
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

const distributionOf = (capture: StackCapture) => find(capture, DISTRIBUTION, "edge-distribution").inputs;

describe("edge (staging): CloudFront on its own name, in front of an HTTP-only load balancer", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("staging");
    });

    it("redirects every viewer to HTTPS and caches nothing by default: all methods, every viewer header but Host to the origin", () => {
        const d = distributionOf(capture);
        const behaviour = d.defaultCacheBehavior;
        assert.deepStrictEqual(
            [behaviour.viewerProtocolPolicy, behaviour.cachePolicyId, behaviour.originRequestPolicyId],
            ["redirect-to-https", CACHING_DISABLED, ALL_VIEWER_EXCEPT_HOST],
        );
        assert.deepStrictEqual([...behaviour.allowedMethods].sort(), ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]);
        assert.deepStrictEqual(d.orderedCacheBehaviors, []);
        assert.deepStrictEqual(d.viewerCertificate, { cloudfrontDefaultCertificate: true }, "HTTPS on *.cloudfront.net without a domain");
        assert.strictEqual(d.aliases, undefined);
        assert.deepStrictEqual([d.enabled, d.isIpv6Enabled, d.priceClass], [true, true, "PriceClass_100"]);
    });

    it("reaches the load balancer by its DNS name over HTTP, with the secret header", () => {
        const origin = distributionOf(capture).origins[0];
        assert.strictEqual(origin.domainName, capture.outputs.albDnsName);
        assert.deepStrictEqual([origin.customOriginConfig.originProtocolPolicy, origin.customOriginConfig.originSslProtocols], ["http-only", ["TLSv1.2"]]);
        assert.strictEqual(origin.customHeaders[0].name, "X-Origin-Verify");
        assert.strictEqual(origin.customOriginConfig.originReadTimeout, 60, "as long as the load balancer lets a request run (idle timeout 60 s)");
        assert.match(origin.customHeaders[0].value, /^MOCK-SECRET-/, "a generated secret, not a fixed string");
    });

    it("has no certificate, record or firewall of its own (no domain; the firewall trait is off)", () => {
        for (const type of [CERTIFICATE, VALIDATION, RECORD, WEB_ACL])
            assert.deepStrictEqual(
                ofType(capture, type).map((r) => r.name),
                [],
                type,
            );
        assert.strictEqual(distributionOf(capture).webAclId, undefined);
    });

    it("outputs the public HTTPS URL, the distribution's name and its id", () => {
        const state = computedState(DISTRIBUTION, "edge-distribution", distributionOf(capture), "us-east-1");
        assert.deepStrictEqual(
            [capture.outputs.url, capture.outputs.cdnDomainName, capture.outputs.distributionId, capture.outputs.httpsEnabled],
            [`https://${state.domainName}`, state.domainName, state.id, true],
        );
    });

    it("never shows the origin secret in outputs or logs, and keeps it secret in every input that holds it", async () => {
        const secret = distributionOf(capture).origins[0].customHeaders[0].value;
        assert.deepStrictEqual(findStrings(capture.outputs, secret, []), []);
        const holders = capture.resources.filter((r) => findStrings(r.inputs, secret, []).length > 0);
        assert.ok(holders.length >= 3, "the distribution and the listener rules hold it");
        for (const r of holders) assert.ok(r.secretInputs.length > 0, `${r.type} ${r.name} holds the origin secret in a non-secret input`);
        // Before the first release the run warns about the missing images: the capture has lines to scan.
        const { lines } = await captureLogs(() => runWith("staging", { imageTag: undefined }));
        assert.ok(lines.length > 0, "the run logs something (the capture works)");
        assert.deepStrictEqual(
            lines.filter((line) => line.includes(secret)),
            [],
        );
    });
});

describe("edge (production): its own domain, certificate, records and firewall", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("production");
    });

    it("issues a DNS-validated certificate for edge.domainName and serves it with SNI and TLS 1.2_2021", () => {
        const certificate = find(capture, CERTIFICATE, "edge-certificate");
        assert.deepStrictEqual([certificate.inputs.domainName, certificate.inputs.validationMethod], ["api.example.com", "DNS"]);
        assert.strictEqual(certificate.region, "us-east-1", "CloudFront only takes us-east-1 certificates");
        const validated = find(capture, VALIDATION, "edge-certificate").inputs.certificateArn;
        const d = distributionOf(capture);
        assert.deepStrictEqual(d.viewerCertificate, { acmCertificateArn: validated, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
        assert.deepStrictEqual(d.aliases, ["api.example.com"]);
    });

    it("points A and AAAA alias records of the name at the distribution, in CloudFront's zone", () => {
        const state = computedState(DISTRIBUTION, "edge-distribution", distributionOf(capture), "us-east-1");
        for (const type of ["A", "AAAA"]) {
            const record = find(capture, RECORD, `edge-alias-${type.toLowerCase()}`).inputs;
            assert.deepStrictEqual(
                [record.name, record.type, record.aliases],
                ["api.example.com", type, [{ name: state.domainName, zoneId: "Z2FDTNDATAQYW2", evaluateTargetHealth: false }]],
            );
        }
        assert.strictEqual(capture.outputs.url, "https://api.example.com");
    });

    it("reaches the load balancer over HTTPS by the origin name its certificate covers", () => {
        const origin = distributionOf(capture).origins[0];
        assert.deepStrictEqual([origin.domainName, origin.customOriginConfig.originProtocolPolicy], ["origin.api.example.com", "https-only"]);
        assert.strictEqual(find(capture, CERTIFICATE, "alb-certificate").inputs.domainName, "origin.api.example.com");
    });

    it("has a CLOUDFRONT web ACL (the tier's webFirewall trait): IP reputation, rate limit, common and known bad inputs, blocking", () => {
        const acl = find(capture, WEB_ACL, "edge-firewall");
        assert.deepStrictEqual([acl.inputs.scope, acl.inputs.defaultAction, acl.region], ["CLOUDFRONT", { allow: {} }, "us-east-1"]);
        assert.deepStrictEqual(
            acl.inputs.rules.map((r: any) => [r.priority, r.name, r.statement.managedRuleGroupStatement?.name ?? r.statement.rateBasedStatement.limit]),
            [
                [0, "ipReputation", "AWSManagedRulesAmazonIpReputationList"],
                [1, "rateLimit", 2000],
                [2, "common", "AWSManagedRulesCommonRuleSet"],
                [3, "knownBadInputs", "AWSManagedRulesKnownBadInputsRuleSet"],
            ],
        );
        assert.deepStrictEqual(
            acl.inputs.rules.map((r: any) => r.overrideAction ?? r.action),
            [{ none: {} }, { block: {} }, { none: {} }, { none: {} }],
        );
        assert.strictEqual(distributionOf(capture).webAclId, computedState(WEB_ACL, "edge-firewall", acl.inputs, "us-east-1").arn);
    });

    it("lets only requests with CloudFront's header through the load balancer: 403 by default, every rule carries the header", () => {
        const header = distributionOf(capture).origins[0].customHeaders[0];
        const rules = ofType(capture, RULE);
        assert.ok(rules.length >= 2);
        for (const rule of rules) {
            assert.deepStrictEqual(
                rule.inputs.conditions.filter((c: any) => c.httpHeader),
                [{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: [header.value] } }],
                rule.name,
            );
        }
    });
});

describe("edge: alarms", () => {
    it("alarms on the distribution's 5xx error rate in us-east-1 (where CloudFront publishes), notifying the stack's topic", async () => {
        const capture = await stackRun("staging");
        const alarm = find(capture, "aws:cloudwatch/metricAlarm:MetricAlarm", "edge-alarms-5xx-rate");
        const state = computedState(DISTRIBUTION, "edge-distribution", distributionOf(capture), "us-east-1");
        assert.deepStrictEqual(
            [alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.dimensions, alarm.inputs.threshold, alarm.region],
            ["AWS/CloudFront", "5xxErrorRate", { DistributionId: state.id, Region: "Global" }, 1, "us-east-1"],
        );
        assert.deepStrictEqual(alarm.inputs.alarmActions, [capture.outputs.alarmTopicArn]);
    });

    it("in another region, the alarm and a topic of its own (with the stack's email) live in us-east-1", async () => {
        const capture = await sharedRun("staging", { config: { "aws:region": "eu-west-1", observability: { alarmEmail: "oncall@example.com" } } });
        const alarm = find(capture, "aws:cloudwatch/metricAlarm:MetricAlarm", "edge-alarms-5xx-rate");
        const topic = find(capture, "aws:sns/topic:Topic", "edge-alarms-topic");
        assert.deepStrictEqual([alarm.region, topic.region], ["us-east-1", "us-east-1"]);
        assert.deepStrictEqual(alarm.inputs.alarmActions, [computedState("aws:sns/topic:Topic", "edge-alarms-topic", topic.inputs, "us-east-1").arn]);
        const email = find(capture, "aws:sns/topicSubscription:TopicSubscription", "edge-alarms-email");
        assert.deepStrictEqual([email.inputs.protocol, email.inputs.endpoint, email.region], ["email", "oncall@example.com", "us-east-1"]);
    });
});

describe("edge: on the dashboard", () => {
    const widgets = (capture: StackCapture) =>
        JSON.parse(find(capture, "aws:cloudwatch/dashboard:Dashboard", "observability-dashboard").inputs.dashboardBody).widgets as any[];

    it("production: the distribution's requests and 5xx rate, and the firewall's blocked requests, read from us-east-1", async () => {
        const capture = await stackRun("production");
        const state = computedState(DISTRIBUTION, "edge-distribution", distributionOf(capture), "us-east-1");
        const acl = find(capture, WEB_ACL, "edge-firewall");
        const edge = widgets(capture).filter((w) => w.properties.title.startsWith("Edge"));
        assert.deepStrictEqual(
            edge.map((w) => [w.properties.title, w.properties.region, w.properties.metrics[0].slice(0, 4)]),
            [
                ["Edge: requests and 5xx rate", "us-east-1", ["AWS/CloudFront", "Requests", "DistributionId", state.id]],
                [
                    "Edge firewall: blocked requests",
                    "us-east-1",
                    ["AWS/WAFV2", "BlockedRequests", "WebACL", computedState(WEB_ACL, "edge-firewall", acl.inputs, "us-east-1").name],
                ],
            ],
        );
    });

    it("staging (no firewall): the distribution's widget only", async () => {
        const titles = widgets(await stackRun("staging"))
            .map((w) => w.properties.title)
            .filter((t: string) => t.startsWith("Edge"));
        assert.deepStrictEqual(titles, ["Edge: requests and 5xx rate"]);
    });
});

describe("edge: config variants", () => {
    it("waits for the origin as long as the load balancer's idle timeout, at most CloudFront's 60 s", async () => {
        const timeout = async (idleTimeoutSeconds: number) =>
            distributionOf(await sharedRun("staging", { config: { loadBalancer: { idleTimeoutSeconds } } })).origins[0].customOriginConfig.originReadTimeout;
        assert.deepStrictEqual([await timeout(20), await timeout(300)], [20, 60]);
    });

    it("caches the configured static paths with CachingOptimized, still HTTPS-only for viewers", async () => {
        const capture = await sharedRun("staging", { config: { edge: { cachedPaths: ["/static/*", "*.js"] } } });
        assert.deepStrictEqual(
            distributionOf(capture).orderedCacheBehaviors.map((b: any) => [b.pathPattern, b.cachePolicyId, b.viewerProtocolPolicy, b.allowedMethods]),
            [
                ["/static/*", CACHING_OPTIMIZED, "redirect-to-https", ["GET", "HEAD"]],
                ["*.js", CACHING_OPTIMIZED, "redirect-to-https", ["GET", "HEAD"]],
            ],
        );
    });

    it("firewall on demand: rate limit from config, a rule set to count, blocked requests logged to aws-waf-logs-*", async () => {
        const capture = await sharedRun("staging", { config: { edge: { firewall: true, rateLimit: 500, countOnly: ["common"], logBlocked: true } } });
        const rules = find(capture, WEB_ACL, "edge-firewall").inputs.rules;
        assert.strictEqual(rules.find((r: any) => r.name === "rateLimit").statement.rateBasedStatement.limit, 500);
        assert.deepStrictEqual(rules.find((r: any) => r.name === "common").overrideAction, { count: {} });
        assert.deepStrictEqual(rules.find((r: any) => r.name === "knownBadInputs").overrideAction, { none: {} });
        const group = find(capture, "aws:cloudwatch/logGroup:LogGroup", "edge-firewall-logs").inputs;
        assert.match(group.namePrefix, /^aws-waf-logs-/);
        const logging = find(capture, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "edge-firewall-logs").inputs;
        assert.deepStrictEqual(logging.loggingFilter.filters[0].conditions, [{ actionCondition: { action: "BLOCK" } }]);
        assert.strictEqual(logging.loggingFilter.defaultBehavior, "DROP");
    });

    it("in another region, the certificate and the web ACL go through a us-east-1 provider; the load balancer's certificate stays in the stack's region", async () => {
        const capture = await sharedRun("production", { config: { "aws:region": "eu-west-1" } });
        assert.deepStrictEqual(
            ofType(capture, PROVIDER)
                .map((p) => p.name)
                .sort(),
            ["edge-alarms-us-east-1", "edge-us-east-1"],
        );
        assert.deepStrictEqual(
            [
                find(capture, CERTIFICATE, "edge-certificate").region,
                find(capture, WEB_ACL, "edge-firewall").region,
                find(capture, CERTIFICATE, "alb-certificate").region,
            ],
            ["us-east-1", "us-east-1", "eu-west-1"],
        );
    });

    it("a hosted zone the account does not have fails the run naming platform:edge.hostedZone", async () => {
        await assert.rejects(
            runWith("production", { config: { edge: { domainName: "www.other.org", hostedZone: "other.org" } }, hostedZones: ["example.com"] }),
            /platform:edge\.hostedZone: "other\.org" is not a public Route 53 hosted zone of this account/,
        );
    });
});
