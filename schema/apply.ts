/**
 * Applies the devices service's time-series schema (schema/contract.ts) to a database:
 *   --engine rds          native partitions + pg_partman + pg_cron (schema/rds/, schema/rds/cron/)
 *   --engine timescaledb  hypertable + continuous aggregate + policies (schema/timescaledb/)
 * Idempotent: a second run with the same settings changes nothing; a run with a new --retention (or
 * --premake / --compress-after) updates only that setting.
 *
 * Usage:
 *   npx tsx schema/apply.ts --engine rds --url postgres://user@host:5432/app [--retention "30 days"]
 *   PGHOST=... PGDATABASE=... PGUSER=... PGPASSWORD=... npx tsx schema/apply.ts --engine timescaledb
 * Connection: --url, else $DATABASE_URL, else the libpq PG* variables (PGHOST, PGPORT, PGDATABASE,
 * PGUSER, PGPASSWORD, PGSSLMODE). A password missing from the URL is taken from PGPASSWORD, or from the
 * RDS-managed master secret with --secret-arn (JSON with `username` and `password`).
 *
 * --app-user-secret-arn (RDS only): after the schema, creates or refreshes the application's own
 * least-privilege user (schema/app-user.ts) named in that secret (the JSON shape AWS's alternating-users
 * rotation function uses). Its password is used only when the role does not exist yet.
 */
import { Client, type ClientConfig } from "pg";
import { DEFAULT_SETTINGS, ENGINES, SETTING_GUCS, type Engine, type SchemaSettings } from "./contract";
import { cronSqlFiles, splitStatements, sqlFiles, type SqlFile } from "./sql";
import { appUserFromSecret, ensureAppUser, parseAppUserSecret, type AppUserSpec, type EnsureAppUserResult } from "./app-user";

export interface ApplyOptions extends Partial<SchemaSettings> {
    engine: Engine;
    /** A connection string, or a pg client config (unset fields fall back to the PG* variables). */
    connection: string | ClientConfig;
    /** RDS: database pg_cron lives in. @default the server's `cron.database_name` */
    cronDatabase?: string;
    /** RDS only: create or refresh the app user after the schema (ensureAppUser, same connection). */
    appUser?: AppUserSpec;
    log?: (line: string) => void;
}

export interface ApplyResult {
    engine: Engine;
    database: string;
    /** RDS only: where the pg_cron jobs were registered. */
    cronDatabase?: string;
    settings: SchemaSettings;
    statements: number;
    /** With `appUser`: what ensureAppUser did. */
    appUser?: EnsureAppUserResult;
}

const LOCK_KEY = "device_events schema apply";

/** Validates and normalises settings before anything is sent to a server. */
export function resolveSettings(partial: Partial<SchemaSettings>): SchemaSettings {
    const s: SchemaSettings = {
        retention: partial.retention ?? DEFAULT_SETTINGS.retention,
        premake: partial.premake ?? DEFAULT_SETTINGS.premake,
        compressAfter: partial.compressAfter ?? DEFAULT_SETTINGS.compressAfter,
    };
    if (!Number.isInteger(s.premake) || s.premake < 1 || s.premake > 90) {
        throw new Error(`premake: ${s.premake} is not allowed; use an integer number of daily partitions from 1 to 90`);
    }
    return s;
}

/** The same connection, to another database of the server (the pg_cron database). */
export function withDatabase(connection: string | ClientConfig, database: string): string | ClientConfig {
    const setPath = (cs: string): string => {
        const url = new URL(cs);
        url.pathname = `/${encodeURIComponent(database)}`;
        return url.toString();
    };
    if (typeof connection === "string") return setPath(connection);
    // pg lets fields parsed from connectionString override the config's own fields.
    if (connection.connectionString) return { ...connection, connectionString: setPath(connection.connectionString) };
    return { ...connection, database };
}

function toConfig(connection: string | ClientConfig): ClientConfig {
    return typeof connection === "string" ? { connectionString: connection } : connection;
}

async function connect(connection: string | ClientConfig): Promise<Client> {
    const client = new Client({ application_name: "device-schema-apply", ...toConfig(connection) });
    await client.connect();
    // UTC like RDS defaults: pg_partman names and bounds daily partitions in the session time zone.
    await client.query("SET TIME ZONE 'UTC'");
    return client;
}

async function setGucs(client: Client, values: Record<string, string>): Promise<void> {
    for (const [name, value] of Object.entries(values)) {
        await client.query("SELECT set_config($1, $2, false)", [name, value]);
    }
}

async function runFiles(client: Client, files: SqlFile[], log: (l: string) => void): Promise<number> {
    let count = 0;
    for (const file of files) {
        for (const stmt of splitStatements(file.sql)) {
            try {
                await client.query(stmt.text);
            } catch (err) {
                const e = err as Error & { hint?: string };
                throw new Error(`${file.name}:${stmt.line}: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ""}`, { cause: err });
            }
            count++;
        }
        log(`applied ${file.name}`);
    }
    return count;
}

