// Helpers shared by every rule module: tags, tier resolution, safe reads of preview values, and
// linking one resource to another inside a stack policy. Pure: no @pulumi/aws import, so the pack
// stays light and the rules compare type tokens as strings.

import {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { Tier, TIERS } from "../../config/tiers";

// @pulumi/policy 1.21.0 exports these at run time, but its index.d.ts re-exports them from a
// proxy.d.ts that has them stripped (@internal): the two TS2305 errors skipLibCheck hides.
const policyRuntime = require("@pulumi/policy") as {
    UnknownValueError: new (...args: any[]) => Error;
    unknownCheckingProxy<T>(value: T): T;
};

/** Thrown by the engine's props proxy when a policy reads a value unknown during preview. */
export const UnknownValueError = policyRuntime.UnknownValueError;
/** Wraps inputs as the engine does, so reading an unknown sentinel throws `UnknownValueError`. */
export const unknownCheckingProxy = policyRuntime.unknownCheckingProxy;

/** The four cost-allocation tags every taggable AWS resource carries. */
export const REQUIRED_TAGS = ["Project", "Environment", "Tier", "CostCenter"] as const;

/**
 * Exception markers the components set. Policies never infer an exception from a name: a tag or
 * label has to say it, so a reviewer sees the exception in the diff that adds it.
 */
export const MARKERS = {
    /**
     * Tag on a security group (inline `ingress`, `aws:ec2/securityGroupRule`) or on an
     * `aws:vpc/securityGroupIngressRule`: value `"true"` allows 0.0.0.0/0 and ::/0 ingress on TCP
     * ports 80 and 443 only. Set it on the load balancer's SG and on the zero-cost host's SG.
     */
    publicIngressTag: "PublicIngress",
    /**
     * Docker label inside an ECS container definition (`dockerLabels`): a non-empty reason lets
     * that one container run with a writable root filesystem.
     */
    writableRootLabel: "platform.policy/writable-root-filesystem",
    /**
     * Tag on an `aws:secretsmanager/secret:Secret`: a non-empty reason exempts the secret from the
     * rotation rule (for example an ElastiCache AUTH token, which has no managed rotation).
     */
    rotationExemptTag: "RotationExempt",
} as const;

export type Tags = Record<string, string>;

/** Reads `obj[key]`, turning a value unknown during preview into `undefined` instead of throwing. */
export function safeGet(obj: any, key: string | number): any {
    if (obj === null || obj === undefined || typeof obj !== "object") {
        return undefined;
    }
    try {
        return obj[key];
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return undefined;
        }
        throw e;
    }
}

/** Reads a dotted path with `safeGet` at every step. */
export function safePath(obj: any, ...path: (string | number)[]): any {
    let cur = obj;
    for (const key of path) {
        cur = safeGet(cur, key);
        if (cur === undefined) {
            return undefined;
        }
    }
    return cur;
}

/**
 * A plain deep copy with every value unknown during preview replaced by `undefined`, for code
 * (the cost estimator) that walks whole input objects.
 */
export function materialize(value: any): any {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        const out: any[] = [];
        for (let i = 0; i < value.length; i++) {
            out.push(materialize(safeGet(value, i)));
        }
        return out;
    }
    const out: Record<string, any> = {};
    for (const key of Object.keys(value)) {
        out[key] = materialize(safeGet(value, key));
    }
    return out;
}

function tagObject(raw: any): Tags {
    const out: Tags = {};
    if (raw === null || raw === undefined || typeof raw !== "object") {
        return out;
    }
    if (Array.isArray(raw)) {
        // aws:autoscaling/group:Group takes tags as [{ key, value, propagateAtLaunch }].
        for (let i = 0; i < raw.length; i++) {
            const t = safeGet(raw, i);
            const k = safeGet(t, "key");
            const v = safeGet(t, "value");
            if (typeof k === "string" && typeof v === "string") {
                out[k] = v;
            }
        }
        return out;
    }
    for (const key of Object.keys(raw)) {
        const v = safeGet(raw, key);
        if (typeof v === "string") {
            out[key] = v;
        }
    }
    return out;
}

/**
 * The tags a resource will carry: the provider's `defaultTags` (seen by a real preview), then
 * `tagsAll`, then the resource's own `tags`, later ones winning as AWS merges them.
 */
export function effectiveTags(props: any, provider?: { props: Record<string, any> }): Tags {
    return {
        ...tagObject(safePath(provider?.props, "defaultTags", "tags")),
        ...tagObject(safeGet(props, "tagsAll")),
        ...tagObject(safeGet(props, "tags")),
    };
}

export function isTier(value: unknown): value is Tier {
    return typeof value === "string" && (TIERS as readonly string[]).includes(value);
}

/** Config every tier-aware policy accepts: the fallback tier when a resource has no `Tier` tag. */
export interface TierConfig {
    tier?: Tier;
}

export const tierConfigProperty: PolicyConfigJSONSchema = {
    type: "string",
    enum: [...TIERS],
    description: "Tier of the stack, used when a resource has no Tier tag (zero-cost, staging, production).",
};

export type TierResolution = { tier: Tier; source: "tag" | "config" } | { tier: undefined; problem: string };

/** Tier of one resource: its `Tier` tag, else the policy's `tier` config. */
export function resolveTier(tags: Tags, config: TierConfig): TierResolution {
    const tag = tags["Tier"];
    if (tag !== undefined) {
        if (isTier(tag)) {
            return { tier: tag, source: "tag" };
        }
        return { tier: undefined, problem: `Tier tag "${tag}" is not one of ${TIERS.join(", ")}` };
    }
    if (config.tier !== undefined) {
        if (isTier(config.tier)) {
            return { tier: config.tier, source: "config" };
        }
        return { tier: undefined, problem: `pack config tier "${String(config.tier)}" is not one of ${TIERS.join(", ")}` };
    }
    return { tier: undefined, problem: "no Tier tag on the resource and no `tier` in this policy's pack config" };
}

