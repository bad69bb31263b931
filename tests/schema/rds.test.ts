/**
 * The RDS implementation (pg_partman + pg_cron) against a real PostgreSQL 15 with Debian's pg_partman 4.7
 * and pg_cron 1.4, in a throwaway cluster started here and stopped in `after`, pass or fail.
 * Prerequisites: `bash .ci/setup-postgres.sh`. Missing binaries skip the suite, or fail it when $CI is set.
 * Also runs the plain-PostgreSQL parts of the TimescaleDB implementation and compares its rollup with the
 * RDS one on the same events.
 */
import * as assert from "assert";
import { Client } from "pg";
import { applySchema } from "../../schema/apply";
import { measureInsertThroughput, deleteBenchRows, formatThroughput } from "../../schema/bench";
import { DEVICE_EVENTS_COLUMNS, DEVICE_EVENTS_HOURLY_COLUMNS, LATEST_EVENTS_INDEX, cronJobNames, type ColumnSpec } from "../../schema/contract";
import { splitStatements, sqlFiles, stripComments } from "../../schema/sql";
import { INSTALL_HINT, missingPrerequisites, startCluster, type PgCluster } from "../../schema/testing/pg-cluster";

const APP_DB = "devices";
const DAY_MS = 86_400_000;

async function connect(url: string): Promise<Client> {
    const c = new Client({ connectionString: url });
    await c.connect();
    await c.query("SET TIME ZONE 'UTC'");
    return c;
}

/** Everything the schema owns in the app database and the pg_cron database, for idempotency checks. */
async function catalogState(app: Client, cron: Client): Promise<unknown> {
    const q = async (c: Client, sql: string): Promise<unknown[]> => (await c.query(sql)).rows;
    return {
        relations: await q(
            app,
            `
      SELECT n.nspname, c.relname, c.relkind, c.relispartition, pg_get_expr(c.relpartbound, c.oid) AS bound,
             (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, ', ' ORDER BY a.attnum)
                FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('public', 'partman') AND c.relkind IN ('r', 'p', 'v', 'm', 'i', 'I', 'S')
       ORDER BY 1, 2`,
        ),
        indexes: await q(app, "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname IN ('public', 'partman') ORDER BY 1, 2, 3"),
        functions: await q(
            app,
            `SELECT p.oid::regprocedure::text AS fn, md5(pg_get_functiondef(p.oid)) AS def
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1`,
        ),
        extensions: await q(app, "SELECT extname, extversion, extnamespace::regnamespace::text AS schema FROM pg_extension ORDER BY 1"),
        // xmin: a rerun with the same settings must not even rewrite these rows.
        partConfig: await q(app, "SELECT xmin::text AS xmin, to_jsonb(p) AS row FROM partman.part_config p ORDER BY parent_table"),
        cronExtensions: await q(cron, "SELECT extname, extversion FROM pg_extension ORDER BY 1"),
        cronJobs: await q(cron, "SELECT xmin::text AS xmin, jobid, jobname, schedule, command, database, username, active FROM cron.job ORDER BY jobid"),
    };
}

async function columnsOf(c: Client, table: string): Promise<ColumnSpec[]> {
    const { rows } = await c.query<ColumnSpec>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull"
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [table],
    );
    return rows;
}

