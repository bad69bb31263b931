// GENERATED from config/tiers.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// What each tier is: one column per tier. Validation, defaults, cost, policies and tools read these
// traits; nothing else names a tier (only this table and the stack files' `platform:tier`). A new
// tier is a new column here plus a Pulumi.<stack>.yaml. Pure data: the policy pack gets a generated
// copy (policies/generated/), checked against this file by a test.
import { FREE_TIER_EC2_TYPES, NAT_INSTANCE_TYPES, TierSizes } from "./allowed-sizes";

export type NatChoice = "none" | "single" | "per-az" | "instance";

export interface TierTraits {
    /**
     * How the services run: `host` = one EC2 host with NGINX and the data stores in containers,
     * public subnets only; `fargate` = private subnets, ALB, ECS Fargate, RDS, ElastiCache.
     */
    runtime: "host" | "fargate";
    /**
     * Data stores are protected: Pulumi `protect`, deletion protection, 30-day secret recovery, a
     * stack KMS key by default, and the security policies that demand them (Multi-AZ, backups).
     */
    protectData: boolean;
    /**
     * No single AZ or task takes the tier down: Multi-AZ RDS, a cluster-mode cache with replicas and
     * automatic failover across AZs, at least two tasks per seed service.
     */
    highAvailability: boolean;
    /**
     * Paid visibility: VPC flow logs, Container Insights, RDS Performance Insights, enhanced
     * monitoring and log exports.
     */
    detailedMonitoring: boolean;
    /** Services may run part of their tasks on interruptible Fargate Spot capacity. */
    spotCapacity: boolean;
    /** Storage the database starts with and may autoscale to, GB (the host's data volume does not grow). */
    databaseStorageGb: { allocated: number; max: number };
    /** The load balancer serves HTTPS only: a certificate (or a domain to issue one) is required. */
    httpsOnly: boolean;
    /** Smallest number of AZs the tier accepts. */
    minAzs: number;
    /** NAT choices the tier accepts (the first is the default). */
    natChoices: readonly NatChoice[];
    /** Least RDS backup retention the tier accepts, days. */
    minBackupRetentionDays: number;
    /** The cost estimate also prices the stack inside the (legacy) free tier. */
    freeTierPricing: boolean;
    /**
     * The edge's web application firewall (AWS WAF, scope CLOUDFRONT) is on by default, and the
     * edge policy requires one.
     */
    webFirewall: boolean;
    /** Monthly budget of the cost policy, USD (compared with the price inside the free tier where priced so). */
    budgetUsd: number;
    /** Log retention, days: the default of the stack's log groups and the log-retention policy's bounds. */
    logRetention: { default: number; min: number; max: number };
    /** NAT gateways the cost policy allows; undefined: one per AZ. */
    maxNatGateways?: number;
    /** Instance sizes the tier may use (config validation and the policies); the first of each list is the default. */
    allowedSizes: TierSizes;
    /** Usage the cost estimate assumes (what nobody can know offline), per month. */
    usage: {
        logIngestGb: number;
        natDataGb: number;
        /** Viewer requests through the CDN, millions (nothing measured yet: an assumption per tier). */
        edgeRequestsMillions: number;
        /** Data the CDN sends to viewers, GB. */
        edgeDataOutGb: number;
        /** ECR storage per repository; undefined: the estimator's default. */
        ecrStorageGbPerRepository?: number;
        /** Average running tasks by service name; others at their scaling minimum. */
        averageTasksByService?: Record<string, number>;
    };
    /** Value of the seed services' NODE_ENV / ENVIRONMENT. */
    environmentName: string;
}

