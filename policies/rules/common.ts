// Helpers shared by every rule module: safe reads of preview values, tags and the exception markers.
// Pure: no @pulumi/aws import, so the pack stays light and the rules compare type tokens as strings.
// Tiers are in ./tiers.ts, links between resources in ./links.ts.

// @pulumi/policy 1.21.0 exports these at run time, but its index.d.ts re-exports them from a
// proxy.d.ts that has them stripped (@internal): the two TS2305 errors skipLibCheck hides.
// eslint-disable-next-line @typescript-eslint/no-require-imports
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
     * ports 80 and 443 only. Set it on the load balancer's SG and on the single EC2 host's SG.
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
