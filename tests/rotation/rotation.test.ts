import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import {
    DescribeSecretCommand,
    GetRandomPasswordCommand,
    GetSecretValueCommand,
    PutSecretValueCommand,
    SecretsManagerClient,
    UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { DescribeReplicationGroupsCommand, InvalidReplicationGroupStateFault, ModifyReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { checkJwtContinuity, handler as defaultHandler, makeHandler, nextJwtKeys } from "../../lambda/rotation";
import {
    ARN,
    AUTH_TOKEN_PASSWORD_INPUT,
    captureLogs,
    GROUP_ID,
    Harness,
    INITIAL,
    inputs,
    JWT_PASSWORD_INPUT,
    LEGACY,
    PREVIOUS,
    sent,
    setup,
    STEPS,
} from "./harness";

describe("rotation lambda: application secret", () => {
    const logs = captureLogs();
    const track = logs.track;

    describe("createSecret", () => {
        it("stores an AWSPENDING version with the next JWT keys and a new redis.authToken, everything else unchanged", async () => {
            const h = track(setup());
            const oldCurrent = h.store.versionWith("AWSCURRENT");
            const token = h.store.startRotation();
            await h.run("createSecret", token);

            assert.deepEqual(sent(h.sm), ["DescribeSecret", "GetSecretValue", "GetSecretValue", "GetRandomPassword", "GetRandomPassword", "PutSecretValue"]);
            assert.deepEqual(inputs(h.sm, DescribeSecretCommand), [{ SecretId: ARN }]);
            assert.deepEqual(inputs(h.sm, GetSecretValueCommand), [
                { SecretId: ARN, VersionId: token, VersionStage: "AWSPENDING" },
                { SecretId: ARN, VersionStage: "AWSCURRENT" },
            ]);
            assert.deepEqual(inputs(h.sm, GetRandomPasswordCommand), [JWT_PASSWORD_INPUT, AUTH_TOKEN_PASSWORD_INPUT]);
            const [freshNextSecret, authToken] = h.store.generated;
            const [put] = inputs(h.sm, PutSecretValueCommand);
            assert.deepEqual({ ...put, SecretString: undefined }, {
                SecretId: ARN,
                ClientRequestToken: token,
                SecretString: undefined,
                VersionStages: ["AWSPENDING"],
            });
            assert.deepEqual(JSON.parse(put!.SecretString!), {
                database: INITIAL.database,
                redis: { ...INITIAL.redis, authToken },
                jwt: {
                    secret: "publishedNextJwtSecret0123456789abcdefghijklmnopqrstuvwxyz", // published one rotation ago
                    previousSecret: "initialJwtSecret0123456789abcdefghijklmnopqrstuvwxyzABCDEF", // what old tasks sign with
                    nextSecret: freshNextSecret,
                    expiresIn: "15m",
                    refreshExpiresIn: "7d",
                },
                newrelic: INITIAL.newrelic,
                devices_grpc: INITIAL.devices_grpc,
            });
            assert.match(authToken!, /^[A-Za-z0-9]{64}$/);
            assert.match(freshNextSecret!, /^[A-Za-z0-9]{64}$/);
            assert.deepEqual(sent(h.ec), [], "createSecret must not touch the cache");
            assert.equal(h.store.versionWith("AWSCURRENT"), oldCurrent);
            assert.deepEqual(h.store.stages()[token], ["AWSPENDING"]);
        });

        it("does nothing when the AWSPENDING version already has a value (retried step)", async () => {
            const h = track(setup());
            const token = h.store.startRotation();
            await h.run("createSecret", token);
            const pending = h.store.valueAt("AWSPENDING");
            h.reset();

            await h.run("createSecret", token);

            assert.deepEqual(sent(h.sm), ["DescribeSecret", "GetSecretValue"]);
            assert.deepEqual(inputs(h.sm, GetSecretValueCommand), [{ SecretId: ARN, VersionId: token, VersionStage: "AWSPENDING" }]);
            assert.deepEqual(h.store.valueAt("AWSPENDING"), pending);
            assert.equal(h.store.generated.length, 2);
        });

        it("gives a legacy document (no jwt.nextSecret) a fresh secret and a fresh nextSecret, and warns", async () => {
            const h = track(setup({ current: LEGACY }));
            const token = h.store.startRotation();
            await h.run("createSecret", token);

            assert.deepEqual(inputs(h.sm, GetRandomPasswordCommand), [JWT_PASSWORD_INPUT, JWT_PASSWORD_INPUT, AUTH_TOKEN_PASSWORD_INPUT]);
            const [freshSecret, freshNextSecret] = h.store.generated;
            assert.deepEqual(h.store.valueAt("AWSPENDING").jwt, {
                secret: freshSecret,
                previousSecret: LEGACY.jwt.secret,
                nextSecret: freshNextSecret,
                expiresIn: "15m",
                refreshExpiresIn: "7d",
            });
            assert.ok(logs.lines().some((l) => JSON.parse(l).level === "warn" && /no jwt.nextSecret/.test(JSON.parse(l).message)), "a warning says old tasks cannot verify the new tokens");
        });

        it("keeps unknown keys inside jwt and redis", async () => {
            const current = { ...INITIAL, jwt: { ...INITIAL.jwt, issuer: "platform" }, redis: { ...INITIAL.redis, tls: true } };
            const h = track(setup({ current }));
            const token = h.store.startRotation();
            await h.run("createSecret", token);

            const pending = h.store.valueAt("AWSPENDING");
            assert.equal(pending.jwt.issuer, "platform");
            assert.equal(pending.redis.tls, true);
        });

        it("refuses generated JWT keys that repeat one another, storing nothing", async () => {
            const h = track(setup());
            h.store.nextPasswords.push(INITIAL.jwt.nextSecret); // the "fresh" nextSecret equals the new signing secret
            const token = h.store.startRotation();

            await assert.rejects(h.run("createSecret", token), /jwt.nextSecret repeats another JWT key/);
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });

        it("refuses a generated AUTH token ElastiCache would reject, storing nothing", async () => {
            const h = track(setup());
            h.store.nextPasswords.push("jwtSecretFromTheGenerator0123456789abcdefghijklmnopqrstuvwxyz", "bad/token@with\"quotes0123456789");
            const token = h.store.startRotation();

            await assert.rejects(h.run("createSecret", token), /redis\.authToken must be 16-128 characters/);
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });

        it("uses REPLICATION_GROUP_ID when the secret has no replicationGroupId", async () => {
            const { replicationGroupId: _omit, ...redis } = INITIAL.redis;
            const h = track(setup({ current: { ...INITIAL, redis }, env: { REPLICATION_GROUP_ID: GROUP_ID } }));
            const token = h.store.startRotation();
            await h.rotate(token);

            assert.deepEqual(inputs(h.ec, ModifyReplicationGroupCommand).map((i) => i.ReplicationGroupId), [GROUP_ID]);
            assert.equal(h.store.valueAt("AWSCURRENT").redis.replicationGroupId, undefined, "the secret's shape is kept");
        });

        it("refuses when REPLICATION_GROUP_ID and the secret disagree, storing nothing", async () => {
            const h = track(setup({ env: { REPLICATION_GROUP_ID: "some-other-group" } }));
            const token = h.store.startRotation();

            await assert.rejects(h.run("createSecret", token), /REPLICATION_GROUP_ID is "some-other-group" but redis.replicationGroupId is "platform-staging-cache"/);
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });

        it("refuses an AUTH token with no known replication group", async () => {
            const { replicationGroupId: _omit, ...redis } = INITIAL.redis;
            const h = track(setup({ current: { ...INITIAL, redis } }));
            const token = h.store.startRotation();

            await assert.rejects(h.run("createSecret", token), /set REPLICATION_GROUP_ID or redis.replicationGroupId/);
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });

        it("refuses a jwt.nextSecret that is not a string, storing nothing", async () => {
            const h = track(setup({ current: { ...INITIAL, jwt: { ...INITIAL.jwt, nextSecret: 42 } } }));
            const token = h.store.startRotation();

            await assert.rejects(h.run("createSecret", token), /AWSCURRENT: key "jwt.nextSecret" must be a non-empty string when present/);
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });

        it("reports malformed JSON in AWSCURRENT without quoting it", async () => {
            const h = track(setup({ current: { placeholder: true } }));
            const current = h.store.versions.get(h.store.versionWith("AWSCURRENT")!)!;
            current.value = '{"jwt": {"secret": "leakyValue0123456789abcdefghijklmnop", }';
            const token = h.store.startRotation();

            const err: Error = await h.run("createSecret", token).then(() => assert.fail("expected an error"), (e: Error) => e);
            assert.equal(err.message, "AWSCURRENT: SecretString is not valid JSON");
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });
    });

    describe("setSecret", () => {
        it("sends one ROTATE with the pending token, applied immediately", async () => {
            const h = track(setup());
            const token = h.store.startRotation();
            await h.run("createSecret", token);
            const pendingToken = h.store.valueAt("AWSPENDING").redis.authToken;
            h.reset();

            await h.run("setSecret", token);

            assert.deepEqual(sent(h.sm), ["DescribeSecret", "GetSecretValue"]);
            assert.deepEqual(inputs(h.sm, GetSecretValueCommand), [{ SecretId: ARN, VersionId: token, VersionStage: "AWSPENDING" }]);
            assert.deepEqual(sent(h.ec), ["DescribeReplicationGroups", "ModifyReplicationGroup"]);
            assert.deepEqual(inputs(h.ec, DescribeReplicationGroupsCommand), [{ ReplicationGroupId: GROUP_ID }]);
            assert.deepEqual(inputs(h.ec, ModifyReplicationGroupCommand), [
                { ReplicationGroupId: GROUP_ID, AuthToken: pendingToken, AuthTokenUpdateStrategy: "ROTATE", ApplyImmediately: true },
            ]);
            h.group.completePendingChange();
            assert.ok(h.group.accepts(INITIAL.redis.authToken), "the AWSCURRENT token stays valid");
            assert.ok(h.group.accepts(pendingToken), "the pending token is valid");
        });

        for (const lastModifiedOn of ["completion", "request"] as const) {
            it(`does not send a second ROTATE when retried (AuthTokenLastModifiedDate set on ${lastModifiedOn})`, async () => {
                const h = track(setup());
                h.group.lastModifiedOn = lastModifiedOn;
                const token = h.store.startRotation();
                await h.run("createSecret", token);
                await h.run("setSecret", token);
                await h.run("setSecret", token); // while the change is in flight
                h.group.completePendingChange();
                await h.run("setSecret", token); // after it was applied

                assert.equal(inputs(h.ec, ModifyReplicationGroupCommand).length, 1);
                assert.ok(h.group.accepts(INITIAL.redis.authToken), "a second ROTATE would have dropped the AWSCURRENT token");
            });
        }

        it("refuses to ROTATE when the group has AUTH disabled", async () => {
            const h = track(setup());
            h.group.authTokenEnabled = false;
            const token = h.store.startRotation();
            await h.run("createSecret", token);

            await assert.rejects(h.run("setSecret", token), /has AUTH disabled but the secret has a token/);
            assert.equal(inputs(h.ec, ModifyReplicationGroupCommand).length, 0);
        });
    });

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
            ["previousSecret is not AWSCURRENT's secret", (jwt: any) => ({ ...jwt, previousSecret: "someOtherSecret0123456789abcdefghijklmnopqrstuvwxyz" }), /jwt.previousSecret is not AWSCURRENT's jwt.secret/],
            ["secret is not AWSCURRENT's nextSecret", (jwt: any) => ({ ...jwt, secret: "someOtherSecret0123456789abcdefghijklmnopqrstuvwxyz" }), /jwt.secret is not AWSCURRENT's jwt.nextSecret/],
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

            assert.ok(logs.lines().some((l) => JSON.parse(l).level === "warn" && /jwt.nextSecret is missing/.test(JSON.parse(l).message)), "warned");
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

    describe("JWT key arithmetic (pure)", () => {
        it("nextJwtKeys signs with the published nextSecret, keeps the current secret to verify, publishes the fresh one", () => {
            const next = nextJwtKeys({ ...INITIAL.jwt, issuer: "platform" }, { nextSecret: "fresh".padEnd(64, "x") });
            assert.deepEqual(next, { ...INITIAL.jwt, issuer: "platform", secret: INITIAL.jwt.nextSecret, previousSecret: INITIAL.jwt.secret, nextSecret: "fresh".padEnd(64, "x") });
        });

        it("nextJwtKeys refuses a legacy section without a fresh signing secret", () => {
            assert.throws(() => nextJwtKeys(LEGACY.jwt, { nextSecret: "fresh".padEnd(64, "x") }), /has no nextSecret, so a fresh secret is needed/);
        });

        it("checkJwtContinuity accepts a legacy current version (nothing was published to continue)", () => {
            const pending = nextJwtKeys(LEGACY.jwt, { secret: "s".repeat(64), nextSecret: "n".repeat(64) });
            assert.doesNotThrow(() => checkJwtContinuity(pending, LEGACY.jwt, "test"));
        });
    });

    describe("event checks", () => {
        it("refuses a secret whose rotation is not enabled, before doing anything", async () => {
            const h = track(setup());
            const token = h.store.startRotation();
            h.store.rotationEnabled = false;

            await assert.rejects(h.run("createSecret", token), new RegExp(`Secret ${ARN} is not enabled for rotation`));
            assert.deepEqual(sent(h.sm), ["DescribeSecret"]);
            assert.deepEqual(sent(h.ec), []);
        });

        it("refuses an unknown step without calling AWS", async () => {
            const h = track(setup());
            const token = h.store.startRotation();

            await assert.rejects(h.run("rotateSecret", token), /Invalid step parameter "rotateSecret"/);
            assert.deepEqual(sent(h.sm), []);
            assert.deepEqual(sent(h.ec), []);
        });

        it("refuses a token with no version, and a version that is not AWSPENDING", async () => {
            const h = track(setup());
            await assert.rejects(h.run("createSecret", "no-such-version"), /Secret version no-such-version has no stage for rotation/);
            const previous = h.store.versionWith("AWSPREVIOUS")!;
            await assert.rejects(h.run("setSecret", previous), new RegExp(`Secret version ${previous} is not set as AWSPENDING`));
            assert.deepEqual(sent(h.ec), []);
        });

        it("refuses an event without SecretId", async () => {
            const h = track(setup());
            await assert.rejects(h.handler({ ClientRequestToken: "t", Step: "createSecret" } as never), /needs string SecretId/);
            assert.deepEqual(sent(h.sm), []);
        });
    });

    describe("stacks without cache AUTH", () => {
        it("rotates only the JWT keys when the secret has no redis section", async () => {
            const { redis: _r, ...jwtOnly } = INITIAL;
            const h = track(setup({ current: jwtOnly, previous: jwtOnly }));
            const token = h.store.startRotation();
            await h.rotate(token);

            assert.deepEqual(inputs(h.sm, GetRandomPasswordCommand), [JWT_PASSWORD_INPUT]);
            assert.deepEqual(sent(h.ec), [], "no ElastiCache call at all");
            assert.deepEqual(h.store.valueAt("AWSCURRENT"), {
                ...jwtOnly,
                jwt: { ...INITIAL.jwt, secret: INITIAL.jwt.nextSecret, previousSecret: INITIAL.jwt.secret, nextSecret: h.store.generated[0] },
            });
            assert.equal(h.store.versionWith("AWSCURRENT"), token);
        });

        it("leaves a redis section without authToken alone", async () => {
            const redis = { host: INITIAL.redis.host, port: INITIAL.redis.port };
            const h = track(setup({ current: { ...INITIAL, redis } }));
            const token = h.store.startRotation();
            await h.rotate(token);

            assert.deepEqual(sent(h.ec), []);
            assert.deepEqual(h.store.valueAt("AWSCURRENT").redis, redis);
            assert.equal(h.store.generated.length, 1);
        });
    });

    describe("failures leave AWSCURRENT usable, and a retry completes", () => {
        function assertUntouched(h: Harness, before: { current?: string; previous?: string; value: unknown }) {
            assert.equal(inputs(h.sm, UpdateSecretVersionStageCommand).length, 0, "no UpdateSecretVersionStage");
            assert.equal(h.store.versionWith("AWSCURRENT"), before.current);
            assert.equal(h.store.versionWith("AWSPREVIOUS"), before.previous);
            assert.deepEqual(h.store.valueAt("AWSCURRENT"), before.value);
            h.group.completePendingChange();
            assert.ok(h.group.accepts(h.store.valueAt("AWSCURRENT").redis.authToken), "clients holding AWSCURRENT can still AUTH");
        }

        it("ModifyReplicationGroup failing in setSecret", async () => {
            const h = track(setup());
            const before = { current: h.store.versionWith("AWSCURRENT"), previous: h.store.versionWith("AWSPREVIOUS"), value: h.store.valueAt("AWSCURRENT") };
            h.group.failNextModify = new InvalidReplicationGroupStateFault({ $metadata: {}, message: "Replication group must be in available state to modify." });
            const token = h.store.startRotation();
            await h.run("createSecret", token);
            await assert.rejects(h.run("setSecret", token), /must be in available state/);
            // Secrets Manager stops this attempt here: testSecret and finishSecret are not invoked.

            assertUntouched(h, before);
            assert.deepEqual(h.group.tokens, [PREVIOUS.redis.authToken, INITIAL.redis.authToken]);
            assert.throws(() => h.store.startRotation(), /previous rotation isn't complete/, "a new RotateSecret is refused while AWSPENDING is pending");

            await h.rotate(token); // Secrets Manager's retry reuses the token

            assert.equal(h.store.generated.length, 2, "the retry reuses the pending values");
            assert.equal(inputs(h.ec, ModifyReplicationGroupCommand).length, 2);
            assert.equal(h.group.modifyCount, 1);
            assert.equal(h.store.versionWith("AWSCURRENT"), token);
            assert.equal(h.store.versionWith("AWSPREVIOUS"), before.current);
            assert.ok(h.group.accepts(h.store.valueAt("AWSCURRENT").redis.authToken), "the cluster accepts the AWSCURRENT token");
            assert.ok(h.group.accepts(h.store.valueAt("AWSPREVIOUS").redis.authToken), "the cluster accepts the AWSPREVIOUS token");
        });

        for (const lastModifiedOn of ["completion", "request"] as const) {
            it(`testSecret timing out while the change is in flight (AuthTokenLastModifiedDate set on ${lastModifiedOn})`, async () => {
                const h = track(setup());
                h.group.lastModifiedOn = lastModifiedOn;
                h.group.pollsUntilApplied = 100;
                const before = { current: h.store.versionWith("AWSCURRENT"), previous: h.store.versionWith("AWSPREVIOUS"), value: h.store.valueAt("AWSCURRENT") };
                const token = h.store.startRotation();
                await h.run("createSecret", token);
                await h.run("setSecret", token);
                h.reset();

                // 45 s of Lambda time: 30 s of waiting after the 15 s margin, polls at 0, 10, 20 s.
                await assert.rejects(h.run("testSecret", token, 45_000), /is still "modifying" \(auth token status ROTATING\); the rotation will be retried/);
                assert.deepEqual(sent(h.ec), ["DescribeReplicationGroups", "DescribeReplicationGroups", "DescribeReplicationGroups"]);
                assert.deepEqual(sent(h.sm), ["DescribeSecret", "GetSecretValue", "GetSecretValue"]);

                assertUntouched(h, before);
                h.reset();
                await h.rotate(token);

                assert.equal(inputs(h.ec, ModifyReplicationGroupCommand).length, 0, "no second ROTATE on retry");
                assert.equal(h.group.modifyCount, 1);
                assert.equal(h.store.versionWith("AWSCURRENT"), token);
                assert.ok(h.group.accepts(h.store.valueAt("AWSCURRENT").redis.authToken), "the cluster accepts the AWSCURRENT token");
                assert.ok(h.group.accepts(h.store.valueAt("AWSPREVIOUS").redis.authToken), "the cluster accepts the AWSPREVIOUS token");
            });
        }
    });

    describe("logging", () => {
        it("logs one JSON line per decision naming the step and version, never a value", async () => {
            const h = track(setup());
            const token = h.store.startRotation();
            await h.rotate(token);

            const records = logs.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
            assert.ok(records.length >= 4, `expected at least 4 log lines, got ${records.length}`);
            assert.deepEqual([...new Set(records.map((r) => r.step))], [...STEPS]);
            for (const r of records) {
                assert.equal(r.versionId, token);
                assert.equal(r.secretId, ARN);
            }
            // The afterEach hook checks every captured line against every value ever generated.
            assert.equal(h.store.generated.length, 2);
        });

        it("keeps values out of error messages too", async () => {
            const h = track(setup());
            const token = h.store.startRotation();
            await h.run("createSecret", token);
            h.group.authTokenEnabled = false;
            const err: Error = await h.run("setSecret", token).then(() => assert.fail("expected an error"), (e: Error) => e);
            for (const value of [...h.store.generated, ...h.store.secretValues()]) assert.ok(!err.message.includes(value), "the error message contains a secret value");
        });
    });

    describe("default handler", () => {
        it("creates its clients on first use (SECRETS_MANAGER_ENDPOINT honoured)", async () => {
            const sm = mockClient(SecretsManagerClient);
            try {
                sm.on(DescribeSecretCommand).resolves({ RotationEnabled: false, VersionIdsToStages: {} });
                await assert.rejects(
                    defaultHandler({ SecretId: ARN, ClientRequestToken: "t", Step: "createSecret" }),
                    /is not enabled for rotation/,
                );
                assert.deepEqual(sm.commandCalls(DescribeSecretCommand).map((c) => c.args[0].input), [{ SecretId: ARN }]);

                const withEndpoint = makeHandler({ env: { SECRETS_MANAGER_ENDPOINT: "https://secretsmanager-fips.us-east-1.amazonaws.com" } });
                await assert.rejects(withEndpoint({ SecretId: ARN, ClientRequestToken: "t", Step: "setSecret" }), /is not enabled for rotation/);
                const client = sm.call(1).thisValue as SecretsManagerClient;
                const endpoint = await client.config.endpoint?.();
                assert.equal(endpoint?.hostname, "secretsmanager-fips.us-east-1.amazonaws.com");
            } finally {
                sm.restore();
            }
        });
    });
});
