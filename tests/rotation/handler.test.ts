// The rotation function's handler around the steps: event checks, failures and retries, logging
// without secret values, and the default handler's clients.
import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeSecretCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { InvalidReplicationGroupStateFault, ModifyReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { handler as defaultHandler, makeHandler } from "../../lambda/rotation";
import { ARN, captureLogs, Harness, INITIAL, inputs, PREVIOUS, sent, setup, STEPS } from "./harness";

describe("rotation lambda: application secret", () => {
    const logs = captureLogs();
    const track = logs.track;

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
            h.group.failNextModify = new InvalidReplicationGroupStateFault({
                $metadata: {},
                message: "Replication group must be in available state to modify.",
            });
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
                const before = {
                    current: h.store.versionWith("AWSCURRENT"),
                    previous: h.store.versionWith("AWSPREVIOUS"),
                    value: h.store.valueAt("AWSCURRENT"),
                };
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
            const err: Error = await h.run("setSecret", token).then(
                () => assert.fail("expected an error"),
                (e: Error) => e,
            );
            for (const value of [...h.store.generated, ...h.store.secretValues()])
                assert.ok(!err.message.includes(value), "the error message contains a secret value");
        });
    });

    describe("default handler", () => {
        it("creates its clients on first use (SECRETS_MANAGER_ENDPOINT honoured)", async () => {
            const sm = mockClient(SecretsManagerClient);
            try {
                sm.on(DescribeSecretCommand).resolves({ RotationEnabled: false, VersionIdsToStages: {} });
                await assert.rejects(defaultHandler({ SecretId: ARN, ClientRequestToken: "t", Step: "createSecret" }), /is not enabled for rotation/);
                assert.deepEqual(
                    sm.commandCalls(DescribeSecretCommand).map((c) => c.args[0].input),
                    [{ SecretId: ARN }],
                );

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
