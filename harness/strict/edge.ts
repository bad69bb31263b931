// CloudFront origins and AWS WAF web ACLs: what the API or the provider refuses before anything is
// created.
import { range } from "./inputs";
import { Finding, ResourceRule, T } from "./rule";

const WEB_ACL = "aws:wafv2/webAcl:WebAcl";

// Headers CloudFront cannot add to origin requests (CloudFront Developer Guide, "Custom headers that
// CloudFront can't add to origin requests"; the list as the guide gives it, unconfirmed in this session).
const FORBIDDEN_ORIGIN_HEADERS = [
    "cache-control",
    "connection",
    "content-length",
    "cookie",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "max-forwards",
    "pragma",
    "proxy-authorization",
    "proxy-connection",
    "range",
    "request-range",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "x-real-ip",
];

export const cloudFrontOriginRule: ResourceRule = {
    id: "cloudfront-origin",
    scope: "resource",
    types: [T.distribution],
    message: "an origin CloudFront refuses",
    source: 'CloudFront Developer Guide, "Custom headers that CloudFront can\'t add to origin requests" and quotas "Response timeout per origin" (1-60 s without an increase) and "Keep-alive timeout per origin" (1-60 s)',
    check(r) {
        const findings: Finding[] = [];
        (r.inputs.origins ?? []).forEach((origin: Record<string, any>, i: number) => {
            const custom = origin.customOriginConfig ?? {};
            range(findings, `origins[${i}].customOriginConfig.originReadTimeout`, custom.originReadTimeout, 1, 60);
            range(findings, `origins[${i}].customOriginConfig.originKeepaliveTimeout`, custom.originKeepaliveTimeout, 1, 60);
            (origin.customHeaders ?? []).forEach((header: Record<string, any>, j: number) => {
                const name = String(header.name ?? "").toLowerCase();
                if (FORBIDDEN_ORIGIN_HEADERS.includes(name) || name.startsWith("x-amz-") || name.startsWith("x-edge-")) {
                    findings.push({
                        input: `origins[${i}].customHeaders[${j}].name`,
                        value: header.name,
                        allowed: "a header CloudFront may add (not Host, Cookie, X-Amz-*, X-Edge-*, ...)",
                    });
                }
            });
        });
        return findings;
    },
};

export const webAclRule: ResourceRule = {
    id: "waf-web-acl",
    scope: "resource",
    types: [WEB_ACL],
    message: "a web ACL AWS WAF or the provider refuses",
    source: 'AWS WAF API reference, VisibilityConfig MetricName (letters, digits, _ and -, 1-128) and CLOUDFRONT scope "in the US East (N. Virginia) Region"; rate limit 100-2,000,000,000 as the provider validates it (pulumi/pulumi-aws#5841)',
    check(r) {
        const findings: Finding[] = [];
        if (r.inputs.scope === "CLOUDFRONT" && r.region !== "us-east-1")
            findings.push({ input: "scope", value: `CLOUDFRONT in ${r.region}`, allowed: "CLOUDFRONT web ACLs created in us-east-1" });
        const metricName = (input: string, config: Record<string, any> | undefined) => {
            const name = config?.metricName;
            if (name !== undefined && !/^[0-9A-Za-z_-]{1,128}$/.test(String(name)))
                findings.push({ input, value: name, allowed: "1-128 of letters, digits, _ and -" });
        };
        metricName("visibilityConfig.metricName", r.inputs.visibilityConfig);
        const priorities = new Set<number>();
        (r.inputs.rules ?? []).forEach((rule: Record<string, any>, i: number) => {
            metricName(`rules[${i}].visibilityConfig.metricName`, rule.visibilityConfig);
            range(findings, `rules[${i}].statement.rateBasedStatement.limit`, rule.statement?.rateBasedStatement?.limit, 100, 2_000_000_000);
            if (priorities.has(rule.priority))
                findings.push({ input: `rules[${i}].priority`, value: rule.priority, allowed: "a priority no other rule of the web ACL has" });
            priorities.add(rule.priority);
        });
        return findings;
    },
};

export const cloudFrontBehavioursRule: ResourceRule = {
    id: "cloudfront-behaviours",
    scope: "resource",
    types: [T.distribution],
    message: "cache behaviours or aliases CloudFront refuses",
    source: 'CloudFront quotas "Cache behaviors per distribution" (25, adjustable; unconfirmed in this session); CreateDistribution InvalidViewerCertificate (alternate domain names need a certificate that covers them)',
    check(r) {
        const findings: Finding[] = [];
        const behaviours: Record<string, any>[] = r.inputs.orderedCacheBehaviors ?? [];
        if (behaviours.length > 25) findings.push({ input: "orderedCacheBehaviors", value: behaviours.length, allowed: "at most 25 cache behaviours" });
        const seen = new Set<string>();
        behaviours.forEach((b, i) => {
            if (seen.has(b.pathPattern))
                findings.push({ input: `orderedCacheBehaviors[${i}].pathPattern`, value: b.pathPattern, allowed: "a path pattern no other behaviour has" });
            seen.add(b.pathPattern);
        });
        const certificate = r.inputs.viewerCertificate ?? {};
        if ((r.inputs.aliases ?? []).length > 0 && !certificate.acmCertificateArn && !certificate.iamCertificateId) {
            findings.push({ input: "viewerCertificate", value: certificate, allowed: "an ACM or IAM certificate covering the aliases" });
        }
        return findings;
    },
};

export const acmDomainNameRule: ResourceRule = {
    id: "acm-domain-name",
    scope: "resource",
    types: ["aws:acm/certificate:Certificate"],
    message: "a certificate name ACM refuses",
    source: 'ACM API RequestCertificate DomainName ("The first domain name you enter cannot exceed 64 octets")',
    check(r) {
        const name = r.inputs.domainName;
        return typeof name === "string" && name.length > 64
            ? [{ input: "domainName", value: name, allowed: "at most 64 characters (put longer names in subjectAlternativeNames)" }]
            : [];
    },
};
