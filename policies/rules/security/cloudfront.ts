// The edge (issue 13): CloudFront viewers on HTTPS (CloudFront.3), custom certificates on SNI with a
// current TLS policy (CloudFront.8 / CloudFront.15), a CLOUDFRONT web ACL where the tier's
// `webFirewall` trait asks for one (CloudFront.6), and origins closed to the internet on web ports
// in any stack that has a distribution.

import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { asArray, asNumber, effectiveTags, safeGet, safePath } from "../common";
import { referencedBy } from "../links";
import { PACK_TIERS, resolveTier, schemaWithTier, TierConfig, TierTable } from "../tiers";
import { T } from "../types";
import { control } from "./control";

export const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
export const WEB_ACL = "aws:wafv2/webAcl:WebAcl";

/** Viewer protocol policies that never serve plain HTTP (the provider's third value is `allow-all`). */
const HTTPS_VIEWER_POLICIES = ["redirect-to-https", "https-only"];

/**
 * Security policies at or above TLSv1.2_2021: the CloudFront API's MinimumProtocolVersion enum is
 * SSLv3, TLSv1, TLSv1_2016, TLSv1.1_2016, TLSv1.2_2018, TLSv1.2_2019, TLSv1.2_2021, TLSv1.2_2025,
 * TLSv1.3_2025 (AWS SDK for Python v4, cloudfront enums MinimumProtocolVersion; CDK
 * SecurityPolicyProtocol). AWS-FACTS.md: TLSv1.2_2021 or newer with sni-only.
 */
export const CURRENT_TLS_POLICIES: readonly string[] = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export function cloudfrontViewerHttps(): ResourceValidationPolicy {
    return {
        name: "cloudfront-viewer-https",
        description: control("CloudFront.3", 'CloudFront behaviours (default and ordered) use viewerProtocolPolicy "redirect-to-https" or "https-only".'),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== DISTRIBUTION) {
                return;
            }
            const behaviours: [string, unknown][] = [["defaultCacheBehavior", safeGet(args.props, "defaultCacheBehavior")]];
            asArray(safeGet(args.props, "orderedCacheBehaviors")).forEach((b, i) => {
                behaviours.push([`orderedCacheBehaviors[${i}] (${String(safeGet(b, "pathPattern"))})`, b]);
            });
            for (const [where, b] of behaviours) {
                const policy = safeGet(b, "viewerProtocolPolicy");
                if (!HTTPS_VIEWER_POLICIES.includes(policy)) {
                    report(
                        `Distribution "${args.name}" ${where} sets viewerProtocolPolicy ${policy === undefined ? "to nothing" : `"${String(policy)}"`}; use "redirect-to-https" or "https-only".`,
                    );
                }
            }
        },
    };
}

export function cloudfrontViewerTls(): ResourceValidationPolicy {
    return {
        name: "cloudfront-viewer-tls",
        description: control(
            "CloudFront.8 / CloudFront.15",
            `CloudFront distributions with a custom certificate use sslSupportMethod "sni-only" and minimumProtocolVersion ${CURRENT_TLS_POLICIES.join(", ")}.`,
        ),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== DISTRIBUTION) {
                return;
            }
            const cert = safeGet(args.props, "viewerCertificate");
            const custom = safeGet(cert, "acmCertificateArn") !== undefined || safeGet(cert, "iamCertificateId") !== undefined;
            if (!custom) {
                return; // *.cloudfront.net with CloudFront's certificate: CloudFront sets the policy itself.
            }
            const method = safeGet(cert, "sslSupportMethod");
            if (method !== "sni-only") {
                report(
                    `Distribution "${args.name}" serves its custom certificate with sslSupportMethod "${String(method)}"; use "sni-only" (a dedicated IP costs $600/month).`,
                );
            }
            const version = safeGet(cert, "minimumProtocolVersion");
            if (!CURRENT_TLS_POLICIES.includes(version)) {
                report(
                    `Distribution "${args.name}" sets minimumProtocolVersion ${version === undefined ? "to nothing (provider default TLSv1)" : `"${String(version)}"`}; use one of ${CURRENT_TLS_POLICIES.join(", ")}.`,
                );
            }
        },
    };
}

const OPEN_V4 = "0.0.0.0/0";
const OPEN_V6 = "::/0";
const WEB_PORTS = [80, 443];

/** Web ports an ingress opens (all traffic, or TCP ranges covering 80/443; missing ports count as all). */
function webPortsOpened(protocol: unknown, fromPort: unknown, toPort: unknown): number[] {
    const p = String(protocol).toLowerCase();
    if (p === "-1" || p === "all") {
        return WEB_PORTS;
    }
    if (p !== "tcp" && p !== "6") {
        return [];
    }
    const from = asNumber(fromPort) ?? 0;
    const to = asNumber(toPort) ?? 65535;
    return WEB_PORTS.filter((port) => from <= port && port <= to);
}

/**
 * Where a stack has a CloudFront distribution, no ingress opens a web port (80, 443, or a range or
 * all traffic covering them) to 0.0.0.0/0 or ::/0, in any of the three forms (inline `ingress` on a
 * security group, `aws:ec2/securityGroupRule`, `aws:vpc/securityGroupIngressRule`). Origins take
 * CloudFront's origin-facing prefix list or a VPC origin instead (AWS-FACTS.md). Other ports (the
 * devices NLB's raw TCP 5000) are left to `no-unrestricted-ingress`.
 */
