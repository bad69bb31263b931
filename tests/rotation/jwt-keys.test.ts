// The rotation function and the JWT keys alone: the pure key arithmetic, and stacks whose secret has
// no cache AUTH token.
import { strict as assert } from "assert";
import { GetRandomPasswordCommand } from "@aws-sdk/client-secrets-manager";
import { checkJwtContinuity, nextJwtKeys } from "../../lambda/rotation";
import { captureLogs, INITIAL, inputs, JWT_PASSWORD_INPUT, LEGACY, sent, setup } from "./harness";

describe("rotation lambda: application secret", () => {
    const logs = captureLogs();
    const track = logs.track;

    describe("JWT key arithmetic (pure)", () => {
        it("nextJwtKeys signs with the published nextSecret, keeps the current secret to verify, publishes the fresh one", () => {
            const next = nextJwtKeys({ ...INITIAL.jwt, issuer: "platform" }, { nextSecret: "fresh".padEnd(64, "x") });
            assert.deepEqual(next, {
                ...INITIAL.jwt,
                issuer: "platform",
                secret: INITIAL.jwt.nextSecret,
                previousSecret: INITIAL.jwt.secret,
                nextSecret: "fresh".padEnd(64, "x"),
            });
        });

        it("nextJwtKeys refuses a legacy section without a fresh signing secret", () => {
            assert.throws(() => nextJwtKeys(LEGACY.jwt, { nextSecret: "fresh".padEnd(64, "x") }), /has no nextSecret, so a fresh secret is needed/);
        });

        it("checkJwtContinuity accepts a legacy current version (nothing was published to continue)", () => {
            const pending = nextJwtKeys(LEGACY.jwt, { secret: "s".repeat(64), nextSecret: "n".repeat(64) });
            assert.doesNotThrow(() => checkJwtContinuity(pending, LEGACY.jwt, "test"));
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
});
