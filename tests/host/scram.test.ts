// The apply script's password re-sync against a real PostgreSQL 15: the SCRAM-SHA-256 verifier its
// Python computes, set with ALTER ROLE as the script sends it, lets the role log in with the SSM
// password over TCP with scram-sha-256 authentication, and only with that password.
// PostgreSQL stores a pre-encrypted SCRAM string as-is (CREATE ROLE docs: "If the presented password
// string is already in MD5-encrypted or SCRAM-encrypted format, then it is stored as-is").
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Client } from "pg";
import { STATIC_BODY } from "../../components/host/apply-script";
import { INSTALL_HINT, missingPrerequisites, startCluster, type PgCluster } from "../../schema/testing/pg-cluster";
import { hasTool } from "./configs";

// The apply script's static body, as apply-script.ts renders it from components/host/platform-apply/.
const SCRIPT = STATIC_BODY;

/** The Python the apply script runs to turn the password on stdin into a verifier. */
function scramPython(): string {
    const m = /SCRAM_PY="\$\(cat <<'PY'\n([\s\S]*?)\nPY\n\)"/.exec(SCRIPT);
    assert.ok(m, "SCRAM_PY not found in the apply script");
    return m[1];
}

function verifier(password: string): string {
    const res = spawnSync("python3", ["-c", scramPython()], { input: password, encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    return res.stdout;
}

describe("host password re-sync against a real PostgreSQL", function () {
    this.timeout(60000);
    let cluster: PgCluster | undefined;

    before(async function () {
        const missing = [...missingPrerequisites(), ...(hasTool("python3") ? [] : ["python3"])];
        if (missing.length > 0) {
            const message = `missing: ${missing.join(", ")}; ${INSTALL_HINT}`;
            if (process.env.CI) throw new Error(message);
            console.warn(`    skipped: ${message}`);
            this.skip();
        }
        cluster = await startCluster();
        // scram-sha-256 for the app role over TCP, before initdb's trust lines (first match wins).
        const hba = path.join(cluster.dataDir, "pg_hba.conf");
        fs.writeFileSync(hba, `host all platform 127.0.0.1/32 scram-sha-256\n${fs.readFileSync(hba, "utf8")}`);
        const admin = new Client({ connectionString: cluster.url("postgres") });
        await admin.connect();
        await admin.query("SELECT pg_reload_conf()");
        await admin.query("CREATE ROLE platform LOGIN");
        await admin.end();
    });
    after(() => cluster?.stop());

    const login = async (password: string): Promise<boolean> => {
        const c = new Client({ host: cluster!.host, port: cluster!.port, user: "platform", database: "postgres", password });
        try {
            await c.connect();
            await c.end();
            return true;
        } catch {
            return false;
        }
    };

    it("sets a verifier with which exactly the SSM password logs in, and re-syncs to a regenerated one", async () => {
        const admin = new Client({ connectionString: cluster!.url("postgres") });
        await admin.connect();
        try {
            for (const password of ["Db0123456789abcdefABCDEF01234567", "Db9999999999abcdefABCDEF01234567"]) {
                const v = verifier(password);
                assert.match(v, /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
                assert.ok(!v.includes(password));
                // The statement the apply script pipes into psql.
                await admin.query(`ALTER ROLE "platform" PASSWORD '${v}'`);
                const stored = (await admin.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'platform'")).rows[0].rolpassword;
                assert.equal(stored, v, "stored as sent, not re-hashed");
                assert.equal(await login(password), true, "the SSM password logs in");
                assert.equal(await login(`${password}x`), false, "control: another password does not");
            }
            assert.equal(await login("Db0123456789abcdefABCDEF01234567"), false, "the previous password no longer does");
        } finally {
            await admin.end();
        }
    });
});
