// Cost guard (issue 6). Factories return plain policy objects; policies/pack.ts chooses them and
// policies/index.ts serves them. Every tier-aware rule reads the resource's Tier tag, falling back
// to its `tier` pack config, so one pack serves every stack.

import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { FREE_TIER_EC2_TYPES, isGravitonType } from "../../config/allowed-sizes";
import { ALLOWED_SIZES, Tier, TIERS } from "../../config/tiers";
import { CapturedResource } from "../../harness/types";
import {
    asArray,
    asNumber,
    effectiveTags,
    materialize,
    safeGet,
    safePath,
    schemaWithTier,
    stackTierOf,
    TierConfig,
    tierOf,
} from "./common";
import { T } from "./types";

// ---------------------------------------------------------------------------------------------
// monthly-budget

/** What the budget policy needs from cost/estimate.ts's CostEstimate. */
export interface BudgetEstimate {
    total: number;
    totalInsideFreeTier: number;
    totalAfterFreeTier: number;
    unpriced?: readonly unknown[];
}

/**
 * Signature of cost/estimate.ts `estimate` as far as the budget policy uses it, plus the tier so
 * the adapter in policies/pack.ts can pick the tier's usage assumptions.
 */
export type Estimator = (resources: CapturedResource[], options?: { freeTier?: boolean; tier?: Tier }) => BudgetEstimate;

export interface BudgetConfig extends TierConfig {
    /** Monthly budget in USD per tier. zero-cost is compared with the total inside the free tier. */
    budgets?: Partial<Record<Tier, number>>;
}

export const DEFAULT_BUDGETS: Record<Tier, number> = { "zero-cost": 0, staging: 225, production: 2100 };

const KNOWN_PROVIDER_PACKAGES = new Set(["aws", "random", "tls", "command", "awsx", "docker", "docker-build"]);

/** A stack policy's resource as the estimator's CapturedResource (unknown preview values dropped). */
export function toCapturedResource(r: PolicyResource): CapturedResource {
    const pkg = r.type.split(":")[0];
    return {
        type: r.type,
        name: r.name,
        inputs: materialize(r.props) ?? {},
        secretInputs: [],
        parent: r.parent?.urn ?? r.opts?.parent,
        urn: r.urn,
        custom: r.provider !== undefined || KNOWN_PROVIDER_PACKAGES.has(pkg),
        protect: r.opts?.protect ?? false,
        retainOnDelete: false,
    };
}

const money = (n: number) => `$${n.toFixed(2)}`;

/**
 * `monthly-budget` (stack, mandatory): the estimated monthly cost of the whole stack stays within
 * the tier's budget. zero-cost: the estimate with the free tier applied must be 0; staging and
 * production: the estimate without free-tier allowances (the larger of `total` and
 * `totalAfterFreeTier`) must be at most the configured budget. The estimator is injected, so
 * tests can use a fake one and the pack the real cost/estimate.ts.
 */
