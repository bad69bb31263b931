// Generated from index.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).
// Do not edit: tests/rotation fail when it differs from what index.js declares.
export type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";
export type RotationEvent = {
    SecretId: string;
    ClientRequestToken: string;
    Step: string;
};
/**
 * The part of the Lambda context this function uses.
 */
export type RotationContext = {
    getRemainingTimeInMillis?: (() => number) | undefined;
};
/**
 * The application secret; unknown keys are preserved on rotation.
 */
export type AppSecret = {
    database?: Record<string, unknown> | undefined;
    redis?: {
        [key: string]: unknown;
        host?: unknown;
        port?: unknown;
        authToken?: string;
        replicationGroupId?: string;
    } | undefined;
    jwt: JwtKeys;
};
/**
 * The "jwt" section: sign with `secret`, verify with each of secret/previousSecret/nextSecret present.
 * Other fields are preserved on rotation.
 */
export type JwtKeys = {
    secret: string;
    previousSecret?: string;
    nextSecret?: string;
    expiresIn?: unknown;
    refreshExpiresIn?: unknown;
    [key: string]: unknown;
};
/**
 * Dependencies, all optional; tests inject clients, a fake clock and a no-op sleep.
 */
export type RotationDeps = {
    secretsManager?: Pick<SecretsManagerClient, "send"> | undefined;
    elastiCache?: Pick<ElastiCacheClient, "send"> | undefined;
    /**
     * defaults to process.env
     */
    env?: Record<string, string | undefined> | undefined;
    sleep?: ((ms: number) => Promise<void>) | undefined;
    /**
     * epoch milliseconds
     */
    now?: (() => number) | undefined;
    /**
     * testSecret's delay between DescribeReplicationGroups calls
     */
    pollIntervalMs?: number | undefined;
    /**
     * testSecret's wait when the context gives no remaining time
     */
    maxWaitMs?: number | undefined;
};
export type RotationHandler = (event: RotationEvent, context?: RotationContext) => Promise<void>;
/** Handler with default clients, created on first use. */
export const handler: RotationHandler;
/**
 * @param {RotationDeps} [deps]
 * @returns {RotationHandler}
 */
export function makeHandler(deps?: RotationDeps): RotationHandler;
/**
 * Parses and checks the application secret. Error messages name keys, never values (a JSON.parse
 * message can quote the input, so it is not passed on).
 * @param {string | undefined} secretString
 * @param {string} label which version, for messages
 * @returns {AppSecret}
 */
export function parseAppSecret(secretString: string | undefined, label: string): AppSecret;
/**
 * The "jwt" section of the next version. Pure: the caller supplies the fresh values.
 * @param {JwtKeys} current AWSCURRENT's jwt section
 * @param {{ nextSecret: string, secret?: string }} fresh `secret` is used only when `current` has no nextSecret
 * @returns {JwtKeys}
 */
export function nextJwtKeys(current: JwtKeys, fresh: {
    nextSecret: string;
    secret?: string;
}): JwtKeys;
/**
 * Checks one version's JWT keys: each present key long enough, all different, lifetimes set.
 * Messages name keys, never values.
 * @param {JwtKeys} jwt
 * @param {string} label
 */
export function checkJwtKeys(jwt: JwtKeys, label: string): void;
/**
 * Checks that a rotated version continues the current one, so tokens keep verifying across it.
 * @param {JwtKeys} pending
 * @param {JwtKeys} current
 * @param {string} label
 */
export function checkJwtContinuity(pending: JwtKeys, current: JwtKeys, label: string): void;
/** JWT signing secret: 64 alphanumeric characters (about 380 bits). */
export const JWT_SECRET_PASSWORD_OPTIONS: Readonly<{
    PasswordLength: 64;
    ExcludePunctuation: true;
    IncludeSpace: false;
    RequireEachIncludedType: true;
}>;
/**
 * ElastiCache AUTH token: 16-128 printable characters without `/`, `"`, `@`; the ElastiCache guide
 * further limits non-alphanumerics to `!&#$^<>-`. Alphanumeric only satisfies both; the explicit
 * exclusions stay as a guard should punctuation ever be re-enabled.
 */
export const AUTH_TOKEN_PASSWORD_OPTIONS: Readonly<{
    PasswordLength: 64;
    ExcludePunctuation: true;
    ExcludeCharacters: "/\"@";
    IncludeSpace: false;
    RequireEachIncludedType: true;
}>;
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ElastiCacheClient } from "@aws-sdk/client-elasticache";
