// The rotation function wired to the fakes, the fixtures the specs share, and the log capture that
// checks no log line ever carries a secret value.
import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { makeHandler, RotationContext } from "../../lambda/rotation";
import { EcStub, FakeClock, FakeReplicationGroup, FakeSecretStore, SmStub } from "./fakes";

export const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform/staging/app-AbCdEf";
export const GROUP_ID = "platform-staging-cache";
export const STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;

export const INITIAL = {
    database: {
        host: "platform-staging.abc123.us-east-1.rds.amazonaws.com",
        port: 5432,
        dbname: "app",
        masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf",
    },
    redis: {
        host: "clustercfg.platform-staging-cache.abc123.use1.cache.amazonaws.com",
        port: 6379,
        authToken: "InitialAuthToken0123456789abcdefXYZ",
        replicationGroupId: GROUP_ID,
    },
    // Signs with `secret`; verifies with secret, previousSecret and nextSecret.
    jwt: {
        secret: "initialJwtSecret0123456789abcdefghijklmnopqrstuvwxyzABCDEF",
        previousSecret: "previousJwtSecret0123456789abcdefghijklmnopqrstuvwxyzABCD",
        nextSecret: "publishedNextJwtSecret0123456789abcdefghijklmnopqrstuvwxyz",
        expiresIn: "15m",
        refreshExpiresIn: "7d",
    },
    // Keys the function knows nothing about: copied unchanged.
    newrelic: { licenseKey: "nrLicenseKeyIsNotRotatedHere0123456789", appName: "platform-staging" },
    devices_grpc: { url: "devices.platform-staging.local:50051" },
};
export const PREVIOUS = {
    ...INITIAL,
    redis: { ...INITIAL.redis, authToken: "PreviousAuthToken0123456789abcdefXYZ" },
    jwt: {
        ...INITIAL.jwt,
        secret: INITIAL.jwt.previousSecret,
        previousSecret: "olderJwtSecret0123456789abcdefghijklmnopqrstuvwxyzABCDEFG",
        nextSecret: INITIAL.jwt.secret,
    },
};
/** A document written before jwt.nextSecret existed (today's Pulumi-written first version). */
export const LEGACY = { ...INITIAL, jwt: { secret: INITIAL.jwt.secret, expiresIn: "15m", refreshExpiresIn: "7d" } };

// The exact generator options, spelled out here so a change to them in index.js fails a test.
export const JWT_PASSWORD_INPUT = { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false, RequireEachIncludedType: true };
export const AUTH_TOKEN_PASSWORD_INPUT = {
    PasswordLength: 64,
    ExcludePunctuation: true,
    ExcludeCharacters: '/"@',
    IncludeSpace: false,
    RequireEachIncludedType: true,
};

/** Names of the commands a stub received, in order. */
export function sent(mock: SmStub | EcStub): string[] {
    return mock.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ""));
}

export function inputs<T extends abstract new (...args: any) => any>(mock: SmStub | EcStub, command: T): ConstructorParameters<T>[0][] {
    return mock
        .calls()
        .filter((call) => call.args[0] instanceof command)
        .map((call) => (call.args[0] as { input: unknown }).input);
}

export interface Options {
    current?: object;
    previous?: object;
    env?: Record<string, string | undefined>;
}

export function setup(opts: Options = {}) {
    const clock = new FakeClock(Date.parse("2026-11-02T10:00:00Z"));
    const smClient = new SecretsManagerClient({ region: "us-east-1" });
    const ecClient = new ElastiCacheClient({ region: "us-east-1" });
    const sm = mockClient(smClient);
    const ec = mockClient(ecClient);
    const current = opts.current ?? INITIAL;
    const store = new FakeSecretStore(ARN, clock, { current, previous: opts.previous ?? PREVIOUS });
    store.install(sm);
    const group = new FakeReplicationGroup(GROUP_ID, clock, INITIAL.redis.authToken);
    group.tokens = [PREVIOUS.redis.authToken, INITIAL.redis.authToken];
    group.install(ec);
    const sleeps: number[] = [];
    const handler = makeHandler({
        secretsManager: smClient,
        elastiCache: ecClient,
        env: opts.env ?? {},
        now: () => clock.now(),
        sleep: async (ms) => {
            sleeps.push(ms);
            clock.advance(ms);
        },
        pollIntervalMs: 10_000,
    });
    /** A Lambda context whose timeout is `timeoutMs` after the invocation starts. */
    const context = (timeoutMs: number): RotationContext => {
        const end = clock.now() + timeoutMs;
        return { getRemainingTimeInMillis: () => end - clock.now() };
    };
    const run = (step: string, token: string, timeoutMs = 900_000) => handler({ SecretId: ARN, ClientRequestToken: token, Step: step }, context(timeoutMs));
    const rotate = async (token: string) => {
        for (const step of STEPS) await run(step, token);
    };
    const reset = () => {
        sm.resetHistory();
        ec.resetHistory();
    };
    return { clock, sm, ec, store, group, sleeps, handler, run, rotate, reset };
}

export type Harness = ReturnType<typeof setup>;

// Every assert.ok has a message: without one, a failing assert.ok makes Node re-parse the
// (tsx-transformed) call site to build a message, which can spin for minutes instead of failing.

/**
 * Console capture for every test of a suite: call inside a `describe`. No log line may contain a
 * secret value: the fixtures' values, and everything any tracked harness generated or stored.
 */
export function captureLogs(): { lines: () => string[]; track: (h: Harness) => Harness } {
    let lines: string[] = [];
    let harnesses: Harness[] = [];
    const originals = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };

    beforeEach(() => {
        lines = [];
        harnesses = [];
        for (const name of Object.keys(originals) as (keyof typeof originals)[]) {
            console[name] = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
        }
    });

    afterEach(() => {
        Object.assign(console, originals);
        const values = new Set([
            ...Object.values(INITIAL.jwt).filter((v) => v.length >= 32),
            ...Object.values(PREVIOUS.jwt).filter((v) => v.length >= 32),
            INITIAL.redis.authToken,
            PREVIOUS.redis.authToken,
            INITIAL.newrelic.licenseKey,
        ]);
        for (const h of harnesses) for (const v of [...h.store.generated, ...h.store.secretValues()]) values.add(v);
        for (const line of lines) {
            for (const value of values) assert.ok(!line.includes(value), `a log line contains a secret value: ${line.slice(0, 80)}...`);
        }
    });

    return {
        lines: () => lines,
        track: (h) => {
            harnesses.push(h);
            return h;
        },
    };
}
