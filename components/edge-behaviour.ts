// What the edge's distribution does with a request, as plain data: which paths are cached, which
// managed policies apply, and the firewall's rules. The component (edge.ts) turns them into resources.
import { WEB_ACL_RULES } from "../config/settings/cdn";

// AWS-managed policy IDs (CloudFront Developer Guide, "Use managed cache policies" and "Use managed
// origin request policies").
export const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
export const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/** Every viewer header, cookie and query string except Host (the origin sees its own name). */
export const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

/** The header CloudFront adds to every origin request; the origin refuses requests without it. */
export const ORIGIN_SECRET_HEADER = "X-Origin-Verify";

/** CloudFront's own hosted zone for alias records (Route 53 API reference, AliasTarget). */
export const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";

export const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];

export type WebAclRuleName = (typeof WEB_ACL_RULES)[number];

export interface WebAclRuleSpec {
    name: WebAclRuleName;
    priority: number;
    /** An AWS managed rule group, or the rate-based rule. */
    statement: { managedGroup: string } | { ratePerFiveMinutes: number };
    countOnly: boolean;
}

// The AWS managed rule groups of the baseline (AWS WAF Developer Guide, "Baseline rule groups";
// no subscription fee beyond the rule's $1 a month).
const MANAGED_GROUPS: Record<Exclude<WebAclRuleName, "rateLimit">, string> = {
    ipReputation: "AWSManagedRulesAmazonIpReputationList",
    common: "AWSManagedRulesCommonRuleSet",
    knownBadInputs: "AWSManagedRulesKnownBadInputsRuleSet",
};

/**
 * The web ACL's rules, cheapest decision first: known-bad IPs, then the rate limit, then the request
 * inspections. `countOnly` rules count what they match instead of blocking it.
 */
export function webAclRules(ratePerFiveMinutes: number, countOnly: readonly string[]): WebAclRuleSpec[] {
    const order: WebAclRuleName[] = ["ipReputation", "rateLimit", "common", "knownBadInputs"];
    return order.map((name, priority) => ({
        name,
        priority,
        statement: name === "rateLimit" ? { ratePerFiveMinutes } : { managedGroup: MANAGED_GROUPS[name] },
        countOnly: countOnly.includes(name),
    }));
}

/**
 * A WAF CloudWatch metric name: letters, digits, `_` and `-`, at most 128 characters
 * (terraform-provider-aws internal/service/wafv2 visibilityConfigSchema); a stack name may hold others.
 */
export function wafMetricName(namePrefix: string, rule: string): string {
    return `${namePrefix}-${rule}`.replace(/[^0-9A-Za-z_-]/g, "-").slice(0, 128);
}
