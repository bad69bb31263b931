// The edge: one CloudFront distribution in front of the load balancer. Viewers are redirected to
// HTTPS (on the stack's domain with a certificate it issues in us-east-1, or on the distribution's
// own *.cloudfront.net name); API paths are never cached and reach the origin with every viewer
// header but Host; configured static paths are cached. Every origin request carries a secret header
// the load balancer requires, and the origin's security group admits CloudFront's origin-facing
// addresses only (components/network.ts). Optional AWS WAF web ACL (scope CLOUDFRONT, in us-east-1).
//
// Cost: requests and data out beyond CloudFront's always-free 1 TB and 10 million requests a month;
// WAF $5 per web ACL, $1 per rule and $0.60 per million requests; ACM public certificates are free;
// alias queries to CloudFront are free (AWS-FACTS "CloudFront, certificates and DNS").
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLOUDFRONT_CERTIFICATE_REGION } from "../config/resolve/sections";
import { EdgeSettings } from "../config/types";
import {
    ALL_METHODS,
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    CACHING_DISABLED,
    CACHING_OPTIMIZED,
    CLOUDFRONT_ZONE_ID,
    ORIGIN_SECRET_HEADER,
    wafMetricName,
    webAclRules,
} from "./edge-behaviour";
import { dnsValidatedCertificate, publicZoneId } from "./hosted-zone";

export interface EdgeArgs {
    settings: EdgeSettings;
    namePrefix: string;
    /** The stack's region: certificates and the web ACL for CloudFront live in us-east-1 regardless. */
    region: string;
    /**
     * The origin: the load balancer, by the name its certificate covers when it serves HTTPS, and
     * how long it may take to answer (its idle timeout).
     */
    origin: { domainName: pulumi.Input<string>; https: boolean; idleTimeoutSeconds: number };
    /** The value of ORIGIN_SECRET_HEADER the origin requires (LoadBalancer.edgeSecret). */
    originSecret: pulumi.Output<string>;
    /** Log retention of the firewall's log group, days. */
    logRetentionDays: number;
}

/** CloudFront's origin response timeout without a quota increase, seconds. */
export const ORIGIN_READ_TIMEOUT_MAX = 60;

/**
 * Options for resources CloudFront needs in us-east-1 (its certificates, CLOUDFRONT web ACLs, alarms
 * on its metrics): the stack's own provider there, else an explicit us-east-1 provider under `parent`.
 */
export function cloudFrontRegionOptions(name: string, region: string, parent: pulumi.Resource): pulumi.CustomResourceOptions {
    if (region === CLOUDFRONT_CERTIFICATE_REGION) return { parent };
    return { parent, provider: new aws.Provider(`${name}-${CLOUDFRONT_CERTIFICATE_REGION}`, { region: CLOUDFRONT_CERTIFICATE_REGION }, { parent }) };
}

export class Edge extends pulumi.ComponentResource {
    readonly distributionId: pulumi.Output<string>;
    readonly domainName: pulumi.Output<string>;
    /** `https://<domain or *.cloudfront.net name>`. */
    readonly url: pulumi.Output<string>;
    readonly webAclName?: pulumi.Output<string>;

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:edge:Edge", name, {}, opts);
        const { settings, namePrefix } = args;
        // CloudFront's certificates and CLOUDFRONT web ACLs are us-east-1 resources.
        const global = cloudFrontRegionOptions(name, args.region, this);
        const zoneId = settings.hostedZone ? publicZoneId(settings.hostedZone, "edge.hostedZone", this) : undefined;
        const certificateArn =
            settings.domainName && (settings.certificateArn ?? dnsValidatedCertificate(`${name}-certificate`, settings.domainName, zoneId!, this, global));
        const webAcl = settings.firewall ? this.webAcl(name, args, global) : undefined;