export function cloudfrontOriginsClosed(): StackValidationPolicy {
    return {
        name: "cloudfront-origins-closed",
        description: "In a stack with a CloudFront distribution, no security group ingress opens TCP 80 or 443 to 0.0.0.0/0 or ::/0.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security"],
        validateStack: (args, report) => {
            if (!args.resources.some((r) => r.type === DISTRIBUTION)) {
                return;
            }
            const check = (r: PolicyResource, where: string, cidrs: unknown[], protocol: unknown, fromPort: unknown, toPort: unknown) => {
                const open = cidrs.filter((c) => c === OPEN_V4 || c === OPEN_V6);
                const ports = webPortsOpened(protocol, fromPort, toPort);
                if (open.length > 0 && ports.length > 0) {
                    const label = r.type === T.securityGroup ? `Security group "${r.name}" ${where}` : `Ingress rule "${r.name}"`;
                    report(
                        `${label} opens TCP ${ports.join("/")} to ${open.join(" and ")} although the stack has a CloudFront distribution; ` +
                            "admit the CloudFront origin-facing prefix list (or use a VPC origin) instead.",
                        r.urn,
                    );
                }
            };
            for (const r of args.resources) {
                if (r.type === T.securityGroup) {
                    asArray(safeGet(r.props, "ingress")).forEach((ing, i) => {
                        const cidrs = [...asArray(safeGet(ing, "cidrBlocks")), ...asArray(safeGet(ing, "ipv6CidrBlocks"))];
                        check(r, `ingress[${i}]`, cidrs, safeGet(ing, "protocol"), safeGet(ing, "fromPort"), safeGet(ing, "toPort"));
                    });
                } else if (r.type === T.securityGroupRule && safeGet(r.props, "type") === "ingress") {
                    const cidrs = [...asArray(safeGet(r.props, "cidrBlocks")), ...asArray(safeGet(r.props, "ipv6CidrBlocks"))];
                    check(r, "", cidrs, safeGet(r.props, "protocol"), safeGet(r.props, "fromPort"), safeGet(r.props, "toPort"));
                } else if (r.type === T.sgIngressRule) {
                    const cidrs = [safeGet(r.props, "cidrIpv4"), safeGet(r.props, "cidrIpv6")];
                    check(r, "", cidrs, safeGet(r.props, "ipProtocol"), safeGet(r.props, "fromPort"), safeGet(r.props, "toPort"));
                }
            }
        },
    };
}

/** A CLOUDFRONT-scope web ACL's ARN: `arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>` (REGIONAL ones say `regional/`). */
const GLOBAL_WEB_ACL_ARN = /^arn:aws[\w-]*:wafv2:us-east-1:\d*:global\/webacl\//;

/**
 * CloudFront.6 where the distribution's tier (its `Tier` tag, else the `tier` config) has the
 * `webFirewall` trait: the distribution sets `webAclId`, and that web ACL has scope CLOUDFRONT (the
 * stack's web ACL it refers to, else a global web ACL ARN).
 */
export function cloudfrontWebAcl(tiers: TierTable = PACK_TIERS): StackValidationPolicy {
    return {
        name: "cloudfront-web-acl",
        description: control("CloudFront.6", "CloudFront distributions of tiers with the webFirewall trait have a web ACL (webAclId) of scope CLOUDFRONT."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        configSchema: schemaWithTier(tiers),
        validateStack: (args, report) => {
            const config = args.getConfig<TierConfig>();
            const acls = args.resources.filter((r) => r.type === WEB_ACL);
            for (const d of args.resources.filter((r) => r.type === DISTRIBUTION)) {
                const t = resolveTier(effectiveTags(d.props, d.provider), config, tiers);
                if (t.name === undefined) {
                    report(`Cannot determine the tier of distribution "${d.name}": ${t.problem}.`, d.urn);
                    continue;
                }
                if (!t.traits.webFirewall) {
                    continue;
                }
                const webAclId = safeGet(d.props, "webAclId");
                if (typeof webAclId !== "string" || webAclId === "") {
                    report(`Distribution "${d.name}" has no web ACL (webAclId); tier ${t.name} requires AWS WAF in front of it.`, d.urn);
                    continue;
                }
                const linked = referencedBy(d, "webAclId", acls);
                if (linked.length > 0) {
                    for (const acl of linked) {
                        const scope = safePath(acl.props, "scope");
                        if (scope !== "CLOUDFRONT") {
                            report(
                                `Web ACL "${acl.name}" of distribution "${d.name}" has scope "${String(scope)}"; a distribution needs scope CLOUDFRONT.`,
                                acl.urn,
                            );
                        }
                    }
                } else if (!GLOBAL_WEB_ACL_ARN.test(webAclId)) {
                    report(
                        `Distribution "${d.name}" names web ACL "${webAclId}", which is neither a web ACL of this stack nor a CLOUDFRONT (global) web ACL ARN.`,
                        d.urn,
                    );
                }
            }
        },
    };
}
