import * as assert from "assert";
import { TIER_TABLE } from "../../config/tiers";
import { cloudfrontOriginsClosed, cloudfrontViewerHttps, cloudfrontViewerTls, cloudfrontWebAcl, CURRENT_TLS_POLICIES } from "../../policies/rules/security";
import { securityPolicies } from "../../policies/rules/index";
import { assertHasResourceViolation, assertHasStackViolation, assertNoResourceViolations, assertNoStackViolations, res, runStackPolicy, tags } from "./util";

const DIST = "aws:cloudfront/distribution:Distribution";
const ACL = "aws:wafv2/webAcl:WebAcl";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const ACL_ARN = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge-waf/0a1b2c3d";

function behaviour(policy: string, extra: Record<string, unknown> = {}) {
    return { viewerProtocolPolicy: policy, targetOriginId: "alb", cachePolicyId: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", ...extra };
}

/** A distribution as the edge component will declare it (resource contract of issue 13). */
function distribution(name: string, extra: Record<string, unknown> = {}, tier: "zero-cost" | "staging" | "production" = "production") {
    return res(DIST, name, {
        enabled: true,
        priceClass: "PriceClass_100",
        origins: [
            {
                domainName: "alb.example.internal",
                originId: "alb",
                customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
            },
        ],
        defaultCacheBehavior: behaviour("redirect-to-https"),
        orderedCacheBehaviors: [behaviour("https-only", { pathPattern: "/static/*" })],
        viewerCertificate: {
            acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        },
        aliases: ["app.example.com"],
        webAclId: ACL_ARN,
        tags: tags(tier),
        ...extra,
    });
}

function webAcl(name: string, scope = "CLOUDFRONT") {
    return res(ACL, name, {
        name,
        scope,
        defaultAction: { allow: {} },
        rules: [],
        arn: scope === "CLOUDFRONT" ? ACL_ARN : "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1",
    });
}

describe("policies: the edge (CloudFront, WAF)", () => {
    it("CloudFront.3 cloudfront-viewer-https: every behaviour redirects to or requires HTTPS", () => {
        const p = cloudfrontViewerHttps();
        assertNoResourceViolations(p, distribution("cdn"));
        assertHasResourceViolation(p, distribution("cdn", { defaultCacheBehavior: behaviour("allow-all") }), {
            message: 'Distribution "cdn" defaultCacheBehavior sets viewerProtocolPolicy "allow-all"',
        });
        assertHasResourceViolation(p, distribution("cdn", { orderedCacheBehaviors: [behaviour("allow-all", { pathPattern: "/api/*" })] }), {
            message: /Distribution "cdn" orderedCacheBehaviors\[0\] \(\/api\/\*\) sets viewerProtocolPolicy "allow-all"/,
        });
        assertHasResourceViolation(p, distribution("cdn", { defaultCacheBehavior: { targetOriginId: "alb" } }), { message: "viewerProtocolPolicy to nothing" });
        assert.equal(p.enforcementLevel, "mandatory");
    });

    it("CloudFront.8 / 15 cloudfront-viewer-tls: a custom certificate uses sni-only and TLSv1.2_2021 or newer", () => {
        const p = cloudfrontViewerTls();
        for (const v of ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]) {
            assertNoResourceViolations(
                p,
                distribution("cdn", { viewerCertificate: { acmCertificateArn: "arn:x", sslSupportMethod: "sni-only", minimumProtocolVersion: v } }),
            );
        }
        assert.deepEqual([...CURRENT_TLS_POLICIES], ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]);
        // CloudFront's own certificate (*.cloudfront.net): CloudFront sets the policy, nothing to check.
        assertNoResourceViolations(p, distribution("cdn", { viewerCertificate: { cloudfrontDefaultCertificate: true }, aliases: [] }));
        for (const v of ["TLSv1.2_2019", "TLSv1.2_2018", "TLSv1.1_2016", "TLSv1", "SSLv3"]) {
            assertHasResourceViolation(
                p,
                distribution("cdn", { viewerCertificate: { acmCertificateArn: "arn:x", sslSupportMethod: "sni-only", minimumProtocolVersion: v } }),
                {
                    message: `Distribution "cdn" sets minimumProtocolVersion "${v}"`,
                },
            );
        }
        assertHasResourceViolation(p, distribution("cdn", { viewerCertificate: { acmCertificateArn: "arn:x", sslSupportMethod: "sni-only" } }), {
            message: "to nothing (provider default TLSv1)",
        });
        assertHasResourceViolation(
            p,
            distribution("cdn", { viewerCertificate: { acmCertificateArn: "arn:x", sslSupportMethod: "vip", minimumProtocolVersion: "TLSv1.2_2021" } }),
            {
                message: 'Distribution "cdn" serves its custom certificate with sslSupportMethod "vip"',
            },
        );
    });

    describe("cloudfront-origins-closed", () => {
        const p = cloudfrontOriginsClosed();
        const sg = res(SG, "alb-sg", { vpcId: "vpc-1" });

        it("passes the stacks of today (no distribution), even with an origin open on 443", () => {
            assertNoStackViolations(p, [
                sg,
                res(INGRESS, "alb-https", { securityGroupId: "alb-sg", cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 }),
            ]);
        });

        it("passes an origin that admits the CloudFront prefix list, and the devices NLB's raw TCP 5000 open to the internet", () => {
            assertNoStackViolations(p, [
                distribution("cdn"),
                sg,
                res(INGRESS, "alb-from-cloudfront", { securityGroupId: "alb-sg", prefixListId: "pl-3b927c52", ipProtocol: "tcp", fromPort: 443, toPort: 443 }),
                res(INGRESS, "devices-tcp", { securityGroupId: "nlb-sg", cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 5000, toPort: 5000 }),
                res(INGRESS, "devices-tcp-v6", { securityGroupId: "nlb-sg", cidrIpv6: "::/0", ipProtocol: "tcp", fromPort: 5000, toPort: 5000 }),
            ]);
        });

        const bad: [string, ReturnType<typeof res>, RegExp][] = [
            [
                "an ingress rule on 443 from 0.0.0.0/0",
                res(INGRESS, "alb-https", { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 }),
                /Ingress rule "alb-https" opens TCP 443 to 0\.0\.0\.0\/0/,
            ],
            [
                "an ingress rule on 80 from ::/0",
                res(INGRESS, "alb-http-v6", { cidrIpv6: "::/0", ipProtocol: "tcp", fromPort: 80, toPort: 80 }),
                /Ingress rule "alb-http-v6" opens TCP 80 to ::\/0/,
            ],
            [
                "an ingress rule for all traffic",
                res(INGRESS, "all-open", { cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" }),
                /Ingress rule "all-open" opens TCP 80\/443/,
            ],
            [
                "a TCP range covering both",
                res(INGRESS, "wide", { cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 0, toPort: 1024 }),
                /Ingress rule "wide" opens TCP 80\/443/,
            ],
            [
                "an inline security group ingress",
                res(SG, "host-sg", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] }),
                /Security group "host-sg" ingress\[0\] opens TCP 443/,
            ],
            [
                "an aws:ec2/securityGroupRule ingress",
                res(SG_RULE, "legacy-http", {
                    type: "ingress",
                    protocol: "tcp",
                    fromPort: 80,
                    toPort: 80,
                    cidrBlocks: ["0.0.0.0/0"],
                    securityGroupId: "alb-sg",
                }),
                /Ingress rule "legacy-http" opens TCP 80/,
            ],
        ];
        for (const [what, rule, message] of bad) {
            it(`refuses ${what} once the stack has a distribution`, () => {
                const run = assertHasStackViolation(p, [distribution("cdn"), sg, rule], { message, urn: rule.urn });
                assert.equal(run.messages.length, 1, JSON.stringify(run.messages));
            });
        }

        it("does not count egress rules", () => {
            assertNoStackViolations(p, [
                distribution("cdn"),
                res(SG_RULE, "out", { type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }),
            ]);
        });
    });

    describe("CloudFront.6 cloudfront-web-acl", () => {
        const p = cloudfrontWebAcl();
        const firewalled = Object.entries(TIER_TABLE)
            .filter(([, t]) => t.webFirewall)
            .map(([n]) => n);

        it("the tier table asks for WAF in production only (the rule reads the trait)", () => {
            assert.deepEqual(firewalled, ["production"]);
        });

        it("passes a production distribution whose web ACL is a CLOUDFRONT web ACL of the stack, or a global web ACL ARN", () => {
            assertNoStackViolations(p, [distribution("cdn"), webAcl("edge-waf")]);
            assertNoStackViolations(p, [distribution("cdn")]);
        });

        it("passes a tier without the webFirewall trait without a web ACL", () => {
            assertNoStackViolations(p, [distribution("cdn", { webAclId: undefined }, "staging")]);
            assertNoStackViolations(p, [distribution("cdn", { webAclId: undefined }, "zero-cost")]);
        });

        it("refuses a production distribution without webAclId", () => {
            const d = distribution("cdn", { webAclId: undefined });
            assertHasStackViolation(p, [d], { message: 'Distribution "cdn" has no web ACL (webAclId); tier production requires AWS WAF', urn: d.urn });
        });

        it("refuses a REGIONAL web ACL, naming it", () => {
            const acl = webAcl("alb-waf", "REGIONAL");
            const d = distribution("cdn", { webAclId: "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/x/1" });
            assertHasStackViolation(p, [d, acl], { message: 'Web ACL "alb-waf" of distribution "cdn" has scope "REGIONAL"', urn: acl.urn });
            assertHasStackViolation(p, [d], { message: /Distribution "cdn" names web ACL .*neither a web ACL of this stack nor a CLOUDFRONT/ });
        });

        it("refuses a distribution whose tier it cannot tell (fail closed)", () => {
            const d = res(DIST, "cdn", { defaultCacheBehavior: behaviour("https-only") });
            assert.match(runStackPolicy(p, [d]).messages.join("\n"), /Cannot determine the tier of distribution "cdn"/);
        });
    });

    it("the four edge policies are in the pack's security list", () => {
        const names = securityPolicies().map((x) => x.name);
        for (const n of ["cloudfront-viewer-https", "cloudfront-viewer-tls", "cloudfront-web-acl", "cloudfront-origins-closed"])
            assert.ok(names.includes(n), n);
    });
});
