/**
 * The application's own least-privilege database user (REVIEW-2026-12 B10), created and kept in shape by
 * the master user, and rotated afterwards by AWS's alternating-users function
 * (SecretsManagerRDSPostgreSQLRotationMultiUser), which clones it as `<user>_clone`.
 *
 * ensureAppUser(client, spec), run as the master (the owner of the app's tables), in one transaction:
 *   - creates the role LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT, only when it is
 *     missing, with the given password; an existing role's password is never touched (rotation owns it);
 *   - CONNECT on the database, USAGE on the app schema, SELECT/INSERT/UPDATE/DELETE on the app's tables and
 *     every partition of them, USAGE/SELECT on the schema's sequences;
 *   - default privileges for tables and sequences the owner creates later in the app schema: pg_partman's
 *     maintenance runs as the job's owner (the master) through pg_cron, so new daily partitions are covered;
 *     so are the app's tables themselves when the schema is applied after this (first `pulumi up`);
 *   - nothing on the partman or cron schemas;
 *   - when `<user>_clone` exists, it is made a member of `<user>` (the AWS function grants that once, when
 *     it creates the clone: "GRANT <user> TO <user>_clone").
 * Only what is missing is granted: a second run with the same spec sends no DDL at all.
 *
 * Passwords: a new role's password is sent as a SCRAM-SHA-256 verifier computed here (RFC 5802/7677, the
 * format of pg_authid.rolpassword, RFC 5803), never as clear text: PostgreSQL stores an already-hashed
 * password as-is (CREATE ROLE docs), and the statement can reach the server log (log_statement = ddl) or
 * pg_stat_activity. Messages and results name roles and tables, never passwords.
 *
 * PostgreSQL 15 (tests) and 16+ (RDS 17): PG16 limits a CREATEROLE (non-superuser) role, such as the RDS
 * master, to roles it holds ADMIN OPTION on, which it gets for the roles it creates itself. Creating the
 * role here as the master is what lets the AWS function (also logged in as the master) later ALTER its
 * password and GRANT it to the clone. On 15 CREATEROLE covers every non-superuser role.
 *
 * Names, passwords and the SCRAM verifier live in ./app-user-credentials.ts, the app user's secret in
 * ./app-user-secret.ts; both are re-exported here.
 */
import { cloneUsername, scramSha256Verifier, validatePassword, validateUsername } from "./app-user-credentials";

export * from "./app-user-credentials";
export * from "./app-user-secret";

/** What ensureAppUser needs from a pg client (pg.Client and pg.PoolClient both fit). */
export interface Queryable {
    query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** The contract's relations (schema/contract.ts), in the app schema. */
export const APP_SCHEMA = "public";
export const APP_TABLES: readonly string[] = ["device_events", "device_events_hourly"];
export const TABLE_PRIVILEGES: readonly string[] = ["SELECT", "INSERT", "UPDATE", "DELETE"];
export const SEQUENCE_PRIVILEGES: readonly string[] = ["SELECT", "USAGE"];

/** Role attributes of the app user, as pg_roles columns. */
const ROLE_ATTRIBUTES = {
    rolcanlogin: true,
    rolsuper: false,
    rolcreatedb: false,
    rolcreaterole: false,
    rolreplication: false,
    rolinherit: true,
    rolbypassrls: false,
} as const;
type RoleAttribute = keyof typeof ROLE_ATTRIBUTES;
/** The keyword that sets each attribute to the value above. */
const ATTRIBUTE_KEYWORD: Record<RoleAttribute, string> = {
    rolcanlogin: "LOGIN",
    rolsuper: "NOSUPERUSER",
    rolcreatedb: "NOCREATEDB",
    rolcreaterole: "NOCREATEROLE",
    rolreplication: "NOREPLICATION",
    rolinherit: "INHERIT",
    rolbypassrls: "NOBYPASSRLS",
};
/** Only a superuser may change these (PG15 AlterRole), which the RDS master is not: refused, not fixed. */
const SUPERUSER_ONLY: readonly RoleAttribute[] = ["rolsuper", "rolreplication", "rolbypassrls"];

export interface AppUserSpec {
    /** The base user (never `<x>_clone`: that one is the AWS function's). */
    username: string;
    /** Password for a role that does not exist yet; required only then, ignored otherwise. */
    password?: string;
    /**
     * The clone's password, when the secret's current version names `<user>_clone` (after a rotation).
     * Used only on a database that has neither role (a replaced instance): the base role is then made
     * without a password (the next rotation sets one) and the clone with this one, a member of the base.
     */
    clonePassword?: string;
    /** Must be the connected database (grants are per database). @default current_database() */
    database?: string;
    /** Role whose future tables/sequences in the app schema get default privileges. @default current_user */
    owner?: string;
    /** @default APP_SCHEMA */
    schema?: string;
    /** Tables in `schema`; partitions are found in the catalog. Missing ones are skipped. @default APP_TABLES */
    tables?: readonly string[];
}

/** `"x"` with embedded quotes doubled, like quote_ident() (always quoted, so case and keywords are safe). */
export function quoteIdent(name: string): string {
    return `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
    if (value.includes("\\")) throw new Error("quoteLiteral: backslashes are not expected here");
    return `'${value.replace(/'/g, "''")}'`;
}

