// The whole PolicyPack over each tier's mocked run: every stack file passes every mandatory policy,
// and the pack really inspects them (a broken variant of each is caught).
import * as assert from "assert";
import { evaluatePolicies, formatViolations, hasMandatoryFailure } from "../harness/policies";
import { runWith, stackRun } from "./helpers/stacks";

describe("policy pack over the three stack files", () => {
    for (const stack of ["dev", "staging", "production"]) {
        it(`${stack} passes every mandatory policy`, async () => {
            const violations = evaluatePolicies(await stackRun(stack));
            assert.ok(!hasMandatoryFailure(violations), formatViolations(violations));
        });
    }

    it("catches a production stack that drifts from the controls (single-AZ RDS without deletion protection)", async () => {
        const capture = await runWith("production", { config: { database: { multiAz: false, deletionProtection: false } } });
        const failed = evaluatePolicies(capture).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy).sort();
        assert.deepStrictEqual(failed, ["rds-deletion-protection", "rds-multi-az"]);
    });

    it("catches an exposed staging cache (no transit encryption, no backups)", async () => {
        const capture = await runWith("staging", { config: { cache: { transitEncryption: false, authToken: false, snapshotRetentionDays: 0 } } });
        const failed = evaluatePolicies(capture).filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy).sort();
        assert.deepStrictEqual(failed, ["elasticache-automatic-backups", "elasticache-encryption-in-transit"]);
    });
});
