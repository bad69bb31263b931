// Every tier-aware policy reads the traits of the resource's tier from the table it is given, never
// the tier's name: a table of two invented tiers (one strict, one free) drives all of them.
import * as assert from "assert";
import { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { TIER_TABLE } from "../../config/tiers";
import { BudgetEstimate, Estimator } from "../../policies/rules/cost";
import { createPolicies } from "../../policies/rules/index";
import { TierTable } from "../../policies/rules/tiers";
import { evaluate, res } from "./util";

const base = TIER_TABLE.staging;
/** `vault`: protects data, highly available, HTTPS only, one NAT per AZ, 7-day logs, $10. `free`: $0 inside the free tier, no NAT. */
const TABLE: TierTable = {
    vault: {
        ...base,
        protectData: true,
        highAvailability: true,
        httpsOnly: true,
        budgetUsd: 10,
        maxNatGateways: undefined,
        logRetention: { default: 7, min: 7, max: 7 },
        allowedSizes: { ...base.allowedSizes, rds: ["db.m7g.large"] },
    },
    free: { ...base, budgetUsd: 0, freeTierPricing: true, maxNatGateways: 0, allowedSizes: { ...base.allowedSizes, rds: [] } },
};

const price: Estimator = (resources, options): BudgetEstimate => {
    const total = resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length * 40;
    return { total, totalAfterFreeTier: total, totalInsideFreeTier: options.freeTier ? total / 2 : total };
};

const policies: Policies = createPolicies({ estimator: price, tiers: TABLE });
const tagged = (tier: string) => ({ tags: { Project: "platform", Environment: "staging", Tier: tier, CostCenter: "c" } });

/** Mandatory policies that fail for `resources`, each with its first message. */
function failures(resources: ReturnType<typeof res>[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of evaluate(policies, resources).filter((v) => v.enforcementLevel === "mandatory")) out[v.policy] ??= v.message;
    return out;
}

describe("policies: tier traits, not tier names", () => {
    const db = (tier: string, extra: Record<string, unknown> = {}) =>
        res("aws:rds/instance:Instance", "db", { instanceClass: "db.m7g.large", storageEncrypted: true, storageType: "gp3", ...tagged(tier), ...extra });

    it("protectData and highAvailability demand deletion protection and Multi-AZ, whatever the tier is called", () => {
        const strict = failures([db("vault")]);
        assert.match(strict["rds-multi-az"], /not Multi-AZ although its tier has high availability/);
        assert.match(strict["rds-deletion-protection"], /deletionProtection: true although its tier protects data/);
        assert.deepStrictEqual(failures([db("vault", { multiAz: true, deletionProtection: true })]), {});
        const cache = res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
            nodeType: "cache.t4g.small",
            snapshotRetentionLimit: 1,
            transitEncryptionEnabled: true,
            atRestEncryptionEnabled: true,
            ...tagged("vault"),
        });
        assert.ok(failures([cache])["elasticache-automatic-failover"]);
    });

    it("allowedSizes and budgetUsd come from the table: the free tier has no RDS and a $0 budget", () => {
        const free = failures([db("free")]);
        assert.match(free["allowed-instance-sizes"], /"db\.m7g\.large" is not allowed in tier free; allowed: none/);
        assert.match(free["zero-budget-never-free"], /not allowed in tier free \(budget \$0\)/);
        assert.strictEqual(failures([db("vault", { multiAz: true, deletionProtection: true })])["zero-budget-never-free"], undefined);
    });

    it("freeTierPricing picks the estimate inside the free tier; maxNatGateways caps NAT gateways, unset means one per AZ", () => {
        const nat = (tier: string, n: number) => res("aws:ec2/natGateway:NatGateway", `nat-${n}`, tagged(tier));
        const vault = failures([nat("vault", 1)]);
        assert.match(vault["monthly-budget"], /\$40\.00 \(without free-tier allowances\) exceeds the vault budget of \$10\.00/);
        assert.strictEqual(vault["nat-gateway-count"], undefined, "one NAT gateway in one AZ");
        const free = failures([nat("free", 1)]);
        assert.match(free["monthly-budget"], /\$20\.00 \(inside the free tier\) exceeds the free budget of \$0\.00/);
        assert.match(free["nat-gateway-count"], /exceed tier free's limit of 0\.$/);
    });

    it("logRetention bounds and httpsOnly come from the table", () => {
        const logs = (days: number) => res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: days, ...tagged("vault") });
        assert.match(failures([logs(14)])["log-retention"], /outside tier vault's bounds \[7, 7\]/);
        assert.strictEqual(failures([logs(7)])["log-retention"], undefined);
        const alb = res("aws:lb/loadBalancer:LoadBalancer", "alb", { loadBalancerType: "application", ...tagged("vault") });
        const http = res("aws:lb/listener:Listener", "http", {
            loadBalancerArn: alb.urn,
            protocol: "HTTP",
            defaultActions: [{ type: "forward" }],
            ...tagged("vault"),
        });
        assert.match(failures([alb, http])["alb-https-redirect"], /tier vault requires HTTPS/);
        const freeAlb = res("aws:lb/loadBalancer:LoadBalancer", "alb", { loadBalancerType: "application", ...tagged("free") });
        assert.strictEqual(failures([freeAlb, { ...http, inputs: { ...http.inputs, ...tagged("free") } }])["alb-https-redirect"], undefined);
    });

    it("a tier name the table does not have is refused (Tier tag and pack config), listing the table's tiers", () => {
        const stray = failures([res("aws:ec2/vpc:Vpc", "vpc", tagged("staging"))]);
        assert.match(stray["cost-allocation-tags"], /Tag Tier is "staging"; allowed: vault, free\./);
        assert.match(stray["monthly-budget"], /Tier tag "staging" is not one of vault, free/);
        const schemaOf = (name: string) => (policies.find((p) => p.name === name) as ResourceValidationPolicy | StackValidationPolicy).configSchema;
        assert.deepStrictEqual((schemaOf("log-retention")!.properties.tier as { enum: string[] }).enum, ["vault", "free"]);
    });
});
