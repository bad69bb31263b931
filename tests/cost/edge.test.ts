import { strict as assert } from "assert";
import { traitsOf } from "../../config/tiers";
import type { CapturedResource } from "../../harness/types";
import { assumptionsFor, CostAssumptions, estimate } from "../../cost/estimate";

// Published rates, written out here so the test does not read them back from the catalogue:
// CloudFront US/Europe data out, first 10 TB, $0.085/GB (aws.amazon.com/cloudfront/pricing);
// HTTPS requests $0.0120 per 10,000 (Europe; unconfirmed); always free 1 TB (taken as 1,000 GB) and
// 10M requests a month. AWS WAF: $5 per web ACL, $1 per rule a month, $0.60 per 1M requests (AWS-FACTS.md).
const CF_GB = 0.085;
const CF_HTTPS_PER_10K = 0.012;
const FREE_GB = 1000;
const FREE_REQUESTS_M = 10;
const WAF_ACL = 5;
const WAF_RULE = 1;
const WAF_PER_M = 0.6;

const STACK = "urn:pulumi:production::platform::pulumi:pulumi:Stack::platform-production";

function res(type: string, name: string, inputs: Record<string, any> = {}): CapturedResource {
    return {
        type,
        name,
        inputs,
        secretInputs: [],
        parent: STACK,
        urn: `urn:pulumi:production::platform::${type}::${name}`,
        custom: true,
        protect: false,
        retainOnDelete: false,
    };
}