/**
 * Tier for a resource policy; reports a violation and returns undefined when it cannot be
 * determined (fail closed: a tier-dependent check must not silently pass).
 */
export function tierOf(args: ResourceValidationArgs, report: ReportViolation): Tier | undefined {
    const r = resolveTier(effectiveTags(args.props, args.provider), args.getConfig<TierConfig>());
    if (r.tier === undefined) {
        report(`Cannot determine the tier: ${r.problem}.`);
    }
    return r.tier;
}

/**
 * Tier of a whole stack: the `Tier` tags of its AWS resources when they agree, else the config.
 * Reports a violation and returns undefined when tags disagree or nothing says.
 */
export function stackTierOf(args: StackValidationArgs, report: ReportViolation): Tier | undefined {
    const seen = new Set<string>();
    for (const r of args.resources) {
        if (!isAwsType(r.type)) {
            continue;
        }
        const tag = effectiveTags(r.props, r.provider)["Tier"];
        if (tag !== undefined) {
            seen.add(tag);
        }
    }
    const config = args.getConfig<TierConfig>();
    if (seen.size > 1) {
        report(`Resources carry different Tier tags (${[...seen].sort().join(", ")}); one stack must have one tier.`);
        return undefined;
    }
    const tags: Tags = seen.size === 1 ? { Tier: [...seen][0] } : {};
    const r = resolveTier(tags, config);
    if (r.tier === undefined) {
        report(`Cannot determine the stack's tier: ${r.problem.replace("the resource", "any resource")}.`);
    }
    return r.tier;
}

export function isAwsType(type: string): boolean {
    return type.startsWith("aws:");
}

/** Stack and project from a URN `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string } | undefined {
    const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
    return m ? { stack: m[1], project: m[2] } : undefined;
}

export function asNumber(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) {
        return value;
    }
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
        return Number(value);
    }
    return undefined;
}

export function asArray(value: unknown): any[] {
    if (!Array.isArray(value)) {
        return [];
    }
    const out: any[] = [];
    for (let i = 0; i < value.length; i++) {
        out.push(safeGet(value, i));
    }
    return out;
}

/** Builds a policy config schema from properties, always including `tier`. */
export function schemaWithTier(properties: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
    return { properties: { tier: tierConfigProperty, ...properties } };
}

// ---------------------------------------------------------------------------------------------
// Linking resources inside a stack policy.

function collectStrings(value: any, out: string[], depth = 0): void {
    if (depth > 6 || value === null || value === undefined) {
        return;
    }
    if (typeof value === "string") {
        out.push(value);
        return;
    }
    if (typeof value !== "object") {
        return;
    }
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    for (const k of keys) {
        collectStrings(safeGet(value, k), out, depth + 1);
    }
}

/** Strings by which other resources may refer to `r`: URN, and the identifiers in its outputs. */
export function identifiersOf(r: PolicyResource): string[] {
    const ids = [r.urn];
    for (const key of ["id", "arn", "bucket", "name"]) {
        const v = safeGet(r.props, key);
        if (typeof v === "string" && v !== "") {
            ids.push(v);
        }
    }
    return ids;
}

/**
 * Resources among `candidates` that `from` refers to through its input `prop`: first the engine's
 * `propertyDependencies` (what `pulumi preview` and the offline evaluator supply), then the value
 * of the property compared with each candidate's URN, id, ARN, bucket or name.
 */
export function referencedBy(from: PolicyResource, prop: string, candidates: PolicyResource[]): PolicyResource[] {
    const deps = from.propertyDependencies?.[prop] ?? [];
    const viaDeps = candidates.filter(c => deps.some(d => d === c || d.urn === c.urn));
    if (viaDeps.length > 0) {
        return viaDeps;
    }
    const values: string[] = [];
    collectStrings(safeGet(from.props, prop), values);
    if (values.length === 0) {
        return [];
    }
    return candidates.filter(c => identifiersOf(c).some(id => values.includes(id)));
}

/**
 * Pairs each target (e.g. a bucket) with the resources that refer to it through `prop` (e.g. the
 * public access blocks' `bucket`); targets nobody refers to are returned as `missing`. Only when
 * NO referrer could be linked at all (a run that carries no identifiers, e.g. hand-made
 * resources) are targets paired one-for-one with the unlinked referrers instead. As soon as one
 * link resolves, an unlinked referrer is taken to refer to something outside the targets (e.g. a
 * rotation of the RDS-managed master secret, which is not a Secret resource of the stack).
 */
export function pairReferences(
    targets: PolicyResource[],
    referrers: PolicyResource[],
    prop: string,
): { linked: Map<PolicyResource, PolicyResource[]>; missing: PolicyResource[] } {
    const linked = new Map<PolicyResource, PolicyResource[]>();
    const unlinkedReferrers: PolicyResource[] = [];
    for (const t of targets) {
        linked.set(t, []);
    }
    for (const ref of referrers) {
        const hits = referencedBy(ref, prop, targets);
        if (hits.length === 0) {
            unlinkedReferrers.push(ref);
        }
        for (const t of hits) {
            linked.get(t)!.push(ref);
        }
    }
    const missing: PolicyResource[] = [];
    const anyLinked = unlinkedReferrers.length < referrers.length;
    for (const t of targets) {
        if (linked.get(t)!.length === 0) {
            const ref = anyLinked ? undefined : unlinkedReferrers.shift();
            if (ref) {
                linked.get(t)!.push(ref);
            } else {
                missing.push(t);
            }
        }
    }
    return { linked, missing };
}
