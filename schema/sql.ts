/**
 * Loading and splitting the schema's SQL files. Pure functions (no database), tested offline.
 */
import * as fs from "fs";
import * as path from "path";
import type { Engine } from "./contract";

export interface SqlStatement {
    /** The statement without leading comments and its terminating semicolon, trimmed. */
    text: string;
    /** 1-based line of the statement's first character in its file. */
    line: number;
}

/**
 * Splits SQL into statements on top-level semicolons. Understands '...' strings (with '' and E'\''
 * escapes), "..." identifiers, $tag$...$tag$ bodies, -- comments and nested /* *\/ comments.
 * Statements made only of comments are dropped. psql meta-commands are not supported (none are used).
 */
export function splitStatements(sql: string): SqlStatement[] {
    const out: SqlStatement[] = [];
    let start = 0;
    let i = 0;
    const n = sql.length;

    const push = (end: number): void => {
        // Leading whitespace and comments are not part of the statement (errors point at its first token).
        let from = start;
        for (;;) {
            while (from < end && /\s/.test(sql[from])) from++;
            if (sql.startsWith("--", from)) {
                const eol = sql.indexOf("\n", from);
                from = eol === -1 || eol > end ? end : eol + 1;
            } else if (sql.startsWith("/*", from)) {
                const after = blockCommentEnd(sql, from);
                from = after < 0 ? end : Math.min(after, end);
            } else break;
        }
        const text = sql.slice(from, end).trim();
        if (stripComments(text).trim() !== "") {
            out.push({ text, line: sql.slice(0, from).split("\n").length });
        }
    };

    while (i < n) {
        const c = sql[i];
        const next = sql[i + 1];
        if (c === "-" && next === "-") {
            const eol = sql.indexOf("\n", i);
            i = eol === -1 ? n : eol + 1;
        } else if (c === "/" && next === "*") {
            i = blockCommentEnd(sql, i);
            if (i < 0) throw new Error("unterminated /* comment */");
        } else if (c === "'") {
            const escapes = i > 0 && /[eE]/.test(sql[i - 1]) && (i < 2 || !/[\w$]/.test(sql[i - 2]));
            i++;
            for (;;) {
                if (i >= n) throw new Error("unterminated string literal");
                if (escapes && sql[i] === "\\") {
                    i += 2;
                    continue;
                }
                if (sql[i] === "'") {
                    if (sql[i + 1] === "'") {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
        } else if (c === '"') {
            const end = sql.indexOf('"', i + 1);
            if (end === -1) throw new Error("unterminated quoted identifier");
            i = end + 1;
        } else if (c === "$" && (i === 0 || !/[\w$]/.test(sql[i - 1]))) {
            const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
            if (m) {
                const tag = m[0];
                const end = sql.indexOf(tag, i + tag.length);
                if (end === -1) throw new Error(`unterminated dollar-quoted string ${tag}`);
                i = end + tag.length;
            } else {
                i++;
            }
        } else if (c === ";") {
            push(i);
            i++;
            start = i;
        } else {
            i++;
        }
    }
    push(n);
    return out;
}

/**
 * Index just past the (possibly nested, as PostgreSQL allows) block comment opening at `start`,
 * or -1 when it is never closed.
 */
function blockCommentEnd(sql: string, start: number): number {
    let depth = 1;
    let i = start + 2;
    while (i < sql.length && depth > 0) {
        if (sql.startsWith("/*", i)) {
            depth++;
            i += 2;
        } else if (sql.startsWith("*/", i)) {
            depth--;
            i += 2;
        } else i++;
    }
    return depth > 0 ? -1 : i;
}

/** Removes -- and /* *\/ comments outside strings (used to analyse statements, not to run them). */
export function stripComments(sql: string): string {
    let out = "";
    let i = 0;
    const n = sql.length;
    while (i < n) {
        const c = sql[i];
        if (c === "-" && sql[i + 1] === "-") {
            const eol = sql.indexOf("\n", i);
            i = eol === -1 ? n : eol;
        } else if (c === "/" && sql[i + 1] === "*") {
            const after = blockCommentEnd(sql, i);
            i = after < 0 ? n : after;
            out += " ";
        } else if (c === "'" || c === '"') {
            let j = i + 1;
            while (j < n) {
                if (sql[j] === c) {
                    if (sql[j + 1] === c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j++;
            }
            out += sql.slice(i, j + 1);
            i = j + 1;
        } else if (c === "$" && (i === 0 || !/[\w$]/.test(sql[i - 1]))) {
            const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
            if (m) {
                // Dollar-quoted bodies (DO blocks, functions) keep their comments stripped too: they are code.
                const end = sql.indexOf(m[0], i + m[0].length);
                const stop = end === -1 ? n : end + m[0].length;
                out += m[0] + stripComments(sql.slice(i + m[0].length, end === -1 ? n : end)) + (end === -1 ? "" : m[0]);
                i = stop;
            } else {
                out += c;
                i++;
            }
        } else {
            out += c;
            i++;
        }
    }
    return out;
}

export const SCHEMA_DIR = __dirname;

export interface SqlFile {
    /** Path relative to schema/, e.g. "rds/010_device_events.sql". */
    name: string;
    sql: string;
}

/**
 * The SQL files of one implementation, in the order they are applied (file name order).
 * `rds/cron/*.sql` are not included: they run in the pg_cron database (see cronSqlFiles).
 */
export function sqlFiles(engine: Engine, dir: string = SCHEMA_DIR): SqlFile[] {
    return listSql(path.join(dir, engine)).map((f) => ({
        name: `${engine}/${f}`,
        sql: fs.readFileSync(path.join(dir, engine, f), "utf8"),
    }));
}

/** RDS only: the files run in the database named by `cron.database_name`. */
export function cronSqlFiles(dir: string = SCHEMA_DIR): SqlFile[] {
    return listSql(path.join(dir, "rds", "cron")).map((f) => ({
        name: `rds/cron/${f}`,
        sql: fs.readFileSync(path.join(dir, "rds", "cron", f), "utf8"),
    }));
}

function listSql(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(".sql"))
        .map((e) => e.name)
        .sort();
}
