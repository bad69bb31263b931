// `platform:edge`: the CloudFront distribution in front of the load balancer, its certificate and
// DNS records, and its web application firewall (AWS WAF). AWS facts: /work/shared/AWS-FACTS.md,
// "CloudFront, certificates and DNS".
import { each, flag, integer, list, matches, number, oneOf, optional, section, text } from "./dsl";
import { dnsName, onFargate } from "./common";

/** CloudFront price classes (aws.cloudfront.Distribution priceClass). */
export const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;

/** The firewall's rules, by the name config uses for them. */
export const WEB_ACL_RULES = ["common", "knownBadInputs", "ipReputation", "rateLimit"] as const;

// CloudFront path patterns: at most 255 characters of A-Z a-z 0-9 _ - . * $ / ~ " ' @ : + and & (CloudFront
// Developer Guide, "Path pattern"); the leading slash is optional.
const pathPattern = /^[A-Za-z0-9_\-.*$/~"'@:+&]{1,255}$/;

export const edge = section(
    "The CloudFront distribution in front of the load balancer (HTTPS for every viewer), its certificate, DNS and firewall.",
    onFargate,
    {
        domainName: optional(
            text({
                doc: "Public host name viewers use; with `hostedZone`, the stack issues its certificate (in us-east-1, as CloudFront requires) and writes alias A/AAAA records. Unset: the distribution's own `*.cloudfront.net` name, with CloudFront's certificate.",
                example: "api.example.com",
                check: matches(dnsName, "is not a lowercase DNS name like api.example.com"),
            }),
        ),
        hostedZone: optional(
            text({
                doc: "Route 53 public hosted zone (its name) holding `domainName`; looked up, never created.",
                example: "example.com",
                check: matches(dnsName, "is not a lowercase DNS zone name like example.com"),
            }),
        ),
        certificateArn: optional(
            text({
                doc: "An existing ACM certificate in us-east-1 for `domainName`, instead of the one the stack issues.",
                example: "arn:aws:acm:us-east-1:<account>:certificate/<id>",
            }),
        ),
        priceClass: text({
            doc: "Edge locations served: PriceClass_100 (North America, Europe, Israel: the cheapest), PriceClass_200, PriceClass_All.",
            default: "PriceClass_100",
            check: oneOf(PRICE_CLASSES, "is not a CloudFront price class"),
        }),
        cachedPaths: list({
            doc: "Path patterns CloudFront caches (CachingOptimized policy: static files); everything else goes to the origin uncached.",
            default: [],
            example: "/static/*",
            check: each(matches(pathPattern, "is not a CloudFront path pattern (up to 255 of A-Z a-z 0-9 _ - . * $ / ~ \" ' @ : + &)")),
        }),
        firewall: flag({
            doc: "AWS WAF web ACL (scope CLOUDFRONT) on the distribution: AWS managed rule groups and a rate limit per IP.",
            default: (t) => t.webFirewall,
        }),
        rateLimit: number({
            doc: "Requests one IP may make in 5 minutes before the firewall's rate rule acts on it.",
            default: 2000,
            // AWS takes 10 to 2,000,000,000 since 2024, but the provider still validates 100 and up
            // (pulumi/pulumi-aws#5841; terraform-provider-aws internal/service/wafv2/schemas.go).
            check: integer(100, 2_000_000_000),
        }),
        countOnly: list({
            doc: "Firewall rules that only count matching requests instead of blocking them (to watch a rule before enforcing it).",
            default: [],
            example: "common",
            check: each(oneOf(WEB_ACL_RULES, "is not a firewall rule")),
        }),
        logBlocked: flag({ doc: "Log the requests the firewall blocks to CloudWatch Logs (a log group `aws-waf-logs-<stack>`).", default: false }),
    },
);
