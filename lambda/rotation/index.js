// @ts-check
"use strict";
/**
 * Secrets Manager rotation function for the stack's application secret (seed 003 §10.2.6). The
 * secret's documented shape:
 *
 *   {"database": {"host","port","dbname","masterSecretArn"},                  (optional)
 *    "redis":    {"host","port","authToken"?,"replicationGroupId"?},           (optional)
 *    "jwt":      {"secret","previousSecret"?,"nextSecret","expiresIn","refreshExpiresIn"},
 *    ...any other key (e.g. "newrelic": {"licenseKey","appName"}, "devices_grpc": {"url"})}
 *
 * It rotates the JWT keys and, when present, `redis.authToken`. Everything else (every other key,
 * and every other field of "jwt" and "redis") is copied unchanged: the database password lives in
 * its own RDS-managed secret and is never touched here.
 *
 * JWT: applications SIGN with `jwt.secret` and VERIFY with each of `secret`, `previousSecret` and
 * `nextSecret` that is present. A rotation makes the new version
 *   { secret: <current nextSecret>, previousSecret: <current secret>, nextSecret: <fresh> }
 * (a fresh `secret` too when the current version has no `nextSecret`, e.g. a document written before
 * it existed). During the rolling redeploy that follows, new tasks verify the old tasks' tokens with
 * `previousSecret`, and old tasks verify the new tasks' tokens with their `nextSecret`, published one
 * rotation earlier; a refresh token (7 days) outlives a rotation (30 days). A signing secret keeps
 * verifying for one rotation after it stops signing and is gone after the next. To revoke after a leak
 * of the whole document, rotate three times (RotateSecret): the leaked `nextSecret` signs after the
 * first rotation and still verifies after the second.
 *
 * Steps (AWS rotation-function contract, event {SecretId, ClientRequestToken, Step}):
 *   createSecret  the next JWT keys (above) and a new AUTH token from GetRandomPassword, stored as the
 *                 token's version with AWSPENDING.
 *   setSecret     ModifyReplicationGroup AuthToken=<pending>, AuthTokenUpdateStrategy=ROTATE: the
 *                 cluster then accepts the current AND the pending token, so clients still holding
 *                 AWSCURRENT keep working whatever happens next. Skipped when there is no AUTH token.
 *   testSecret    waits until the group is `available` with the change applied; checks the JWT keys'
 *                 shape and that they continue AWSCURRENT's (previousSecret = its secret, secret = its
 *                 nextSecret), the two facts that keep everyone logged in.
 *                 When AWSPENDING holds the AWSCURRENT value it is Secrets Manager testing the
 *                 configuration (RotateSecret with RotateImmediately=false, the stack's setting: "The
 *                 test creates an AWSPENDING version of the secret and then removes it", RotateSecret
 *                 API reference): it checks the shape, that the replication group is found by
 *                 DescribeReplicationGroups with AUTH enabled, and returns without waiting.
 *   finishSecret  moves AWSCURRENT to the token (Secrets Manager moves AWSPREVIOUS itself).
 *
 * No follow-up SET: ROTATE keeps the two most recent tokens ("If this modification is performed on a
 * server that already supports two AUTH tokens, the oldest AUTH token will also be removed", ElastiCache
 * guide, Modifying the AUTH token on an existing cluster), so after finishSecret the cluster accepts
 * AWSCURRENT and AWSPREVIOUS. Application instances that read the secret before the rotation keep
 * working until the NEXT rotation drops the older token, a whole rotation interval later. A SET in
 * finishSecret would cut those instances off at once, which is the outage rotation must not cause.
 * The price: a leaked AUTH token stays valid for one more interval; rotate early (RotateSecret twice)
 * to revoke it.
 *
 * Every step is idempotent, because Secrets Manager retries steps and whole rotations with the same
 * token. setSecret in particular must never send a second ROTATE for the same token: ROTATE on a
 * cluster that already holds two tokens drops the oldest, which would be the AWSCURRENT one.
 *
 * The function only calls AWS APIs (Secrets Manager, the ElastiCache control plane), never the cache
 * nodes: it runs outside the VPC (package.ts) and ships no node_modules (the Node.js 22 runtime
 * provides both SDK clients). It cannot, and does not, try an AUTH against the cache itself.
 *
 * Environment variables:
 *   REPLICATION_GROUP_ID      optional. The replication group whose AUTH token is rotated. When unset,
 *                             `redis.replicationGroupId` from the secret is used; when both are set
 *                             they must agree. One of them is required if the secret has an AUTH token.
 *   SECRETS_MANAGER_ENDPOINT  optional. Secrets Manager endpoint URL (e.g. the region's FIPS endpoint);
 *                             not a VPC interface endpoint, which is unreachable from outside the VPC.
 *
 * Logs never contain secret values: only the secret ARN, the version id, the step and decisions.
 */

