/**
 * Offline checks of the schema's SQL: the splitter, the TimescaleDB implementation (which cannot run
 * here: no package) against TimescaleDB's documented API, and both implementations against the contract.
 */
import * as assert from "assert";
import { DEVICE_EVENTS_COLUMNS, DEVICE_EVENTS_HOURLY_COLUMNS, LATEST_EVENTS_INDEX, ROLLUP_POLICY, type ColumnSpec } from "../../schema/contract";
import { parseArgs, resolveSettings, withDatabase } from "../../schema/apply";
import { cronSqlFiles, splitStatements, sqlFiles, stripComments, type SqlFile } from "../../schema/sql";

/**
 * TimescaleDB functions and their documented named arguments (Tiger Data docs, API reference:
 * hypertables/create_hypertable (generalized interface, 2.13+), hypertables/dimension_info by_range,
 * continuous-aggregates/add_continuous_aggregate_policy, data-retention/add_retention_policy and
 * remove_retention_policy, compression/add_compression_policy and remove_compression_policy,
 * hyperfunctions/time_bucket).
 */
const TIMESCALE_FUNCTIONS: Record<string, string[]> = {
    create_hypertable: ["relation", "dimension", "create_default_indexes", "if_not_exists", "migrate_data"],
    by_range: ["column_name", "partition_interval", "partition_func"],
    add_continuous_aggregate_policy: [
        "continuous_aggregate",
        "start_offset",
        "end_offset",
        "schedule_interval",
        "if_not_exists",
        "initial_start",
        "timezone",
        "include_tiered_data",
        "buckets_per_batch",
        "max_batches_per_execution",
        "refresh_newest_first",
    ],
    add_retention_policy: ["relation", "drop_after", "schedule_interval", "initial_start", "timezone", "if_not_exists", "drop_created_before"],
    remove_retention_policy: ["relation", "if_exists"],
    add_compression_policy: ["hypertable", "compress_after", "schedule_interval", "initial_start", "timezone", "if_not_exists", "compress_created_before"],
    remove_compression_policy: ["hypertable", "if_exists"],
    time_bucket: ["bucket_width", "ts", "offset", "origin", "timezone"],
};
/** Documented informational views and the columns we read from them. */
const TIMESCALE_VIEWS: Record<string, string[]> = {
    "timescaledb_information.hypertables": ["hypertable_schema", "hypertable_name", "compression_enabled"],
    "timescaledb_information.jobs": ["proc_name", "hypertable_schema", "hypertable_name", "config"],
};
/** Documented storage parameters (ALTER TABLE compression, CREATE MATERIALIZED VIEW continuous aggregates). */
const TIMESCALE_OPTIONS = [
    "timescaledb.compress",
    "timescaledb.compress_segmentby",
    "timescaledb.compress_orderby",
    "timescaledb.continuous",
    "timescaledb.materialized_only",
];
/** Plain PostgreSQL functions / keywords followed by "(" in the TimescaleDB files. */
const POSTGRES_CALLS = new Set([
    "current_setting",
    "count",
    "avg",
    "min",
    "max",
    "exists",
    "not",
    "set",
    "with",
    "as",
    "in",
    "and",
    "or",
    "if",
    "values",
    "interval",
    "on",
    // relations of the schema itself: CREATE TABLE public.device_events (...), ON public.device_events (...)
    "public.device_events",
]);

function calls(sql: string): Array<{ name: string; args: string }> {
    const out: Array<{ name: string; args: string }> = [];
    const re = /([A-Za-z_][A-Za-z0-9_.]*)\s*\(/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(sql))) {
        // Argument text up to the matching parenthesis.
        let depth = 1;
        let i = re.lastIndex;
        while (i < sql.length && depth > 0) {
            if (sql[i] === "(") depth++;
            else if (sql[i] === ")") depth--;
            i++;
        }
        out.push({ name: m[1].toLowerCase(), args: sql.slice(re.lastIndex, i - 1) });
    }
    return out;
}

const TYPE_ALIASES: Record<string, string> = {
    timestamptz: "timestamp with time zone",
    float8: "double precision",
    int8: "bigint",
};

