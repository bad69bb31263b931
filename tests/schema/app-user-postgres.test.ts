// The application database user on a real PostgreSQL 15 with the RDS schema (pg_partman + pg_cron) and
// password authentication, including the alternating-users rotation replayed with the SQL AWS's rotation
// function runs. Prerequisites as in rds.test.ts (`bash .ci/setup-postgres.sh`): missing binaries skip it,
// or fail it with $CI. The pure parts: app-user.test.ts.
import * as assert from "assert";
import { Client } from "pg";
import { applySchema } from "../../schema/apply";
import { appUserFromSecret, cloneUsername, ensureAppUser, parseAppUserSecret } from "../../schema/app-user";
import { cronJobNames } from "../../schema/contract";
import { INSTALL_HINT, missingPrerequisites, startCluster, type PgCluster } from "../../schema/testing/pg-cluster";

import { SECRET } from "../helpers/app-user-secret";

const APP_DB = "devices";
const USER = "devices_app";
const INITIAL = "Initial0Password0Value0123";

/**
 * set_secret of AWS's SecretsManagerRDSPostgreSQLRotationMultiUser, statement for statement
 * (aws-samples/aws-secrets-manager-rotation-lambdas, SecretsManagerRDSPostgreSQLRotationMultiUser/lambda_function.py,
 * set_secret(), about lines 155-225 at commit 119afe71): return if the pending credentials already log in; log in
 * with the current ones (its confused-deputy check); then, as the master, `SELECT quote_ident(%s)` for both
 * names, `SELECT 1 FROM pg_roles where rolname = %s`, and either `CREATE ROLE <pending> WITH LOGIN PASSWORD %s`
 * + `GRANT <current> TO <pending>` or `ALTER USER <pending> WITH PASSWORD %s`, then commit. PyGreSQL's pgdb
 * interpolates %s as a quoted literal on the client; format('%L') does the same here.
 */
async function awsSetSecret(cluster: PgCluster, master: Client, current: Creds, pending: Creds): Promise<"already set" | "created" | "altered"> {
    if (await canLogin(cluster, pending)) return "already set";
    if (!(await canLogin(cluster, current))) throw new Error("setSecret: Unable to log into database using current credentials");
    await master.query("BEGIN");
    const pendingName = (await master.query<{ q: string }>("SELECT quote_ident($1) AS q", [pending.user])).rows[0].q;
    const currentName = (await master.query<{ q: string }>("SELECT quote_ident($1) AS q", [current.user])).rows[0].q;
    const exists = (await master.query("SELECT 1 FROM pg_roles where rolname = $1", [pending.user])).rows.length > 0;
    const run = async (template: string, password: string) =>
        master.query((await master.query<{ s: string }>("SELECT format($1, $2::text) AS s", [template, password])).rows[0].s);
    let outcome: "created" | "altered";
    if (!exists) {
        await run(`CREATE ROLE ${pendingName} WITH LOGIN PASSWORD %L`, pending.password);
        await master.query(`GRANT ${currentName} TO ${pendingName}`);
        outcome = "created";
    } else {
        await run(`ALTER USER ${pendingName} WITH PASSWORD %L`, pending.password);
        outcome = "altered";
    }
    await master.query("COMMIT");
    return outcome;
}

/** test_secret of the same function: log in with the pending credentials and run `SELECT NOW()`. */
async function awsTestSecret(cluster: PgCluster, pending: Creds): Promise<void> {
    const c = await login(cluster, pending);
    try {
        await c.query("SELECT NOW()");
    } finally {
        await c.end();
    }
}

interface Creds {
    user: string;
    password: string;
    database?: string;
}

async function login(cluster: PgCluster, creds: Creds): Promise<Client> {
    const c = new Client({ connectionString: cluster.url(creds.database ?? APP_DB, creds) });
    await c.connect();
    await c.query("SET TIME ZONE 'UTC'");
    return c;
}