// ------------------------------------------------------------------------------------- catalog and plan

type RoleRow = Record<RoleAttribute, boolean> & { rolname: string };

/** What the plan is computed from; read by readCatalog, plain data so the plan is testable alone. */
export interface AppUserCatalog {
    database: string;
    currentUser: string;
    owner: string;
    schema: string;
    schemaExists: boolean;
    /** Does PUBLIC have CREATE on the app schema (databases created before PostgreSQL 15 do)? */
    publicCanCreate: boolean;
    role?: RoleRow;
    clone?: RoleRow;
    cloneIsMember: boolean;
    /** The base role's own privileges (its ACL entries, not PUBLIC's or inherited ones). */
    connect: boolean;
    schemaUsage: boolean;
    /** App tables and every partition below them, with the base role's privileges on each. */
    relations: { schema: string; name: string; kind: "table" | "sequence"; privileges: string[] }[];
    missingTables: string[];
    /** Default privileges of `owner` in the app schema granted to the base role, per object type. */
    defaultTables: string[];
    defaultSequences: string[];
}

export interface PlannedStatement {
    /** What it does, safe to log and return (no password). */
    description: string;
    sql: string;
}

/** The statements that bring the catalog to the spec; empty when nothing is missing. */
export function planAppUser(catalog: AppUserCatalog, spec: AppUserSpec): PlannedStatement[] {
    validateUsername(spec.username);
    const user = quoteIdent(spec.username);
    const out: PlannedStatement[] = [];
    if (!catalog.schemaExists) throw new Error(`schema ${catalog.schema} does not exist in database ${catalog.database}`);

    const attributes = Object.values(ATTRIBUTE_KEYWORD).join(" ");
    // A replaced instance after a rotation: neither role exists and the secret names the clone. Both
    // are restored as the rotation left them; the base role gets its password at the next rotation.
    const restoreClone = !catalog.role && !catalog.clone && spec.password === undefined && spec.clonePassword !== undefined;
    if (!catalog.role) {
        if (spec.password === undefined && !restoreClone) {
            throw new Error(
                `role ${spec.username} does not exist and no password was given to create it ` +
                    "(after a rotation the secret names the clone: restore the base role first)",
            );
        }
        out.push({
            description: `create role ${spec.username}${restoreClone ? " (no password until the next rotation)" : ""}`,
            sql: `CREATE ROLE ${user} WITH ${attributes}${restoreClone ? "" : ` PASSWORD ${quoteLiteral(scramSha256Verifier(spec.password!))}`}`,
        });
        if (restoreClone) {
            const clone = quoteIdent(cloneUsername(spec.username));
            out.push(
                {
                    description: `create role ${cloneUsername(spec.username)} with the current password`,
                    sql: `CREATE ROLE ${clone} WITH ${attributes} PASSWORD ${quoteLiteral(scramSha256Verifier(spec.clonePassword!))}`,
                },
                { description: `grant role ${spec.username} to ${cloneUsername(spec.username)}`, sql: `GRANT ${user} TO ${clone}` },
            );
        }
    } else {
        const role = catalog.role;
        const wrong = (Object.keys(ROLE_ATTRIBUTES) as RoleAttribute[]).filter((a) => role[a] !== ROLE_ATTRIBUTES[a]);
        const superOnly = wrong.filter((a) => SUPERUSER_ONLY.includes(a));
        if (superOnly.length > 0) {
            throw new Error(
                `role ${spec.username} has ${superOnly.map((a) => a.replace(/^rol/, "").toUpperCase()).join(", ")}: ` +
                    "an app user must not, and only a superuser can change it",
            );
        }
        if (wrong.length > 0) {
            // No PASSWORD clause: the rotation function owns the password of an existing role.
            out.push({
                description: `reset attributes of role ${spec.username} (${wrong.map((a) => ATTRIBUTE_KEYWORD[a]).join(", ")})`,
                sql: `ALTER ROLE ${user} WITH ${wrong.map((a) => ATTRIBUTE_KEYWORD[a]).join(" ")}`,
            });
        }
    }

    if (!catalog.connect) {
        out.push({ description: `grant CONNECT on database ${catalog.database}`, sql: `GRANT CONNECT ON DATABASE ${quoteIdent(catalog.database)} TO ${user}` });
    }
    const schema = quoteIdent(catalog.schema);
    if (catalog.publicCanCreate) {
        // The app user would create tables through PUBLIC; PostgreSQL 15+ already defaults to this
        // (the docs' "secure schema usage pattern").
        out.push({ description: `revoke CREATE on schema ${catalog.schema} from PUBLIC`, sql: `REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC` });
    }
    if (!catalog.schemaUsage) {
        out.push({ description: `grant USAGE on schema ${catalog.schema}`, sql: `GRANT USAGE ON SCHEMA ${schema} TO ${user}` });
    }
    for (const rel of catalog.relations) {
        const wanted = rel.kind === "table" ? TABLE_PRIVILEGES : SEQUENCE_PRIVILEGES;
        const missing = wanted.filter((p) => !rel.privileges.includes(p));
        if (missing.length === 0) continue;
        const name = `${quoteIdent(rel.schema)}.${quoteIdent(rel.name)}`;
        out.push({
            description: `grant ${missing.join(", ")} on ${rel.kind} ${rel.schema}.${rel.name}`,
            sql: `GRANT ${missing.join(", ")} ON ${rel.kind === "table" ? "TABLE" : "SEQUENCE"} ${name} TO ${user}`,
        });
    }
    const defaults: Array<[string, readonly string[], string[]]> = [
        ["TABLES", TABLE_PRIVILEGES, catalog.defaultTables],
        ["SEQUENCES", SEQUENCE_PRIVILEGES, catalog.defaultSequences],
    ];
    for (const [objects, wanted, have] of defaults) {
        const missing = wanted.filter((p) => !have.includes(p));
        if (missing.length === 0) continue;
        out.push({
            description: `default privileges: ${missing.join(", ")} on ${objects.toLowerCase()} ${catalog.owner} creates in ${catalog.schema}`,
            sql: `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(catalog.owner)} IN SCHEMA ${schema} GRANT ${missing.join(", ")} ON ${objects} TO ${user}`,
        });
    }
    if (catalog.clone && !catalog.cloneIsMember) {
        out.push({
            description: `grant role ${spec.username} to ${catalog.clone.rolname}`,
            sql: `GRANT ${user} TO ${quoteIdent(catalog.clone.rolname)}`,
        });
    }
    return out;
}

