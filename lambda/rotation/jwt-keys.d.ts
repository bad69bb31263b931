// Generated from jwt-keys.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).
// Do not edit: tests/rotation fail when it differs from what jwt-keys.js declares.
export type JwtKeys = import("./secret-shape").JwtKeys;
/** The JWT keys applications verify with; `secret` is also the one they sign with. */
export const JWT_KEYS: readonly ["secret", "previousSecret", "nextSecret"];
/** JWT signing secret: 64 alphanumeric characters (about 380 bits). */
export const JWT_SECRET_PASSWORD_OPTIONS: Readonly<{
    PasswordLength: 64;
    ExcludePunctuation: true;
    IncludeSpace: false;
    RequireEachIncludedType: true;
}>;
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
