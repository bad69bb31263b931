// The rotation function's createSecret: the next version (JWT keys, AUTH token) stored as
// AWSPENDING, idempotently.
import { strict as assert } from "assert";
import { DescribeSecretCommand, GetRandomPasswordCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { ModifyReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { ARN, AUTH_TOKEN_PASSWORD_INPUT, captureLogs, GROUP_ID, INITIAL, inputs, JWT_PASSWORD_INPUT, LEGACY, sent, setup } from "./harness";

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
            assert.deepEqual(
                { ...put, SecretString: undefined },
                {
                    SecretId: ARN,
                    ClientRequestToken: token,
                    SecretString: undefined,
                    VersionStages: ["AWSPENDING"],
                },
            );
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
            assert.ok(
                logs.lines().some((l) => JSON.parse(l).level === "warn" && /no jwt.nextSecret/.test(JSON.parse(l).message)),
                "a warning says old tasks cannot verify the new tokens",
            );
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
            h.store.nextPasswords.push("jwtSecretFromTheGenerator0123456789abcdefghijklmnopqrstuvwxyz", 'bad/token@with"quotes0123456789');
            const token = h.store.startRotation();

            await assert.rejects(h.run("createSecret", token), /redis\.authToken must be 16-128 characters/);
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });

        it("uses REPLICATION_GROUP_ID when the secret has no replicationGroupId", async () => {
            const { replicationGroupId: _omit, ...redis } = INITIAL.redis;
            const h = track(setup({ current: { ...INITIAL, redis }, env: { REPLICATION_GROUP_ID: GROUP_ID } }));
            const token = h.store.startRotation();
            await h.rotate(token);

            assert.deepEqual(
                inputs(h.ec, ModifyReplicationGroupCommand).map((i) => i.ReplicationGroupId),
                [GROUP_ID],
            );
            assert.equal(h.store.valueAt("AWSCURRENT").redis.replicationGroupId, undefined, "the secret's shape is kept");
        });

        it("refuses when REPLICATION_GROUP_ID and the secret disagree, storing nothing", async () => {
            const h = track(setup({ env: { REPLICATION_GROUP_ID: "some-other-group" } }));
            const token = h.store.startRotation();

            await assert.rejects(
                h.run("createSecret", token),
                /REPLICATION_GROUP_ID is "some-other-group" but redis.replicationGroupId is "platform-staging-cache"/,
            );
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

            const err: Error = await h.run("createSecret", token).then(
                () => assert.fail("expected an error"),
                (e: Error) => e,
            );
            assert.equal(err.message, "AWSCURRENT: SecretString is not valid JSON");
            assert.equal(inputs(h.sm, PutSecretValueCommand).length, 0);
        });
    });
});