const ROLE_COLUMNS = `rolname, ${Object.keys(ROLE_ATTRIBUTES).join(", ")}`;

/** Reads what planAppUser needs. Privileges are the base role's own ACL entries (aclexplode). */
export async function readCatalog(client: Queryable, spec: AppUserSpec): Promise<AppUserCatalog> {
    const schemaName = spec.schema ?? APP_SCHEMA;
    const tables = spec.tables ?? APP_TABLES;
    const {
        rows: [ctx],
    } = await client.query<{ db: string; usr: string; nsp: string | null; public_create: boolean }>(
        `SELECT current_database() AS db, current_user AS usr, n.oid::text AS nsp,
            coalesce((SELECT bool_or(a.privilege_type = 'CREATE') FROM aclexplode(n.nspacl) a WHERE a.grantee = 0), false) AS public_create
       FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = $1`,
        [schemaName],
    );
    if (spec.database !== undefined && spec.database !== ctx.db) {
        throw new Error(`app user grants are per database: connected to ${ctx.db}, asked for ${spec.database}`);
    }
    const owner = spec.owner ?? ctx.usr;
    const roles = await client.query<RoleRow>(`SELECT ${ROLE_COLUMNS} FROM pg_roles WHERE rolname = ANY($1)`, [
        [spec.username, cloneUsername(spec.username), owner],
    ]);
    const byName = new Map(roles.rows.map((r) => [r.rolname, r]));
    if (!byName.has(owner)) throw new Error(`owner role ${owner} does not exist`);
    const role = byName.get(spec.username);
    const clone = byName.get(cloneUsername(spec.username));
    const catalog: AppUserCatalog = {
        database: ctx.db,
        currentUser: ctx.usr,
        owner,
        schema: schemaName,
        schemaExists: ctx.nsp !== null,
        publicCanCreate: ctx.public_create,
        role,
        clone,
        cloneIsMember: false,
        connect: false,
        schemaUsage: false,
        relations: [],
        missingTables: [],
        defaultTables: [],
        defaultSequences: [],
    };
    if (!catalog.schemaExists) return catalog;

    // Relations: the app tables and everything pg_partition_tree finds below them (partitions, default
    // partition), and the schema's sequences. Privileges read only when the role exists.
    const rels = await client.query<{ input: string | null; nspname: string; relname: string; relkind: string; privileges: string[] }>(
        `WITH wanted AS (SELECT unnest($2::text[]) AS name),
          parents AS (SELECT w.name, c.oid FROM wanted w LEFT JOIN pg_class c
                        ON c.relname = w.name AND c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')),
          -- pg_partition_tree returns nothing for a plain table, so the tables themselves are added.
          rels AS (SELECT p.name AS input, p.oid FROM parents p WHERE p.oid IS NOT NULL
                   UNION SELECT p.name, t.relid FROM parents p, LATERAL pg_partition_tree(p.oid) t WHERE p.oid IS NOT NULL
                   UNION SELECT NULL, c.oid FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'S')
     SELECT r.input, n.nspname, c.relname, c.relkind,
            ARRAY(SELECT DISTINCT a.privilege_type FROM aclexplode(c.relacl) a
                   WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $3) ORDER BY 1) AS privileges
       FROM rels r JOIN pg_class c ON c.oid = r.oid JOIN pg_namespace n ON n.oid = c.relnamespace
      ORDER BY c.relkind, n.nspname, c.relname`,
        [quoteIdent(schemaName), tables, spec.username],
    );
    const found = new Set(rels.rows.map((r) => r.input).filter((x): x is string => x !== null));
    catalog.missingTables = tables.filter((t) => !found.has(t));
    catalog.relations = rels.rows.map((r) => ({
        schema: r.nspname,
        name: r.relname,
        kind: r.relkind === "S" ? "sequence" : "table",
        privileges: role ? r.privileges : [],
    }));
    if (!role) return catalog;

    const {
        rows: [grants],
    } = await client.query<{ connect: boolean; usage: boolean; def_tables: string[]; def_sequences: string[]; clone_member: boolean }>(
        `WITH me AS (SELECT oid FROM pg_roles WHERE rolname = $1)
     SELECT EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
                     WHERE d.datname = current_database() AND a.grantee = (SELECT oid FROM me) AND a.privilege_type = 'CONNECT') AS connect,
            EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a
                     WHERE n.oid = $2::regnamespace AND a.grantee = (SELECT oid FROM me) AND a.privilege_type = 'USAGE') AS usage,
            ARRAY(SELECT DISTINCT a.privilege_type FROM pg_default_acl d, aclexplode(d.defaclacl) a
                   WHERE d.defaclrole = $3::regrole AND d.defaclnamespace = $2::regnamespace AND d.defaclobjtype = 'r'
                     AND a.grantee = (SELECT oid FROM me) ORDER BY 1) AS def_tables,
            ARRAY(SELECT DISTINCT a.privilege_type FROM pg_default_acl d, aclexplode(d.defaclacl) a
                   WHERE d.defaclrole = $3::regrole AND d.defaclnamespace = $2::regnamespace AND d.defaclobjtype = 'S'
                     AND a.grantee = (SELECT oid FROM me) ORDER BY 1) AS def_sequences,
            EXISTS (SELECT 1 FROM pg_auth_members m
                     WHERE m.roleid = (SELECT oid FROM me) AND m.member = (SELECT oid FROM pg_roles WHERE rolname = $4)) AS clone_member`,
        [spec.username, quoteIdent(schemaName), quoteIdent(owner), cloneUsername(spec.username)],
    );
    catalog.connect = grants.connect;
    catalog.schemaUsage = grants.usage;
    catalog.defaultTables = grants.def_tables;
    catalog.defaultSequences = grants.def_sequences;
    catalog.cloneIsMember = grants.clone_member;
    return catalog;
}