/** Columns of `CREATE TABLE [IF NOT EXISTS] <name> (...)` in a file. */
function createTableColumns(file: SqlFile, table: string): ColumnSpec[] {
    const stmt = splitStatements(file.sql)
        .map((s) => stripComments(s.text))
        .find((s) => new RegExp(`^CREATE TABLE (IF NOT EXISTS )?(public\\.)?${table}\\s*\\(`, "i").test(s.trim()));
    assert.ok(stmt, `${file.name}: no CREATE TABLE ${table}`);
    const open = stmt.indexOf("(");
    let depth = 0;
    let close = open;
    for (; close < stmt.length; close++) {
        if (stmt[close] === "(") depth++;
        else if (stmt[close] === ")" && --depth === 0) break;
    }
    const body = stmt.slice(open + 1, close);
    return body.split(",").map((def) => {
        const m = /^\s*(\w+)\s+(.+?)(\s+NOT NULL)?\s*$/is.exec(def.replace(/\s+/g, " "));
        assert.ok(m, `${file.name}: cannot parse column definition "${def.trim()}"`);
        const type = m[2].trim().toLowerCase();
        return { name: m[1], type: TYPE_ALIASES[type] ?? type, notNull: Boolean(m[3]) };
    });
}

function file(list: SqlFile[], name: string): SqlFile {
    const f = list.find((x) => x.name === name);
    assert.ok(f, `missing ${name} (have ${list.map((x) => x.name).join(", ")})`);
    return f;
}

describe("schema: SQL splitter", () => {
    it("splits on top-level semicolons only", () => {
        const sql = `-- lead; comment
CREATE TABLE t (a text DEFAULT 'x;y', "b;" int); /* block; /* nested; */ still; */
DO $do$ BEGIN PERFORM 1; RAISE NOTICE 'a;b'; END $do$;
SELECT $$;$$, E'it\\'s;', 'it''s;';
-- trailing comment only;
`;
        const stmts = splitStatements(sql);
        assert.deepStrictEqual(
            stmts.map((s) => s.line),
            [2, 3, 4],
        );
        assert.match(stmts[0].text, /^CREATE TABLE t \(a text DEFAULT 'x;y', "b;" int\)$/);
        assert.match(stmts[1].text, /^DO \$do\$ BEGIN PERFORM 1; RAISE NOTICE 'a;b'; END \$do\$$/);
        assert.strictEqual(stmts[2].text, "SELECT $$;$$, E'it\\'s;', 'it''s;'");
    });

    it("rejects unterminated quotes", () => {
        assert.throws(() => splitStatements("SELECT 'x"), /unterminated string/);
        assert.throws(() => splitStatements("DO $a$ BEGIN END $b$"), /unterminated dollar-quoted/);
    });

    it("every schema file splits into statements that each end where expected", () => {
        for (const f of [...sqlFiles("rds"), ...cronSqlFiles(), ...sqlFiles("timescaledb")]) {
            const stmts = splitStatements(f.sql);
            assert.ok(stmts.length > 0, f.name);
            for (const s of stmts) assert.ok(!s.text.endsWith(";"), `${f.name}:${s.line}`);
        }
    });
});

