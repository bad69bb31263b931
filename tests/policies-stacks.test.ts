// The whole PolicyPack over each tier's mocked run: every stack file passes every mandatory policy,
// and the pack really inspects them (a broken variant of each is caught).
import * as assert from "assert";
import { evaluatePolicies, formatViolations, hasMandatoryFailure, liveEstimator } from "../harness/policies";
import { policies as packPolicies, packEstimator } from "../policies/pack";
import { PACK_TIERS } from "../policies/rules/tiers";
import { TIER_TABLE } from "../config/tiers";
import { runWith, stackRun } from "./helpers/stacks";

describe("policy pack over the three stack files", () => {
    for (const stack of ["dev", "staging", "production"]) {
        it(`${stack} passes every mandatory policy`, async () => {
            const violations = evaluatePolicies(await stackRun(stack));
            assert.ok(!hasMandatoryFailure(violations), formatViolations(violations));
        });
    }

    for (const stack of ["dev", "staging", "production"]) {
        it(`${stack}: the published pack (its generated tables and estimator) gives the offline evaluator's verdict and prices`, async () => {
            const capture = await stackRun(stack);
            const line = (v: { policy: string; enforcementLevel: string; resource?: string; message: string }) =>
                `${v.policy}|${v.enforcementLevel}|${v.resource ?? ""}|${v.message}`;
            assert.deepStrictEqual(evaluatePolicies(capture, undefined, { policies: packPolicies }).map(line), evaluatePolicies(capture).map(line));
            const tier = String(capture.outputs.tier);
            const options = { freeTier: TIER_TABLE[tier as keyof typeof TIER_TABLE].freeTierPricing, tier, traits: PACK_TIERS[tier] };
            assert.deepStrictEqual(packEstimator(capture.resources, options), liveEstimator(capture.resources, options));
        });
    }

    it("catches a production stack that drifts from the controls (single-AZ RDS without deletion protection)", async () => {
        const capture = await runWith("production", { config: { database: { multiAz: false, deletionProtection: false } } });
        const failed = evaluatePolicies(capture)
            .filter((v) => v.enforcementLevel === "mandatory")
            .map((v) => v.policy)
            .sort();
        assert.deepStrictEqual(failed, ["rds-deletion-protection", "rds-multi-az"]);
    });

    it("catches an exposed staging cache (no transit encryption, no backups)", async () => {
        const capture = await runWith("staging", { config: { cache: { transitEncryption: false, authToken: false, snapshotRetentionDays: 0 } } });
        const failed = evaluatePolicies(capture)
            .filter((v) => v.enforcementLevel === "mandatory")
            .map((v) => v.policy)
            .sort();
        assert.deepStrictEqual(failed, ["elasticache-automatic-backups", "elasticache-encryption-in-transit"]);
    });
});
