// Load balancer controls: HTTPS redirect and HTTPS where the tier is HTTPS-only (ELB.1), invalid
// headers dropped (ELB.4), access logs (ELB.5), deletion protection where the tier protects data (ELB.6).

import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { asArray, effectiveTags, safeGet, safePath, Tags } from "../common";
import { referencedBy } from "../links";
import { PACK_TIERS, ResolvedTier, resolveTier, schemaWithTier, TierConfig, tierNames, TierTable } from "../tiers";
import { LISTENER_TYPES, LOAD_BALANCER_TYPES } from "../types";
import { control, tierHas } from "./control";

export interface HttpsRedirectConfig extends TierConfig {
    /** Tiers whose application load balancers must have an HTTPS listener (default: the tiers with `httpsOnly`). */
    requireHttpsTiers?: string[];
}

export const isApplicationLb = (r: { type: string; props: any }) =>
    (r.type === "aws:lb/loadBalancer:LoadBalancer" || r.type === "aws:alb/loadBalancer:LoadBalancer") &&
    (safeGet(r.props, "loadBalancerType") ?? "application") === "application";

function isHttpsRedirect(listener: PolicyResource): boolean {
    const actions = asArray(safeGet(listener.props, "defaultActions"));
    return actions.length > 0 && actions.every((a) => safeGet(a, "type") === "redirect" && safePath(a, "redirect", "protocol") === "HTTPS");
}

/**
 * ELB.1 as a stack policy, since listeners and load balancers are separate resources. A listener
 * belongs to the load balancer its `loadBalancerArn` depends on (engine propertyDependencies, or
 * the ARN/URN value); when the stack has a single ALB, unlinked listeners belong to it.
 * - An ALB with an HTTPS listener: every HTTP listener redirects to HTTPS.
 * - An ALB without one: allowed only in a tier without the `httpsOnly` trait (or outside the
 *   config's `requireHttpsTiers`), so a tier without a certificate may serve plain HTTP.
 */
export function albHttpsRedirect(tiers: TierTable = PACK_TIERS): StackValidationPolicy {
    return {
        name: "alb-https-redirect",
        description: control("ELB.1", "HTTP listeners of an ALB that serves HTTPS redirect to HTTPS; ALBs of HTTPS-only tiers serve HTTPS."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        configSchema: schemaWithTier(tiers, {
            requireHttpsTiers: {
                type: "array",
                items: { type: "string", enum: tierNames(tiers) },
                description: "Tiers whose ALBs must have an HTTPS listener (default: the tier table's httpsOnly tiers).",
            },
        }),
        validateStack: (args, report) => {
            const config = args.getConfig<HttpsRedirectConfig>();
            const requiresHttps = (t: ResolvedTier) => config.requireHttpsTiers?.includes(t.name) ?? t.traits.httpsOnly;
            const lbs = args.resources.filter(isApplicationLb);
            const listeners = args.resources.filter((r) => LISTENER_TYPES.includes(r.type));
            const groups = new Map<PolicyResource | undefined, PolicyResource[]>();
            for (const l of listeners) {
                let owner: PolicyResource | undefined = referencedBy(l, "loadBalancerArn", lbs)[0];
                if (owner === undefined && lbs.length === 1) {
                    owner = lbs[0];
                }
                if (owner === undefined && lbs.length === 0) {
                    continue; // not an ALB listener (e.g. an NLB's, whose LB is filtered out).
                }
                groups.set(owner, [...(groups.get(owner) ?? []), l]);
            }
            for (const lb of lbs) {
                if (!groups.has(lb)) {
                    groups.set(lb, []);
                }
            }
            for (const [lb, ls] of groups) {
                const hasHttps = ls.some((l) => safeGet(l.props, "protocol") === "HTTPS");
                if (hasHttps) {
                    for (const l of ls) {
                        const protocol = safeGet(l.props, "protocol") ?? "HTTP";
                        if (protocol === "HTTP" && !isHttpsRedirect(l)) {
                            report(
                                `HTTP listener "${l.name}" does not redirect to HTTPS although ${lb ? `load balancer "${lb.name}"` : "the stack"} has an HTTPS listener.`,
                                l.urn,
                            );
                        }
                    }
                } else if (lb !== undefined) {
                    const tags: Tags = effectiveTags(lb.props, lb.provider);
                    const t = resolveTier(tags, config, tiers);
                    if (t.name === undefined) {
                        report(`Cannot determine the tier of load balancer "${lb.name}": ${t.problem}.`, lb.urn);
                    } else if (requiresHttps(t)) {
                        report(`Load balancer "${lb.name}" has no HTTPS listener; tier ${t.name} requires HTTPS.`, lb.urn);
                    }
                }
            }
        },
    };
}

export function albDropInvalidHeaders(): ResourceValidationPolicy {
    return {
        name: "alb-drop-invalid-headers",
        description: control("ELB.4", "Application load balancers drop invalid HTTP headers (dropInvalidHeaderFields: true)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (isApplicationLb(args) && safeGet(args.props, "dropInvalidHeaderFields") !== true) {
                report(`Load balancer "${args.name}" does not set dropInvalidHeaderFields: true.`);
            }
        },
    };
}

export function lbAccessLogs(): ResourceValidationPolicy {
    return {
        name: "lb-access-logs",
        description: control("ELB.5", "Load balancers write access logs (accessLogs.enabled with a bucket)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (!LOAD_BALANCER_TYPES.includes(args.type)) {
                return;
            }
            if (args.type !== "aws:elb/loadBalancer:LoadBalancer" && !isApplicationLb(args)) {
                return; // ELB.5 covers application and classic load balancers.
            }
            const logs = safeGet(args.props, "accessLogs");
            const enabled = safeGet(logs, "enabled") ?? (args.type === "aws:elb/loadBalancer:LoadBalancer" && logs !== undefined);
            const bucket = safeGet(logs, "bucket");
            if (enabled !== true || typeof bucket !== "string" || bucket === "") {
                report(`Load balancer "${args.name}" has no access logging (set accessLogs: { enabled: true, bucket }).`);
            }
        },
    };
}

/** ELB.6 where the tier has `protectData` (the trait `loadBalancer.deletionProtection` defaults from). */
export function lbDeletionProtection(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "lb-deletion-protection",
        description: control("ELB.6", "Load balancers enable deletion protection (enableDeletionProtection: true) in tiers that protect data."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        configSchema: schemaWithTier(tiers),
        validateResource: (args, report) => {
            if (
                (args.type === "aws:lb/loadBalancer:LoadBalancer" || args.type === "aws:alb/loadBalancer:LoadBalancer") &&
                tierHas(args, report, tiers, "protectData") &&
                safeGet(args.props, "enableDeletionProtection") !== true
            ) {
                report(`Load balancer "${args.name}" does not set enableDeletionProtection: true although its tier protects data.`);
            }
        },
    };
}
