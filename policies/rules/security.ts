// Security controls (issue 7), each mapped to an AWS Foundational Security Best Practices (FSBP)
// control id, which opens its description so a violation names the control. CONTROLS (in
// policies/controls.ts) lists id, title and policy name for the README table.

import {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { Tier, TIERS } from "../../config/tiers";
import {
    asArray,
    asNumber,
    effectiveTags,
    MARKERS,
    pairReferences,
    referencedBy,
    resolveTier,
    safeGet,
    safePath,
    schemaWithTier,
    Tags,
    TierConfig,
    tierOf,
} from "./common";
import { BUCKET_TYPES, LISTENER_TYPES, LOAD_BALANCER_TYPES, T } from "./types";

/** One row of the control table. */
export interface SecurityControl {
    /** FSBP control id(s), e.g. "RDS.7 / RDS.8". */
    id: string;
    /** What the control requires, in our terms. */
    title: string;
    /** Name of the policy that enforces it. */
    policy: string;
}

function control(id: string, title: string): string {
    return `[${id}] ${title}`;
}

/** Whether the resource's tier (tag, else config) is production; reports when it is unknown. */
function inProduction(args: ResourceValidationArgs, report: ReportViolation): boolean {
    return tierOf(args, report) === "production";
}

const isApplicationLb = (r: { type: string; props: any }) =>
    (r.type === "aws:lb/loadBalancer:LoadBalancer" || r.type === "aws:alb/loadBalancer:LoadBalancer") &&
    (safeGet(r.props, "loadBalancerType") ?? "application") === "application";

// ---------------------------------------------------------------------------------------------
// RDS

export function rdsNotPublic(): ResourceValidationPolicy {
    return {
        name: "rds-not-public",
        description: control("RDS.2", "RDS instances are not publicly accessible (publiclyAccessible must not be true)."),
        enforcementLevel: "mandatory",
        severity: "critical",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if ((args.type === T.rdsInstance || args.type === T.rdsClusterInstance) && safeGet(args.props, "publiclyAccessible") === true) {
                report(`RDS "${args.name}" sets publiclyAccessible: true.`);
            }
        },
    };
}

export function rdsStorageEncrypted(): ResourceValidationPolicy {
    return {
        name: "rds-storage-encrypted",
        description: control("RDS.3", "RDS instances (and Aurora clusters, RDS.27) encrypt storage at rest (storageEncrypted: true)."),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if ((args.type === T.rdsInstance || args.type === T.rdsCluster) && safeGet(args.props, "storageEncrypted") !== true) {
                report(`RDS "${args.name}" does not set storageEncrypted: true (the default is unencrypted).`);
            }
        },
    };
}

export function rdsMultiAzProduction(): ResourceValidationPolicy {
    return {
        name: "rds-multi-az-production",
        description: control("RDS.5", "Production RDS instances are Multi-AZ (multiAz: true)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP", "reliability"],
        configSchema: schemaWithTier(),
        validateResource: (args, report) => {
            if (args.type === T.rdsInstance && inProduction(args, report) && safeGet(args.props, "multiAz") !== true) {
                report(`Production RDS instance "${args.name}" is not Multi-AZ.`);
            }
        },
    };
}