        const originId = "origin";
        const behaviour = (cachePolicyId: string, methods: string[], originRequestPolicyId?: string) => ({
            targetOriginId: originId,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: methods,
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId,
            ...(originRequestPolicyId ? { originRequestPolicyId } : {}),
            compress: true,
        });
        const distribution = new aws.cloudfront.Distribution(
            `${name}-distribution`,
            {
                enabled: true,
                comment: `${namePrefix} edge`,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                priceClass: settings.priceClass,
                aliases: settings.domainName ? [settings.domainName] : undefined,
                origins: [
                    {
                        originId,
                        domainName: args.origin.domainName,
                        customOriginConfig: {
                            httpPort: 80,
                            httpsPort: 443,
                            originProtocolPolicy: args.origin.https ? "https-only" : "http-only",
                            originSslProtocols: ["TLSv1.2"],
                            // CloudFront waits 30 s for a response by default; the load balancer lets a
                            // request run for its idle timeout. Up to 60 s without a quota increase
                            // (CloudFront Developer Guide, "Response timeout").
                            originReadTimeout: Math.min(args.origin.idleTimeoutSeconds, ORIGIN_READ_TIMEOUT_MAX),
                        },
                        customHeaders: [{ name: ORIGIN_SECRET_HEADER, value: args.originSecret }],
                    },
                ],
                defaultCacheBehavior: behaviour(CACHING_DISABLED, ALL_METHODS, ALL_VIEWER_EXCEPT_HOST_HEADER),
                orderedCacheBehaviors: settings.cachedPaths.map((pathPattern) => ({ pathPattern, ...behaviour(CACHING_OPTIMIZED, ["GET", "HEAD"]) })),
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: certificateArn
                    ? { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
                    : { cloudfrontDefaultCertificate: true },
                webAclId: webAcl?.arn,
                tags: { Name: `${namePrefix}-edge` },
            },
            { parent: this },
        );

        if (settings.domainName && zoneId) {
            for (const type of ["A", "AAAA"]) {
                new aws.route53.Record(
                    `${name}-alias-${type.toLowerCase()}`,
                    {
                        zoneId,
                        name: settings.domainName,
                        type,
                        aliases: [{ name: distribution.domainName, zoneId: CLOUDFRONT_ZONE_ID, evaluateTargetHealth: false }],
                    },
                    { parent: this },
                );
            }
        }

        this.distributionId = distribution.id;
        this.domainName = distribution.domainName;
        this.url = settings.domainName ? pulumi.output(`https://${settings.domainName}`) : pulumi.interpolate`https://${distribution.domainName}`;
        this.webAclName = webAcl?.name;
        this.registerOutputs({ url: this.url, distributionId: this.distributionId, domainName: this.domainName });
    }

    private webAcl(name: string, args: EdgeArgs, global: pulumi.CustomResourceOptions): aws.wafv2.WebAcl {
        const metric = (rule: string) => ({ cloudwatchMetricsEnabled: true, metricName: wafMetricName(args.namePrefix, rule), sampledRequestsEnabled: true });
        const rules = webAclRules(args.settings.rateLimit, args.settings.countOnly).map((rule) =>
            "ratePerFiveMinutes" in rule.statement
                ? {
                      name: rule.name,
                      priority: rule.priority,
                      action: rule.countOnly ? { count: {} } : { block: {} },
                      statement: { rateBasedStatement: { limit: rule.statement.ratePerFiveMinutes, aggregateKeyType: "IP" } },
                      visibilityConfig: metric(rule.name),
                  }
                : {
                      name: rule.name,
                      priority: rule.priority,
                      overrideAction: rule.countOnly ? { count: {} } : { none: {} },
                      statement: {
                          managedRuleGroupStatement: {
                              vendorName: "AWS",
                              name: rule.statement.managedGroup,
                              // The common set blocks request bodies over 8 KB (SizeRestrictions_BODY, AWS WAF
                              // "Baseline rule groups"): an API's POSTs would be refused, so that rule only counts.
                              ...(rule.statement.managedGroup === "AWSManagedRulesCommonRuleSet"
                                  ? { ruleActionOverrides: [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }] }
                                  : {}),
                          },
                      },
                      visibilityConfig: metric(rule.name),
                  },
        );
        const acl = new aws.wafv2.WebAcl(
            `${name}-firewall`,
            {
                scope: "CLOUDFRONT",
                description: `${args.namePrefix} edge firewall`,
                defaultAction: { allow: {} },
                rules,
                visibilityConfig: metric("edge"),
                tags: { Name: `${args.namePrefix}-edge` },
            },
            global,
        );
        if (args.settings.logBlocked) {
            // WAF logs to CloudWatch only into a group named aws-waf-logs-* of the web ACL's region
            // (AWS WAF Developer Guide, "Sending web ACL traffic logs to a CloudWatch Logs log group").
            // namePrefix, not name: a replacement never collides with the group it replaces.
            const logs = new aws.cloudwatch.LogGroup(
                `${name}-firewall-logs`,
                { namePrefix: `aws-waf-logs-${args.namePrefix}-`, retentionInDays: args.logRetentionDays },
                global,
            );
            new aws.wafv2.WebAclLoggingConfiguration(
                `${name}-firewall-logs`,
                {
                    resourceArn: acl.arn,
                    logDestinationConfigs: [logs.arn],
                    // Only what the firewall blocked.
                    loggingFilter: {
                        defaultBehavior: "DROP",
                        filters: [{ behavior: "KEEP", requirement: "MEETS_ANY", conditions: [{ actionCondition: { action: "BLOCK" } }] }],
                    },
                },
                global,
            );
        }
        return acl;
    }
}
