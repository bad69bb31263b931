// The strict layer's rules on CloudFront origins and WAF web ACLs: each fed a violating resource and
// its boundary value (tests/harness/strict-helpers.ts).
import * as aws from "@pulumi/aws";
import { accepted, ok, refused } from "./strict-helpers";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";

const distribution = (origin: { readTimeout?: number; header?: string }) =>
    new aws.cloudfront.Distribution("cdn", {
        enabled: true,
        origins: [
            {
                originId: "o",
                domainName: "origin.example.com",
                customOriginConfig: {
                    httpPort: 80,
                    httpsPort: 443,
                    originProtocolPolicy: "https-only",
                    originSslProtocols: ["TLSv1.2"],
                    originReadTimeout: origin.readTimeout,
                },
                customHeaders: [{ name: origin.header ?? "X-Origin-Verify", value: "v" }],
            },
        ],
        defaultCacheBehavior: {
            targetOriginId: "o",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
    });

const webAcl = (args: { limit?: number; metricName?: string; priorities?: [number, number]; region?: string }) => {
    const visibility = (name: string) => ({ cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true });
    const [first, second] = args.priorities ?? [0, 1];
    return new aws.wafv2.WebAcl(
        "acl",
        {
            scope: "CLOUDFRONT",
            defaultAction: { allow: {} },
            visibilityConfig: visibility(args.metricName ?? "platform-dev-edge"),
            rules: [
                {
                    name: "rate",
                    priority: first,
                    action: { block: {} },
                    statement: { rateBasedStatement: { limit: args.limit ?? 2000, aggregateKeyType: "IP" } },
                    visibilityConfig: visibility("rate"),
                },
                {
                    name: "common",
                    priority: second,
                    overrideAction: { none: {} },
                    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" } },
                    visibilityConfig: visibility("common"),
                },
            ],
        },
        args.region ? { provider: new aws.Provider("other", { region: args.region as aws.Region }) } : {},
    );
};

describe("strict layer: CloudFront origins and WAF web ACLs", () => {
    it("refuses an origin response timeout over 60 s (the quota without an increase), accepts 60", async () => {
        await refused(
            () => ok(() => distribution({ readTimeout: 61 })),
            "cloudfront-origin",
            DISTRIBUTION,
            "cdn",
            "origins[0].customOriginConfig.originReadTimeout",
        );
        await accepted(() => ok(() => distribution({ readTimeout: 60 })));
    });

    it("refuses a custom origin header CloudFront cannot add (Host, X-Amz-*), accepts X-Origin-Verify", async () => {
        await refused(() => ok(() => distribution({ header: "Host" })), "cloudfront-origin", DISTRIBUTION, "cdn", "origins[0].customHeaders[0].name");
        await refused(() => ok(() => distribution({ header: "X-Amz-Secret" })), "cloudfront-origin", DISTRIBUTION, "cdn");
        await accepted(() => ok(() => distribution({})));
    });

    it("refuses a rate limit under the provider's 100 and a metric name with a dot; accepts 100", async () => {
        await refused(() => ok(() => webAcl({ limit: 99 })), "waf-web-acl", WEB_ACL, "acl", "rules[0].statement.rateBasedStatement.limit");
        await refused(() => ok(() => webAcl({ metricName: "platform.dev" })), "waf-web-acl", WEB_ACL, "acl", "visibilityConfig.metricName");
        await accepted(() => ok(() => webAcl({ limit: 100 })));
    });

    it("refuses two rules with one priority, and a CLOUDFRONT web ACL created outside us-east-1", async () => {
        await refused(() => ok(() => webAcl({ priorities: [1, 1] })), "waf-web-acl", WEB_ACL, "acl", "rules[1].priority");
        await refused(() => ok(() => webAcl({ region: "eu-west-1" })), "waf-web-acl", WEB_ACL, "acl", "CLOUDFRONT in eu-west-1");
    });
});

describe("strict layer: what the edge's neighbours refuse", () => {
    const ACCOUNT = "482917365014";

    it("refuses a dashboard name with a dot (a stack name may have one), accepts hyphens", async () => {
        const dashboard = (dashboardName: string) => new aws.cloudwatch.Dashboard("board", { dashboardName, dashboardBody: JSON.stringify({ widgets: [] }) });
        await refused(() => ok(() => dashboard("platform-prod.eu")), "physical-name", "aws:cloudwatch/dashboard:Dashboard", "board");
        await accepted(() => ok(() => dashboard("platform-prod-eu")));
    });

    it("refuses a certificate whose first name is over 64 characters, accepts 64", async () => {
        const certificate = (domainName: string) => new aws.acm.Certificate("cert", { domainName, validationMethod: "DNS" });
        const name = (length: number) => `${"a".repeat(length - ".example.com".length)}.example.com`;
        await refused(() => ok(() => certificate(name(65))), "acm-domain-name", "aws:acm/certificate:Certificate", "cert", "domainName");
        await accepted(() => ok(() => certificate(name(64))));
    });

    it("refuses 26 cache behaviours, a repeated path pattern and aliases on CloudFront's default certificate", async () => {
        const cdn = (paths: string[], aliases?: string[]) =>
            new aws.cloudfront.Distribution("cdn", {
                enabled: true,
                aliases,
                origins: [
                    {
                        originId: "o",
                        domainName: "origin.example.com",
                        customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1.2"] },
                    },
                ],
                defaultCacheBehavior: {
                    targetOriginId: "o",
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ["GET", "HEAD"],
                    cachedMethods: ["GET", "HEAD"],
                },
                orderedCacheBehaviors: paths.map((pathPattern) => ({
                    pathPattern,
                    targetOriginId: "o",
                    viewerProtocolPolicy: "redirect-to-https",
                    allowedMethods: ["GET", "HEAD"],
                    cachedMethods: ["GET", "HEAD"],
                })),
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: { cloudfrontDefaultCertificate: true },
            });
        const paths = (n: number) => Array.from({ length: n }, (_, i) => `/p${i}/*`);
        await refused(() => ok(() => cdn(paths(26))), "cloudfront-behaviours", DISTRIBUTION, "cdn", "orderedCacheBehaviors");
        await refused(() => ok(() => cdn(["/a/*", "/a/*"])), "cloudfront-behaviours", DISTRIBUTION, "cdn", "orderedCacheBehaviors[1].pathPattern");
        await refused(() => ok(() => cdn([], ["www.example.com"])), "cloudfront-behaviours", DISTRIBUTION, "cdn", "viewerCertificate");
        await accepted(() => ok(() => cdn(paths(25))));
    });

    it("refuses an alarm notifying a topic of another region, and a CloudFront alarm outside us-east-1", async () => {
        const alarm = (topicRegion: string, namespace = "AWS/EC2", provider?: aws.Provider) =>
            new aws.cloudwatch.MetricAlarm(
                "alarm",
                {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    threshold: 1,
                    namespace,
                    metricName: "5xxErrorRate",
                    statistic: "Average",
                    period: 60,
                    alarmActions: [`arn:aws:sns:${topicRegion}:${ACCOUNT}:alarms`],
                },
                provider ? { provider } : {},
            );
        await refused(() => ok(() => alarm("eu-west-1")), "alarm-action-region", "aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", "alarmActions[0]");
        await refused(
            () => ok(() => alarm("eu-west-1", "AWS/CloudFront", new aws.Provider("eu", { region: "eu-west-1" }))),
            "alarm-action-region",
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "alarm",
            "CloudFront alarms in us-east-1",
        );
        await accepted(() => ok(() => alarm("us-east-1", "AWS/CloudFront")));
    });
});