/** Daily partitions of device_events with their bounds, oldest first (default partition excluded). */
async function partitions(c: Client): Promise<Array<{ name: string; from: Date; to: Date }>> {
    const { rows } = await c.query<{ name: string; bound: string }>(
        `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'public.device_events'::regclass`,
    );
    return rows
        .filter((r) => r.bound !== "DEFAULT")
        .map((r) => {
            const m = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(r.bound);
            assert.ok(m, r.bound);
            return { name: r.name, from: new Date(m[1].replace(" ", "T").replace(/\+00$/, "Z")), to: new Date(m[2].replace(" ", "T").replace(/\+00$/, "Z")) };
        })
        .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** Inserts `perHour` events for every hour from `days` days ago up to one hour ago, for 3 devices x 2 types. */
async function insertEvents(c: Client, days: number, now: Date): Promise<number> {
    const { rows } = await c.query<{ n: string }>(
        `WITH ins AS (
       INSERT INTO public.device_events (time, device_id, event_type, value, payload)
       SELECT h + (k * interval '7 minutes'), 'dev-' || d, t, (d * 10 + k)::float8, jsonb_build_object('k', k)
         FROM generate_series(date_trunc('hour', $1::timestamptz) - $2::int * interval '1 day',
                              date_trunc('hour', $1::timestamptz) - interval '1 hour', interval '1 hour') AS h,
              generate_series(1, 3) AS d, unnest(ARRAY['telemetry', 'alarm']) AS t, generate_series(0, 2) AS k
       RETURNING 1)
     SELECT count(*) AS n FROM ins`,
        [now.toISOString(), days],
    );
    return Number(rows[0].n);
}

const ROLLUP_VS_RAW = `
  SELECT bucket, device_id, event_type, event_count, value_avg, value_min, value_max FROM public.device_events_hourly
  %OP%
  SELECT date_bin('1 hour', time, '2000-01-03 00:00:00+00'), device_id, event_type, count(*), avg(value), min(value), max(value)
    FROM public.device_events GROUP BY 1, 2, 3`;

describe("schema: RDS implementation on a real PostgreSQL (pg_partman + pg_cron)", function () {
    this.timeout(60_000);
    let cluster: PgCluster | undefined;
    let app: Client;
    let cron: Client;

    before(async function () {
        const missing = missingPrerequisites();
        if (missing.length > 0) {
            const msg = `PostgreSQL test prerequisites are missing: ${missing.join("; ")}. To run these tests, ${INSTALL_HINT}.`;
            if (process.env.CI && !/^(0|false)$/i.test(process.env.CI)) throw new Error(`CI is set, so this is a failure, not a skip: ${msg}`);
            console.log(`\n  [schema] skipping the real-PostgreSQL tests: ${msg}`);
            this.skip();
        }
        cluster = await startCluster();
        cluster.createDatabase(APP_DB);
    });

    after(async () => {
        await app?.end().catch(() => undefined);
        await cron?.end().catch(() => undefined);
        cluster?.stop();
    });

    afterEach(function () {
        if (this.currentTest?.state === "failed" && cluster) {
            console.log(`\n--- PostgreSQL server log (tail) ---\n${cluster.log().split("\n").slice(-30).join("\n")}`);
        }
    });

    it("applies to an app database that is not cron.database_name, and a second run changes nothing", async () => {
        assert.ok(cluster);
        const first = await applySchema({ engine: "rds", connection: cluster.url(APP_DB) });
        assert.strictEqual(first.database, APP_DB);
        assert.strictEqual(first.cronDatabase, "postgres");
        app = await connect(cluster.url(APP_DB));
        cron = await connect(cluster.url(cluster.cronDatabase));
        const before = await catalogState(app, cron);
        await applySchema({ engine: "rds", connection: cluster.url(APP_DB) });
        const after = await catalogState(app, cron);
        assert.deepStrictEqual(after, before);
    });

    it("exposes the contract: columns, rollup columns and the latest-events index on every partition", async () => {
        assert.deepStrictEqual(await columnsOf(app, "public.device_events"), DEVICE_EVENTS_COLUMNS);
        assert.deepStrictEqual(await columnsOf(app, "public.device_events_hourly"), DEVICE_EVENTS_HOURLY_COLUMNS);
        const { rows } = await app.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = $1", [LATEST_EVENTS_INDEX]);
        assert.deepStrictEqual(
            rows.map((r) => r.indexdef),
            [`CREATE INDEX ${LATEST_EVENTS_INDEX} ON ONLY public.device_events USING btree (device_id, "time" DESC)`],
        );
        const parts = await app.query<{ n: string; indexed: string }>(
            `SELECT count(*) AS n, count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM pg_index x JOIN pg_inherits ii ON ii.inhrelid = x.indexrelid
                 WHERE x.indrelid = i.inhrelid AND ii.inhparent = $1::regclass)) AS indexed
         FROM pg_inherits i WHERE i.inhparent = 'public.device_events'::regclass`,
            [`public.${LATEST_EVENTS_INDEX}`],
        );
        assert.ok(Number(parts.rows[0].n) > 30);
        assert.strictEqual(parts.rows[0].indexed, parts.rows[0].n);
        // The planner uses it for "latest events of one device".
        const plan = await app.query("EXPLAIN (COSTS OFF) SELECT * FROM public.device_events WHERE device_id = 'dev-1' ORDER BY time DESC LIMIT 10");
        assert.match(plan.rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n"), /device_id_time_idx/);
    });

    it("registers the pg_cron jobs in cron.database_name, running in the app database", async () => {
        const names = cronJobNames(APP_DB);
        const { rows } = await cron.query("SELECT jobname, schedule, command, database, active FROM cron.job ORDER BY jobname");
        assert.deepStrictEqual(rows, [
            {
                jobname: names.rollup,
                schedule: "*/10 * * * *",
                command: "SELECT public.refresh_device_events_hourly(now() - interval '3 hours', now() - interval '1 hour')",
                database: APP_DB,
                active: true,
            },
            { jobname: names.maintenance, schedule: "3 * * * *", command: "CALL partman.run_maintenance_proc()", database: APP_DB, active: true },
        ]);
    });

    it("partitions daily, ahead of time (premake) and back to the retention horizon", async () => {
        // Run the maintenance job's own command, as pg_cron would.
        const { rows } = await cron.query<{ command: string }>("SELECT command FROM cron.job WHERE jobname = $1", [cronJobNames(APP_DB).maintenance]);
        await app.query(rows[0].command);
        const parts = await partitions(app);
        const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
        for (const p of parts) assert.strictEqual(p.to.getTime() - p.from.getTime(), DAY_MS, p.name);
        assert.ok(parts[parts.length - 1].from.getTime() >= today + 4 * DAY_MS, `premake: last partition ${parts[parts.length - 1].name}`);
        assert.ok(parts[0].from.getTime() <= today - 29 * DAY_MS, `first partition ${parts[0].name}`);
    });

    it("stores a few days of events in their partitions; the hourly rollup's counts equal the raw counts", async () => {
        const now = new Date();
        const inserted = await insertEvents(app, 4, now);
        assert.strictEqual(inserted, 4 * 24 * 3 * 2 * 3);
        const spread = await app.query<{ part: string; n: string }>(
            "SELECT tableoid::regclass::text AS part, count(*) AS n FROM public.device_events GROUP BY 1 ORDER BY 1",
        );
        assert.ok(spread.rows.length >= 4, JSON.stringify(spread.rows));
        assert.ok(!spread.rows.some((r) => r.part.endsWith("_default")), "rows fell into the default partition");

        // The cron job's window [now - 3 h, now - 1 h) materialises only recent whole buckets...
        const job = await cron.query<{ command: string }>("SELECT command FROM cron.job WHERE jobname = $1", [cronJobNames(APP_DB).rollup]);
        await app.query(job.rows[0].command);
        const recent = await app.query<{ buckets: string }>("SELECT count(DISTINCT bucket) AS buckets FROM public.device_events_hourly");
        assert.ok(["1", "2"].includes(recent.rows[0].buckets), `window refresh materialised ${recent.rows[0].buckets} buckets`);

        // ...a full refresh (like refresh_continuous_aggregate(..., NULL, NULL)) covers everything.
        await app.query("SELECT public.refresh_device_events_hourly(NULL, NULL)");
        const [rollupSql, rawSql] = ROLLUP_VS_RAW.split("%OP%");
        for (const sql of [`${rollupSql} EXCEPT ALL ${rawSql}`, `${rawSql} EXCEPT ALL ${rollupSql}`]) {
            const diff = await app.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) d`);
            assert.strictEqual(diff.rows[0].n, "0", sql);
        }
        const totals = await app.query<{ raw: string; rolled: string }>(
            "SELECT (SELECT count(*) FROM public.device_events) AS raw, (SELECT sum(event_count) FROM public.device_events_hourly) AS rolled",
        );
        assert.strictEqual(totals.rows[0].rolled, totals.rows[0].raw);
        // Idempotent refresh: same result, no duplicates (unique index).
        await app.query("SELECT public.refresh_device_events_hourly(NULL, NULL)");
        const again = await app.query<{ rolled: string }>("SELECT sum(event_count) AS rolled FROM public.device_events_hourly");
        assert.strictEqual(again.rows[0].rolled, totals.rows[0].raw);
    });

    it("a new retention applies idempotently; maintenance drops expired partitions and the rollup keeps their hours", async () => {
        assert.ok(cluster);
        await applySchema({ engine: "rds", connection: cluster.url(APP_DB), retention: "2 days" });
        const cfg1 = await app.query("SELECT xmin::text, retention FROM partman.part_config WHERE parent_table = 'public.device_events'");
        assert.strictEqual(cfg1.rows[0].retention, "2 days");
        await applySchema({ engine: "rds", connection: cluster.url(APP_DB), retention: "2 days" });
        const cfg2 = await app.query("SELECT xmin::text, retention FROM partman.part_config WHERE parent_table = 'public.device_events'");
        assert.deepStrictEqual(cfg2.rows, cfg1.rows, "re-applying the same retention rewrote part_config");

        const rolledBefore = await app.query<{ n: string }>("SELECT sum(event_count) AS n FROM public.device_events_hourly");
        await app.query("CALL partman.run_maintenance_proc()");
        const parts = await partitions(app);
        const horizon = Date.now() - 2 * DAY_MS;
        assert.ok(parts[0].to.getTime() >= horizon, `expired partition kept: ${parts[0].name}`);
        assert.ok(parts[0].from.getTime() <= horizon, `too much dropped: first partition ${parts[0].name}`);
        const oldest = await app.query<{ t: Date }>("SELECT min(time) AS t FROM public.device_events");
        assert.ok(oldest.rows[0].t.getTime() >= parts[0].from.getTime());
        // Dropped, not detached (retention_keep_table = false): no leftover tables.
        const leftovers = await app.query("SELECT relname FROM pg_class WHERE relname LIKE 'device_events_p%' AND NOT relispartition AND relkind = 'r'");
        assert.deepStrictEqual(leftovers.rows, []);
        // Like a continuous aggregate, the rollup outlives raw retention until its own window is refreshed.
        await app.query("SELECT public.refresh_device_events_hourly(now() - interval '3 hours', now() - interval '1 hour')");
        const rolledAfter = await app.query<{ n: string }>("SELECT sum(event_count) AS n FROM public.device_events_hourly");
        assert.strictEqual(rolledAfter.rows[0].n, rolledBefore.rows[0].n);
    });

    it("restores a cron job changed by hand, keeping its jobid", async () => {
        assert.ok(cluster);
        const name = cronJobNames(APP_DB).rollup;
        const before = await cron.query<{ jobid: string }>("SELECT jobid FROM cron.job WHERE jobname = $1", [name]);
        await cron.query("UPDATE cron.job SET schedule = '0 0 * * *' WHERE jobname = $1", [name]);
        await applySchema({ engine: "rds", connection: cluster.url(APP_DB), retention: "2 days" });
        const after = await cron.query("SELECT jobid, schedule FROM cron.job WHERE jobname = $1", [name]);
        assert.deepStrictEqual(after.rows, [{ jobid: before.rows[0].jobid, schedule: "*/10 * * * *" }]);
    });

    it("also works when the app database is cron.database_name itself", async () => {
        assert.ok(cluster);
        const first = await applySchema({ engine: "rds", connection: cluster.url(cluster.cronDatabase) });
        assert.strictEqual(first.cronDatabase, first.database);
        const state1 = await catalogState(cron, cron);
        await applySchema({ engine: "rds", connection: cluster.url(cluster.cronDatabase) });
        assert.deepStrictEqual(await catalogState(cron, cron), state1);
        const names = cronJobNames(cluster.cronDatabase);
        const { rows } = await cron.query("SELECT jobname, database FROM cron.job WHERE database = $1 ORDER BY jobname", [cluster.cronDatabase]);
        assert.deepStrictEqual(rows, [
            { jobname: names.rollup, database: cluster.cronDatabase },
            { jobname: names.maintenance, database: cluster.cronDatabase },
        ]);
    });

    it("refuses --engine timescaledb on a server without TimescaleDB, with a clear message", async () => {
        assert.ok(cluster);
        await assert.rejects(applySchema({ engine: "timescaledb", connection: cluster.url(APP_DB) }), /cannot load TimescaleDB.*use --engine rds/s);
    });

    it("TimescaleDB implementation: its plain-PostgreSQL parts run here and its rollup equals the RDS rollup", async () => {
        assert.ok(cluster);
        cluster.createDatabase("tsdb_plain");
        const db = await connect(cluster.url("tsdb_plain"));
        try {
            // time_bucket('1 hour', ts) for timestamptz buckets from 2000-01-03 00:00 UTC (TimescaleDB's default origin).
            await db.query(`CREATE FUNCTION time_bucket(bucket_width interval, ts timestamptz) RETURNS timestamptz
                        LANGUAGE sql IMMUTABLE AS $$ SELECT date_bin(bucket_width, ts, '2000-01-03 00:00:00+00') $$`);
            const timescaleOnly = /timescaledb_information|create_hypertable|_policy\s*\(|EXTENSION IF NOT EXISTS timescaledb/i;
            let ran = 0;
            for (const f of sqlFiles("timescaledb")) {
                for (const s of splitStatements(f.sql)) {
                    const code = stripComments(s.text);
                    if (timescaleOnly.test(code)) continue;
                    // A continuous aggregate minus its TimescaleDB options is a plain materialized view.
                    await db.query(code.replace(/WITH\s*\(\s*timescaledb\.[^)]*\)/i, ""));
                    ran++;
                }
            }
            assert.strictEqual(ran, 3, "CREATE TABLE, CREATE INDEX, CREATE MATERIALIZED VIEW");
            assert.deepStrictEqual(await columnsOf(db, "public.device_events"), DEVICE_EVENTS_COLUMNS);
            const strip = (cols: ColumnSpec[]): Array<Omit<ColumnSpec, "notNull">> => cols.map(({ name, type }) => ({ name, type }));
            assert.deepStrictEqual(strip(await columnsOf(db, "public.device_events_hourly")), strip([...DEVICE_EVENTS_HOURLY_COLUMNS]));

            // Same events in both implementations -> same rollup rows.
            const now = new Date();
            await insertEvents(db, 2, now);
            await app.query("DELETE FROM public.device_events");
            await insertEvents(app, 2, now);
            await app.query("SELECT public.refresh_device_events_hourly(NULL, NULL)");
            await db.query("REFRESH MATERIALIZED VIEW public.device_events_hourly");
            const order = "SELECT * FROM public.device_events_hourly WHERE bucket >= $1 ORDER BY bucket, device_id, event_type";
            const since = new Date(now.getTime() - 2 * DAY_MS);
            const [a, b] = await Promise.all([app.query(order, [since]), db.query(order, [since])]);
            assert.ok(a.rows.length > 0);
            assert.deepStrictEqual(a.rows, b.rows);
        } finally {
            await db.end();
        }
    });

    it("measures insert throughput of 100k rows (seed requirement: 200 events/s)", async () => {
        const r = await measureInsertThroughput(app, 100_000, 10_000);
        console.log(`\n  [schema] ${formatThroughput(r)}`);
        await deleteBenchRows(app);
        assert.ok(r.rowsPerSecond > 200, formatThroughput(r));
    });
});
