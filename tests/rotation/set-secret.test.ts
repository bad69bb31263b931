// The rotation function's setSecret: the AUTH token change (ROTATE) requested on the replication
// group once per version.
import { strict as assert } from "assert";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { DescribeReplicationGroupsCommand, ModifyReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { ARN, captureLogs, GROUP_ID, INITIAL, inputs, sent, setup } from "./harness";

describe("rotation lambda: application secret", () => {
    const logs = captureLogs();
    const track = logs.track;

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
});
