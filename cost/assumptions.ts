// Usage the cost estimate assumes (what nobody can know offline), and the defaults per tier, read
// from the tier table's `usage` traits (config/tiers.ts): no tier is named here.

import type { Tier, TierTraits } from "../config/tiers";
import { traitsOf } from "../config/tiers";
import { catalogue as shippedCatalogue, catalogueAssumption } from "./catalogue";

/** How many tasks an ECS service runs on average over the month. */
export type AverageTasks = "min" | "max" | "desired" | "midpoint" | number;

/** Usage the program cannot know; each figure that depends on one shows it next to the amount. */
export interface CostAssumptions {
    /** Average running tasks per ECS service: the scaling target's min (else desiredCount), max, desired, midpoint of min/max, or a number. */
    averageTasks: AverageTasks;
    /**
     * Per-service override of `averageTasks`, by service name: the value of the ECS service's
     * `Service` tag (components/fargate-service.ts), never its logical name, so renaming a child
     * resource cannot change a price. A service without the tag takes `averageTasks`.
     */
    averageTasksByService: Record<string, number>;
    /** GB processed per month by all NAT gateways of the stack together (split evenly between them). */
    natDataGbPerMonth: number;
    /** Average LCUs per Application Load Balancer. */
    albLcuPerLoadBalancer: number;
    /** Average NLCUs per Network Load Balancer. */
    nlbNlcuPerLoadBalancer: number;
    /** Public IPv4 addresses of an internet-facing load balancer when its subnets are not known (one per AZ). */
    loadBalancerAzsWhenUnknown: number;
    /** GB of logs ingested per month by all log groups together (split evenly unless set per group). */
    logIngestGbPerMonth: number;
    /** Per-log-group override of the ingested GB, by the log group's logical name. */
    logIngestGbByGroup: Record<string, number>;
    /** Months of logs kept by a log group without retention (steady state would be unbounded). */
    logRetentionMonthsWhenUnlimited: number;
    /** Secrets Manager API calls per secret per month. */
    secretsApiCallsPerSecretPerMonth: number;
    /** Invocations per Lambda function per month. */
    lambdaInvocationsPerFunctionPerMonth: number;
    /** Average Lambda duration in milliseconds. */
    lambdaAvgDurationMs: number;
    /** Image storage per ECR repository, GB (compressed layers, shared between tags; a lifecycle policy keeps a few images). */
    ecrStorageGbPerRepository: number;
    /** Data stored per S3 bucket, GB (Standard class). */
    s3StorageGbPerBucket: number;
    /** GB processed per interface VPC endpoint per month. */
    vpcEndpointDataGbPerMonth: number;
    /** AZs of an interface VPC endpoint whose subnets are not known. */
    vpcEndpointAzsWhenUnknown: number;
    /** Snapshot storage kept by each DLM lifecycle policy, GB (incremental snapshots). */
    dlmSnapshotGbPerPolicy: number;
    /** RDS backup storage beyond the free amount (equal to the provisioned storage), GB per instance. */
    rdsBackupGbBeyondFree: number;
    /** Root volume size of an EC2 instance that does not set one (the AMI's size), GB. */
    ebsRootVolumeGbDefault: number;
    /** Registered Cloud Map instances per Cloud Map service. */
    cloudMapInstancesPerService: number;
    /** Viewer requests through all CloudFront distributions of the stack, millions per month (split evenly between them). */
    edgeRequestsMillionsPerMonth: number;
    /** GB CloudFront sends to viewers per month, all distributions together (origin fetches from AWS origins are free). */
    edgeDataOutGbPerMonth: number;
    /** Fraction FARGATE_SPOT saves against on-demand Fargate (default from the catalogue's assumptions). */
    fargateSpotDiscount: number;
}

