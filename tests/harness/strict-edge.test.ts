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
