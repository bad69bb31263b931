// Linking one resource to another inside a stack policy (a listener to its load balancer, a public
// access block to its bucket, a rotation to its secret): through the engine's propertyDependencies,
// else through the identifiers the referring input holds.

import { PolicyResource } from "@pulumi/policy";
import { safeGet } from "./common";

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
    const viaDeps = candidates.filter((c) => deps.some((d) => d === c || d.urn === c.urn));
    if (viaDeps.length > 0) {
        return viaDeps;
    }
    const values: string[] = [];
    collectStrings(safeGet(from.props, prop), values);
    if (values.length === 0) {
        return [];
    }
    return candidates.filter((c) => identifiersOf(c).some((id) => values.includes(id)));
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
