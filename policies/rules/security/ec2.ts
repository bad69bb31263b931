// EC2 controls: IMDSv2 (EC2.8) and no ingress from the internet except the marked web ports
// (EC2.18 / EC2.19).

import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { asArray, asNumber, effectiveTags, MARKERS, safeGet, safePath, Tags } from "../common";
import { referencedBy } from "../links";
import { T } from "../types";
import { control } from "./control";

export function ec2Imdsv2(): ResourceValidationPolicy {
    return {
        name: "ec2-imdsv2",
        description: control("EC2.8", 'EC2 instances and launch templates require IMDSv2 (metadataOptions.httpTokens: "required").'),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== T.ec2Instance && args.type !== T.launchTemplate) {
                return;
            }
            const tokens = safePath(args.props, "metadataOptions", "httpTokens");
            if (tokens !== "required") {
                report(`"${args.name}" sets metadataOptions.httpTokens to ${tokens === undefined ? "nothing" : `"${tokens}"`}; set "required" (IMDSv2).`);
            }
        },
    };
}

export interface IngressConfig {
    /** TCP ports open to the internet on a security group marked PublicIngress=true. */
    publicPorts?: number[];
}

const OPEN_V4 = "0.0.0.0/0";
const OPEN_V6 = "::/0";

interface OpenRule {
    resource: PolicyResource;
    where: string;
    protocol: unknown;
    fromPort: unknown;
    toPort: unknown;
    markerTags: Tags[];
}

function describePorts(rule: OpenRule): string {
    const p = String(rule.protocol);
    if (p === "-1" || p === "all") {
        return "all traffic";
    }
    return rule.fromPort === rule.toPort ? `${p} port ${String(rule.fromPort)}` : `${p} ports ${String(rule.fromPort)}-${String(rule.toPort)}`;
}

/**
 * EC2.18 / EC2.19 as a stack policy: no ingress from 0.0.0.0/0 or ::/0, except TCP 80 and 443
 * (config `publicPorts`) on resources marked with the tag `PublicIngress: "true"`: the
 * security group itself (inline `ingress`, `aws:ec2/securityGroupRule`) or the
 * `aws:vpc/securityGroupIngressRule` (its own tags, or its security group's). Set the marker on
 * the load balancer's and the single EC2 host's security groups and rules only.
 */
export function noUnrestrictedIngress(): StackValidationPolicy {
    return {
        name: "no-unrestricted-ingress",
        description: control("EC2.18 / EC2.19", "No security group ingress from 0.0.0.0/0 or ::/0, except TCP 80/443 on groups tagged PublicIngress=true."),
        enforcementLevel: "mandatory",
        severity: "critical",
        tags: ["security", "FSBP"],
        configSchema: {
            properties: {
                publicPorts: {
                    type: "array",
                    items: { type: "integer" },
                    default: [80, 443],
                    description: "TCP ports a PublicIngress=true group may open to the internet.",
                },
            },
        },
        validateStack: (args, report) => {
            const publicPorts = args.getConfig<IngressConfig>().publicPorts ?? [80, 443];
            const sgs = args.resources.filter((r) => r.type === T.securityGroup);
            const tagsOf = (r: PolicyResource) => effectiveTags(r.props, r.provider);
            const sgTags = (rule: PolicyResource) => referencedBy(rule, "securityGroupId", sgs).map(tagsOf);
            const open: OpenRule[] = [];
            for (const r of args.resources) {
                if (r.type === T.securityGroup) {
                    asArray(safeGet(r.props, "ingress")).forEach((ing, i) => {
                        const cidrs = [...asArray(safeGet(ing, "cidrBlocks")), ...asArray(safeGet(ing, "ipv6CidrBlocks"))];
                        if (cidrs.includes(OPEN_V4) || cidrs.includes(OPEN_V6)) {
                            open.push({
                                resource: r,
                                where: `ingress[${i}]`,
                                protocol: safeGet(ing, "protocol"),
                                fromPort: safeGet(ing, "fromPort"),
                                toPort: safeGet(ing, "toPort"),
                                markerTags: [tagsOf(r)],
                            });
                        }
                    });
                } else if (r.type === T.securityGroupRule && safeGet(r.props, "type") === "ingress") {
                    const cidrs = [...asArray(safeGet(r.props, "cidrBlocks")), ...asArray(safeGet(r.props, "ipv6CidrBlocks"))];
                    if (cidrs.includes(OPEN_V4) || cidrs.includes(OPEN_V6)) {
                        open.push({
                            resource: r,
                            where: "rule",
                            protocol: safeGet(r.props, "protocol"),
                            fromPort: safeGet(r.props, "fromPort"),
                            toPort: safeGet(r.props, "toPort"),
                            markerTags: sgTags(r),
                        });
                    }
                } else if (r.type === T.sgIngressRule) {
                    if (safeGet(r.props, "cidrIpv4") === OPEN_V4 || safeGet(r.props, "cidrIpv6") === OPEN_V6) {
                        open.push({
                            resource: r,
                            where: "rule",
                            protocol: safeGet(r.props, "ipProtocol"),
                            fromPort: safeGet(r.props, "fromPort"),
                            toPort: safeGet(r.props, "toPort"),
                            markerTags: [tagsOf(r), ...sgTags(r)],
                        });
                    }
                }
            }
            for (const rule of open) {
                const marked = rule.markerTags.some((t) => t[MARKERS.publicIngressTag] === "true");
                const protocol = String(rule.protocol).toLowerCase();
                const from = asNumber(rule.fromPort);
                const to = asNumber(rule.toPort);
                const webPort = (protocol === "tcp" || protocol === "6") && from !== undefined && from === to && publicPorts.includes(from);
                const label = `${rule.resource.type === T.securityGroup ? "Security group" : "Ingress rule"} "${rule.resource.name}"${rule.where === "rule" ? "" : ` ${rule.where}`}`;
                if (!webPort) {
                    report(`${label} opens ${describePorts(rule)} to the internet; only TCP ${publicPorts.join("/")} may be public.`, rule.resource.urn);
                } else if (!marked) {
                    report(
                        `${label} opens ${describePorts(rule)} to the internet without the ${MARKERS.publicIngressTag}="true" tag on the rule or its security group.`,
                        rule.resource.urn,
                    );
                }
            }
        },
    };
}