async function preflight(client: Client, engine: Engine): Promise<void> {
    const { rows } = await client.query<{ name: string; preload: string; version: string }>(
        `SELECT current_setting('shared_preload_libraries') AS preload,
            current_setting('server_version_num') AS version,
            coalesce(string_agg(name, ','), '') AS name
       FROM pg_available_extensions WHERE name IN ('timescaledb', 'pg_partman', 'pg_cron')`,
    );
    const available = new Set(rows[0].name.split(",").filter(Boolean));
    const preload = rows[0].preload.split(",").map((s) => s.trim().replace(/^"|"$/g, ""));
    if (Number(rows[0].version) < 140000) {
        throw new Error(`PostgreSQL ${rows[0].version} is too old: the schema needs 14 or later (date_bin)`);
    }
    if (engine === "timescaledb") {
        if (!available.has("timescaledb") || !preload.includes("timescaledb")) {
            throw new Error(
                "--engine timescaledb: this server cannot load TimescaleDB (not installed or not in shared_preload_libraries). " +
                    "Amazon RDS never can: use --engine rds there.",
            );
        }
        return;
    }
    if (!available.has("pg_partman")) {
        throw new Error("--engine rds: the pg_partman extension is not available on this server");
    }
    if (!available.has("pg_cron") || !preload.includes("pg_cron")) {
        throw new Error(
            "--engine rds: pg_cron is not loaded. On RDS add pg_cron to shared_preload_libraries in the DB parameter " +
                "group and reboot the instance; elsewhere set shared_preload_libraries = 'pg_cron' and restart.",
        );
    }
}

/** Applies one implementation of the schema. See the file comment for behaviour. */
export async function applySchema(opts: ApplyOptions): Promise<ApplyResult> {
    if (!ENGINES.includes(opts.engine)) {
        throw new Error(`engine: ${String(opts.engine)} is not allowed; use one of ${ENGINES.join(", ")}`);
    }
    if (opts.appUser && opts.engine !== "rds") {
        // TimescaleDB keeps chunks in its own schema; the grants there are not verified here.
        throw new Error("appUser: only with --engine rds");
    }
    const settings = resolveSettings(opts);
    const log = opts.log ?? (() => undefined);
    const client = await connect(opts.connection);
    let cronClient: Client | undefined;
    try {
        const { rows } = await client
            .query<{ db: string; retention: string; compress_after: string; min_ok: boolean }>(
                `SELECT current_database() AS db, $1::interval::text AS retention, $2::interval::text AS compress_after,
              $1::interval >= interval '1 day' AND $2::interval > interval '0' AS min_ok`,
                [settings.retention, settings.compressAfter],
            )
            .catch((err: Error) => {
                throw new Error(`retention/compress-after must be PostgreSQL intervals such as "30 days": ${err.message}`);
            });
        if (!rows[0].min_ok) {
            throw new Error(`retention: ${settings.retention} is not allowed; use at least "1 day" (partitions are daily)`);
        }
        const database = rows[0].db;
        await preflight(client, opts.engine);
        // Two runners at once (two deploy pipelines) would race on create_parent / job scheduling.
        await client.query("SELECT pg_advisory_lock(hashtext($1))", [LOCK_KEY]);
        await setGucs(client, {
            [SETTING_GUCS.retention]: rows[0].retention,
            [SETTING_GUCS.premake]: String(settings.premake),
            [SETTING_GUCS.compressAfter]: rows[0].compress_after,
            [SETTING_GUCS.appDatabase]: database,
        });
        let statements = await runFiles(client, sqlFiles(opts.engine), log);

        let cronDatabase: string | undefined;
        if (opts.engine === "rds") {
            const cronSetting = await client.query<{ db: string | null }>("SELECT current_setting('cron.database_name', true) AS db");
            cronDatabase = opts.cronDatabase ?? cronSetting.rows[0].db ?? "postgres";
            // pg_cron can only be created in cron.database_name; jobs then target the app database by name.
            cronClient =
                cronDatabase === database
                    ? client
                    : await connect(withDatabase(opts.connection, cronDatabase)).catch((err: Error) => {
                          throw new Error(`cannot connect to the pg_cron database "${cronDatabase}" (cron.database_name): ${err.message}`);
                      });
            if (cronClient !== client) await setGucs(cronClient, { [SETTING_GUCS.appDatabase]: database });
            statements += await runFiles(cronClient, cronSqlFiles(), log);
            log(`pg_cron jobs registered in database ${cronDatabase}, running in ${database}`);
        }
        let appUser: EnsureAppUserResult | undefined;
        if (opts.appUser) {
            // After the tables exist, so their grants are direct; default privileges cover later partitions.
            appUser = await ensureAppUser(client, opts.appUser);
            log(`app user ${appUser.username}: ${appUser.roleCreated ? "created" : "exists"}, ${appUser.changes.length} change(s)`);
        }
        await client.query("SELECT pg_advisory_unlock(hashtext($1))", [LOCK_KEY]);
        return {
            engine: opts.engine,
            database,
            cronDatabase,
            settings: { ...settings, retention: rows[0].retention, compressAfter: rows[0].compress_after },
            statements,
            ...(appUser ? { appUser } : {}),
        };
    } finally {
        if (cronClient && cronClient !== client) await cronClient.end().catch(() => undefined);
        await client.end().catch(() => undefined);
    }
}

