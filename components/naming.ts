// Physical names, in one place. Two kinds:
// - fixed names (`physicalName`) where something outside Pulumi refers to the name (log groups an
//   AWS service writes to, RDS identifiers in log group paths, ECR repositories the pipeline pushes
//   to) and every input that forces a replacement is itself part of the name, or the resource is
//   replaced delete-first, so a replacement never collides with the resource it replaces;
// - Pulumi autonames (`autonameBase` gives the logical name) everywhere else: the engine appends
//   `-` and 7 random characters and picks a new name when a replacement is needed, so the new
//   resource can be created before the old one is deleted (AWS-FACTS: autonaming).

function fnv(text: string): string {
    let h = 2166136261;
    for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    return h.toString(36).padStart(7, "0").slice(-6);
}

/**
 * A physical name AWS accepts for RDS identifiers, ElastiCache ids, snapshot and function names:
 * lowercase letters, digits and single hyphens, starting with a letter, not ending with a hyphen, at
 * most `max` characters. Too long a name keeps its start and ends with a stable hash of the full
 * name, so two stacks never collide and a name never changes between runs.
 */
export function physicalName(prefix: string, suffix: string, max: number): string {
    const clean = (s: string) =>
        s
            .toLowerCase()
            .replace(/[^a-z0-9-]/g, "-")
            .replace(/-+/g, "-");
    let full = clean(`${prefix}-${suffix}`).replace(/^-+|-+$/g, "");
    if (!/^[a-z]/.test(full)) full = `x${full}`;
    if (full.length <= max) return full;
    const hash = fnv(full);
    return `${full.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** What Pulumi's autonaming appends to a logical name: `-` and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/**
 * A logical name whose Pulumi autoname fits `physicalMax` characters (e.g. 32 for target groups):
 * the parts joined with `-`, cut and given a stable hash when too long.
 */
export function autonameBase(parts: string[], physicalMax: number): string {
    return physicalName(parts[0], parts.slice(1).join("-"), physicalMax - AUTONAME_SUFFIX_LENGTH);
}

/** RDS DB instance identifiers: 1-63 characters. */
export const RDS_IDENTIFIER_MAX = 63;
/** ElastiCache replication group ids: 1-40 characters. */
export const REPLICATION_GROUP_ID_MAX = 40;
/** Final snapshot names (RDS 255, ElastiCache 255): kept short anyway. */
export const SNAPSHOT_NAME_MAX = 63;
/** Lambda function names: 1-64 characters. */
export const LAMBDA_NAME_MAX = 64;
/** Target group and load balancer names: 1-32 characters (CreateTargetGroup, CreateLoadBalancer). */
export const ELB_NAME_MAX = 32;
/** EventBridge rule names: 1-64 characters. */
export const EVENT_RULE_NAME_MAX = 64;

/** DNS-safe label: lowercase letters, digits and dashes. */
export function dnsLabel(text: string): string {
    return (
        text
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^-+|-+$/g, "") || "x"
    );
}
