// GENERATED from config/allowed-sizes.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Instance size facts: the free-plan and NAT instance types, and the shape of a tier's allowed
// sizes (each tier's lists are its column in config/tiers.ts). Pure data.

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
// t3.micro first: the host's default (the 2025 free plan's x86 type; t4g needs arm64 images).
export const FREE_TIER_EC2_TYPES = ["t3.micro", "t2.micro", "t3.small", "t4g.micro", "t4g.small"] as const;

/** Small Graviton types for a NAT instance (about $3-6/month against $32.85 for a NAT gateway). */
export const NAT_INSTANCE_TYPES = ["t4g.nano", "t4g.micro", "t4g.small"] as const;

/** Graviton (arm64) families: cheaper for the same size; policies advise them. */
export function isGravitonType(instanceType: string): boolean {
    // t4g, m6g, r7g, c7gn, x2gd...: the generation digit followed by "g".
    const family = instanceType.replace(/^(db|cache)\./, "").split(".")[0];
    return /^[a-z]+\d+g[a-z]*$/.test(family);
}
