// @ts-check
"use strict";
// The rotation handler: the four steps of the Secrets Manager rotation-function contract applied to
// the application secret (index.js documents what each step does and why).

const {
    SecretsManagerClient,
    DescribeSecretCommand,
    GetSecretValueCommand,
    GetRandomPasswordCommand,
    PutSecretValueCommand,
    UpdateSecretVersionStageCommand,
} = require("@aws-sdk/client-secrets-manager");
const { ElastiCacheClient, DescribeReplicationGroupsCommand, ModifyReplicationGroupCommand } = require("@aws-sdk/client-elasticache");
const { errorName, log } = require("./log");
const { hasAuthToken, isObject, parseAppSecret, sameDocument } = require("./secret-shape");
const { checkJwtContinuity, checkJwtKeys, JWT_SECRET_PASSWORD_OPTIONS, nextJwtKeys } = require("./jwt-keys");
const { assertValidAuthToken, AUTH_TOKEN_PASSWORD_OPTIONS, authTokenChangedSince } = require("./auth-token");

/** @typedef {import("./secret-shape").AppSecret} AppSecret */

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
            throw new Error(`${label}: REPLICATION_GROUP_ID is "${fromEnv}" but redis.replicationGroupId is "${fromSecret}"; they must agree`);
        }
        const id = fromEnv ?? fromSecret;
        if (!id) {
            throw new Error(
                `${label}: the secret has redis.authToken but no replication group is known; ` + `set REPLICATION_GROUP_ID or redis.replicationGroupId`,
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
            log(
                "warn",
                "testSecret: jwt.nextSecret is missing; the first rotation will make tasks on this version reject new tokens until they are replaced",
                ids,
            );
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
            log(
                "warn",
                "createSecret: AWSCURRENT has no jwt.nextSecret; the new jwt.secret is fresh, so tasks still on AWSCURRENT cannot verify tokens signed after the redeploy",
                ids,
            );
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

module.exports = { makeHandler };