const close = (actual: number, expected: number, msg?: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${msg ?? ""} ${actual} != ${expected}`);

const aclArn = (name: string) => `arn:aws:wafv2:us-east-1:123456789012:global/webacl/${name}`;

function distribution(name: string, extra: Record<string, any> = {}): CapturedResource {
    return res("aws:cloudfront/distribution:Distribution", name, {
        enabled: true,
        priceClass: "PriceClass_100",
        defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https", targetOriginId: "alb" },
        viewerCertificate: { cloudfrontDefaultCertificate: true },
        tags: { Tier: "production" },
        ...extra,
    });
}

function managed(name: string) {
    return { name, priority: 1, overrideAction: { none: {} }, statement: { managedRuleGroupStatement: { vendorName: "AWS", name } } };
}

function webAcl(name: string, extra: Record<string, any> = {}): CapturedResource {
    return res("aws:wafv2/webAcl:WebAcl", name, {
        name,
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        rules: [
            managed("AWSManagedRulesCommonRuleSet"),
            managed("AWSManagedRulesKnownBadInputsRuleSet"),
            managed("AWSManagedRulesAmazonIpReputationList"),
            { name: "rate", priority: 4, action: { block: {} }, statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP" } } },
        ],
        ...extra,
    });
}

function edgeLines(resources: CapturedResource[], a: Partial<CostAssumptions>, freeTier = false) {
    const e = estimate(resources, { assumptions: a, freeTier });
    const line = (name: string) => {
        const l = e.lines.find((x) => x.name === name);
        assert.ok(l, `no cost line for ${name}; unpriced: ${JSON.stringify(e.unpriced)}`);
        return l;
    };
    const partOf = (name: string, label: string) => {
        const p = line(name).parts.find((x) => x.label === label);
        assert.ok(p, `${name} has no part "${label}"`);
        return p;
    };
    return { e, line, partOf };
}

describe("cost/pricers/edge (CloudFront, WAF, certificates, DNS)", () => {
    it("CloudFront under the always-free 1 TB and 10M requests costs $0", () => {
        const { line } = edgeLines([distribution("cdn")], { edgeDataOutGbPerMonth: 500, edgeRequestsMillionsPerMonth: 5 });
        close(line("cdn").monthly, 0);
    });

    it("CloudFront exactly at the allowance costs $0; one GB above it costs one GB", () => {
        close(edgeLines([distribution("cdn")], { edgeDataOutGbPerMonth: FREE_GB, edgeRequestsMillionsPerMonth: FREE_REQUESTS_M }).line("cdn").monthly, 0);
        const { partOf } = edgeLines([distribution("cdn")], { edgeDataOutGbPerMonth: FREE_GB + 1, edgeRequestsMillionsPerMonth: FREE_REQUESTS_M });
        close(partOf("cdn", "data transfer out").monthly, CF_GB, "1 GB beyond the free TB");
        close(partOf("cdn", "HTTPS requests").monthly, 0, "requests at the allowance");
    });

    it("CloudFront above the allowance charges the excess only, at the published rates", () => {
        const { line, partOf } = edgeLines([distribution("cdn")], { edgeDataOutGbPerMonth: 1500, edgeRequestsMillionsPerMonth: 50 });
        const dataOut = (1500 - FREE_GB) * CF_GB; // $42.50
        const requests = (((50 - FREE_REQUESTS_M) * 1e6) / 10_000) * CF_HTTPS_PER_10K; // $48.00
        close(partOf("cdn", "data transfer out").monthly, dataOut, "data out");
        close(partOf("cdn", "HTTPS requests").monthly, requests, "HTTPS requests");
        close(line("cdn").monthly, dataOut + requests, "line total");
        assert.match(partOf("cdn", "data transfer out").assumption!, /edgeDataOutGbPerMonth = 1,500 GB \(stack\) - 1,000 GB always free/);
        assert.match(partOf("cdn", "HTTPS requests").assumption!, /edgeRequestsMillionsPerMonth = 50M \(stack\) - 10M always free/);
    });

    it("two distributions share the stack's traffic and the one allowance (per account, not per distribution)", () => {
        const { line } = edgeLines([distribution("cdn-a"), distribution("cdn-b")], { edgeDataOutGbPerMonth: 3000, edgeRequestsMillionsPerMonth: 10 });
        close(line("cdn-a").monthly, ((3000 - FREE_GB) / 2) * CF_GB);
        close(line("cdn-b").monthly, ((3000 - FREE_GB) / 2) * CF_GB);
    });

    it("the free-tier option does not deduct CloudFront's allowance a second time", () => {
        const { line } = edgeLines([distribution("cdn")], { edgeDataOutGbPerMonth: 1500, edgeRequestsMillionsPerMonth: 10 }, true);
        close(line("cdn").monthlyInsideFreeTier, 500 * CF_GB);
    });

    it("a price class beyond US/Europe is noted as priced at the US/Europe rates", () => {
        const { e } = edgeLines([distribution("cdn", { priceClass: "PriceClass_All" })], { edgeDataOutGbPerMonth: 1, edgeRequestsMillionsPerMonth: 1 });
        assert.ok(
            e.unpriced.some((n) => n.name === "cdn" && /PriceClass_All/.test(n.reason)),
            JSON.stringify(e.unpriced),
        );
    });

    it("a tier's usage traits set the edge assumptions (production: 500 GB, 50M requests), overridable", () => {
        const a = assumptionsFor(traitsOf("production"));
        assert.equal(a.edgeDataOutGbPerMonth, traitsOf("production").usage.edgeDataOutGb);
        assert.equal(a.edgeRequestsMillionsPerMonth, traitsOf("production").usage.edgeRequestsMillions);
        assert.equal(assumptionsFor(traitsOf("production"), { edgeDataOutGbPerMonth: 7 }).edgeDataOutGbPerMonth, 7);
    });

    it("WAF: $5 per web ACL + $1 per rule (a managed rule group is one rule) + $0.60 per million requests, no free allowance", () => {
        const cdn = distribution("cdn", { webAclId: aclArn("edge-waf") });
        const { line, partOf } = edgeLines([cdn, webAcl("edge-waf")], { edgeRequestsMillionsPerMonth: 50, edgeDataOutGbPerMonth: 0 });
        close(partOf("edge-waf", "web ACL").monthly, WAF_ACL);
        close(partOf("edge-waf", "rules").monthly, 4 * WAF_RULE, "3 managed groups + 1 rate-based rule");
        close(partOf("edge-waf", "requests inspected").monthly, 50 * WAF_PER_M, "every viewer request, the first 10M included");
        close(line("edge-waf").monthly, WAF_ACL + 4 * WAF_RULE + 50 * WAF_PER_M); // $39
    });

    it("WAF requests go to the web ACL the distributions name; a web ACL no distribution uses inspects none", () => {
        const cdn = distribution("cdn", { webAclId: aclArn("used-waf") });
        const { partOf } = edgeLines([cdn, webAcl("used-waf"), webAcl("spare-waf")], { edgeRequestsMillionsPerMonth: 20 });
        close(partOf("used-waf", "requests inspected").quantity, 20);
        close(partOf("spare-waf", "requests inspected").quantity, 0);
    });

    it("a REGIONAL web ACL lands in `unpriced`, never at $0", () => {
        const e = estimate([webAcl("alb-waf", { scope: "REGIONAL" })]);
        assert.ok(!e.lines.some((l) => l.name === "alb-waf"));
        assert.ok(
            e.unpriced.some((n) => n.name === "alb-waf" && /REGIONAL/.test(n.reason)),
            JSON.stringify(e.unpriced),
        );
    });

    it("ACM public certificates, validations, Route 53 records and WAF logging configurations are free; no hosted zone is priced", () => {
        const e = estimate([
            res("aws:acm/certificate:Certificate", "cdn-cert", { domainName: "app.example.com", validationMethod: "DNS" }),
            res("aws:acm/certificateValidation:CertificateValidation", "cdn-cert-validation", {}),
            res("aws:route53/record:Record", "cdn-alias-a", { type: "A", aliases: [{ name: "d111.cloudfront.net", zoneId: "Z2FDTNDATAQYW2" }] }),
            res("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "edge-waf-logging", {}),
        ]);
        assert.deepEqual(e.lines, []);
        assert.deepEqual(e.unpriced, []);
        assert.deepEqual(
            e.free.map((f) => f.name),
            ["cdn-cert", "cdn-cert-validation", "cdn-alias-a", "edge-waf-logging"],
        );
    });
});
