// Generated from log.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).
// Do not edit: tests/rotation fail when it differs from what log.js declares.
/**
 * One JSON log line. Callers pass identifiers and decisions only, never secret values.
 * @param {"info" | "warn"} level
 * @param {string} message
 * @param {Record<string, string | number | boolean | undefined>} fields
 */
export function log(level: "info" | "warn", message: string, fields: Record<string, string | number | boolean | undefined>): void;
/**
 * @param {unknown} err
 * @returns {string | undefined}
 */
export function errorName(err: unknown): string | undefined;
