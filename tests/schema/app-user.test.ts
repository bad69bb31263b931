// The application's least-privilege database user (schema/app-user.ts), its pure parts: names, passwords,
// the secret's shape and the plan of statements. On a real PostgreSQL: app-user-postgres.test.ts.
import * as assert from "assert";
import { applySchema, parseArgs } from "../../schema/apply";
import { appUserFromSecret, parseAppUserSecret, planAppUser, scramSha256Verifier, validateUsername, type AppUserCatalog } from "../../schema/app-user";
import { SECRET } from "../helpers/app-user-secret";

/** An empty catalog for a role that does not exist yet (planAppUser's input). */
function freshCatalog(over: Partial<AppUserCatalog> = {}): AppUserCatalog {
    return {
        database: "devices",
        currentUser: "platform_admin",
        owner: "platform_admin",
        schema: "public",
        schemaExists: true,
        publicCanCreate: false,
        cloneIsMember: false,
        connect: false,
        schemaUsage: false,
        relations: [],
        missingTables: [],
        defaultTables: [],
        defaultSequences: [],
        ...over,
    };
}
const GOOD_ROLE = {
    rolname: "devices_app",
    rolcanlogin: true,
    rolsuper: false,
    rolcreatedb: false,
    rolcreaterole: false,
    rolreplication: false,
    rolinherit: true,
    rolbypassrls: false,
};