const TABLE = {
    "zero-cost": {
        runtime: "host",
        protectData: false,
        highAvailability: false,
        detailedMonitoring: false,
        spotCapacity: false,
        // Root 8 GB (the AL2023 image's size) + data 12 GB: 20 of the free tier's 30 GB of EBS.
        databaseStorageGb: { allocated: 12, max: 12 },
        httpsOnly: false,
        minAzs: 1,
        natChoices: ["none"],
        minBackupRetentionDays: 1,
        freeTierPricing: true,
        webFirewall: false,
        budgetUsd: 0,
        logRetention: { default: 3, min: 1, max: 14 },
        maxNatGateways: 0,
        allowedSizes: { ec2: FREE_TIER_EC2_TYPES, rds: [], elasticache: [] },
        // The host's repositories keep 2 images each (~125 MB compressed): inside ECR's free 500 MB.
        usage: { logIngestGb: 1, natDataGb: 0, edgeRequestsMillions: 1, edgeDataOutGb: 5, ecrStorageGbPerRepository: 0.25 },
        environmentName: "development",
    },
    staging: {
        runtime: "fargate",
        protectData: false,
        highAvailability: false,
        detailedMonitoring: false,
        spotCapacity: true,
        databaseStorageGb: { allocated: 100, max: 500 },
        httpsOnly: false,
        minAzs: 2,
        natChoices: ["instance", "single", "per-az"],
        minBackupRetentionDays: 1,
        freeTierPricing: false,
        webFirewall: false,
        budgetUsd: 225,
        logRetention: { default: 3, min: 1, max: 14 },
        maxNatGateways: 1,
        allowedSizes: {
            ec2: NAT_INSTANCE_TYPES,
            rds: ["db.t4g.medium", "db.t4g.micro", "db.t4g.small", "db.t4g.large", "db.t3.micro", "db.t3.small", "db.t3.medium"],
            elasticache: ["cache.t4g.small", "cache.t4g.micro", "cache.t4g.medium", "cache.t3.micro", "cache.t3.small", "cache.t3.medium"],
            fargate: { maxCpu: 2048, maxMemory: 8192 },
        },
        usage: { logIngestGb: 5, natDataGb: 100, edgeRequestsMillions: 5, edgeDataOutGb: 50 },
        environmentName: "staging",
    },
    production: {
        runtime: "fargate",
        protectData: true,
        highAvailability: true,
        detailedMonitoring: true,
        spotCapacity: false,
        databaseStorageGb: { allocated: 500, max: 1000 },
        httpsOnly: true,
        minAzs: 2,
        natChoices: ["per-az", "single", "instance"],
        minBackupRetentionDays: 7,
        freeTierPricing: false,
        webFirewall: true,
        budgetUsd: 2100,
        logRetention: { default: 30, min: 30, max: 365 },
        maxNatGateways: undefined,
        allowedSizes: {
            ec2: NAT_INSTANCE_TYPES,
            // Seed 003 §10.2.2-3: db.r6g.xlarge and cache.r6g.large.
            rds: [
                "db.r6g.xlarge",
                "db.t4g.large",
                "db.t4g.xlarge",
                "db.m6g.large",
                "db.m6g.xlarge",
                "db.m6g.2xlarge",
                "db.m7g.large",
                "db.m7g.xlarge",
                "db.m7g.2xlarge",
                "db.r6g.large",
                "db.r6g.2xlarge",
                "db.r7g.large",
                "db.r7g.xlarge",
                "db.r7g.2xlarge",
            ],
            elasticache: [
                "cache.r6g.large",
                "cache.t4g.medium",
                "cache.m6g.large",
                "cache.m6g.xlarge",
                "cache.m7g.large",
                "cache.m7g.xlarge",
                "cache.r6g.xlarge",
                "cache.r7g.large",
                "cache.r7g.xlarge",
            ],
            fargate: { maxCpu: 4096, maxMemory: 16384 },
        },
        // Seed 003 §10.4 prices production at 4 api and 3 devices tasks on average.
        // Seed 003 §10 (production costs): 500 GB a month out; the request count is an assumption (about 20 requests/s on average).
        usage: { logIngestGb: 50, natDataGb: 500, edgeRequestsMillions: 50, edgeDataOutGb: 500, averageTasksByService: { api: 4, devices: 3 } },
        environmentName: "production",
    },
} satisfies Record<string, TierTraits>;

export type Tier = keyof typeof TABLE;

/** The tier table. */
export const TIER_TABLE: Record<Tier, TierTraits> = TABLE;

/** Every tier, in table order. */
export const TIERS = Object.keys(TIER_TABLE) as Tier[];

export function isTier(value: unknown): value is Tier {
    return typeof value === "string" && Object.prototype.hasOwnProperty.call(TIER_TABLE, value);
}

/** A tier's traits. */
export function traitsOf(tier: Tier): TierTraits {
    return TIER_TABLE[tier];
}

/** The tiers whose traits satisfy `test` (e.g. the outputs a runtime exports). */
export function tiersWhere(test: (traits: TierTraits) => boolean): Tier[] {
    return TIERS.filter((tier) => test(TIER_TABLE[tier]));
}

/** Sizes each tier may use, by tier (config validation and the policies read the same lists). */
export const ALLOWED_SIZES = Object.fromEntries(TIERS.map((t) => [t, TIER_TABLE[t].allowedSizes])) as Record<Tier, TierSizes>;