export function monthlyBudget(estimator: Estimator): StackValidationPolicy {
    return {
        name: "monthly-budget",
        description: "The stack's estimated monthly cost stays within its tier's budget (zero-cost: $0 inside the free tier).",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier({
            budgets: {
                type: "object",
                description: "Monthly budget in USD per tier.",
                properties: Object.fromEntries(TIERS.map(t => [t, { type: "number", minimum: 0 }])),
                default: DEFAULT_BUDGETS,
            },
        }),
        validateStack: (args, report) => {
            const tier = stackTierOf(args, report);
            if (tier === undefined) {
                return;
            }
            const config = args.getConfig<BudgetConfig>();
            const budget = config.budgets?.[tier] ?? DEFAULT_BUDGETS[tier];
            const resources = args.resources.map(toCapturedResource);
            const freeTier = tier === "zero-cost";
            const e = estimator(resources, { freeTier, tier });
            const cost = freeTier ? e.totalInsideFreeTier : Math.max(e.total, e.totalAfterFreeTier);
            const basis = freeTier ? "inside the free tier" : "without free-tier allowances";
            if (cost > budget + 0.005) {
                const unpriced = e.unpriced?.length ? ` ${e.unpriced.length} resource(s) could not be priced.` : "";
                report(
                    `Estimated monthly cost ${money(cost)} (${basis}) exceeds the ${tier} budget of ${money(budget)} ` +
                        `(pack config monthly-budget.budgets.${tier}).${unpriced}`,
                );
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// allowed-instance-sizes

/** Fargate task CPU in CPU units and memory in MiB, from "256"/"0.25 vCPU" and "512"/"1 GB". */
export function parseFargateSize(cpu: unknown, memory: unknown): { cpu?: number; memory?: number } {
    const parse = (v: unknown, unitRe: RegExp): number | undefined => {
        const n = asNumber(v);
        if (n !== undefined) {
            return n;
        }
        if (typeof v === "string") {
            const m = unitRe.exec(v.trim());
            if (m) {
                return Math.round(parseFloat(m[1]) * 1024);
            }
        }
        return undefined;
    };
    return { cpu: parse(cpu, /^([\d.]+)\s*vcpu$/i), memory: parse(memory, /^([\d.]+)\s*gb$/i) };
}

function usesFargate(props: any): boolean {
    return asArray(safeGet(props, "requiresCompatibilities")).includes("FARGATE");
}

/**
 * `allowed-instance-sizes` (resource, mandatory): EC2 instance types (instances and launch
 * templates), RDS instance classes, ElastiCache node types and Fargate task sizes are among
 * config/allowed-sizes.ts's list for the resource's tier.
 */
export function allowedInstanceSizes(): ResourceValidationPolicy {
    return {
        name: "allowed-instance-sizes",
        description: "EC2, RDS, ElastiCache and Fargate sizes are among the sizes allowed for the tier (config/allowed-sizes.ts).",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier(),
        validateResource: (args, report) => {
            const check = (family: "ec2" | "rds" | "elasticache", key: string, value: unknown) => {
                if (typeof value !== "string") {
                    return;
                }
                const tier = tierOf(args, report);
                if (tier === undefined) {
                    return;
                }
                const allowed = ALLOWED_SIZES[tier][family];
                if (!allowed.includes(value)) {
                    const list = allowed.length > 0 ? allowed.join(", ") : `none (no ${family} in ${tier})`;
                    report(`${key} "${value}" is not allowed in tier ${tier}; allowed: ${list}.`);
                }
            };
            switch (args.type) {
                case T.ec2Instance:
                case T.launchTemplate:
                    check("ec2", "instanceType", safeGet(args.props, "instanceType"));
                    return;
                case T.rdsInstance:
                case T.rdsClusterInstance:
                    check("rds", "instanceClass", safeGet(args.props, "instanceClass"));
                    return;
                case T.cacheReplicationGroup:
                case T.cacheCluster:
                    check("elasticache", "nodeType", safeGet(args.props, "nodeType"));
                    return;
                case T.ecsTaskDefinition: {
                    if (!usesFargate(args.props)) {
                        return;
                    }
                    const tier = tierOf(args, report);
                    if (tier === undefined) {
                        return;
                    }
                    const limit = ALLOWED_SIZES[tier].fargate;
                    if (limit === undefined) {
                        report(`Fargate tasks are not allowed in tier ${tier}.`);
                        return;
                    }
                    const size = parseFargateSize(safeGet(args.props, "cpu"), safeGet(args.props, "memory"));
                    if (size.cpu === undefined || size.memory === undefined) {
                        report(`A Fargate task definition must set task-level cpu and memory (got cpu=${String(safeGet(args.props, "cpu"))}, memory=${String(safeGet(args.props, "memory"))}).`);
                        return;
                    }
                    if (size.cpu > limit.maxCpu || size.memory > limit.maxMemory) {
                        report(`Fargate task size cpu=${size.cpu} memory=${size.memory} MiB exceeds tier ${tier}'s ceiling cpu=${limit.maxCpu} memory=${limit.maxMemory} MiB.`);
                    }
                    return;
                }
                default:
                    return;
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// nat-gateway-count

export interface NatConfig extends TierConfig {
    /** Most NAT gateways per tier; production defaults to the number of AZs. */
    maxNatGateways?: Partial<Record<Tier, number>>;
    /** AZ count used for production when no subnet reveals its AZ. */
    azCount?: number;
}

export const DEFAULT_NAT_LIMITS: Partial<Record<Tier, number>> = { "zero-cost": 0, staging: 1 };

/**
 * `nat-gateway-count` (stack, mandatory): counts NAT gateways over EVERY resource of the stack
 * (aws-ts-finops's `requireSingleNatGateway` returned at the first non-NAT resource; this one
 * does not stop early). zero-cost: 0; staging: at most 1; production: at most one per AZ, the
 * number of AZs being the distinct `availabilityZone`/`availabilityZoneId` of the stack's subnets,
 * else `azCount` (default 3).
 */
export function natGatewayCount(): StackValidationPolicy {
    return {
        name: "nat-gateway-count",
        description: "NAT gateways per tier: zero-cost 0, staging at most 1, production at most one per availability zone.",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier({
            maxNatGateways: {
                type: "object",
                description: "Most NAT gateways per tier (production: number of AZs when unset).",
                properties: Object.fromEntries(TIERS.map(t => [t, { type: "integer", minimum: 0 }])),
            },
            azCount: { type: "integer", minimum: 1, default: 3, description: "AZ count when subnets do not reveal it." },
        }),
        validateStack: (args, report) => {
            const nats: PolicyResource[] = [];
            const azs = new Set<string>();
            for (const r of args.resources) {
                if (r.type === T.natGateway) {
                    nats.push(r);
                } else if (r.type === T.subnet) {
                    const az = safeGet(r.props, "availabilityZone") ?? safeGet(r.props, "availabilityZoneId");
                    if (typeof az === "string" && az !== "") {
                        azs.add(az);
                    }
                }
            }
            const tier = stackTierOf(args, report);
            if (tier === undefined) {
                return;
            }
            const config = args.getConfig<NatConfig>();
            const azCount = azs.size > 0 ? azs.size : config.azCount ?? 3;
            const limit = config.maxNatGateways?.[tier] ?? DEFAULT_NAT_LIMITS[tier] ?? azCount;
            if (nats.length > limit) {
                const names = nats.map(n => n.name).join(", ");
                report(`${nats.length} NAT gateway(s) (${names}) exceed tier ${tier}'s limit of ${limit}` +
                    (tier === "production" && config.maxNatGateways?.production === undefined ? ` (one per AZ, ${azCount} AZs)` : "") + ".");
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// zero-cost-never-free

/** Types that cost money whatever the free tier, with the reason shown in the violation. */
export const NEVER_FREE: Readonly<Record<string, string>> = {
    [T.natGateway]: "a NAT gateway costs $0.045/h plus $0.045/GB",
    "aws:lb/loadBalancer:LoadBalancer": "a load balancer costs about $16/month before LCUs",
    "aws:alb/loadBalancer:LoadBalancer": "a load balancer costs about $16/month before LCUs",
    "aws:elb/loadBalancer:LoadBalancer": "a load balancer costs about $18/month",
    [T.rdsInstance]: "RDS is outside the zero-cost design (the host runs everything)",
    [T.rdsCluster]: "RDS/Aurora is never free",
    [T.rdsClusterInstance]: "RDS/Aurora is never free",
    [T.cacheReplicationGroup]: "ElastiCache is outside the zero-cost design (Redis runs on the host)",
    [T.cacheCluster]: "ElastiCache is outside the zero-cost design (Redis runs on the host)",
    [T.cacheServerless]: "ElastiCache Serverless is never free",
    [T.eip]: "an Elastic IP costs $0.005/h (set allowElasticIp when the free-tier public IPv4 allowance covers it)",
    [T.kmsKey]: "a customer-managed KMS key costs $1/month",
    [T.secret]: "a Secrets Manager secret costs $0.40/month",
    "aws:ec2/transitGateway:TransitGateway": "a transit gateway is billed per attachment-hour",
    "aws:ec2/clientVpnEndpoint:ClientVpnEndpoint": "a Client VPN endpoint is billed per association-hour",
    "aws:ec2/vpnConnection:VpnConnection": "a site-to-site VPN is billed per hour",
    "aws:eks/cluster:Cluster": "an EKS control plane costs $0.10/h",
    "aws:opensearch/domain:Domain": "OpenSearch domains are billed per instance-hour",
    "aws:globalaccelerator/accelerator:Accelerator": "Global Accelerator is billed per hour",
    "aws:networkfirewall/firewall:Firewall": "Network Firewall is billed per endpoint-hour",
    "aws:route53/zone:Zone": "a hosted zone costs $0.50/month",
};

export interface NeverFreeConfig extends TierConfig {
    allowElasticIp?: boolean;
    /** Type tokens to allow in zero-cost despite the list. */
    allowTypes?: string[];
}

/**
 * `zero-cost-never-free` (resource, mandatory): in tier zero-cost, no resource that costs money
 * whatever the free tier: NAT gateways, load balancers, RDS, ElastiCache, Elastic IPs (unless
 * `allowElasticIp`), interface/GWLB VPC endpoints (gateway endpoints are free), KMS keys, Secrets
 * Manager secrets, Fargate services, and the others in NEVER_FREE.
 */
export function zeroCostNeverFree(): ResourceValidationPolicy {
    return {
        name: "zero-cost-never-free",
        description: "Tier zero-cost has no never-free resource (NAT gateway, load balancer, RDS, ElastiCache, EIP, interface VPC endpoint, KMS key, ...).",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier({
            allowElasticIp: { type: "boolean", default: false, description: "Allow Elastic IPs in zero-cost." },
            allowTypes: { type: "array", items: { type: "string" }, default: [], description: "Type tokens allowed in zero-cost despite the list." },
        }),
        validateResource: (args, report) => {
            let reason: string | undefined = NEVER_FREE[args.type];
            if (args.type === T.vpcEndpoint) {
                const kind = safeGet(args.props, "vpcEndpointType") ?? "Gateway";
                reason = kind === "Gateway" ? undefined : `a ${kind} VPC endpoint costs about $7.30/month per AZ plus $0.01/GB`;
            }
            if (args.type === T.ecsService && safeGet(args.props, "launchType") === "FARGATE") {
                reason = "Fargate tasks are never free";
            }
            if (reason === undefined) {
                return;
            }
            const config = args.getConfig<NeverFreeConfig>();
            if (config.allowTypes?.includes(args.type) || (args.type === T.eip && config.allowElasticIp === true)) {
                return;
            }
            const tier = tierOf(args, report);
            if (tier === "zero-cost") {
                report(`${args.type} "${args.name}" is not allowed in tier zero-cost: ${reason}.`);
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// log-retention

export interface RetentionBounds {
    min: number;
    max: number;
}

export interface RetentionConfig extends TierConfig {
    bounds?: Partial<Record<Tier, RetentionBounds>>;
}

export const DEFAULT_RETENTION: Record<Tier, RetentionBounds> = {
    "zero-cost": { min: 1, max: 14 },
    staging: { min: 1, max: 14 },
    production: { min: 30, max: 365 },
};

/** Values CloudWatch Logs accepts for retentionInDays (0 = never expire, refused here). */
export const CLOUDWATCH_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * `log-retention` (resource, mandatory): every CloudWatch log group sets `retentionInDays`
 * (unset or 0 = kept and billed forever) within the tier's [min, max] (defaults: non-production
 * 1-14 days, production 30-365) and to a value CloudWatch accepts.
 */
export function logRetention(): ResourceValidationPolicy {
    const bound = { type: "object", properties: { min: { type: "integer", minimum: 1 }, max: { type: "integer", minimum: 1 } } } as const;
    return {
        name: "log-retention",
        description: "[CloudWatch.16] CloudWatch log groups set retentionInDays, within the tier's bounds (non-production at most 14 days, production at most 365).",
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["cost", "security"],
        configSchema: schemaWithTier({
            bounds: { type: "object", description: "Retention bounds in days per tier.", properties: Object.fromEntries(TIERS.map(t => [t, bound])) },
        }),
        validateResource: (args, report) => {
            if (args.type !== T.logGroup) {
                return;
            }
            const days = asNumber(safeGet(args.props, "retentionInDays"));
            if (days === undefined || days === 0) {
                report(`Log group "${args.name}" does not set retentionInDays: its logs would be kept (and billed) forever.`);
                return;
            }
            if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(days)) {
                report(`retentionInDays ${days} is not a value CloudWatch accepts (${CLOUDWATCH_RETENTION_DAYS.join(", ")}).`);
            }
            const tier = tierOf(args, report);
            if (tier === undefined) {
                return;
            }
            const b = { ...DEFAULT_RETENTION[tier], ...args.getConfig<RetentionConfig>().bounds?.[tier] };
            if (days < b.min || days > b.max) {
                report(`retentionInDays ${days} is outside tier ${tier}'s bounds [${b.min}, ${b.max}] days.`);
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// gp3-only

/**
 * `gp3-only` (resource, mandatory): EBS volumes (`type`, whose default is gp2), instance root and
 * EBS block devices (`volumeType`; an instance must declare its root device, since the AMI's
 * default may be gp2), launch template block device mappings and RDS instances (`storageType`,
 * whose API default is gp2) use gp3.
 */
export function gp3Only(): ResourceValidationPolicy {
    return {
        name: "gp3-only",
        description: "EBS volumes, instance block devices and RDS storage use gp3 (20% cheaper than gp2, 3,000 IOPS baseline).",
        enforcementLevel: "mandatory",
        severity: "low",
        tags: ["cost"],
        validateResource: (args, report) => {
            const need = (what: string, value: unknown) => {
                if (value !== "gp3") {
                    report(`${what} is ${value === undefined ? "unset (defaults to gp2 or the AMI's type)" : `"${String(value)}"`}; use "gp3".`);
                }
            };
            switch (args.type) {
                case T.ebsVolume:
                    need("type", safeGet(args.props, "type"));
                    return;
                case T.ec2Instance: {
                    need("rootBlockDevice.volumeType", safePath(args.props, "rootBlockDevice", "volumeType"));
                    asArray(safeGet(args.props, "ebsBlockDevices")).forEach((d, i) =>
                        need(`ebsBlockDevices[${i}].volumeType`, safeGet(d, "volumeType")));
                    return;
                }
                case T.launchTemplate:
                    asArray(safeGet(args.props, "blockDeviceMappings")).forEach((m, i) => {
                        const ebs = safeGet(m, "ebs");
                        if (ebs !== undefined) {
                            need(`blockDeviceMappings[${i}].ebs.volumeType`, safeGet(ebs, "volumeType"));
                        }
                    });
                    return;
                case T.rdsInstance:
                    need("storageType", safeGet(args.props, "storageType"));
                    return;
                default:
                    return;
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------
// graviton-preferred

/**
 * `graviton-preferred` (resource, advisory): EC2, RDS and ElastiCache use Graviton (arm64) types
 * and Fargate task definitions set `runtimePlatform.cpuArchitecture: "ARM64"`. Free-tier EC2
 * types in tier zero-cost are not flagged: they cost nothing either way.
 */
export function gravitonPreferred(): ResourceValidationPolicy {
    return {
        name: "graviton-preferred",
        description: "Prefer Graviton (arm64): about 10-20% cheaper than x86 for the same size.",
        enforcementLevel: "advisory",
        severity: "low",
        tags: ["cost"],
        configSchema: schemaWithTier(),
        validateResource: (args, report) => {
            const advise = (key: string, value: unknown) => {
                if (typeof value === "string" && !isGravitonType(value)) {
                    report(`${key} "${value}" is not Graviton; consider the equivalent *g type.`);
                }
            };
            switch (args.type) {
                case T.ec2Instance:
                case T.launchTemplate: {
                    const type = safeGet(args.props, "instanceType");
                    const tags = effectiveTags(args.props, args.provider);
                    const tier = tags["Tier"] ?? args.getConfig<TierConfig>().tier;
                    if (tier === "zero-cost" && (FREE_TIER_EC2_TYPES as readonly string[]).includes(type)) {
                        return;
                    }
                    advise("instanceType", type);
                    return;
                }
                case T.rdsInstance:
                case T.rdsClusterInstance:
                    advise("instanceClass", safeGet(args.props, "instanceClass"));
                    return;
                case T.cacheReplicationGroup:
                case T.cacheCluster:
                    advise("nodeType", safeGet(args.props, "nodeType"));
                    return;
                case T.ecsTaskDefinition:
                    if (usesFargate(args.props) && safePath(args.props, "runtimePlatform", "cpuArchitecture") !== "ARM64") {
                        report(`Fargate task definition "${args.name}" runs on X86_64; set runtimePlatform.cpuArchitecture "ARM64" (about 20% cheaper).`);
                    }
                    return;
                default:
                    return;
            }
        },
    };
}