describe("schema: TimescaleDB implementation (offline)", () => {
    const files = sqlFiles("timescaledb");
    const code = files
        .map((f) =>
            splitStatements(f.sql)
                .map((s) => stripComments(s.text))
                .join(";\n"),
        )
        .join(";\n");

    it("uses only documented TimescaleDB functions, with documented argument names", () => {
        const used = new Set<string>();
        for (const c of calls(code)) {
            if (POSTGRES_CALLS.has(c.name)) continue;
            const documented = TIMESCALE_FUNCTIONS[c.name];
            assert.ok(documented, `${c.name}(...) is neither a documented TimescaleDB function nor a known PostgreSQL one`);
            used.add(c.name);
            for (const named of c.args.matchAll(/(\w+)\s*=>/g)) {
                assert.ok(documented.includes(named[1]), `${c.name}: argument ${named[1]} is not documented (${documented.join(", ")})`);
            }
        }
        for (const f of ["create_hypertable", "by_range", "add_continuous_aggregate_policy", "add_retention_policy", "add_compression_policy", "time_bucket"]) {
            assert.ok(used.has(f), `expected the TimescaleDB implementation to call ${f}`);
        }
    });

    it("reads only documented informational views and storage options", () => {
        for (const m of code.matchAll(/timescaledb_information\.(\w+)/g)) {
            assert.ok(TIMESCALE_VIEWS[m[0]], `undocumented view ${m[0]}`);
        }
        for (const m of code.matchAll(/timescaledb\.(\w+)\s*(=|,|\))/g)) {
            assert.ok(TIMESCALE_OPTIONS.includes(`timescaledb.${m[1]}`), `undocumented option timescaledb.${m[1]}`);
        }
    });

    it("has the seed's continuous aggregate policy (start 3 h, end 1 h, every 10 min)", () => {
        const policy = calls(code).find((c) => c.name === "add_continuous_aggregate_policy");
        assert.ok(policy);
        assert.match(policy.args, new RegExp(`start_offset\\s*=>\\s*INTERVAL '${ROLLUP_POLICY.startOffset}'`));
        assert.match(policy.args, new RegExp(`end_offset\\s*=>\\s*INTERVAL '${ROLLUP_POLICY.endOffset}'`));
        assert.match(policy.args, new RegExp(`schedule_interval\\s*=>\\s*INTERVAL '${ROLLUP_POLICY.scheduleInterval}'`));
    });

    it("has retention, compression and a hypertable with daily chunks", () => {
        assert.match(code, /add_retention_policy\('public\.device_events', drop_after => v_retention/);
        assert.match(code, /add_compression_policy\('public\.device_events', compress_after => v_compress_after/);
        assert.match(code, /by_range\('time', INTERVAL '1 day'\)/);
        assert.match(code, /compress_segmentby = 'device_id'/);
    });
});

describe("schema: both implementations expose the contract", () => {
    const rds = sqlFiles("rds");
    const tsdb = sqlFiles("timescaledb");

    it("device_events has the contract's columns in both", () => {
        assert.deepStrictEqual(createTableColumns(file(rds, "rds/010_device_events.sql"), "device_events"), DEVICE_EVENTS_COLUMNS);
        assert.deepStrictEqual(createTableColumns(file(tsdb, "timescaledb/010_device_events.sql"), "device_events"), DEVICE_EVENTS_COLUMNS);
    });

    it("device_events_hourly has the contract's columns in both", () => {
        assert.deepStrictEqual(createTableColumns(file(rds, "rds/020_device_events_hourly.sql"), "device_events_hourly"), DEVICE_EVENTS_HOURLY_COLUMNS);
        const cagg = stripComments(file(tsdb, "timescaledb/020_device_events_hourly.sql").sql);
        const select = /\bAS\s+SELECT\s+([\s\S]+?)\s+FROM\b/i.exec(cagg);
        assert.ok(select, "no SELECT list in the continuous aggregate");
        const names = select[1].split(/,(?![^(]*\))/).map((item) => {
            const m = /(?:\bAS\s+)?(\w+)\s*$/i.exec(item.trim());
            return m ? m[1] : item.trim();
        });
        assert.deepStrictEqual(
            names,
            DEVICE_EVENTS_HOURLY_COLUMNS.map((c) => c.name),
        );
    });

    it("both create the latest-events-of-one-device index on (device_id, time DESC)", () => {
        for (const f of [file(rds, "rds/010_device_events.sql"), file(tsdb, "timescaledb/010_device_events.sql")]) {
            assert.match(
                f.sql,
                new RegExp(`CREATE INDEX IF NOT EXISTS ${LATEST_EVENTS_INDEX}\\s+ON public\\.device_events \\(device_id, time DESC\\)`),
                f.name,
            );
        }
    });

    it("the RDS refresh job uses the same window and interval as the continuous aggregate policy", () => {
        const cron = stripComments(
            cronSqlFiles()
                .map((f) => f.sql)
                .join("\n"),
        );
        assert.ok(cron.includes(`'${ROLLUP_POLICY.cronSchedule}'`), "cron schedule");
        assert.ok(cron.includes(`now() - interval ''${ROLLUP_POLICY.startOffset}'', now() - interval ''${ROLLUP_POLICY.endOffset}''`), "refresh window");
    });
});

describe("schema: runner arguments", () => {
    it("parses flags and applies defaults", () => {
        assert.deepStrictEqual(parseArgs(["--engine", "rds", "--url=postgres://h/db", "--retention", "14 days", "--premake", "7"]), {
            engine: "rds",
            url: "postgres://h/db",
            retention: "14 days",
            premake: 7,
        });
        assert.deepStrictEqual(resolveSettings({}), { retention: "30 days", premake: 4, compressAfter: "7 days" });
        assert.throws(() => parseArgs(["--nope"]), /unknown argument --nope/);
        assert.throws(() => resolveSettings({ premake: 0 }), /premake: 0 is not allowed/);
    });

    it("targets the pg_cron database with the same connection", () => {
        assert.strictEqual(
            withDatabase("postgres://u:p%40ss@db.example:5432/devices?sslmode=verify-full", "postgres"),
            "postgres://u:p%40ss@db.example:5432/postgres?sslmode=verify-full",
        );
        assert.deepStrictEqual(withDatabase({ host: "h", database: "devices" }, "postgres"), { host: "h", database: "postgres" });
    });
});
