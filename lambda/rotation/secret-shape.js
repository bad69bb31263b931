// @ts-check
"use strict";
// The application secret's document (its shape is documented in index.js): parsing and checking one
// version, and comparing two versions by content.

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

const { JWT_KEYS } = require("./jwt-keys");

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
 * JSON with object keys sorted, so two documents compare by content, not by key order.
 * @param {unknown} value
 * @returns {string}
 */
function canonicalJson(value) {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (isObject(value)) {
        return `{${Object.keys(value)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
            .join(",")}}`;
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

module.exports = { isObject, parseAppSecret, hasAuthToken, sameDocument };
