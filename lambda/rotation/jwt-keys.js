// @ts-check
"use strict";
// The JWT keys of the application secret: the next version's keys, and the checks that keep tokens
// verifying across a rotation (index.js explains the secret / previousSecret / nextSecret scheme).

/** @typedef {import("./secret-shape").JwtKeys} JwtKeys */

const MIN_JWT_SECRET_LENGTH = 32;

/** The JWT keys applications verify with; `secret` is also the one they sign with. */
const JWT_KEYS = /** @type {const} */ (["secret", "previousSecret", "nextSecret"]);

/** JWT signing secret: 64 alphanumeric characters (about 380 bits). */
const JWT_SECRET_PASSWORD_OPTIONS = Object.freeze({
    PasswordLength: 64,
    ExcludePunctuation: true,
    IncludeSpace: false,
    RequireEachIncludedType: true,
});

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

module.exports = { JWT_KEYS, JWT_SECRET_PASSWORD_OPTIONS, nextJwtKeys, checkJwtKeys, checkJwtContinuity };