// ---------------------------------------------------------------------------------------------- CLI

export interface CliArgs extends Partial<SchemaSettings> {
    engine?: string;
    url?: string;
    secretArn?: string;
    appUserSecretArn?: string;
    cronDatabase?: string;
    help?: boolean;
}

const USAGE = `usage: npx tsx schema/apply.ts --engine rds|timescaledb [--url postgres://user@host:port/db]
       [--secret-arn arn:aws:secretsmanager:...] [--retention "30 days"] [--premake 4]
       [--compress-after "7 days"] [--cron-database postgres] [--app-user-secret-arn arn:aws:secretsmanager:...]
Connection: --url, else $DATABASE_URL, else PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD/PGSSLMODE.
--engine defaults to $SCHEMA_ENGINE. --secret-arn reads username/password from an RDS-managed secret.
--app-user-secret-arn (rds): then creates/refreshes the app's least-privilege user named in that secret.`;

export function parseArgs(argv: string[]): CliArgs {
    const out: CliArgs = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const value = (): string => {
            const v = inline ?? argv[++i];
            if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
            return v;
        };
        switch (flag) {
            case "--engine":
                out.engine = value();
                break;
            case "--url":
                out.url = value();
                break;
            case "--secret-arn":
                out.secretArn = value();
                break;
            case "--app-user-secret-arn":
                out.appUserSecretArn = value();
                break;
            case "--retention":
                out.retention = value();
                break;
            case "--premake":
                out.premake = Number(value());
                break;
            case "--compress-after":
                out.compressAfter = value();
                break;
            case "--cron-database":
                out.cronDatabase = value();
                break;
            case "-h":
            case "--help":
                out.help = true;
                break;
            default:
                throw new Error(`unknown argument ${arg}\n${USAGE}`);
        }
    }
    return out;
}

async function secretString(arn: string): Promise<string | undefined> {
    const region = arn.split(":")[3];
    const sm = await import("@aws-sdk/client-secrets-manager");
    const client = new sm.SecretsManagerClient(region ? { region } : {});
    const res = await client.send(new sm.GetSecretValueCommand({ SecretId: arn }));
    return res.SecretString;
}

async function secretCredentials(arn: string): Promise<{ user: string; password: string }> {
    const json = JSON.parse((await secretString(arn)) ?? "{}") as { username?: string; password?: string };
    if (!json.username || !json.password) throw new Error(`secret ${arn} has no username/password`);
    return { user: json.username, password: json.password };
}

async function main(): Promise<void> {
    const args = parseArgs(process.argv.slice(2));
    if (args.help) {
        console.log(USAGE);
        return;
    }
    const engine = args.engine ?? process.env.SCHEMA_ENGINE;
    if (engine !== "rds" && engine !== "timescaledb") {
        throw new Error(`--engine: ${engine ?? "(missing)"} is not allowed; use rds or timescaledb\n${USAGE}`);
    }
    if (args.appUserSecretArn && engine !== "rds") {
        throw new Error(`--app-user-secret-arn: only with --engine rds\n${USAGE}`);
    }
    const appUser = args.appUserSecretArn
        ? appUserFromSecret(parseAppUserSecret(await secretString(args.appUserSecretArn), `secret ${args.appUserSecretArn}`))
        : undefined;
    const url = args.url ?? process.env.DATABASE_URL;
    let connection: string | ClientConfig = url ?? {};
    if (args.secretArn) {
        const creds = await secretCredentials(args.secretArn);
        if (url) {
            // Credentials from the secret win over any in the URL (the connection string overrides config fields).
            const u = new URL(url);
            u.username = encodeURIComponent(creds.user);
            u.password = encodeURIComponent(creds.password);
            connection = u.toString();
        } else {
            connection = creds;
        }
    }
    const result = await applySchema({
        engine,
        connection,
        retention: args.retention,
        premake: args.premake,
        compressAfter: args.compressAfter,
        cronDatabase: args.cronDatabase,
        appUser,
        log: (l) => console.log(l),
    });
    console.log(
        `schema applied: engine=${result.engine} database=${result.database} retention=${result.settings.retention}` +
            (result.engine === "rds"
                ? ` premake=${result.settings.premake} cron_database=${result.cronDatabase}`
                : ` compress_after=${result.settings.compressAfter}`) +
            ` statements=${result.statements}`,
    );
}

if (require.main === module) {
    main().catch((err: Error) => {
        console.error(`schema/apply: ${err.message}`);
        process.exit(1);
    });
}