const {
    SecretsManagerClient,
    DescribeSecretCommand,
    GetSecretValueCommand,
    GetRandomPasswordCommand,
    PutSecretValueCommand,
    UpdateSecretVersionStageCommand,
} = require("@aws-sdk/client-secrets-manager");
const {
    ElastiCacheClient,
    DescribeReplicationGroupsCommand,
    ModifyReplicationGroupCommand,
} = require("@aws-sdk/client-elasticache");

/** @typedef {"createSecret" | "setSecret" | "testSecret" | "finishSecret"} RotationStep */

/**
 * @typedef {object} RotationEvent
 * @property {string} SecretId
 * @property {string} ClientRequestToken
 * @property {string} Step
 */

/**
 * The part of the Lambda context this function uses.
 * @typedef {object} RotationContext
 * @property {() => number} [getRemainingTimeInMillis]
 */

/**
 * The application secret; unknown keys are preserved on rotation.
 * @typedef {object} AppSecret
 * @property {Record<string, unknown>} [database]
 * @property {{ host?: unknown, port?: unknown, authToken?: string, replicationGroupId?: string, [key: string]: unknown }} [redis]
 * @property {JwtKeys} jwt
 */

/**
 * The "jwt" section: sign with `secret`, verify with each of secret/previousSecret/nextSecret present.
 * Other fields are preserved on rotation.
 * @typedef {{ secret: string, previousSecret?: string, nextSecret?: string, expiresIn?: unknown, refreshExpiresIn?: unknown, [key: string]: unknown }} JwtKeys
 */

/**
 * Dependencies, all optional; tests inject clients, a fake clock and a no-op sleep.
 * @typedef {object} RotationDeps
 * @property {Pick<SecretsManagerClient, "send">} [secretsManager]
 * @property {Pick<ElastiCacheClient, "send">} [elastiCache]
 * @property {Record<string, string | undefined>} [env] defaults to process.env
 * @property {(ms: number) => Promise<void>} [sleep]
 * @property {() => number} [now] epoch milliseconds
 * @property {number} [pollIntervalMs] testSecret's delay between DescribeReplicationGroups calls
 * @property {number} [maxWaitMs] testSecret's wait when the context gives no remaining time
 */

/** @typedef {(event: RotationEvent, context?: RotationContext) => Promise<void>} RotationHandler */

const STEPS = /** @type {const} */ (["createSecret", "setSecret", "testSecret", "finishSecret"]);

/** JWT signing secret: 64 alphanumeric characters (about 380 bits). */
const JWT_SECRET_PASSWORD_OPTIONS = Object.freeze({
    PasswordLength: 64,
    ExcludePunctuation: true,
    IncludeSpace: false,
    RequireEachIncludedType: true,
});

/**
 * ElastiCache AUTH token: 16-128 printable characters without `/`, `"`, `@`; the ElastiCache guide
 * further limits non-alphanumerics to `!&#$^<>-`. Alphanumeric only satisfies both; the explicit
 * exclusions stay as a guard should punctuation ever be re-enabled.
 */
const AUTH_TOKEN_PASSWORD_OPTIONS = Object.freeze({
    PasswordLength: 64,
    ExcludePunctuation: true,
    ExcludeCharacters: '/"@',
    IncludeSpace: false,
    RequireEachIncludedType: true,
});

/** The JWT keys applications verify with; `secret` is also the one they sign with. */
const JWT_KEYS = /** @type {const} */ (["secret", "previousSecret", "nextSecret"]);

