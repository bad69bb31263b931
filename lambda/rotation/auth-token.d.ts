// Generated from auth-token.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).
// Do not edit: tests/rotation fail when it differs from what auth-token.js declares.
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
/**
 * @param {string} token
 * @param {string} label
 */
export function assertValidAuthToken(token: string, label: string): void;
/**
 * True when the group's AUTH token changed at or after the pending version was created, or a change
 * is under way. Compared at whole seconds: the two services may not report the same precision.
 * @param {import("@aws-sdk/client-elasticache").ReplicationGroup} group
 * @param {Date} pendingCreated
 */
export function authTokenChangedSince(group: import("@aws-sdk/client-elasticache").ReplicationGroup, pendingCreated: Date): boolean;