async function canLogin(cluster: PgCluster, creds: Creds): Promise<boolean> {
    try {
        await (await login(cluster, creds)).end();
        return true;
    } catch (err) {
        if (/password authentication failed/.test((err as Error).message)) return false;
        throw err;
    }
}

/** Everything ensureAppUser could change, including the stored password and catalog row versions. */
async function grantState(master: Client): Promise<unknown> {
    const q = async (sql: string, values: unknown[] = []) => (await master.query(sql, values)).rows;
    return {
        roles: await q(
            `SELECT xmin::text, rolname, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolinherit, rolcanlogin, rolbypassrls, rolpassword
                      FROM pg_authid WHERE rolname LIKE $1 ORDER BY rolname`,
            [`${USER}%`],
        ),
        members: await q(
            `SELECT m.xmin::text, r.rolname AS role, u.rolname AS member FROM pg_auth_members m
                        JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE r.rolname LIKE $1 ORDER BY 2, 3`,
            [`${USER}%`],
        ),
        relations: await q(`SELECT c.xmin::text, c.relname, c.relacl::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
                          AND c.relkind IN ('r', 'p', 'S') ORDER BY c.relname`),
        database: await q("SELECT xmin::text, datacl::text FROM pg_database WHERE datname = current_database()"),
        schema: await q("SELECT xmin::text, nspacl::text FROM pg_namespace WHERE nspname = 'public'"),
        defaults: await q("SELECT xmin::text, defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY defaclobjtype"),
    };
}

/** Expects `sql` run by `c` to fail with a message matching `why`. */
async function refused(c: Client, sql: string, why: RegExp): Promise<void> {
    await assert.rejects(c.query(sql), why, sql);
}

