// Data-tier configuration errors, each through the real program: the run fails before any resource
// exists, with a message that names the key and what to do.
import * as assert from "assert";
import { runWith } from "../helpers/stacks";

async function rejects(stack: string, config: Record<string, unknown>, ...fragments: (string | RegExp)[]): Promise<void> {
    await assert.rejects(runWith(stack, { config }), (error: Error) => {
        for (const f of fragments) {
            if (typeof f === "string" ? !error.message.includes(f) : !f.test(error.message)) {
                assert.fail(`message lacks ${f}: ${error.message}`);
            }
        }
        return true;
    });
}

describe("data: config errors through the program", () => {
    it("timescaledb in preloadLibraries: not on RDS, names Tiger Cloud and pg_partman", () =>
        rejects(
            "production",
            { database: { preloadLibraries: ["timescaledb"] } },
            "platform:database.preloadLibraries",
            "timescaledb",
            "Tiger Cloud",
            "pg_partman",
        ));

    it("cluster mode without automatic failover", () =>
        rejects("production", { cache: { automaticFailover: false, multiAz: false } }, "platform:cache.automaticFailover", "cluster mode"));

    it("automatic failover with a single node", () =>
        rejects("staging", { cache: { automaticFailover: true, replicasPerShard: 0 } }, "platform:cache.automaticFailover", "at least one replica"));

    it("six replicas per shard", () => rejects("production", { cache: { replicasPerShard: 6 } }, "platform:cache.replicasPerShard", "6", "0 to 5"));

    it("an AUTH token without transit encryption", () =>
        rejects("staging", { cache: { transitEncryption: false } }, "platform:cache.authToken", "transitEncryption"));
});

describe("data: config errors the pre-deploy review added", () => {
    // CloudWatch Logs PutRetentionPolicy takes a fixed list of day counts (1, 3, 5, 7, 14, 30, 60, 90, ...).
    it("A4: a slow-log retention CloudWatch Logs does not offer (4 days)", () =>
        rejects("staging", { cache: { slowLogRetentionDays: 4 } }, "platform:cache.slowLogRetentionDays", "4", "retention period", "3, 5"));

    it("B2: secrets.cloudTrail other than create or existing", () =>
        rejects("staging", { secrets: { cloudTrail: "none" } }, "platform:secrets.cloudTrail", "none", "create, existing"));
});