/** Defaults used when `estimate()` is given no assumptions. */
export const DEFAULT_ASSUMPTIONS: Readonly<CostAssumptions> = Object.freeze({
    averageTasks: "min",
    averageTasksByService: {},
    natDataGbPerMonth: 100,
    albLcuPerLoadBalancer: 1,
    nlbNlcuPerLoadBalancer: 1,
    loadBalancerAzsWhenUnknown: 2,
    logIngestGbPerMonth: 5,
    logIngestGbByGroup: {},
    logRetentionMonthsWhenUnlimited: 12,
    secretsApiCallsPerSecretPerMonth: 10_000,
    lambdaInvocationsPerFunctionPerMonth: 100_000,
    lambdaAvgDurationMs: 200,
    ecrStorageGbPerRepository: 1,
    s3StorageGbPerBucket: 1,
    vpcEndpointDataGbPerMonth: 1,
    vpcEndpointAzsWhenUnknown: 2,
    dlmSnapshotGbPerPolicy: 10,
    rdsBackupGbBeyondFree: 0,
    ebsRootVolumeGbDefault: 8,
    cloudMapInstancesPerService: 1,
    edgeRequestsMillionsPerMonth: 1,
    edgeDataOutGbPerMonth: 5,
    fargateSpotDiscount: catalogueAssumption("fargate.spotDiscount", shippedCatalogue),
});

/**
 * Defaults for a tier's traits: its `usage` figures, everything else from DEFAULT_ASSUMPTIONS.
 * Takes only `usage`, so a tier that is not in the table yet (a test's fourth column) works too.
 */
export function assumptionsFor(traits: Pick<TierTraits, "usage">, overrides: Partial<CostAssumptions> = {}): CostAssumptions {
    const usage = traits.usage;
    return {
        ...DEFAULT_ASSUMPTIONS,
        logIngestGbPerMonth: usage.logIngestGb,
        natDataGbPerMonth: usage.natDataGb,
        edgeRequestsMillionsPerMonth: usage.edgeRequestsMillions,
        edgeDataOutGbPerMonth: usage.edgeDataOutGb,
        ...(usage.ecrStorageGbPerRepository !== undefined ? { ecrStorageGbPerRepository: usage.ecrStorageGbPerRepository } : {}),
        // This program's functions run on events (secret rotation), a handful of times a month.
        lambdaInvocationsPerFunctionPerMonth: 100,
        // Keyed by service name, matched against each ECS service's `Service` tag (cost/pricers/ecs.ts).
        averageTasksByService: { ...(usage.averageTasksByService ?? {}) },
        ...overrides,
    };
}

/** `assumptionsFor(traitsOf(tier))`: the callers that hold a tier (plan, policy pack, tests). */
export function assumptionsForTier(tier: Tier, overrides: Partial<CostAssumptions> = {}): CostAssumptions {
    return assumptionsFor(traitsOf(tier), overrides);
}

/** Throws naming the first assumption no price can be computed from (negative, NaN, unknown mode). */
export function validateAssumptions(a: CostAssumptions): void {
    const bad = (value: unknown) => typeof value !== "number" || !(Number.isFinite(value) && value >= 0);
    for (const [key, value] of Object.entries(a)) {
        if (typeof value === "number" && bad(value)) throw new Error(`cost assumption ${key} must be a number >= 0, got ${value}`);
    }
    for (const key of ["averageTasksByService", "logIngestGbByGroup"] as const) {
        for (const [name, value] of Object.entries(a[key])) {
            if (bad(value)) throw new Error(`cost assumption ${key}["${name}"] must be a number >= 0, got ${JSON.stringify(value)}`);
        }
    }
    if (typeof a.averageTasks === "string" && !["min", "max", "desired", "midpoint"].includes(a.averageTasks)) {
        throw new Error(`cost assumption averageTasks must be "min", "max", "desired", "midpoint" or a number, got "${a.averageTasks}"`);
    }
    if (a.fargateSpotDiscount > 1) throw new Error(`cost assumption fargateSpotDiscount must be between 0 and 1, got ${a.fargateSpotDiscount}`);
}
