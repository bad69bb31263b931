// What a rotation does to running applications, not only which calls it makes: tasks are modelled by
// tests/rotation/app-model.ts (read AWSCURRENT at start, sign/verify HS256 JWTs, AUTH to the cache).
// After finishSecret the redeploy (lambda/redeploy) replaces tasks one by one, so for a while tasks that
// read the secret before the rotation ("old") and after it ("new") serve the same users.
import { strict as assert } from "assert";
import { ModifyReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { AppTask } from "./app-model";
import { captureLogs, Harness, INITIAL, inputs, LEGACY, setup, STEPS } from "./harness";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A task started now: it holds the AWSCURRENT value from here on. */
function startTask(h: Harness, name: string): AppTask {
    const id = h.store.versionWith("AWSCURRENT")!;
    return new AppTask(name, h.store.versions.get(id)!.value!, () => h.clock.now());
}

/** Every pair of tasks accepts each other's access tokens, and every task can AUTH to the cache. */
function assertInteroperable(h: Harness, tasks: AppTask[], when: string): void {
    for (const signer of tasks) {
        const token = signer.sign("user-1", "access");
        for (const verifier of tasks) {
            assert.equal(verifier.verify(token), "valid", `${when}: ${verifier.name} rejects a token signed by ${signer.name}`);
        }
    }
    for (const task of tasks) assert.ok(task.canUseCache(h.group), `${when}: ${task.name} cannot AUTH to the cache`);
}

describe("rotation lambda: running applications across a rotation", () => {
    const logs = captureLogs();

    it("old and new tasks of the rolling redeploy accept each other's tokens and both reach the cache, rotation after rotation", async () => {
        const h = logs.track(setup());
        let running = [startTask(h, "v0-a"), startTask(h, "v0-b")];

        for (let n = 1; n <= 3; n++) {
            const token = h.store.startRotation();
            await h.run("createSecret", token);
            await h.run("setSecret", token);
            // A task that starts while the rotation is under way still reads the old AWSCURRENT.
            running.push(startTask(h, `v${n - 1}-started-mid-rotation`));
            assertInteroperable(h, running, `rotation ${n}, before testSecret`);
            await h.run("testSecret", token);
            await h.run("finishSecret", token);

            // Rolling redeploy: new tasks start next to the old ones, then the old ones stop.
            const fresh = [startTask(h, `v${n}-a`), startTask(h, `v${n}-b`)];
            assertInteroperable(h, [...running, ...fresh], `rotation ${n}, during the redeploy`);
            running = fresh;
            assertInteroperable(h, running, `rotation ${n}, after the redeploy`);
            h.clock.advance(HOUR);
        }
        assert.equal(h.group.modifyCount, 3, "one ROTATE per rotation");
    });

    it("a refresh token (7 days) signed just before a rotation still works on the tasks started after it", async () => {
        const h = logs.track(setup());
        const old = startTask(h, "old");
        const refresh = old.sign("user-1", "refresh");

        const token = h.store.startRotation();
        await h.rotate(token);
        const fresh = startTask(h, "new");

        assert.equal(fresh.verify(refresh), "valid", "right after the rotation");
        h.clock.advance(6 * DAY);
        assert.equal(fresh.verify(refresh), "valid", "six days later (the rotation interval is 30 days)");
        h.clock.advance(2 * DAY);
        assert.equal(fresh.verify(refresh), "expired", "after its own 7 days, by its exp claim, not by the rotation");
    });

    it("tokens signed two rotations ago no longer verify, and the cache drops the AUTH token from two rotations ago", async () => {
        // Two rotations an hour apart (RotateSecret twice, the documented way to revoke early), so the
        // 7-day refresh token has not expired: any rejection is the rotation's doing.
        const h = logs.track(setup());
        const v0 = startTask(h, "v0");
        const signedByV0 = v0.sign("user-1", "refresh");

        await h.rotate(h.store.startRotation());
        const v1 = startTask(h, "v1");
        const signedByV1 = v1.sign("user-2", "refresh");
        assert.equal(v1.verify(signedByV0), "valid", "one rotation later v0's token still verifies");
        h.clock.advance(HOUR);

        await h.rotate(h.store.startRotation());
        const v2 = startTask(h, "v2");

        assert.equal(v2.verify(signedByV0), "bad-signature", "two rotations later v0's signing secret is gone");
        assert.equal(v2.verify(signedByV1), "valid", "v1's tokens still verify on v2");
        assert.ok(!v0.canUseCache(h.group), "v0's AUTH token is no longer accepted");
        assert.ok(v1.canUseCache(h.group) && v2.canUseCache(h.group), "v1's and v2's AUTH tokens are accepted");
    });

    it("a document without jwt.nextSecret: the first rotation's new tokens fail on old tasks, the second is seamless", async () => {
        // Why the initial document must carry nextSecret: without it nothing was published in advance.
        const h = logs.track(setup({ current: LEGACY }));
        const v0 = startTask(h, "v0");

        await h.rotate(h.store.startRotation());
        const v1 = startTask(h, "v1");
        assert.equal(v1.verify(v0.sign("user-1", "access")), "valid", "new tasks verify old tokens through previousSecret");
        assert.equal(v0.verify(v1.sign("user-1", "access")), "bad-signature", "old tasks cannot verify new tokens: the limitation");

        await h.rotate(h.store.startRotation());
        const v2 = startTask(h, "v2");
        assertInteroperable(h, [v1, v2], "second rotation");
    });
});

describe("rotation lambda: a failure at any step, then Secrets Manager's retry of the whole rotation", () => {
    const logs = captureLogs();

    // "before": the call fails without effect (throttling, a dropped connection). "after": AWS applied
    // it but the function never saw the answer (it timed out or crashed): the case idempotence is for.
    // `generated`: GetRandomPassword results in all (2 per createSecret that reaches PutSecretValue:
    // nextSecret and the AUTH token). 2 means the retry reused the stored AWSPENDING values.
    const cases = [
        { step: "createSecret", command: "PutSecretValue", when: "before", generated: 4 },
        { step: "createSecret", command: "PutSecretValue", when: "after", generated: 2 },
        { step: "createSecret", command: "GetRandomPassword", when: "before", generated: 2 },
        { step: "setSecret", command: "ModifyReplicationGroup", when: "before", generated: 2 },
        { step: "setSecret", command: "ModifyReplicationGroup", when: "after", generated: 2 },
        { step: "testSecret", command: "DescribeReplicationGroups", when: "before", generated: 2 },
        { step: "testSecret", command: "GetSecretValue", when: "before", generated: 2 },
        { step: "finishSecret", command: "UpdateSecretVersionStage", when: "before", generated: 2 },
        { step: "finishSecret", command: "UpdateSecretVersionStage", when: "after", generated: 2 },
    ] as const;

    for (const { step: failingStep, command, when, generated } of cases) {
        const fault = (h: Harness) =>
            command === "ModifyReplicationGroup" || command === "DescribeReplicationGroups" ? h.group.failNext(command, when) : h.store.failNext(command, when);
        it(`${failingStep} failing once (${command} ${when === "before" ? "fails" : "applied, answer lost"}): AWSCURRENT usable throughout, one ROTATE, right end state`, async () => {
            const h = logs.track(setup());
            const oldVersion = h.store.versionWith("AWSCURRENT");
            const oldTask = startTask(h, "old");
            const oldRefresh = oldTask.sign("user-1", "refresh");
            const token = h.store.startRotation();

            const failures: string[] = [];
            for (let attempt = 1; attempt <= 3; attempt++) {
                let failed = false;
                for (const step of STEPS) {
                    if (attempt === 1 && step === failingStep) fault(h);
                    try {
                        await h.run(step, token);
                    } catch {
                        failures.push(`${attempt}:${step}`);
                        failed = true;
                    }
                    // Whatever just happened, clients holding AWSCURRENT keep working, and a task
                    // started now interoperates with the old one.
                    assertInteroperable(h, [oldTask, startTask(h, `started after ${attempt}:${step}`)], `after ${attempt}:${step}`);
                    if (failed) break; // Secrets Manager stops this attempt and retries the whole rotation
                }
                if (!failed) break;
            }

            assert.deepEqual(failures, [`1:${failingStep}`], "exactly the injected fault failed, once");
            assert.deepEqual([...h.store.faults.fired, ...h.group.faults.fired], [`${command}:${when}`], "the fault fired");
            assert.equal(h.store.versionWith("AWSCURRENT"), token, "the rotation completed");
            assert.equal(h.store.versionWith("AWSPREVIOUS"), oldVersion);
            assert.equal(h.group.modifyCount, 1, "one ROTATE applied for this token");
            const current = h.store.valueAt("AWSCURRENT");
            assert.deepEqual(h.group.tokens, [INITIAL.redis.authToken, current.redis.authToken], "the cluster holds exactly the old and the new token");
            assert.equal(current.jwt.secret, INITIAL.jwt.nextSecret);
            assert.equal(current.jwt.previousSecret, INITIAL.jwt.secret);
            assert.equal(h.store.generated.length, generated, "a stored AWSPENDING value is reused, never regenerated");
            const fresh = startTask(h, "new");
            assert.equal(fresh.verify(oldRefresh), "valid", "refresh tokens from before the rotation still verify");
            if (failingStep === "setSecret") {
                const applied = inputs(h.ec, ModifyReplicationGroupCommand).length;
                assert.equal(applied, when === "after" ? 1 : 2, "a ROTATE whose answer was lost is not sent again");
            }
        });
    }
});