export interface EnsureAppUserResult {
    username: string;
    database: string;
    owner: string;
    roleCreated: boolean;
    /** `absent`: not rotated yet; `member`: clone already a member; `granted`: made a member now. */
    clone: "absent" | "member" | "granted" | "created";
    /** Tables and partitions checked (schema-qualified). */
    tables: string[];
    /** App tables not there yet (the schema is applied later); default privileges cover them. */
    missingTables: string[];
    /** Descriptions of the statements run; empty when nothing was missing. */
    changes: string[];
}

const LOCK_KEY = "app user ensure";

/** See the file comment. Runs in one transaction; a failure leaves nothing half-done. */
export async function ensureAppUser(client: Queryable, spec: AppUserSpec): Promise<EnsureAppUserResult> {
    validateUsername(spec.username);
    if (spec.password !== undefined) validatePassword(spec.password);
    if (spec.clonePassword !== undefined) validatePassword(spec.clonePassword);
    await client.query("BEGIN");
    try {
        // Two runners at once (bootstrap function and schema/apply.ts) would both try CREATE ROLE.
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [LOCK_KEY]);
        const catalog = await readCatalog(client, spec);
        const plan = planAppUser(catalog, spec);
        for (const stmt of plan) {
            try {
                await client.query(stmt.sql);
            } catch (err) {
                // The driver's message names the object; the SQL (which may hold a verifier) is not repeated,
                // and the driver's error is not attached either (its fields may quote the statement).
                // eslint-disable-next-line preserve-caught-error
                throw new Error(`${stmt.description}: ${(err as Error).message}`);
            }
        }
        await client.query("COMMIT");
        return {
            username: spec.username,
            database: catalog.database,
            owner: catalog.owner,
            roleCreated: catalog.role === undefined,
            clone: plan.some((s) => s.description.startsWith(`create role ${cloneUsername(spec.username)}`))
                ? "created"
                : !catalog.clone
                  ? "absent"
                  : catalog.cloneIsMember
                    ? "member"
                    : "granted",
            tables: catalog.relations.filter((r) => r.kind === "table").map((r) => `${r.schema}.${r.name}`),
            missingTables: catalog.missingTables,
            changes: plan.map((s) => s.description),
        };
    } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
    }
}