const AUTH_TOKEN_PATTERN = /^[A-Za-z0-9!&#$^<>-]{16,128}$/;
const MIN_JWT_SECRET_LENGTH = 32;
/** testSecret stops waiting this long before the Lambda timeout, to fail with a clear message. */
const TIMEOUT_MARGIN_MS = 15_000;

/**
 * @param {string} step
 * @returns {step is RotationStep}
 */
function isStep(step) {
    return /** @type {readonly string[]} */ (STEPS).includes(step);
}

/**
 * One JSON log line. Callers pass identifiers and decisions only, never secret values.
 * @param {"info" | "warn"} level
 * @param {string} message
 * @param {Record<string, string | number | boolean | undefined>} fields
 */
function log(level, message, fields) {
    const line = JSON.stringify({ level, message, ...fields });
    if (level === "warn") console.warn(line);
    else console.log(line);
}

/**
 * @param {unknown} err
 * @returns {string | undefined}
 */
function errorName(err) {
    return err && typeof err === "object" && "name" in err ? String(err.name) : undefined;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks the application secret. Error messages name keys, never values (a JSON.parse
 * message can quote the input, so it is not passed on).
 * @param {string | undefined} secretString
 * @param {string} label which version, for messages
 * @returns {AppSecret}
 */
function parseAppSecret(secretString, label) {
    if (typeof secretString !== "string") {
        throw new Error(`${label}: the secret has no SecretString (binary secrets are not supported)`);
    }
    /** @type {unknown} */
    let parsed;
    try {
        parsed = JSON.parse(secretString);
    } catch {
        throw new Error(`${label}: SecretString is not valid JSON`);
    }
    if (!isObject(parsed)) throw new Error(`${label}: SecretString must be a JSON object`);
    const { jwt, redis, database } = parsed;
    if (!isObject(jwt)) throw new Error(`${label}: key "jwt" must be an object`);
    for (const key of JWT_KEYS) {
        const optional = key !== "secret"; // previousSecret: not before the first rotation; nextSecret: not in older documents
        if (optional && jwt[key] === undefined) continue;
        if (typeof jwt[key] !== "string" || jwt[key] === "") {
            throw new Error(`${label}: key "jwt.${key}" must be a non-empty string${optional ? " when present" : ""}`);
        }
    }
    if (database !== undefined && !isObject(database)) {
        throw new Error(`${label}: key "database" must be an object when present`);
    }
    if (redis !== undefined) {
        if (!isObject(redis)) throw new Error(`${label}: key "redis" must be an object when present`);
        if (redis.authToken !== undefined && typeof redis.authToken !== "string") {
            throw new Error(`${label}: key "redis.authToken" must be a string when present`);
        }
        if (redis.replicationGroupId !== undefined && typeof redis.replicationGroupId !== "string") {
            throw new Error(`${label}: key "redis.replicationGroupId" must be a string when present`);
        }
    }
    return /** @type {AppSecret} */ (parsed);
}

/**
 * @param {AppSecret} secret
 * @returns {boolean}
 */
function hasAuthToken(secret) {
    return typeof secret.redis?.authToken === "string" && secret.redis.authToken.length > 0;
}

/**
 * @param {string} token
 * @param {string} label
 */
function assertValidAuthToken(token, label) {
    if (!AUTH_TOKEN_PATTERN.test(token)) {
        throw new Error(
            `${label}: redis.authToken must be 16-128 characters from A-Z a-z 0-9 ! & # $ ^ < > - ` +
                `(length is ${token.length})`,
        );
    }
}

/**
 * The "jwt" section of the next version. Pure: the caller supplies the fresh values.
 * @param {JwtKeys} current AWSCURRENT's jwt section
 * @param {{ nextSecret: string, secret?: string }} fresh `secret` is used only when `current` has no nextSecret
 * @returns {JwtKeys}
 */
function nextJwtKeys(current, fresh) {
    const secret = typeof current.nextSecret === "string" && current.nextSecret !== "" ? current.nextSecret : fresh.secret;
    if (secret === undefined) throw new Error("nextJwtKeys: the current version has no nextSecret, so a fresh secret is needed");
    return { ...current, secret, previousSecret: current.secret, nextSecret: fresh.nextSecret };
}

/**
 * Checks one version's JWT keys: each present key long enough, all different, lifetimes set.
 * Messages name keys, never values.
 * @param {JwtKeys} jwt
 * @param {string} label
 */
function checkJwtKeys(jwt, label) {
    /** @type {string[]} */
    const present = [];
    for (const key of JWT_KEYS) {
        const value = jwt[key];
        if (value === undefined) continue;
        if (value.length < MIN_JWT_SECRET_LENGTH) throw new Error(`${label}: jwt.${key} is shorter than ${MIN_JWT_SECRET_LENGTH} characters`);
        if (present.includes(value)) throw new Error(`${label}: jwt.${key} repeats another JWT key; the three must differ`);
        present.push(value);
    }
    for (const key of /** @type {const} */ (["expiresIn", "refreshExpiresIn"])) {
        if (typeof jwt[key] !== "string" || jwt[key] === "") throw new Error(`${label}: key "jwt.${key}" must be a non-empty string`);
    }
}

/**
 * Checks that a rotated version continues the current one, so tokens keep verifying across it.
 * @param {JwtKeys} pending
 * @param {JwtKeys} current
 * @param {string} label
 */
function checkJwtContinuity(pending, current, label) {
    if (pending.nextSecret === undefined) throw new Error(`${label}: jwt.nextSecret is missing; the next rotation would log everyone out`);
    if (pending.previousSecret !== current.secret) {
        throw new Error(`${label}: jwt.previousSecret is not AWSCURRENT's jwt.secret; tokens signed before the rotation would stop verifying`);
    }
    if (current.nextSecret !== undefined && pending.secret !== current.nextSecret) {
        throw new Error(`${label}: jwt.secret is not AWSCURRENT's jwt.nextSecret; tasks still on AWSCURRENT could not verify new tokens`);
    }
}

/**
 * JSON with object keys sorted, so two documents compare by content, not by key order.
 * @param {unknown} value
 * @returns {string}
 */
function canonicalJson(value) {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (isObject(value)) {
        return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

/**
 * @param {AppSecret} a
 * @param {AppSecret} b
 */
function sameDocument(a, b) {
    return canonicalJson(a) === canonicalJson(b);
}

/**
 * True when the group's AUTH token changed at or after the pending version was created, or a change
 * is under way. Compared at whole seconds: the two services may not report the same precision.
 * @param {import("@aws-sdk/client-elasticache").ReplicationGroup} group
 * @param {Date} pendingCreated
 */
function authTokenChangedSince(group, pendingCreated) {
    const modified = group.AuthTokenLastModifiedDate;
    if (!modified) return false;
    return Math.floor(modified.getTime() / 1000) >= Math.floor(pendingCreated.getTime() / 1000);
}

/**
 * @param {RotationDeps} [deps]
 * @returns {RotationHandler}
 */
function makeHandler(deps = {}) {
    const env = deps.env ?? process.env;
    const sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const now = deps.now ?? Date.now;
    const pollIntervalMs = deps.pollIntervalMs ?? 10_000;
    const maxWaitMs = deps.maxWaitMs ?? 60_000;

    /** @type {Pick<SecretsManagerClient, "send"> | undefined} */
    let secretsManager = deps.secretsManager;
    /** @type {Pick<ElastiCacheClient, "send"> | undefined} */
    let elastiCache = deps.elastiCache;
    const sm = () => {
        const endpoint = env.SECRETS_MANAGER_ENDPOINT || undefined;
        return (secretsManager ??= new SecretsManagerClient(endpoint ? { endpoint } : {}));
    };
    const ec = () => (elastiCache ??= new ElastiCacheClient({}));

    /**
     * The replication group to rotate: REPLICATION_GROUP_ID, else the secret's own field.
     * @param {AppSecret} secret
     * @param {string} label
     * @returns {string}
     */
    function replicationGroupIdFor(secret, label) {
        const fromEnv = env.REPLICATION_GROUP_ID || undefined;
        const fromSecret = secret.redis?.replicationGroupId || undefined;
        if (fromEnv && fromSecret && fromEnv !== fromSecret) {
            throw new Error(
                `${label}: REPLICATION_GROUP_ID is "${fromEnv}" but redis.replicationGroupId is "${fromSecret}"; they must agree`,
            );
        }
        const id = fromEnv ?? fromSecret;
        if (!id) {
            throw new Error(
                `${label}: the secret has redis.authToken but no replication group is known; ` +
                    `set REPLICATION_GROUP_ID or redis.replicationGroupId`,
            );
        }
        return id;
    }

    /**
     * @param {string} arn
     * @param {{ VersionStage: string, VersionId?: string }} which
     */
    async function getSecretVersion(arn, which) {
        const out = await sm().send(new GetSecretValueCommand({ SecretId: arn, ...which }));
        return { secret: parseAppSecret(out.SecretString, which.VersionStage), created: out.CreatedDate };
    }

    /**
     * Secrets Manager's configuration test: RotateSecret with RotateImmediately=false "tests the
     * rotation configuration by running the testSecret step ... The test creates an AWSPENDING version
     * of the secret and then removes it" (RotateSecret API reference). That version holds the AWSCURRENT
     * value, so there is no change to wait for: check what a rotation will rely on and return.
     * @param {AppSecret} pending
     * @param {Record<string, string | number | boolean | undefined>} ids
     */
    async function testConfiguration(pending, ids) {
        if (pending.jwt.nextSecret === undefined) {
            log("warn", "testSecret: jwt.nextSecret is missing; the first rotation will make tasks on this version reject new tokens until they are replaced", ids);
        }
        if (!pending.redis || !hasAuthToken(pending)) {
            log("info", "testSecret: AWSPENDING equals AWSCURRENT (configuration test); JWT shape valid, no redis.authToken", ids);
            return;
        }
        assertValidAuthToken(/** @type {string} */ (pending.redis.authToken), "testSecret (AWSPENDING)");
        const replicationGroupId = replicationGroupIdFor(pending, "testSecret");
        const group = await describeGroup(replicationGroupId, "testSecret");
        if (group.AuthTokenEnabled !== true) {
            throw new Error(`testSecret: replication group ${replicationGroupId} has AUTH disabled; the secret's token cannot be rotated there`);
        }
        log("info", "testSecret: AWSPENDING equals AWSCURRENT (configuration test); shape valid, group found with AUTH enabled", {
            ...ids,
            replicationGroupId,
            status: group.Status,
        });
    }

    /** @param {Record<string, unknown>} options */
    async function randomPassword(options) {
        const out = await sm().send(new GetRandomPasswordCommand(options));
        if (typeof out.RandomPassword !== "string" || out.RandomPassword.length === 0) {
            throw new Error("GetRandomPassword returned no password");
        }
        return out.RandomPassword;
    }

    /**
     * @param {string} replicationGroupId
     * @param {string} label which step, for messages
     */
    async function describeGroup(replicationGroupId, label) {
        /** @type {import("@aws-sdk/client-elasticache").DescribeReplicationGroupsCommandOutput} */
        let out;
        try {
            out = await ec().send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: replicationGroupId }));
        } catch (err) {
            if (errorName(err) !== "ReplicationGroupNotFoundFault") throw err;
            out = { $metadata: {} };
        }
        const group = out.ReplicationGroups?.[0];
        if (!group) throw new Error(`${label}: replication group ${replicationGroupId} was not found by DescribeReplicationGroups`);
        return group;
    }

    /**
     * @param {string} arn
     * @param {string} token
     * @param {Record<string, string | number | boolean | undefined>} ids
     */
    async function createSecret(arn, token, ids) {
        try {
            await sm().send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }));
            log("info", "createSecret: AWSPENDING version already has a value; nothing to do", ids);
            return;
        } catch (err) {
            if (errorName(err) !== "ResourceNotFoundException") throw err;
        }
        const { secret: current } = await getSecretVersion(arn, { VersionStage: "AWSCURRENT" });

        const legacy = current.jwt.nextSecret === undefined;
        if (legacy) {
            // Nothing was published for old tasks to verify the new signing secret with: during this
            // one redeploy, tokens signed by new tasks fail on old ones. From the next rotation on, no.
            log("warn", "createSecret: AWSCURRENT has no jwt.nextSecret; the new jwt.secret is fresh, so tasks still on AWSCURRENT cannot verify tokens signed after the redeploy", ids);
        }
        const fresh = {
            secret: legacy ? await randomPassword(JWT_SECRET_PASSWORD_OPTIONS) : undefined,
            nextSecret: await randomPassword(JWT_SECRET_PASSWORD_OPTIONS),
        };
        /** @type {AppSecret} */
        const next = { ...current, jwt: nextJwtKeys(current.jwt, fresh) };
        checkJwtKeys(next.jwt, "createSecret (generated JWT keys)");
        if (current.redis && hasAuthToken(current)) {
            const replicationGroupId = replicationGroupIdFor(current, "createSecret");
            const authToken = await randomPassword(AUTH_TOKEN_PASSWORD_OPTIONS);
            assertValidAuthToken(authToken, "createSecret (generated token)");
            if (authToken === current.redis.authToken) throw new Error("createSecret: generated AUTH token equals the current one");
            next.redis = { ...current.redis, authToken };
            log("info", "createSecret: generated the next JWT keys and redis.authToken", { ...ids, replicationGroupId });
        } else {
            log("info", "createSecret: generated the next JWT keys; no redis.authToken to rotate", ids);
        }

        await sm().send(
            new PutSecretValueCommand({
                SecretId: arn,
                ClientRequestToken: token,
                SecretString: JSON.stringify(next),
                VersionStages: ["AWSPENDING"],
            }),
        );
        log("info", "createSecret: stored the AWSPENDING version", ids);
    }

    /**
     * @param {string} arn
     * @param {string} token
     * @param {Record<string, string | number | boolean | undefined>} ids
     */
    async function setSecret(arn, token, ids) {
        const { secret: pending, created } = await getSecretVersion(arn, { VersionId: token, VersionStage: "AWSPENDING" });
        if (!pending.redis || !hasAuthToken(pending)) {
            log("info", "setSecret: no redis.authToken; nothing to set (the JWT secret needs no service change)", ids);
            return;
        }
        const authToken = /** @type {string} */ (pending.redis.authToken);
        assertValidAuthToken(authToken, "setSecret (AWSPENDING)");
        const replicationGroupId = replicationGroupIdFor(pending, "setSecret");
        const group = await describeGroup(replicationGroupId, "setSecret");
        const fields = { ...ids, replicationGroupId, status: group.Status };

        if (group.AuthTokenEnabled === false) {
            // ROTATE on a group without AUTH would enable AUTH while still accepting no password:
            // the secret and the cluster disagree, which needs a person, not a rotation.
            throw new Error(`setSecret: replication group ${replicationGroupId} has AUTH disabled but the secret has a token`);
        }
        if (group.PendingModifiedValues?.AuthTokenStatus || (created && authTokenChangedSince(group, created))) {
            // A retry of this step: the ROTATE was already sent. Sending it again would drop the
            // AWSCURRENT token from the cluster (ROTATE keeps only the two most recent tokens).
            log("info", "setSecret: AUTH token change already requested for this version; not sending it again", {
                ...fields,
                authTokenStatus: group.PendingModifiedValues?.AuthTokenStatus,
            });
            return;
        }
        if (group.Status !== "available") {
            throw new Error(`setSecret: replication group ${replicationGroupId} is "${group.Status}", not "available"; retry later`);
        }
        await ec().send(
            new ModifyReplicationGroupCommand({
                ReplicationGroupId: replicationGroupId,
                AuthToken: authToken,
                AuthTokenUpdateStrategy: "ROTATE",
                ApplyImmediately: true,
            }),
        );
        log("info", "setSecret: requested AUTH token ROTATE (current and pending tokens both valid)", fields);
    }

    /**
     * @param {string} arn
     * @param {string} token
     * @param {Record<string, string | number | boolean | undefined>} ids
     * @param {RotationContext | undefined} context
     */
    async function testSecret(arn, token, ids, context) {
        const { secret: pending, created } = await getSecretVersion(arn, { VersionId: token, VersionStage: "AWSPENDING" });
        checkJwtKeys(pending.jwt, "testSecret (AWSPENDING)");
        const { secret: current } = await getSecretVersion(arn, { VersionStage: "AWSCURRENT" });
        if (sameDocument(pending, current)) return testConfiguration(pending, ids);
        checkJwtContinuity(pending.jwt, current.jwt, "testSecret (AWSPENDING)");
        if (!pending.redis || !hasAuthToken(pending)) {
            log("info", "testSecret: JWT shape valid; no redis.authToken to test", ids);
            return;
        }
        assertValidAuthToken(/** @type {string} */ (pending.redis.authToken), "testSecret (AWSPENDING)");
        if (!created) throw new Error("testSecret: GetSecretValue returned no CreatedDate for the AWSPENDING version");
        const replicationGroupId = replicationGroupIdFor(pending, "testSecret");

        // The change takes minutes; wait for it inside this invocation while the Lambda timeout allows,
        // then fail so Secrets Manager retries (every step is idempotent).
        const remaining = context?.getRemainingTimeInMillis?.();
        const deadline = now() + (remaining !== undefined ? Math.max(0, remaining - TIMEOUT_MARGIN_MS) : maxWaitMs);
        for (let attempt = 1; ; attempt++) {
            const group = await describeGroup(replicationGroupId, "testSecret");
            const authTokenStatus = group.PendingModifiedValues?.AuthTokenStatus;
            const applied = authTokenChangedSince(group, created);
            const fields = { ...ids, replicationGroupId, status: group.Status, authTokenStatus, applied, attempt };
            if (group.AuthTokenEnabled === false) {
                throw new Error(`testSecret: replication group ${replicationGroupId} has AUTH disabled`);
            }
            if (group.Status === "available" && !authTokenStatus && applied) {
                log("info", "testSecret: AUTH token change applied and group available", fields);
                return;
            }
            if (group.Status === "available" && !authTokenStatus && !applied) {
                // Nothing in progress and nothing applied: setSecret did not run or its request was lost.
                throw new Error(`testSecret: replication group ${replicationGroupId} shows no AUTH token change for this version`);
            }
            if (now() + pollIntervalMs > deadline) {
                throw new Error(
                    `testSecret: replication group ${replicationGroupId} is still "${group.Status}" ` +
                        `(auth token status ${authTokenStatus ?? "none"}); the rotation will be retried`,
                );
            }
            log("info", "testSecret: waiting for the AUTH token change", fields);
            await sleep(pollIntervalMs);
        }
    }

    /**
     * @param {string} arn
     * @param {string} token
     * @param {Record<string, string[]>} versions
     * @param {Record<string, string | number | boolean | undefined>} ids
     */
    async function finishSecret(arn, token, versions, ids) {
        const currentVersion = Object.keys(versions).find((id) => versions[id]?.includes("AWSCURRENT"));
        if (currentVersion === token) {
            log("info", "finishSecret: version is already AWSCURRENT", ids);
            return;
        }
        await sm().send(
            new UpdateSecretVersionStageCommand({
                SecretId: arn,
                VersionStage: "AWSCURRENT",
                MoveToVersionId: token,
                RemoveFromVersionId: currentVersion,
            }),
        );
        log("info", "finishSecret: moved AWSCURRENT to the new version", { ...ids, previousVersion: currentVersion });
    }

    return async function handler(event, context) {
        if (!isObject(event)) throw new Error("Rotation event must be an object");
        const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
        if (typeof arn !== "string" || !arn || typeof token !== "string" || !token || typeof step !== "string") {
            throw new Error("Rotation event needs string SecretId, ClientRequestToken and Step");
        }
        if (!isStep(step)) throw new Error(`Invalid step parameter "${step}"`);
        const ids = { step, secretId: arn, versionId: token };

        const meta = await sm().send(new DescribeSecretCommand({ SecretId: arn }));
        if (!meta.RotationEnabled) throw new Error(`Secret ${arn} is not enabled for rotation`);
        const versions = meta.VersionIdsToStages ?? {};
        const stages = versions[token];
        if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of secret ${arn}`);
        if (stages.includes("AWSCURRENT")) {
            log("info", "version is already AWSCURRENT; nothing to do", ids);
            return;
        }
        if (!stages.includes("AWSPENDING")) {
            throw new Error(`Secret version ${token} is not set as AWSPENDING for rotation of secret ${arn}`);
        }

        switch (step) {
            case "createSecret":
                return createSecret(arn, token, ids);
            case "setSecret":
                return setSecret(arn, token, ids);
            case "testSecret":
                return testSecret(arn, token, ids, context);
            case "finishSecret":
                return finishSecret(arn, token, versions, ids);
        }
    };
}

/** Handler with default clients, created on first use. */
const handler = makeHandler();

module.exports = {
    handler,
    makeHandler,
    parseAppSecret,
    nextJwtKeys,
    checkJwtKeys,
    checkJwtContinuity,
    JWT_SECRET_PASSWORD_OPTIONS,
    AUTH_TOKEN_PASSWORD_OPTIONS,
};
