// @ts-check
"use strict";
// What the rotation function logs: one JSON line per decision, with identifiers only, never a secret
// value (index.js: "Logs never contain secret values").

/**
 * One JSON log line. Callers pass identifiers and decisions only, never secret values.
 * @param {"info" | "warn"} level
 * @param {string} message
 * @param {Record<string, string | number | boolean | undefined>} fields
 */
function log(level, message, fields) {
    const line = JSON.stringify({ level, message, ...fields });
    if (level === "warn") console.warn(line);
    else console.log(line);
}

/**
 * @param {unknown} err
 * @returns {string | undefined}
 */
function errorName(err) {
    return err && typeof err === "object" && "name" in err ? String(err.name) : undefined;
}

module.exports = { log, errorName };