describe("app user: names, passwords, secret shape, plan (offline)", () => {
    it("refuses usernames the rotation function or PostgreSQL cannot take", () => {
        validateUsername("devices_app");
        validateUsername("a".repeat(57));
        for (const [bad, why] of [
            ["Devices_App", /lowercase/],
            ["1app", /lowercase/],
            ["app-user", /lowercase/],
            ["a".repeat(58), /at most 57/],
            ["devices_app_clone", /_clone/],
            ["pg_app", /reserved/],
            ["rdsadmin", /reserved/],
            ["postgres", /reserved/],
        ] as const) {
            assert.throws(() => validateUsername(bad), why, bad);
        }
    });

    it("builds a SCRAM-SHA-256 verifier in pg_authid's format, salted per call, refusing non-ASCII passwords", () => {
        const salt = Buffer.alloc(16, 7);
        const v = scramSha256Verifier("Initial0Password0Value0123", salt);
        assert.match(v, /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
        assert.strictEqual(scramSha256Verifier("Initial0Password0Value0123", salt), v, "deterministic for one salt");
        assert.notStrictEqual(scramSha256Verifier("Initial0Password0Value0123"), v, "a random salt by default");
        assert.ok(!v.includes("Initial0Password"), "the verifier does not contain the password");
        assert.throws(() => scramSha256Verifier("short"), /at least 16/);
        assert.throws(() => scramSha256Verifier("pässwörd-pässwörd-1"), /printable ASCII/);
    });

    it("parses the secret in the AWS function's shape; errors name keys, never values", () => {
        assert.deepStrictEqual(parseAppUserSecret(JSON.stringify(SECRET)), SECRET);
        assert.throws(() => parseAppUserSecret(JSON.stringify({ ...SECRET, engine: "mysql" })), /"engine" must be "postgres"/);
        assert.throws(() => parseAppUserSecret(JSON.stringify({ ...SECRET, masterarn: undefined })), /"masterarn"/);
        assert.throws(
            () => parseAppUserSecret("{not json " + SECRET.password),
            (err: Error) => !err.message.includes(SECRET.password),
        );
        assert.throws(() => parseAppUserSecret(undefined), /no SecretString/);
    });

    it("takes the base user from the secret, and its password only before the first rotation", () => {
        assert.deepStrictEqual(appUserFromSecret(parseAppUserSecret(JSON.stringify(SECRET)), "devices_app"), {
            username: "devices_app",
            password: SECRET.password,
        });
        const rotated = parseAppUserSecret(JSON.stringify({ ...SECRET, username: "devices_app_clone", password: "Clone0Password0Value0123" }));
        // The clone's password only restores the pair on an instance that has neither role (a replacement).
        assert.deepStrictEqual(appUserFromSecret(rotated, "devices_app"), { username: "devices_app", clonePassword: "Clone0Password0Value0123" });
        assert.throws(
            () => appUserFromSecret(parseAppUserSecret(JSON.stringify({ ...SECRET, username: "other_app" })), "devices_app"),
            /expected devices_app or devices_app_clone/,
        );
    });

    it("plan: a missing role needs a password; an existing role is never given one", () => {
        assert.throws(() => planAppUser(freshCatalog(), { username: "devices_app" }), /does not exist and no password/);
        const create = planAppUser(freshCatalog(), { username: "devices_app", password: SECRET.password });
        assert.match(
            create[0].sql,
            /^CREATE ROLE "devices_app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT NOBYPASSRLS PASSWORD 'SCRAM-SHA-256\$/,
        );
        assert.ok(create.every((s) => !s.sql.includes(SECRET.password) && !s.description.includes(SECRET.password)));
        const drifted = planAppUser(freshCatalog({ role: { ...GOOD_ROLE, rolcreatedb: true, rolinherit: false } }), {
            username: "devices_app",
            password: SECRET.password,
        });
        assert.deepStrictEqual(drifted[0].sql, `ALTER ROLE "devices_app" WITH NOCREATEDB INHERIT`);
        assert.ok(
            drifted.every((s) => !/PASSWORD/.test(s.sql)),
            "no PASSWORD clause for an existing role",
        );
    });

    it("plan: refuses a role with superuser-only attributes instead of silently keeping it", () => {
        assert.throws(() => planAppUser(freshCatalog({ role: { ...GOOD_ROLE, rolsuper: true } }), { username: "devices_app" }), /has SUPER/);
        assert.throws(() => planAppUser(freshCatalog({ role: { ...GOOD_ROLE, rolreplication: true } }), { username: "devices_app" }), /has REPLICATION/);
    });

    it("plan: nothing when every grant is there; only the missing privilege otherwise", () => {
        const complete = freshCatalog({
            role: GOOD_ROLE,
            connect: true,
            schemaUsage: true,
            cloneIsMember: true,
            clone: { ...GOOD_ROLE, rolname: "devices_app_clone" },
            relations: [{ schema: "public", name: "device_events", kind: "table", privileges: ["DELETE", "INSERT", "SELECT", "UPDATE"] }],
            defaultTables: ["DELETE", "INSERT", "SELECT", "UPDATE"],
            defaultSequences: ["SELECT", "USAGE"],
        });
        assert.deepStrictEqual(planAppUser(complete, { username: "devices_app" }), []);
        const partial = planAppUser(
            {
                ...complete,
                cloneIsMember: false,
                publicCanCreate: true,
                relations: [{ schema: "public", name: "device_events_p2026_12_01", kind: "table", privileges: ["SELECT"] }],
            },
            { username: "devices_app" },
        );
        assert.deepStrictEqual(
            partial.map((s) => s.sql),
            [
                `REVOKE CREATE ON SCHEMA "public" FROM PUBLIC`,
                `GRANT INSERT, UPDATE, DELETE ON TABLE "public"."device_events_p2026_12_01" TO "devices_app"`,
                `GRANT "devices_app" TO "devices_app_clone"`,
            ],
        );
    });

    it("schema/apply.ts: --app-user-secret-arn is parsed, and refused with TimescaleDB before connecting", async () => {
        assert.strictEqual(parseArgs(["--engine", "rds", "--app-user-secret-arn", "arn:x"]).appUserSecretArn, "arn:x");
        await assert.rejects(
            applySchema({ engine: "timescaledb", connection: "postgres://nobody@127.0.0.1:1/x", appUser: { username: "devices_app" } }),
            /only with --engine rds/,
        );
    });
});

// ------------------------------------------------------------------------------------- real PostgreSQL
