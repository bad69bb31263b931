// Instance sizes each tier may use. Shared by config validation (fails before any resource is
// declared) and by the PolicyPack (checks what a real `pulumi preview` would create), so the two can
// never disagree. Pure data: the policy pack imports it without pulling in @pulumi/aws.

export const TIERS = ["zero-cost", "staging", "production"] as const;
export type Tier = (typeof TIERS)[number];

export interface FargateSizeLimit {
    /** Largest task CPU in CPU units (1024 = 1 vCPU). */
    maxCpu: number;
    /** Largest task memory in MiB. */
    maxMemory: number;
}

export interface TierSizes {
    /** EC2 instance types (the zero-cost host and NAT instances). */
    ec2: readonly string[];
    /** RDS instance classes; empty where the tier has no RDS. */
    rds: readonly string[];
    /** ElastiCache node types; empty where the tier has no ElastiCache. */
    elasticache: readonly string[];
    /** Fargate task size ceiling; undefined where the tier runs no Fargate tasks. */
    fargate?: FargateSizeLimit;
}

/** Free-tier eligible types (legacy 750 h plan and the 2025 credit plan, see AWS-FACTS.md). */
export const FREE_TIER_EC2_TYPES = ["t2.micro", "t3.micro", "t3.small", "t4g.micro", "t4g.small"] as const;

/** Small Graviton types for a NAT instance (about $3-6/month against $32.85 for a NAT gateway). */
export const NAT_INSTANCE_TYPES = ["t4g.nano", "t4g.micro", "t4g.small"] as const;

export const ALLOWED_SIZES: Record<Tier, TierSizes> = {
    "zero-cost": {
        ec2: FREE_TIER_EC2_TYPES,
        rds: [],
        elasticache: [],
    },
    staging: {
        ec2: NAT_INSTANCE_TYPES,
        rds: ["db.t4g.micro", "db.t4g.small", "db.t4g.medium", "db.t4g.large", "db.t3.micro", "db.t3.small", "db.t3.medium"],
        elasticache: ["cache.t4g.micro", "cache.t4g.small", "cache.t4g.medium", "cache.t3.micro", "cache.t3.small", "cache.t3.medium"],
        fargate: { maxCpu: 2048, maxMemory: 8192 },
    },
    production: {
        ec2: NAT_INSTANCE_TYPES,
        rds: [
            "db.t4g.large", "db.t4g.xlarge",
            "db.m6g.large", "db.m6g.xlarge", "db.m6g.2xlarge", "db.m7g.large", "db.m7g.xlarge", "db.m7g.2xlarge",
            "db.r6g.large", "db.r6g.xlarge", "db.r6g.2xlarge", "db.r7g.large", "db.r7g.xlarge", "db.r7g.2xlarge",
        ],
        elasticache: [
            "cache.t4g.medium",
            "cache.m6g.large", "cache.m6g.xlarge", "cache.m7g.large", "cache.m7g.xlarge",
            "cache.r6g.large", "cache.r6g.xlarge", "cache.r7g.large", "cache.r7g.xlarge",
        ],
        fargate: { maxCpu: 4096, maxMemory: 16384 },
    },
};

/** Graviton (arm64) families: cheaper for the same size; policies advise them. */
export function isGravitonType(instanceType: string): boolean {
    // t4g, m6g, r7g, c7gn, x2gd...: the generation digit followed by "g".
    const family = instanceType.replace(/^(db|cache)\./, "").split(".")[0];
    return /^[a-z]+\d+g[a-z]*$/.test(family);
}
