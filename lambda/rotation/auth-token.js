// @ts-check
"use strict";
// The ElastiCache AUTH token in the application secret: how a new one is generated, what ElastiCache
// accepts, and whether a replication group has applied a change.

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

const AUTH_TOKEN_PATTERN = /^[A-Za-z0-9!&#$^<>-]{16,128}$/;

/**
 * @param {string} token
 * @param {string} label
 */
function assertValidAuthToken(token, label) {
    if (!AUTH_TOKEN_PATTERN.test(token)) {
        throw new Error(`${label}: redis.authToken must be 16-128 characters from A-Z a-z 0-9 ! & # $ ^ < > - ` + `(length is ${token.length})`);
    }
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

module.exports = { AUTH_TOKEN_PASSWORD_OPTIONS, assertValidAuthToken, authTokenChangedSince };