export function rdsDeletionProtectionProduction(): ResourceValidationPolicy {
    return {
        name: "rds-deletion-protection-production",
        description: control("RDS.7 / RDS.8", "Production RDS clusters (RDS.7) and instances (RDS.8) enable deletion protection."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        configSchema: schemaWithTier(),
        validateResource: (args, report) => {
            if ((args.type === T.rdsInstance || args.type === T.rdsCluster) && inProduction(args, report) &&
                safeGet(args.props, "deletionProtection") !== true) {
                report(`Production RDS "${args.name}" does not set deletionProtection: true.`);
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// ElastiCache

export function elasticacheBackups(): ResourceValidationPolicy {
    return {
        name: "elasticache-automatic-backups",
        description: control("ElastiCache.1", "ElastiCache (Redis OSS / Valkey) keeps automatic backups (snapshotRetentionLimit > 0)."),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== T.cacheReplicationGroup && args.type !== T.cacheCluster) {
                return;
            }
            if (safeGet(args.props, "engine") === "memcached") {
                return; // memcached has no snapshots.
            }
            if (args.type === T.cacheCluster && safeGet(args.props, "replicationGroupId") !== undefined) {
                return; // a member of a replication group: the group's setting applies.
            }
            const limit = asNumber(safeGet(args.props, "snapshotRetentionLimit"));
            if (limit === undefined || limit <= 0) {
                report(`ElastiCache "${args.name}" has no automatic backups (snapshotRetentionLimit is ${limit ?? "unset"}; set 1 or more).`);
            }
        },
    };
}

export function elasticacheAutomaticFailoverProduction(): ResourceValidationPolicy {
    return {
        name: "elasticache-automatic-failover-production",
        description: control("ElastiCache.3", "Production ElastiCache replication groups enable automatic failover."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP", "reliability"],
        configSchema: schemaWithTier(),
        validateResource: (args, report) => {
            if (args.type === T.cacheReplicationGroup && inProduction(args, report) &&
                safeGet(args.props, "automaticFailoverEnabled") !== true) {
                report(`Production replication group "${args.name}" does not set automaticFailoverEnabled: true.`);
            }
        },
    };
}

export function elasticacheEncryptionAtRest(): ResourceValidationPolicy {
    return {
        name: "elasticache-encryption-at-rest",
        description: control("ElastiCache.4", "ElastiCache replication groups encrypt data at rest (atRestEncryptionEnabled; Valkey defaults to true)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== T.cacheReplicationGroup) {
                return;
            }
            const value = safeGet(args.props, "atRestEncryptionEnabled");
            const engine = safeGet(args.props, "engine") ?? "redis";
            const effective = value ?? (engine === "valkey");
            if (effective !== true) {
                report(`Replication group "${args.name}" is not encrypted at rest (atRestEncryptionEnabled ${value === undefined ? `unset, default false for ${engine}` : String(value)}).`);
            }
        },
    };
}

export function elasticacheEncryptionInTransit(): ResourceValidationPolicy {
    return {
        name: "elasticache-encryption-in-transit",
        description: control("ElastiCache.5", "ElastiCache replication groups encrypt data in transit (transitEncryptionEnabled: true)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type === T.cacheReplicationGroup && safeGet(args.props, "transitEncryptionEnabled") !== true) {
                report(`Replication group "${args.name}" does not set transitEncryptionEnabled: true.`);
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Load balancers

export interface HttpsRedirectConfig extends TierConfig {
    /** Tiers whose application load balancers must have an HTTPS listener. */
    requireHttpsTiers?: Tier[];
}

function isHttpsRedirect(listener: PolicyResource): boolean {
    const actions = asArray(safeGet(listener.props, "defaultActions"));
    return actions.length > 0 && actions.every(a =>
        safeGet(a, "type") === "redirect" && safePath(a, "redirect", "protocol") === "HTTPS");
}

/**
 * ELB.1 as a stack policy, since listeners and load balancers are separate resources. A listener
 * belongs to the load balancer its `loadBalancerArn` depends on (engine propertyDependencies, or
 * the ARN/URN value); when the stack has a single ALB, unlinked listeners belong to it.
 * - An ALB with an HTTPS listener: every HTTP listener redirects to HTTPS.
 * - An ALB without one: allowed only outside `requireHttpsTiers` (default: production), so staging
 *   may serve plain HTTP while it has no certificate.
 */
export function albHttpsRedirect(): StackValidationPolicy {
    return {
        name: "alb-https-redirect",
        description: control("ELB.1", "HTTP listeners of an ALB that serves HTTPS redirect to HTTPS; production ALBs serve HTTPS."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        configSchema: schemaWithTier({
            requireHttpsTiers: {
                type: "array",
                items: { type: "string", enum: [...TIERS] },
                default: ["production"],
                description: "Tiers whose ALBs must have an HTTPS listener.",
            },
        }),
        validateStack: (args, report) => {
            const config = args.getConfig<HttpsRedirectConfig>();
            const requireHttps = config.requireHttpsTiers ?? ["production"];
            const lbs = args.resources.filter(isApplicationLb);
            const listeners = args.resources.filter(r => LISTENER_TYPES.includes(r.type));
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
                const hasHttps = ls.some(l => safeGet(l.props, "protocol") === "HTTPS");
                if (hasHttps) {
                    for (const l of ls) {
                        const protocol = safeGet(l.props, "protocol") ?? "HTTP";
                        if (protocol === "HTTP" && !isHttpsRedirect(l)) {
                            report(`HTTP listener "${l.name}" does not redirect to HTTPS although ${lb ? `load balancer "${lb.name}"` : "the stack"} has an HTTPS listener.`, l.urn);
                        }
                    }
                } else if (lb !== undefined) {
                    const tags: Tags = effectiveTags(lb.props, lb.provider);
                    const t = resolveTier(tags, config);
                    if (t.tier === undefined) {
                        report(`Cannot determine the tier of load balancer "${lb.name}": ${t.problem}.`, lb.urn);
                    } else if (requireHttps.includes(t.tier)) {
                        report(`Load balancer "${lb.name}" has no HTTPS listener; tier ${t.tier} requires HTTPS.`, lb.urn);
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

export function lbDeletionProtectionProduction(): ResourceValidationPolicy {
    return {
        name: "lb-deletion-protection-production",
        description: control("ELB.6", "Production load balancers enable deletion protection (enableDeletionProtection: true)."),
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["security", "FSBP"],
        configSchema: schemaWithTier(),
        validateResource: (args, report) => {
            if ((args.type === "aws:lb/loadBalancer:LoadBalancer" || args.type === "aws:alb/loadBalancer:LoadBalancer") &&
                inProduction(args, report) && safeGet(args.props, "enableDeletionProtection") !== true) {
                report(`Production load balancer "${args.name}" does not set enableDeletionProtection: true.`);
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// EC2

export function ec2Imdsv2(): ResourceValidationPolicy {
    return {
        name: "ec2-imdsv2",
        description: control("EC2.8", "EC2 instances and launch templates require IMDSv2 (metadataOptions.httpTokens: \"required\")."),
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
 * the load balancer's and the zero-cost host's security groups and rules only.
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
                publicPorts: { type: "array", items: { type: "integer" }, default: [80, 443], description: "TCP ports a PublicIngress=true group may open to the internet." },
            },
        },
        validateStack: (args, report) => {
            const publicPorts = args.getConfig<IngressConfig>().publicPorts ?? [80, 443];
            const sgs = args.resources.filter(r => r.type === T.securityGroup);
            const tagsOf = (r: PolicyResource) => effectiveTags(r.props, r.provider);
            const sgTags = (rule: PolicyResource) => referencedBy(rule, "securityGroupId", sgs).map(tagsOf);
            const open: OpenRule[] = [];
            for (const r of args.resources) {
                if (r.type === T.securityGroup) {
                    asArray(safeGet(r.props, "ingress")).forEach((ing, i) => {
                        const cidrs = [...asArray(safeGet(ing, "cidrBlocks")), ...asArray(safeGet(ing, "ipv6CidrBlocks"))];
                        if (cidrs.includes(OPEN_V4) || cidrs.includes(OPEN_V6)) {
                            open.push({ resource: r, where: `ingress[${i}]`, protocol: safeGet(ing, "protocol"), fromPort: safeGet(ing, "fromPort"), toPort: safeGet(ing, "toPort"), markerTags: [tagsOf(r)] });
                        }
                    });
                } else if (r.type === T.securityGroupRule && safeGet(r.props, "type") === "ingress") {
                    const cidrs = [...asArray(safeGet(r.props, "cidrBlocks")), ...asArray(safeGet(r.props, "ipv6CidrBlocks"))];
                    if (cidrs.includes(OPEN_V4) || cidrs.includes(OPEN_V6)) {
                        open.push({ resource: r, where: "rule", protocol: safeGet(r.props, "protocol"), fromPort: safeGet(r.props, "fromPort"), toPort: safeGet(r.props, "toPort"), markerTags: sgTags(r) });
                    }
                } else if (r.type === T.sgIngressRule) {
                    if (safeGet(r.props, "cidrIpv4") === OPEN_V4 || safeGet(r.props, "cidrIpv6") === OPEN_V6) {
                        open.push({ resource: r, where: "rule", protocol: safeGet(r.props, "ipProtocol"), fromPort: safeGet(r.props, "fromPort"), toPort: safeGet(r.props, "toPort"), markerTags: [tagsOf(r), ...sgTags(r)] });
                    }
                }
            }
            for (const rule of open) {
                const marked = rule.markerTags.some(t => t[MARKERS.publicIngressTag] === "true");
                const protocol = String(rule.protocol).toLowerCase();
                const from = asNumber(rule.fromPort);
                const to = asNumber(rule.toPort);
                const webPort = (protocol === "tcp" || protocol === "6") && from !== undefined && from === to && publicPorts.includes(from);
                const label = `${rule.resource.type === T.securityGroup ? "Security group" : "Ingress rule"} "${rule.resource.name}"${rule.where === "rule" ? "" : ` ${rule.where}`}`;
                if (!webPort) {
                    report(`${label} opens ${describePorts(rule)} to the internet; only TCP ${publicPorts.join("/")} may be public.`, rule.resource.urn);
                } else if (!marked) {
                    report(`${label} opens ${describePorts(rule)} to the internet without the ${MARKERS.publicIngressTag}="true" tag on the rule or its security group.`, rule.resource.urn);
                }
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// ECS

export function ecsNoPublicIp(): ResourceValidationPolicy {
    return {
        name: "ecs-no-public-ip",
        description: control("ECS.2", "ECS services do not assign public IPs (networkConfiguration.assignPublicIp is not true)."),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type === T.ecsService && safePath(args.props, "networkConfiguration", "assignPublicIp") === true) {
                report(`ECS service "${args.name}" sets networkConfiguration.assignPublicIp: true; run tasks in private subnets.`);
            }
        },
    };
}

/**
 * ECS.5: every container of a task definition sets `readonlyRootFilesystem: true`, unless its
 * `dockerLabels` carry MARKERS.writableRootLabel with a non-empty reason.
 */
export function ecsReadonlyRootFilesystem(): ResourceValidationPolicy {
    return {
        name: "ecs-readonly-root-filesystem",
        description: control("ECS.5", `ECS containers have read-only root filesystems (opt out per container with docker label "${MARKERS.writableRootLabel}": "<reason>").`),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== T.ecsTaskDefinition) {
                return;
            }
            const raw = args.props.containerDefinitions; // may throw UnknownValueError in preview: the engine reports it.
            let containers: any;
            try {
                containers = typeof raw === "string" ? JSON.parse(raw) : raw;
            } catch {
                report(`containerDefinitions of "${args.name}" is not valid JSON.`);
                return;
            }
            if (!Array.isArray(containers)) {
                report(`containerDefinitions of "${args.name}" is not a JSON array.`);
                return;
            }
            for (const c of containers) {
                const label = c?.dockerLabels?.[MARKERS.writableRootLabel];
                if (c?.readonlyRootFilesystem !== true && !(typeof label === "string" && label.trim() !== "")) {
                    report(`Container "${c?.name ?? "?"}" of "${args.name}" does not set readonlyRootFilesystem: true (or the docker label "${MARKERS.writableRootLabel}" with a reason).`);
                }
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager

export interface RotationConfig {
    /** Longest rotation interval in days. */
    maxDays?: number;
}

/**
 * Longest interval in days between rotations for rotationRules, or undefined when no schedule is
 * set. `rate(N days|hours)` is exact; for `cron()` a fixed day of month counts as 31 days, a
 * `*\/N` day-of-month as N, a list as its largest gap, any day-of-month `*`/`?` as at most 7, and
 * a restricted month field as more than a month.
 */
export function rotationIntervalDays(rules: any): number | undefined {
    const days = asNumber(safeGet(rules, "automaticallyAfterDays"));
    if (days !== undefined) {
        return days;
    }
    const expr = safeGet(rules, "scheduleExpression");
    if (typeof expr !== "string") {
        return undefined;
    }
    const rate = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/i.exec(expr.trim());
    if (rate) {
        const n = Number(rate[1]);
        return rate[2].toLowerCase().startsWith("hour") ? n / 24 : n;
    }
    const cron = /^cron\((.*)\)$/i.exec(expr.trim());
    if (cron) {
        const f = cron[1].trim().split(/\s+/);
        const [dom, month] = [f[2] ?? "*", f[3] ?? "*"];
        if (month !== "*" && month !== "?") {
            return 62;
        }
        if (dom === "*" || dom === "?") {
            return 7;
        }
        const step = /^\*\/(\d+)$/.exec(dom);
        if (step) {
            return Number(step[1]);
        }
        const list = dom.split(",").map(Number);
        if (list.every(n => Number.isInteger(n))) {
            const sorted = [...new Set(list)].sort((a, b) => a - b);
            let gap = 31 - sorted[sorted.length - 1] + sorted[0];
            for (let i = 1; i < sorted.length; i++) {
                gap = Math.max(gap, sorted[i] - sorted[i - 1]);
            }
            return gap;
        }
        return 31;
    }
    return undefined;
}

/**
 * SecretsManager.1 / SecretsManager.4 as a stack policy: every secret has a SecretRotation (linked
 * through `secretId`) unless tagged RotationExempt=<reason>, and every rotation rotates at least
 * every `maxDays` (default 30).
 */
export function secretsRotation(): StackValidationPolicy {
    return {
        name: "secrets-rotation",
        description: control("SecretsManager.1 / SecretsManager.4", `Secrets rotate automatically at least every 30 days (exempt a secret with tag ${MARKERS.rotationExemptTag}=<reason>).`),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        configSchema: { properties: { maxDays: { type: "integer", minimum: 1, default: 30, description: "Longest rotation interval in days." } } },
        validateStack: (args, report) => {
            const maxDays = args.getConfig<RotationConfig>().maxDays ?? 30;
            const secrets = args.resources.filter(r => r.type === T.secret);
            const rotations = args.resources.filter(r => r.type === T.secretRotation);
            for (const rot of rotations) {
                const days = rotationIntervalDays(safeGet(rot.props, "rotationRules"));
                if (days === undefined) {
                    report(`Secret rotation "${rot.name}" sets neither rotationRules.automaticallyAfterDays nor scheduleExpression.`, rot.urn);
                } else if (days > maxDays) {
                    report(`Secret rotation "${rot.name}" rotates every ${days} days; at most ${maxDays} allowed.`, rot.urn);
                }
            }
            const needing = secrets.filter(s => (effectiveTags(s.props, s.provider)[MARKERS.rotationExemptTag] ?? "").trim() === "");
            const { missing } = pairReferences(needing, rotations, "secretId");
            for (const s of missing) {
                report(`Secret "${s.name}" has no aws.secretsmanager.SecretRotation (or tag ${MARKERS.rotationExemptTag}=<reason> if it cannot rotate).`, s.urn);
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// S3

const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * S3.8 as a stack policy: every bucket (`aws:s3/bucket:Bucket`, `aws:s3/bucketV2:BucketV2`) has a
 * BucketPublicAccessBlock (linked through `bucket`) and every such block sets all four flags.
 */
export function s3BlockPublicAccess(): StackValidationPolicy {
    return {
        name: "s3-block-public-access",
        description: control("S3.8", "Every S3 bucket has a public access block with all four flags true."),
        enforcementLevel: "mandatory",
        severity: "critical",
        tags: ["security", "FSBP"],
        validateStack: (args, report) => {
            const buckets = args.resources.filter(r => BUCKET_TYPES.includes(r.type));
            const blocks = args.resources.filter(r => r.type === T.bucketPublicAccessBlock);
            for (const b of blocks) {
                const off = PAB_FLAGS.filter(f => safeGet(b.props, f) !== true);
                if (off.length > 0) {
                    report(`Public access block "${b.name}" does not set ${off.join(", ")} to true.`, b.urn);
                }
            }
            const { missing } = pairReferences(buckets, blocks, "bucket");
            for (const b of missing) {
                report(`Bucket "${b.name}" has no aws.s3.BucketPublicAccessBlock.`, b.urn);
            }
        },
    };
}
