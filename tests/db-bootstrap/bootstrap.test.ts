// The database bootstrap function (lambda/db-bootstrap): its bundle and IAM offline, then its handler
// against a real PostgreSQL with TLS and password authentication (like rds.force_ssl = 1), with a fake
// Secrets Manager; and the bundle itself run by a separate Node.js process, as Lambda would, trusting the
// server only through NODE_EXTRA_CA_CERTS and reading the secrets over the Secrets Manager JSON protocol
// from a local fake endpoint.
import * as assert from "assert";
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { builtinModules } from "module";
import { GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { Client } from "pg";
import { BOOTSTRAP_ENV, makeHandler, type BootstrapResult } from "../../lambda/db-bootstrap/index";
import {
    BUNDLE_DIR,
    bundleSource,
    dbBootstrapEnvironment,
    dbBootstrapLambdaPackage,
    dbBootstrapPolicyStatements,
    LAMBDA_RUNTIME_CA_BUNDLE,
} from "../../lambda/db-bootstrap/package";
import { applySchema } from "../../schema/apply";
import { INSTALL_HINT, missingPrerequisites, startCluster, type PgCluster } from "../../schema/testing/pg-cluster";

const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf";
const APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-unit/db-app-user-20261201-XyZ123";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-4333-8444-555555555555";

describe("db-bootstrap lambda: package, environment, IAM (offline)", function () {
    this.timeout(60_000);

    it("bundles index.ts with pg into one CommonJS file that needs only the runtime's AWS SDK and Node built-ins", () => {
        const pkg = dbBootstrapLambdaPackage();
        assert.deepStrictEqual(
            { ...pkg, path: undefined, codeSha256: undefined },
            {
                path: undefined,
                codeSha256: undefined,
                handler: "index.handler",
                runtime: "nodejs22.x",
                architecture: "arm64",
                architectures: ["arm64"],
                timeout: 60,
                memorySize: 128,
            },
        );
        assert.strictEqual(pkg.path, BUNDLE_DIR);
        assert.deepStrictEqual(fs.readdirSync(pkg.path), ["index.js"], "the archive holds the bundle only");
        const source = fs.readFileSync(path.join(pkg.path, "index.js"), "utf8");
        const required = new Set([...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
        const builtins = new Set(builtinModules);
        const external = [...required].filter((m) => !builtins.has(m) && !m.startsWith("node:")).sort();
        // pg-native is required lazily by pg only for `pg.native`, which the handler never touches.
        assert.deepStrictEqual(external, ["@aws-sdk/client-secrets-manager", "pg-native"]);
        assert.match(source, /SCRAM-SHA-256/, "schema/app-user.ts is inside");
        assert.strictEqual(pkg.codeSha256, createHash("sha256").update(source).digest("hex"));
    });

    it("is deterministic: the same sources give the same bytes (no diff, no re-invocation)", () => {
        assert.strictEqual(bundleSource(), bundleSource());
        assert.strictEqual(bundleSource(), fs.readFileSync(path.join(BUNDLE_DIR, "index.js"), "utf8"));
        assert.ok(!bundleSource().includes(path.resolve(__dirname, "../..")), "no absolute paths of this checkout");
    });

    it("environment: the two ARNs, the base user, and the runtime's Amazon CA bundle for RDS TLS", () => {
        assert.deepStrictEqual(
            dbBootstrapEnvironment({
                masterSecretArn: MASTER_ARN,
                appSecretArn: APP_ARN,
                username: "platform_app",
                database: { host: "db.example", port: "5432", name: "platform" },
            }),
            {
                MASTER_SECRET_ARN: MASTER_ARN,
                APP_USER_SECRET_ARN: APP_ARN,
                APP_USERNAME: "platform_app",
                DATABASE_HOST: "db.example",
                DATABASE_PORT: "5432",
                DATABASE_NAME: "platform",
                NODE_EXTRA_CA_CERTS: LAMBDA_RUNTIME_CA_BUNDLE,
            },
        );
        assert.strictEqual(LAMBDA_RUNTIME_CA_BUNDLE, "/var/runtime/ca-cert.pem");
    });

    it("IAM: reads exactly the two secrets, writes only the app user's (the repair); KMS only via Secrets Manager and only with a key", () => {
        const service = "secretsmanager.us-east-1.amazonaws.com";
        assert.deepStrictEqual(dbBootstrapPolicyStatements({ masterSecretArn: MASTER_ARN, appSecretArn: APP_ARN, secretsManagerService: service }), [
            { Sid: "ReadDatabaseSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [MASTER_ARN, APP_ARN] },
            { Sid: "RepairAppUserSecret", Effect: "Allow", Action: ["secretsmanager:PutSecretValue"], Resource: [APP_ARN] },
        ]);
        const withKey = dbBootstrapPolicyStatements({
            masterSecretArn: MASTER_ARN,
            appSecretArn: APP_ARN,
            kmsKeyArns: [KEY_ARN],
            secretsManagerService: service,
        });
        assert.deepStrictEqual(withKey[2], {
            Sid: "UseSecretKeysViaSecretsManager",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [KEY_ARN],
            Condition: { StringEquals: { "kms:ViaService": service } },
        });
        // The handler sends GetSecretValue and PutSecretValue (the repair), nothing else.
        const handlerSource = fs.readFileSync(path.resolve(__dirname, "../../lambda/db-bootstrap/index.ts"), "utf8");
        assert.deepStrictEqual([...new Set([...handlerSource.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]))].sort(), ["GetSecretValue", "PutSecretValue"]);
    });
});

// ------------------------------------------------------------------------------------- real PostgreSQL

const APP_DB = "platform";
const MASTER = { username: "platform_admin", password: "Master0Password0Value01234" };
const APP_PASSWORD = "AppUser0Password0Value0123";

/** A fake Secrets Manager holding `secrets` (ARN -> SecretString); records what was asked and put. */
function fakeSecretsManager(secrets: Record<string, string>) {
    const asked: string[] = [];
    const put: { id: string; value: string }[] = [];
    return {
        asked,
        put,
        client: {
            async send(command: unknown) {
                if (command instanceof PutSecretValueCommand) {
                    // No VersionStages: the new version becomes AWSCURRENT (PutSecretValue API reference).
                    const id = command.input.SecretId!;
                    put.push({ id, value: command.input.SecretString! });
                    secrets[id] = command.input.SecretString!;
                    return { ARN: id, VersionId: `v${put.length + 1}`, VersionStages: ["AWSCURRENT"] };
                }
                assert.ok(command instanceof GetSecretValueCommand, "only GetSecretValue and PutSecretValue");
                const id = command.input.SecretId!;
                asked.push(id);
                if (!(id in secrets)) throw Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: "ResourceNotFoundException" });
                return { ARN: id, SecretString: secrets[id], VersionId: "v1", VersionStages: ["AWSCURRENT"] };
            },
        } as never,
    };
}

function appSecret(cluster: PgCluster, over: Record<string, unknown> = {}): string {
    // "localhost": the name in the server certificate, checked by TLS (rejectUnauthorized).
    return JSON.stringify({
        engine: "postgres",
        host: "localhost",
        port: cluster.port,
        dbname: APP_DB,
        username: "platform_app",
        password: APP_PASSWORD,
        masterarn: MASTER_ARN,
        ssl: true,
        ...over,
    });
}

const ENV = {
    [BOOTSTRAP_ENV.masterSecretArn]: MASTER_ARN,
    [BOOTSTRAP_ENV.appSecretArn]: APP_ARN,
    [BOOTSTRAP_ENV.username]: "platform_app",
    [BOOTSTRAP_ENV.databaseName]: APP_DB,
    [BOOTSTRAP_ENV.databaseHost]: "localhost",
};
/** The function's environment for the instance `cluster` plays (its port is the server's). */
const envFor = (cluster: PgCluster) => ({ ...ENV, [BOOTSTRAP_ENV.databasePort]: String(cluster.port) });

describe("db-bootstrap lambda on a real PostgreSQL (TLS required, password authentication)", function () {
    this.timeout(60_000);
    let cluster: PgCluster | undefined;
    const lines: string[] = [];

    before(async function () {
        const missing = missingPrerequisites({ tls: true });
        if (missing.length > 0) {
            const msg = `PostgreSQL test prerequisites are missing: ${missing.join("; ")}. To run these tests, ${INSTALL_HINT}.`;
            if (process.env.CI && !/^(0|false)$/i.test(process.env.CI)) throw new Error(`CI is set, so this is a failure, not a skip: ${msg}`);
            console.log(`\n  [db-bootstrap] skipping the real-PostgreSQL tests: ${msg}`);
            this.skip();
        }
        cluster = await startCluster({ passwordAuth: true, tls: true });
        cluster.createDatabase(APP_DB);
        // The master logs in with a password over TLS, like the RDS master (a superuser here: it creates the extensions).
        const su = new Client({ connectionString: cluster.url("postgres") });
        await su.connect();
        await su.query(`CREATE ROLE ${MASTER.username} LOGIN SUPERUSER PASSWORD '${MASTER.password}'`);
        await su.end();
        await applySchema({
            engine: "rds",
            connection: {
                ...{ host: "localhost", port: cluster.port, database: APP_DB, user: MASTER.username, password: MASTER.password },
                ssl: { ca: cluster.caCert },
            },
        });
    });

    after(() => cluster?.stop());

    const handler = (secrets: Record<string, string>, tls: boolean | undefined = true) => {
        const sm = fakeSecretsManager(secrets);
        return {
            sm,
            run: () =>
                makeHandler({ secretsManager: sm.client, env: envFor(cluster!), tls: tls ? { ca: cluster!.caCert } : undefined, log: (l) => lines.push(l) })(),
        };
    };
    const secrets = (): Record<string, string> => ({ [MASTER_ARN]: JSON.stringify(MASTER), [APP_ARN]: appSecret(cluster!) });

    it("refuses a server certificate it cannot verify (no CA given, as without NODE_EXTRA_CA_CERTS)", async () => {
        await assert.rejects(handler(secrets(), false).run(), /self[- ]signed certificate|unable to verify|certificate/i);
    });

    it("creates the app user over verified TLS as the master, reads exactly the two secrets, logs no secret", async () => {
        const h = handler(secrets());
        const result: BootstrapResult = await h.run();
        assert.deepStrictEqual(
            { ...result, tablesChecked: result.tablesChecked > 30 },
            {
                username: "platform_app",
                database: APP_DB,
                roleCreated: true,
                clone: "absent",
                tablesChecked: true,
                missingTables: [],
                changes: result.changes,
                repaired: [],
            },
        );
        assert.deepStrictEqual(h.sm.put, [], "a secret that points at this instance is not written");
        assert.ok(result.changes > 30, "role, connect, usage, every table and partition, default privileges");
        assert.deepStrictEqual(h.sm.asked.sort(), [APP_ARN, MASTER_ARN].sort());
        const log = lines.join("\n");
        for (const secret of [MASTER.password, APP_PASSWORD]) assert.ok(!log.includes(secret) && !JSON.stringify(result).includes(secret));
        assert.ok(!cluster!.log().includes(APP_PASSWORD), "the app password never reached the server in clear text");
        // The services' view: the secret's credentials, over TLS.
        const app = new Client({
            host: "localhost",
            port: cluster!.port,
            database: APP_DB,
            user: "platform_app",
            password: APP_PASSWORD,
            ssl: { ca: cluster!.caCert },
        });
        await app.connect();
        await app.query("INSERT INTO public.device_events (time, device_id, event_type) VALUES (now(), 'dev-1', 'boot')");
        await app.end();
    });

    it("a second invocation (new code, same secrets) changes nothing", async () => {
        const result = await handler(secrets()).run();
        assert.deepStrictEqual([result.roleCreated, result.changes], [false, 0]);
    });

    it("after a rotation (the secret names the clone) it keeps the base user and never sets a password", async () => {
        const rotated = { ...secrets(), [APP_ARN]: appSecret(cluster!, { username: "platform_app_clone", password: "Clone0Password0Value01234" }) };
        const result = await handler(rotated).run();
        assert.deepStrictEqual([result.username, result.clone, result.changes], ["platform_app", "absent", 0]);
        const app = new Client({
            host: "localhost",
            port: cluster!.port,
            database: APP_DB,
            user: "platform_app",
            password: APP_PASSWORD,
            ssl: { ca: cluster!.caCert },
        });
        await app.connect();
        await app.end();
    });

    it("repairs a secret that points at another instance (masterarn, host, port), keeping its credentials", async () => {
        const stale = { ...secrets(), [APP_ARN]: appSecret(cluster!, { masterarn: `${MASTER_ARN}x`, host: "old.example", port: 6543 }) };
        const h = handler(stale);
        const result = await h.run();
        assert.deepStrictEqual(result.repaired.sort(), ["host", "masterarn", "port"]);
        assert.strictEqual(h.sm.put.length, 1);
        assert.deepStrictEqual(JSON.parse(h.sm.put[0].value), JSON.parse(appSecret(cluster!)), "the deployed connection keys, the same username and password");
        assert.ok(!lines.join("\n").includes(APP_PASSWORD), "the repair logs no secret");
    });

    it("refuses a secret that names another user, and a missing environment", async () => {
        await assert.rejects(handler({ ...secrets(), [APP_ARN]: appSecret(cluster!, { username: "other_app" }) }).run(), /expected platform_app/);
        await assert.rejects(makeHandler({ env: {}, log: () => undefined })(), /MASTER_SECRET_ARN is not set/);
    });

    it("a replaced instance after a rotation (empty server, the secret names the clone, old host): repairs the secret, restores base and clone, the clone works", async () => {
        // A new instance: a cluster of its own (roles are per cluster), the schema applied by the master.
        const replaced = await startCluster({ passwordAuth: true, tls: true });
        try {
            replaced.createDatabase(APP_DB);
            const su = new Client({ connectionString: replaced.url("postgres") });
            await su.connect();
            await su.query(`CREATE ROLE ${MASTER.username} LOGIN SUPERUSER PASSWORD '${MASTER.password}'`);
            await su.end();
            await applySchema({
                engine: "rds",
                connection: {
                    host: "localhost",
                    port: replaced.port,
                    database: APP_DB,
                    user: MASTER.username,
                    password: MASTER.password,
                    ssl: { ca: replaced.caCert },
                },
            });
            const clonePassword = "Clone0Password0Value01234";
            const store = { [MASTER_ARN]: JSON.stringify(MASTER), [APP_ARN]: appSecret(cluster!, { username: "platform_app_clone", password: clonePassword }) };
            const sm = fakeSecretsManager(store);
            const result = await makeHandler({ secretsManager: sm.client, env: envFor(replaced), tls: { ca: replaced.caCert }, log: () => undefined })();
            assert.deepStrictEqual([result.repaired, result.roleCreated, result.clone], [["port"], true, "created"]);
            assert.strictEqual(JSON.parse(store[APP_ARN]).port, replaced.port);
            // Services read the secret's current credentials: the clone, which can write.
            const app = new Client({
                host: "localhost",
                port: replaced.port,
                database: APP_DB,
                user: "platform_app_clone",
                password: clonePassword,
                ssl: { ca: replaced.caCert },
            });
            await app.connect();
            await app.query("INSERT INTO public.device_events (time, device_id, event_type) VALUES (now(), 'dev-2', 'boot')");
            await app.end();
            // The base user has no password until the next rotation sets one: nobody logs in as it.
            const base = new Client({
                host: "localhost",
                port: replaced.port,
                database: APP_DB,
                user: "platform_app",
                password: APP_PASSWORD,
                ssl: { ca: replaced.caCert },
            });
            await assert.rejects(base.connect(), /password authentication failed/);
            // A second run changes nothing.
            const again = await makeHandler({ secretsManager: sm.client, env: envFor(replaced), tls: { ca: replaced.caCert }, log: () => undefined })();
            assert.deepStrictEqual([again.repaired, again.changes, again.clone], [[], 0, "member"]);
        } finally {
            replaced.stop();
        }
    });

    it("the bundle runs in a plain Node.js process, trusting the server through NODE_EXTRA_CA_CERTS", async () => {
        assert.ok(cluster?.caCertPath);
        const store = secrets();
        // Secrets Manager's JSON 1.1 protocol: POST /, X-Amz-Target: secretsmanager.GetSecretValue.
        const server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c) => (body += c));
            req.on("end", () => {
                const id = (JSON.parse(body) as { SecretId: string }).SecretId;
                const ok = req.headers["x-amz-target"] === "secretsmanager.GetSecretValue" && id in store;
                res.writeHead(ok ? 200 : 400, { "content-type": "application/x-amz-json-1.1" });
                res.end(
                    JSON.stringify(
                        ok
                            ? { ARN: id, Name: id, SecretString: store[id], VersionId: "v1", VersionStages: ["AWSCURRENT"] }
                            : { __type: "ResourceNotFoundException", message: "not found" },
                    ),
                );
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as { port: number }).port;
        const bundle = path.join(dbBootstrapLambdaPackage().path, "index.js");
        const script = `require(${JSON.stringify(bundle)}).handler({}).then((r) => console.log("RESULT " + JSON.stringify(r)), (e) => { console.error(e.message); process.exit(1); })`;
        try {
            const out = await new Promise<string>((resolve, reject) => {
                execFile(
                    process.execPath,
                    ["-e", script],
                    {
                        timeout: 30_000,
                        env: {
                            PATH: process.env.PATH ?? "",
                            // The runtime provides @aws-sdk; here it comes from this repository's node_modules.
                            NODE_PATH: path.resolve(__dirname, "../../node_modules"),
                            NODE_EXTRA_CA_CERTS: cluster!.caCertPath,
                            AWS_REGION: "us-east-1",
                            AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
                            AWS_SECRET_ACCESS_KEY: "example",
                            ...envFor(cluster!),
                            [BOOTSTRAP_ENV.secretsManagerEndpoint]: `http://127.0.0.1:${port}`,
                        },
                    },
                    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
                );
            });
            const result = JSON.parse(/RESULT (.*)/.exec(out)![1]) as BootstrapResult;
            assert.deepStrictEqual([result.username, result.roleCreated, result.changes], ["platform_app", false, 0]);
            assert.ok(!out.includes(MASTER.password) && !out.includes(APP_PASSWORD));
        } finally {
            server.close();
        }
    });
});
