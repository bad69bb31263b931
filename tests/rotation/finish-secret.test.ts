// The rotation function's finishSecret: AWSCURRENT moved to the new version, and the tokens the
// cluster accepts afterwards.
import { strict as assert } from "assert";
import { UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { ARN, captureLogs, INITIAL, inputs, sent, setup, STEPS } from "./harness";

describe("rotation lambda: application secret", () => {
    const logs = captureLogs();
    const track = logs.track;

    describe("finishSecret", () => {
        it("moves AWSCURRENT to the new version; the cluster accepts AWSCURRENT and AWSPREVIOUS", async () => {
            const h = track(setup());
            const oldCurrent = h.store.versionWith("AWSCURRENT");
            const token = h.store.startRotation();
            for (const step of STEPS.slice(0, 3)) await h.run(step, token);
            h.reset();

            await h.run("finishSecret", token);

            assert.deepEqual(sent(h.sm), ["DescribeSecret", "UpdateSecretVersionStage"]);
            assert.deepEqual(inputs(h.sm, UpdateSecretVersionStageCommand), [
                { SecretId: ARN, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: oldCurrent },
            ]);
            assert.deepEqual(sent(h.ec), []);
            assert.equal(h.store.versionWith("AWSCURRENT"), token);
            assert.equal(h.store.versionWith("AWSPREVIOUS"), oldCurrent);
            assert.ok(h.group.accepts(h.store.valueAt("AWSCURRENT").redis.authToken), "the cluster accepts the AWSCURRENT token");
            assert.ok(h.group.accepts(h.store.valueAt("AWSPREVIOUS").redis.authToken), "the cluster accepts the AWSPREVIOUS token");
            assert.deepEqual(h.store.valueAt("AWSCURRENT").database, INITIAL.database, "the database section is never touched");
        });

        it("does nothing for a version that is already AWSCURRENT", async () => {
            const h = track(setup());
            const token = h.store.startRotation();
            await h.rotate(token);
            h.reset();

            await h.run("finishSecret", token);

            assert.deepEqual(sent(h.sm), ["DescribeSecret"]);
            assert.deepEqual(sent(h.ec), []);
        });

        it("a second rotation drops only the token from two rotations ago", async () => {
            const h = track(setup());
            const first = h.store.startRotation();
            await h.rotate(first);
            const second = h.store.startRotation();
            await h.rotate(second);

            assert.equal(h.store.versionWith("AWSCURRENT"), second);
            assert.equal(h.store.versionWith("AWSPREVIOUS"), first);
            assert.deepEqual(h.group.tokens, [h.store.valueAt("AWSPREVIOUS").redis.authToken, h.store.valueAt("AWSCURRENT").redis.authToken]);
            assert.ok(!h.group.accepts(INITIAL.redis.authToken), "the token from two rotations ago is dropped");
        });
    });
});
