// The rotation function's testSecret: waiting for the AUTH change and checking the JWT keys, and
// Secrets Manager's configuration test (AWSPENDING equal to AWSCURRENT when rotation is enabled
// without rotating).
import { strict as assert } from "assert";
import { GetSecretValueCommand, PutSecretValueCommand, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { DescribeReplicationGroupsCommand, ModifyReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { ARN, captureLogs, GROUP_ID, Harness, INITIAL, inputs, LEGACY, PREVIOUS, sent, setup } from "./harness";

describe("rotation lambda: application secret", () => {
    const logs = captureLogs();
    const track = logs.track;

    describe("testSecret", () => {
        it("waits until the group is available with the AUTH token change applied", async () => {
            const h = track(setup());
            h.group.pollsUntilApplied = 3;
            const token = h.store.startRotation();
            await h.run("createSecret", token);
            await h.run("setSecret", token);
            h.reset();

            await h.run("testSecret", token);

            assert.deepEqual(sent(h.sm), ["DescribeSecret", "GetSecretValue", "GetSecretValue"]);
            assert.deepEqual(inputs(h.sm, GetSecretValueCommand), [
                { SecretId: ARN, VersionId: token, VersionStage: "AWSPENDING" },
                { SecretId: ARN, VersionStage: "AWSCURRENT" }, // to tell a rotation from the configuration test
            ]);
            assert.deepEqual(sent(h.ec), ["DescribeReplicationGroups", "DescribeReplicationGroups", "DescribeReplicationGroups"]);
            assert.deepEqual(h.sleeps, [10_000, 10_000]);
            assert.equal(inputs(h.sm, UpdateSecretVersionStageCommand).length, 0);
        });

        it("fails when the group shows no change for this version (setSecret never ran)", async () => {
            const h = track(setup());
            const token = h.store.startRotation();
            await h.run("createSecret", token);

            await assert.rejects(h.run("testSecret", token), /shows no AUTH token change for this version/);
        });

        it("fails on a pending JWT section of the wrong shape", async () => {
            const h = track(setup({ previous: PREVIOUS, current: { ...INITIAL, redis: undefined } }));
            const token = h.store.startRotation();
            await h.run("createSecret", token);
            const pending = h.store.versions.get(token)!;
            pending.value = JSON.stringify({ ...JSON.parse(pending.value!), jwt: { secret: "x".repeat(64), expiresIn: 900 } });

            await assert.rejects(h.run("testSecret", token), /key "jwt.expiresIn" must be a non-empty string/);
        });

        // A pending version that breaks continuity would log people out at finishSecret; testSecret is
        // the last step before it, so it refuses (the edits below stand in for a bug or a manual put).
        for (const [what, edit, message] of [
            [
                "previousSecret is not AWSCURRENT's secret",
                (jwt: any) => ({ ...jwt, previousSecret: "someOtherSecret0123456789abcdefghijklmnopqrstuvwxyz" }),
                /jwt.previousSecret is not AWSCURRENT's jwt.secret/,
            ],
            [
                "secret is not AWSCURRENT's nextSecret",
                (jwt: any) => ({ ...jwt, secret: "someOtherSecret0123456789abcdefghijklmnopqrstuvwxyz" }),
                /jwt.secret is not AWSCURRENT's jwt.nextSecret/,
            ],
            ["nextSecret is missing", ({ nextSecret: _n, ...jwt }: any) => jwt, /jwt.nextSecret is missing/],
            ["nextSecret is too short", (jwt: any) => ({ ...jwt, nextSecret: "short" }), /jwt.nextSecret is shorter than 32 characters/],
            ["two keys are equal", (jwt: any) => ({ ...jwt, nextSecret: jwt.previousSecret }), /jwt.nextSecret repeats another JWT key/],
        ] as const) {
            it(`fails when the pending version's JWT keys break continuity: ${what}`, async () => {
                const h = track(setup({ current: { ...INITIAL, redis: undefined } }));
                const token = h.store.startRotation();
                await h.run("createSecret", token);
                const pending = h.store.versions.get(token)!;
                const doc = JSON.parse(pending.value!);
                pending.value = JSON.stringify({ ...doc, jwt: edit(doc.jwt) });

                await assert.rejects(h.run("testSecret", token), message);
            });
        }
    });

    // RotateSecret with RotateImmediately=false (the stack's SecretRotation sets rotateImmediately:
    // false): Secrets Manager "tests the rotation configuration by running the testSecret step ... The
    // test creates an AWSPENDING version of the secret and then removes it" (RotateSecret API
    // reference). `startConfigurationTest`/`endConfigurationTest` in fakes.ts are that sequence.

    describe("enabling rotation without rotating (Secrets Manager's configuration test)", () => {
        function snapshot(h: Harness) {
            return {
                current: h.store.versionWith("AWSCURRENT"),
                previous: h.store.versionWith("AWSPREVIOUS"),
                value: h.store.valueAt("AWSCURRENT"),
                tokens: [...h.group.tokens],
            };
        }

        it("testSecret accepts an AWSPENDING copy of AWSCURRENT, changes nothing, waits for nothing", async () => {
            const h = track(setup());
            const before = snapshot(h);

            const token = h.store.startConfigurationTest();
            await h.run("testSecret", token);
            h.store.endConfigurationTest(token);

            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0, "no PutSecretValue");
            assert.equal(inputs(h.sm, UpdateSecretVersionStageCommand).length, 0, "no UpdateSecretVersionStage");
            assert.equal(inputs(h.ec, ModifyReplicationGroupCommand).length, 0, "no ModifyReplicationGroup");
            assert.deepEqual(inputs(h.ec, DescribeReplicationGroupsCommand), [{ ReplicationGroupId: GROUP_ID }], "the group is described once");
            assert.deepEqual(h.sleeps, [], "no wait for an AUTH change that will never come");
            assert.deepEqual(snapshot(h), before, "AWSCURRENT, AWSPREVIOUS and the cluster's tokens are as before");
            assert.equal(h.store.versionWith("AWSPENDING"), undefined, "Secrets Manager removed AWSPENDING again");
            assert.equal(h.store.generated.length, 0, "no password generated");
        });

        it("leaves the secret ready for the first scheduled rotation", async () => {
            const h = track(setup());
            const probe = h.store.startConfigurationTest();
            await h.run("testSecret", probe);
            h.store.endConfigurationTest(probe);

            const token = h.store.startRotation(); // one interval later
            await h.rotate(token);

            assert.equal(h.store.versionWith("AWSCURRENT"), token);
            assert.equal(h.group.modifyCount, 1);
            assert.ok(h.group.accepts(h.store.valueAt("AWSCURRENT").redis.authToken), "the cluster accepts the new AWSCURRENT token");
            assert.ok(h.group.accepts(INITIAL.redis.authToken), "and still the one before it");
        });

        it("returns at once if Secrets Manager labels the AWSCURRENT version itself AWSPENDING", async () => {
            // The API reference does not say whether the test version is a copy or the current version
            // relabelled; the second form is already AWSCURRENT and needs no test.
            const h = track(setup());
            const current = h.store.versions.get(h.store.versionWith("AWSCURRENT")!)!;
            current.stages.push("AWSPENDING");

            await h.run("testSecret", current.id);

            assert.deepEqual(sent(h.sm), ["DescribeSecret"]);
            assert.deepEqual(sent(h.ec), []);
        });

        it("passes for a document without jwt.nextSecret, with a warning that its first rotation logs old tasks' users out", async () => {
            const h = track(setup({ current: LEGACY }));
            const token = h.store.startConfigurationTest();

            await h.run("testSecret", token);

            assert.ok(
                logs.lines().some((l) => JSON.parse(l).level === "warn" && /jwt.nextSecret is missing/.test(JSON.parse(l).message)),
                "warned",
            );
        });

        it("fails the test when the replication group has AUTH disabled", async () => {
            const h = track(setup());
            h.group.authTokenEnabled = false;
            const token = h.store.startConfigurationTest();

            await assert.rejects(h.run("testSecret", token), /replication group platform-staging-cache has AUTH disabled/);
        });

        it("fails the test when the replication group does not exist", async () => {
            const h = track(setup({ current: { ...INITIAL, redis: { ...INITIAL.redis, replicationGroupId: "no-such-group" } } }));
            const token = h.store.startConfigurationTest();

            await assert.rejects(h.run("testSecret", token), /replication group no-such-group was not found by DescribeReplicationGroups/);
        });

        it("fails the test when the secret's shape is wrong", async () => {
            const h = track(setup({ current: { ...INITIAL, jwt: { ...INITIAL.jwt, refreshExpiresIn: 604800 } } }));
            const token = h.store.startConfigurationTest();

            await assert.rejects(h.run("testSecret", token), /key "jwt.refreshExpiresIn" must be a non-empty string/);
            assert.deepEqual(sent(h.ec), [], "shape is checked before the cluster is asked");
        });

        it("fails the test when the AUTH token in the secret is one ElastiCache would refuse", async () => {
            const h = track(setup({ current: { ...INITIAL, redis: { ...INITIAL.redis, authToken: "short" } } }));
            const token = h.store.startConfigurationTest();

            await assert.rejects(h.run("testSecret", token), /redis.authToken must be 16-128 characters/);
        });
    });
});
