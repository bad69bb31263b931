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
 *
 * Modules (all in this folder, shipped with it): steps.js (the handler and its four steps),
 * secret-shape.js (parsing and comparing versions), jwt-keys.js (the JWT key scheme above),
 * auth-token.js (the AUTH token's rules), log.js (JSON log lines).
 */

/** @typedef {import("./steps").RotationStep} RotationStep */
/** @typedef {import("./steps").RotationEvent} RotationEvent */
/** @typedef {import("./steps").RotationContext} RotationContext */
/** @typedef {import("./secret-shape").AppSecret} AppSecret */
/** @typedef {import("./secret-shape").JwtKeys} JwtKeys */
/** @typedef {import("./steps").RotationDeps} RotationDeps */
/** @typedef {import("./steps").RotationHandler} RotationHandler */

const { makeHandler } = require("./steps");
const { parseAppSecret } = require("./secret-shape");
const { checkJwtContinuity, checkJwtKeys, JWT_SECRET_PASSWORD_OPTIONS, nextJwtKeys } = require("./jwt-keys");
const { AUTH_TOKEN_PASSWORD_OPTIONS } = require("./auth-token");

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
