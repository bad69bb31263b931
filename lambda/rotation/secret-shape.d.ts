// Generated from secret-shape.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).
// Do not edit: tests/rotation fail when it differs from what secret-shape.js declares.
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
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isObject(value: unknown): value is Record<string, unknown>;
/**
 * Parses and checks the application secret. Error messages name keys, never values (a JSON.parse
 * message can quote the input, so it is not passed on).
 * @param {string | undefined} secretString
 * @param {string} label which version, for messages
 * @returns {AppSecret}
 */
export function parseAppSecret(secretString: string | undefined, label: string): AppSecret;
/**
 * @param {AppSecret} secret
 * @returns {boolean}
 */
export function hasAuthToken(secret: AppSecret): boolean;
/**
 * @param {AppSecret} a
 * @param {AppSecret} b
 */
export function sameDocument(a: AppSecret, b: AppSecret): boolean;