describe("app user on a real PostgreSQL (RDS schema, password authentication)", function () {
    this.timeout(60_000);
    let cluster: PgCluster | undefined;
    let master: Client;
    let app: Client;
    /** Opened with the initial credentials before any rotation, kept open throughout. */
    let longLived: Client;

    before(async function () {
        const missing = missingPrerequisites();
        if (missing.length > 0) {
            const msg = `PostgreSQL test prerequisites are missing: ${missing.join("; ")}. To run these tests, ${INSTALL_HINT}.`;
            if (process.env.CI && !/^(0|false)$/i.test(process.env.CI)) throw new Error(`CI is set, so this is a failure, not a skip: ${msg}`);
            console.log(`\n  [schema] skipping the real-PostgreSQL app-user tests: ${msg}`);
            this.skip();
        }
        cluster = await startCluster({ passwordAuth: true });
        cluster.createDatabase(APP_DB);
        // The cluster's superuser plays the RDS master here: it applies the schema and owns the tables.
        await applySchema({ engine: "rds", connection: cluster.url(APP_DB) });
        master = new Client({ connectionString: cluster.url(APP_DB) });
        await master.connect();
        await master.query("SET TIME ZONE 'UTC'");
    });

    after(async () => {
        for (const c of [app, longLived, master]) await c?.end().catch(() => undefined);
        cluster?.stop();
    });

    afterEach(function () {
        if (this.currentTest?.state === "failed" && cluster) {
            console.log(`\n--- PostgreSQL server log (tail) ---\n${cluster.log().split("\n").slice(-30).join("\n")}`);
        }
    });

    it("creates the role with the given password (a SCRAM verifier), least-privilege attributes, and the grants", async () => {
        assert.ok(cluster);
        const result = await ensureAppUser(master, { username: USER, password: INITIAL, database: APP_DB });
        assert.strictEqual(result.roleCreated, true);
        assert.strictEqual(result.clone, "absent");
        assert.deepStrictEqual(result.missingTables, []);
        assert.ok(result.tables.includes("public.device_events") && result.tables.includes("public.device_events_hourly"));
        assert.ok(result.tables.filter((t) => /device_events_p\d{4}_\d{2}_\d{2}$/.test(t)).length > 30, "every daily partition checked");
        assert.ok(result.changes.every((c) => !c.includes(INITIAL)));
        const {
            rows: [role],
        } = await master.query(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolinherit, rolbypassrls, rolpassword LIKE 'SCRAM-SHA-256$4096:%' AS scram FROM pg_authid WHERE rolname = $1",
            [USER],
        );
        assert.deepStrictEqual(role, {
            rolcanlogin: true,
            rolsuper: false,
            rolcreatedb: false,
            rolcreaterole: false,
            rolreplication: false,
            rolinherit: true,
            rolbypassrls: false,
            scram: true,
        });
        // The password reached the server only as a verifier: nowhere in the server log.
        assert.ok(!cluster.log().includes(INITIAL));
        assert.strictEqual(await canLogin(cluster, { user: USER, password: "Wrong0Password0Value01234" }), false, "a wrong password is refused");
        app = await login(cluster, { user: USER, password: INITIAL });
        longLived = await login(cluster, { user: USER, password: INITIAL });
    });

    it("the app user writes and reads device_events, and reads the hourly rollup", async () => {
        const now = new Date();
        await app.query(
            `INSERT INTO public.device_events (time, device_id, event_type, value, payload)
       SELECT date_trunc('hour', $1::timestamptz) - interval '2 hours' + k * interval '5 minutes', 'dev-1', 'telemetry', k, NULL FROM generate_series(0, 5) k`,
            [now.toISOString()],
        );
        assert.strictEqual((await app.query("UPDATE public.device_events SET value = value + 1 WHERE device_id = 'dev-1'")).rowCount, 6);
        assert.strictEqual((await app.query("DELETE FROM public.device_events WHERE device_id = 'dev-1' AND value = 1")).rowCount, 1);
        // The pg_cron job (run as the master) fills the rollup; the app reads it.
        await master.query("SELECT public.refresh_device_events_hourly(now() - interval '3 hours', now() - interval '1 hour')");
        const { rows } = await app.query<{ n: string }>("SELECT sum(event_count) AS n FROM public.device_events_hourly WHERE device_id = 'dev-1'");
        assert.strictEqual(rows[0].n, "5");
    });

    it("partitions pg_partman's maintenance (run as the master, like the pg_cron job) creates later are covered", async () => {
        const names = async () =>
            (
                await master.query<{ relname: string }>(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.device_events'::regclass",
                )
            ).rows.map((r) => r.relname);
        const before = new Set(await names());
        await master.query("UPDATE partman.part_config SET premake = premake + 3 WHERE parent_table = 'public.device_events'");
        const cronDb = new Client({ connectionString: cluster!.url(cluster!.cronDatabase) });
        await cronDb.connect();
        const {
            rows: [job],
        } = await cronDb.query<{ command: string; username: string }>("SELECT command, username FROM cron.job WHERE jobname = $1", [
            cronJobNames(APP_DB).maintenance,
        ]);
        await cronDb.end();
        assert.strictEqual(job.username, cluster!.user, "the maintenance job runs as the master");
        await master.query(job.command);
        const created = (await names()).filter((n) => !before.has(n)).sort();
        assert.ok(created.length >= 3, `new partitions: ${created.join(", ")}`);
        const newest = created[created.length - 1];
        const day = /p(\d{4})_(\d{2})_(\d{2})$/.exec(newest)!;
        const t = `${day[1]}-${day[2]}-${day[3]} 12:00:00+00`;
        await app.query("INSERT INTO public.device_events (time, device_id, event_type, value) VALUES ($1, 'dev-future', 'telemetry', 1)", [t]);
        // Directly on the partition too: its own ACL came from the default privileges.
        const direct = await app.query<{ n: string }>(`SELECT count(*) AS n FROM public.${newest} WHERE device_id = 'dev-future'`);
        assert.strictEqual(direct.rows[0].n, "1");
        await app.query(`DELETE FROM public.${newest} WHERE device_id = 'dev-future'`);
    });

    it("the app user cannot create roles, databases or tables, change the schema, or read pg_cron and pg_partman", async () => {
        await refused(app, "CREATE ROLE intruder LOGIN", /permission denied to create role/);
        await refused(app, "CREATE DATABASE intruder", /permission denied to create database/);
        await refused(app, "CREATE TABLE public.intruder (x int)", /permission denied for schema public/);
        await refused(app, "DROP TABLE public.device_events_hourly", /must be owner/);
        await refused(app, "TRUNCATE public.device_events", /permission denied for table device_events/);
        await refused(app, "ALTER TABLE public.device_events ADD COLUMN x int", /must be owner/);
        await refused(app, "SELECT * FROM partman.part_config", /permission denied for schema partman/);
        await refused(app, "CALL partman.run_maintenance_proc()", /permission denied for schema partman/);
        // pg_cron's tables live in cron.database_name; PUBLIC can connect there, but not use the cron schema.
        const cronDb = await login(cluster!, { user: USER, password: INITIAL, database: cluster!.cronDatabase });
        try {
            await refused(cronDb, "SELECT * FROM cron.job", /permission denied for schema cron/);
            await refused(cronDb, "SELECT cron.schedule('x', '* * * * *', 'SELECT 1')", /permission denied for schema cron/);
        } finally {
            await cronDb.end();
        }
    });

    it("a second run changes nothing: no statement, same grants, same stored password, even when given another one", async () => {
        const before = await grantState(master);
        const again = await ensureAppUser(master, { username: USER, password: "Another0Password0Value012", database: APP_DB });
        assert.deepStrictEqual(again.changes, []);
        assert.strictEqual(again.roleCreated, false);
        assert.deepStrictEqual(await grantState(master), before);
        assert.strictEqual(await canLogin(cluster!, { user: USER, password: INITIAL }), true);
        assert.strictEqual(await canLogin(cluster!, { user: USER, password: "Another0Password0Value012" }), false);
    });

    it("restores what was revoked by hand, still without touching the password", async () => {
        await master.query(`REVOKE INSERT ON public.device_events FROM ${USER}`);
        await master.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE DELETE ON TABLES FROM ${USER}`);
        await master.query(`ALTER ROLE ${USER} CREATEDB`);
        const fixed = await ensureAppUser(master, { username: USER });
        assert.deepStrictEqual(fixed.changes, [
            `reset attributes of role ${USER} (NOCREATEDB)`,
            "grant INSERT on table public.device_events",
            `default privileges: DELETE on tables ${cluster!.user} creates in public`,
        ]);
        assert.strictEqual(await canLogin(cluster!, { user: USER, password: INITIAL }), true);
    });

    it("alternating-users rotation with the AWS function's SQL: connections survive, the oldest password dies on the second rotation", async () => {
        assert.ok(cluster);
        const base: Creds = { user: USER, password: INITIAL };
        // Rotation 1: createSecret switches to <user>_clone with a new password; setSecret creates it.
        const clone: Creds = { user: cloneUsername(USER), password: "Clone0Password0Value01234" };
        assert.strictEqual(await awsSetSecret(cluster, master, base, clone), "created");
        await awsTestSecret(cluster, clone);
        assert.strictEqual(await awsSetSecret(cluster, master, base, clone), "already set", "setSecret is idempotent");
        const asClone = await login(cluster, clone);
        await asClone.query("INSERT INTO public.device_events (time, device_id, event_type) VALUES (now(), 'dev-clone', 'telemetry')");
        assert.strictEqual((await asClone.query("SELECT count(*)::int AS n FROM public.device_events WHERE device_id = 'dev-clone'")).rows[0].n, 1);
        await asClone.query("SELECT count(*) FROM public.device_events_hourly");
        await asClone.end();
        // Meanwhile the connection opened with the original credentials keeps working, and so do new ones.
        await longLived.query("SELECT count(*) FROM public.device_events");
        assert.strictEqual(await canLogin(cluster, base), true);

        // The bootstrap re-running after rotation 1 (secret now names the clone): nothing to do, clone is a member.
        const afterRotation = await ensureAppUser(master, {
            ...appUserFromSecret(parseAppUserSecret(JSON.stringify({ ...SECRET, ...{ username: clone.user, password: clone.password } })), USER),
        });
        assert.deepStrictEqual([afterRotation.clone, afterRotation.changes], ["member", []]);

        // Rotation 2: AWSCURRENT is the clone, so the base user gets a new password.
        const base2: Creds = { user: USER, password: "Second0Password0Value0123" };
        assert.strictEqual(await awsSetSecret(cluster, master, clone, base2), "altered");
        await awsTestSecret(cluster, base2);
        assert.strictEqual(await canLogin(cluster, base), false, "the oldest password no longer logs in");
        assert.strictEqual(await canLogin(cluster, clone), true, "the previous (clone) credentials still do");
        await longLived.query("SELECT 1");
        await app.query("SELECT count(*) FROM public.device_events");
    });

    it("makes an existing clone a member of the base user again when that grant was lost", async () => {
        await master.query(`REVOKE ${USER} FROM ${cloneUsername(USER)}`);
        const asClone = await login(cluster!, { user: cloneUsername(USER), password: "Clone0Password0Value01234" });
        await refused(asClone, "SELECT 1 FROM public.device_events LIMIT 1", /permission denied/);
        const fixed = await ensureAppUser(master, { username: USER });
        assert.deepStrictEqual([fixed.clone, fixed.changes], ["granted", [`grant role ${USER} to ${cloneUsername(USER)}`]]);
        await asClone.query("SELECT 1 FROM public.device_events LIMIT 1");
        await asClone.end();
    });

    it("as a non-superuser master with CREATEROLE (like RDS's rds_superuser master), before the tables exist", async () => {
        assert.ok(cluster);
        // RDS's master is not a superuser; it owns the database and creates the app's tables itself.
        await master.query("CREATE ROLE rds_like_master LOGIN CREATEROLE CREATEDB PASSWORD 'Master0Password0Value0123'");
        cluster.createDatabase("owned");
        await master.query(`ALTER DATABASE owned OWNER TO rds_like_master`);
        const m = await login(cluster, { user: "rds_like_master", password: "Master0Password0Value0123", database: "owned" });
        try {
            // First `pulumi up`: the bootstrap runs before schema/apply.ts has created any table.
            const early = await ensureAppUser(m, { username: "owned_app", password: "Owned0Password0Value01234", tables: ["events"] });
            assert.deepStrictEqual([early.roleCreated, early.missingTables], [true, ["events"]]);
            await m.query("CREATE TABLE public.events (id bigserial PRIMARY KEY, body text)");
            const u = await login(cluster, { user: "owned_app", password: "Owned0Password0Value01234", database: "owned" });
            await u.query("INSERT INTO public.events (body) VALUES ('covered by default privileges, sequence included')");
            await u.end();
            // The AWS function's SQL, as this master: CREATE ROLE + GRANT, then ALTER USER on the next rotation.
            const ownedBase = { user: "owned_app", password: "Owned0Password0Value01234", database: "owned" };
            const ownedClone = { user: "owned_app_clone", password: "OwnedClone0Password0Value", database: "owned" };
            assert.strictEqual(await awsSetSecret(cluster, m, ownedBase, ownedClone), "created");
            assert.strictEqual(await awsSetSecret(cluster, m, ownedClone, { ...ownedBase, password: "Owned2Password0Value01234" }), "altered");
            const again = await ensureAppUser(m, { username: "owned_app", tables: ["events"] });
            assert.deepStrictEqual([again.clone, again.missingTables], ["member", []]);
        } finally {
            await m.end();
        }
    });
});
