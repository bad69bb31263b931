// The SSM document's commands run for real in a sandbox (tests/host/sandbox.ts): they install
// platform-apply and run it against fake docker, aws, systemctl, dnf, mount, blkid... that record
// their calls and simulate outcomes. What a State Manager association run does on the host.
import { strict as assert } from "assert";
import { createHash, createHmac, pbkdf2Sync } from "crypto";
import * as fs from "fs";
import { HostBootConfig, HOST_PATHS } from "../../components/host/boot-config";
import { renderComposeFile } from "../../components/host/compose";
import { HostDocument, renderHostDocument } from "../../components/host/document";
import { FAKE_COMPOSE_PIN, hasTool, skipUnless, TLS, TWO_APPS } from "./configs";
import { RunResult, Sandbox, sandboxToolsMissing } from "./sandbox";

const REDIS = "Redis0123456789abcdefABCDEF01234";
const DB = "Db0123456789abcdefABCDEF01234567";
// A JWT secret with what unquoted or double-quoted env_file values would mangle: $, #, quotes, backslashes.
const DOC = {
    database: { host: "timescaledb", port: 5432, dbname: "platform", masterSecretArn: null },
    redis: { host: "redis", port: 6379, authToken: REDIS, replicationGroupId: null },
    jwt: { secret: 'j$HOME ${X} #c "q" \\n\\', expiresIn: "15m", refreshExpiresIn: "7d" },
};
const STORE_IMAGES = ["nginx:1.26.3-alpine", "redis:7.2.5-alpine", "timescale/timescaledb:2.17.2-pg16"];
const DEVICE = "/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0";

const CONFIG: HostBootConfig = { ...TWO_APPS, composePlugin: FAKE_COMPOSE_PIN, database: { name: "platform", user: "platform" } };
const [WEB, WORKER] = CONFIG.apps;

const withImage = (config: HostBootConfig, app: string, image: string): HostBootConfig => ({
    ...config,
    apps: config.apps.map((a) => (a.name === app ? { ...a, image } : a)),
});

interface HostOptions {
    /** Images `docker pull` finds. @default the stores' and both apps' */
    registry?: string[];
    /** Whether the data volume's device is there. @default true */
    attached?: boolean;
    /** `<type> <uuid>` the volume already holds. @default blank */
    fileSystem?: string;
}

/** A sandbox as a fresh instance finds it: the data volume attached and blank, no Docker yet. */
function freshHost(prefix: string, options: HostOptions = {}): Sandbox {
    const registry = options.registry ?? [...STORE_IMAGES, WEB.image, WORKER.image];
    const sb = new Sandbox(prefix);
    if (options.attached ?? true) sb.touch(DEVICE);
    if (options.fileSystem) sb.fakeFile(`state/fs-${DEVICE.split("/").pop()}`, `${options.fileSystem}\n`);
    sb.update((s) => {
        s.ssm[CONFIG.ssmParameters.redisPassword] = REDIS;
        s.ssm[CONFIG.ssmParameters.databasePassword] = DB;
        s.ssm[CONFIG.ssmParameters.appSecret!] = JSON.stringify(DOC);
        s.registry = registry;
    });
    return sb;
}

/** Runs the document's commands as SSM would: `{{ revision }}` replaced by the association's parameter. */
function associationRun(sb: Sandbox, document: HostDocument, env: Record<string, string> = {}): RunResult {
    const commands = document.runCommand.join("\n").split("{{ revision }}").join(document.revision);
    return sb.run(`${commands}\n`, env);
}

function lastStatus(sb: Sandbox): any {
    const puts = sb.state().ssmPuts.filter(([name]) => name === CONFIG.statusParameter);
    assert.ok(puts.length > 0, "no status written");
    return JSON.parse(puts[puts.length - 1][1]);
}

const NEVER = /^(reboot|shutdown)\b|^systemctl (reboot|poweroff|halt)\b/;

describe("host apply, run for real in a sandbox", function () {
    this.timeout(120000);
    const sandboxes: Sandbox[] = [];
    const host = (prefix: string, options?: HostOptions) => {
        const sb = freshHost(prefix, options);
        sandboxes.push(sb);
        return sb;
    };
    before(function () {
        skipUnless(this, sandboxToolsMissing());
    });
    after(() => {
        for (const sb of sandboxes) sb.remove();
    });

    it("(a) all images present: installs Docker, formats and mounts the data volume, starts the data stores, then the apps", () => {
        const sb = host("apply-a-");
        const document = renderHostDocument(CONFIG);
        const res = associationRun(sb, document);
        assert.equal(res.status, 0, res.stderr);
        const { events } = sb.state();
        assert.deepEqual(events, ["create nginx", "create redis", "create timescaledb", "create web", "create worker-api"]);
        // Installed once, from the pinned sources: Docker from dnf, Compose checked by sha256.
        assert.equal(res.calls.filter((c) => c.startsWith("dnf install")).length, 1);
        assert.equal(sb.read(HOST_PATHS.composePlugin), "fake compose plugin\n");
        // The blank volume got a file system, an fstab entry by UUID, and PGDATA on it.
        assert.equal(res.calls.filter((c) => c.startsWith("mkfs.xfs")).length, 1);
        assert.match(
            sb.read("/etc/fstab"),
            /^UUID=7f1c2b7e-4d1a-4c43-9a0e-2b6f3f0a9c11 \/var\/lib\/platform\/data xfs defaults,noatime,nofail,x-systemd\.device-timeout=60s 0 2$/m,
        );
        assert.ok(res.calls.some((c) => c.startsWith("mount -t xfs -o noatime UUID=7f1c2b7e-4d1a-4c43-9a0e-2b6f3f0a9c11 ")));
        assert.ok(sb.exists(HOST_PATHS.timescaleData));
        // The script and the files it keeps in place, and the boot unit (enabled, not started).
        assert.equal(sb.read(HOST_PATHS.applyScript), document.script);
        assert.equal(sb.read(HOST_PATHS.compose), renderComposeFile(CONFIG));
        assert.match(sb.read(HOST_PATHS.systemdUnit), /^ExecStart=\/usr\/local\/sbin\/platform-apply --mode boot$/m);
        assert.match(sb.read(HOST_PATHS.dockerDropIn), /^After=var-lib-platform-data\.mount$/m);
        assert.ok(res.calls.includes("systemctl enable platform.service"));
        assert.ok(!res.calls.some((c) => /^systemctl (start|restart) platform/.test(c)));
        assert.deepEqual(
            res.calls.filter((c) => NEVER.test(c)),
            [],
        );
        const status = lastStatus(sb);
        assert.equal(status.state, "ok");
        assert.equal(status.revision, document.revision);
        assert.deepEqual(
            Object.values(status.stores).map((s: any) => `${s.state}/${s.health}`),
            ["running/healthy", "running/healthy", "running/healthy"],
        );
        assert.deepEqual(Object.fromEntries(Object.entries(status.apps).map(([k, a]: [string, any]) => [k, a.result])), {
            web: "started",
            "worker-api": "started",
        });
        assert.deepEqual(status.missingImages, []);
        // Association runs also report to the journal.
        assert.ok(
            res.journal.some((l) => l.startsWith("status ok: {")),
            res.journal.join("\n"),
        );
    });

    it("(b) one app image missing: NGINX, Redis, TimescaleDB and the other app run; the status names the image; exit 2 (degraded)", () => {
        const sb = host("apply-b-", { registry: [...STORE_IMAGES, WEB.image] });
        const res = associationRun(sb, renderHostDocument(CONFIG));
        assert.equal(res.status, 2, res.stderr);
        assert.deepEqual(sb.state().events, ["create nginx", "create redis", "create timescaledb", "create web"]);
        const status = lastStatus(sb);
        assert.equal(status.state, "degraded");
        assert.deepEqual(status.missingImages, [WORKER.image]);
        assert.equal(status.apps["worker-api"].result, "image-missing");
        assert.equal(status.apps["worker-api"].state, "absent");
        assert.equal(status.apps.web.state, "running");
        for (const store of ["nginx", "redis", "timescaledb"]) assert.equal(status.stores[store].state, "running", store);
        assert.ok(
            res.journal.some((l) => l.includes(`app worker-api: image ${WORKER.image} does not exist`)),
            res.journal.join("\n"),
        );
        // A missing image is not retried three times: "manifest unknown" is final.
        assert.equal(res.calls.filter((c) => c === `docker pull --quiet ${WORKER.image}`).length, 1);

        // Once the image is pushed, the next run (the hourly schedule, or the next release) starts it.
        sb.update((s) => s.registry.push(WORKER.image));
        const again = associationRun(sb, renderHostDocument(CONFIG));
        assert.equal(again.status, 0, again.stderr);
        assert.deepEqual(sb.state().events.slice(4), ["unchanged nginx", "unchanged redis", "unchanged timescaledb", "unchanged web", "create worker-api"]);
        assert.equal(lastStatus(sb).state, "ok");
    });

    it("(c) a release (new image tag only) recreates that app and nothing else, with no reinstall and no reboot", () => {
        const sb = host("apply-c-");
        assert.equal(associationRun(sb, renderHostDocument(CONFIG)).status, 0);
        const before = sb.state().events.length;
        const next = "123456789012.dkr.ecr.us-east-1.amazonaws.com/prostudio:1.4.3";
        sb.update((s) => s.registry.push(next));
        const release = renderHostDocument(withImage(CONFIG, "web", next));
        const res = associationRun(sb, release);
        assert.equal(res.status, 0, res.stderr);
        assert.deepEqual(sb.state().events.slice(before), [
            "unchanged nginx",
            "unchanged redis",
            "unchanged timescaledb",
            "recreate web",
            "unchanged worker-api",
        ]);
        assert.deepEqual(
            res.calls.filter((c) => c.startsWith("docker pull")),
            [`docker pull --quiet ${next}`],
        );
        for (const once of ["dnf ", "mkfs.xfs", "curl ", "mount "])
            assert.deepEqual(
                res.calls.filter((c) => c.startsWith(once)),
                [],
                once,
            );
        assert.deepEqual(
            res.calls.filter((c) => NEVER.test(c)),
            [],
        );
        // NGINX's configuration did not change: no reload either.
        assert.ok(!res.calls.some((c) => c.includes("nginx -s reload")));
        assert.equal(lastStatus(sb).revision, release.revision);
        assert.equal(sb.state().containers.web.image, next);
    });

    it("(d) re-syncs TimescaleDB's password from SSM on every run, as a SCRAM verifier that matches, never in plain text", () => {
        const sb = host("apply-d-");
        const document = renderHostDocument(CONFIG);
        const verifiers = (): string[] =>
            sb
                .state()
                .execs.filter((e) => e.service === "timescaledb")
                .map((e) => {
                    assert.deepEqual(e.argv, ["psql", "-v", "ON_ERROR_STOP=1", "-X", "-q", "-U", "platform", "-d", "platform"]);
                    const m = /^ALTER ROLE "platform" PASSWORD '(SCRAM-SHA-256\$4096:[^']+)';\n$/.exec(e.stdin);
                    assert.ok(m, e.stdin.replace(DB, "<password>"));
                    return m[1];
                });
        const matches = (verifier: string, password: string): boolean => {
            const [, salt, stored, server] = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
            const salted = pbkdf2Sync(password, Buffer.from(salt, "base64"), 4096, 32, "sha256");
            const clientKey = createHmac("sha256", salted).update("Client Key").digest();
            return (
                createHash("sha256").update(clientKey).digest("base64") === stored &&
                createHmac("sha256", salted).update("Server Key").digest("base64") === server
            );
        };
        const first = associationRun(sb, document);
        assert.equal(first.status, 0, first.stderr);
        assert.equal(verifiers().length, 1);
        assert.ok(matches(verifiers()[0], DB), "the verifier is the SSM password's");
        assert.ok(!matches(verifiers()[0], "some-other-password"), "control: the check can fail");
        const everything = [first.stdout, first.stderr, ...first.calls, ...first.journal, ...sb.state().execs.map((e) => e.stdin)].join("\n");
        assert.ok(!everything.includes(DB) && !everything.includes(REDIS), "a password reached a log, an argument or psql");

        // The passwords are regenerated in SSM: the next run sets the database one on the initialised
        // database, Redis restarts with its new one, and the apps get both (their env_file changed).
        const regenerated = "Db9999999999abcdefABCDEF01234567";
        sb.update((s) => {
            s.ssm[CONFIG.ssmParameters.databasePassword] = regenerated;
            s.ssm[CONFIG.ssmParameters.redisPassword] = "Redis999999999abcdefABCDEF012345";
        });
        const before = sb.state().events.length;
        const second = associationRun(sb, document);
        assert.equal(second.status, 0, second.stderr);
        assert.equal(verifiers().length, 2);
        assert.ok(matches(verifiers()[1], regenerated));
        assert.match(
            sb.read(`${HOST_PATHS.secretsDir}/app.env`),
            new RegExp(`^DATABASE_URL=postgresql://platform:${regenerated}@timescaledb:5432/platform$`, "m"),
        );
        assert.deepEqual(sb.state().events.slice(before), [
            "unchanged nginx",
            "unchanged redis",
            "unchanged timescaledb",
            "recreate redis",
            "recreate web",
            "recreate worker-api",
        ]);
        assert.equal(sb.read(`${HOST_PATHS.secretsDir}/redis-auth.conf`), "requirepass Redis999999999abcdefABCDEF012345\n");
        assert.equal(lastStatus(sb).passwordResync, "applied");
    });

    it("keeps TimescaleDB stopped, but NGINX and Redis up, when the data volume is not attached (exit 1, failed)", () => {
        const bare = host("apply-novolume-", { attached: false });
        const res = associationRun(bare, renderHostDocument(CONFIG), { PLATFORM_DATA_DEVICE_WAIT_SECONDS: "0" });
        assert.equal(res.status, 1, res.stderr);
        const { events } = bare.state();
        assert.ok(events.includes("create nginx") && events.includes("create redis"), events.join(", "));
        assert.ok(!events.includes("create timescaledb"), "TimescaleDB must not initialise PGDATA on the root volume");
        assert.deepEqual(
            res.calls.filter((c) => c.startsWith("mkfs") || c.startsWith("mount ")),
            [],
        );
        assert.ok(!bare.exists(HOST_PATHS.timescaleData));
        const status = lastStatus(bare);
        assert.equal(status.state, "failed");
        assert.equal(status.dataVolumeMounted, false);
        assert.equal(status.stores.timescaledb.state, "absent");
    });

    it("mounts a data volume that already holds a file system (replacement instance, restored snapshot) without formatting it", () => {
        const sb = host("apply-existing-", { fileSystem: "xfs 11111111-2222-4333-8444-555555555555" });
        const res = associationRun(sb, renderHostDocument(CONFIG));
        assert.equal(res.status, 0, res.stderr);
        assert.deepEqual(
            res.calls.filter((c) => c.startsWith("mkfs")),
            [],
        );
        assert.ok(res.calls.some((c) => c.startsWith("mount -t xfs -o noatime UUID=11111111-2222-4333-8444-555555555555 ")));
    });

    it("at boot, the installed script converges with nothing to change and reports without the SSM agent", () => {
        const sb = host("apply-boot-");
        assert.equal(associationRun(sb, renderHostDocument(CONFIG)).status, 0);
        const before = sb.state().events.length;
        const res = sb.run(`"$PLATFORM_ROOT${HOST_PATHS.applyScript}" --mode boot\n`);
        assert.equal(res.status, 0, res.stderr);
        assert.deepEqual(sb.state().events.slice(before), [
            "unchanged nginx",
            "unchanged redis",
            "unchanged timescaledb",
            "unchanged web",
            "unchanged worker-api",
        ]);
        assert.equal(lastStatus(sb).mode, "boot");
        assert.deepEqual(res.journal, [], "the boot unit's stderr is the journal: no logger calls");
        assert.deepEqual(
            res.calls.filter((c) => NEVER.test(c)),
            [],
        );
    });

    it("with TLS and no certificate yet, installs a temporary self-signed one so NGINX can start on 443", function () {
        if (!hasTool("openssl")) return skipUnless(this, ["openssl"]);
        const sb = host("apply-tls-");
        const res = associationRun(sb, renderHostDocument({ ...CONFIG, ...TLS }));
        assert.equal(res.status, 0, res.stderr);
        assert.match(sb.read(TLS.tlsCertificatePath), /^-----BEGIN CERTIFICATE-----/);
        assert.equal(fs.statSync(`${sb.root}${TLS.tlsKeyPath}`).mode & 0o777, 0o600);
        assert.ok(res.stderr.includes("installing a temporary self-signed one"));
    });

    it("refuses a tampered script: the bootstrap checks the decoded script's sha256 before installing it", () => {
        const sb = host("apply-tamper-");
        const document = renderHostDocument(CONFIG);
        const tampered = {
            ...document,
            runCommand: document.runCommand.map((c) =>
                /^printf '%s {2}%s\\n' '[0-9a-f]{64}'/.test(c) ? c.replace(/'[0-9a-f]{64}'/, `'${"0".repeat(64)}'`) : c,
            ),
        };
        const res = associationRun(sb, tampered);
        assert.notEqual(res.status, 0);
        assert.ok(!sb.exists(HOST_PATHS.applyScript));
        assert.deepEqual(res.calls, []);
    });
});

/**
 * Compose's env_file parser for the lines the apply script writes (compose-go dotenv, documented at
 * docs.docker.com/compose/env-file: "Single-quoted values are used literally", `\'` escapes a quote).
 * Anything else (unquoted or double-quoted values, which compose interpolates) is refused here.
 */
function parseComposeEnvFile(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
        if (line === "") continue;
        const m = /^([A-Za-z_][A-Za-z0-9_]*)='((?:[^'\\]|\\.)*)'$/.exec(line);
        assert.ok(m, `not a single-quoted env_file line: ${line.replace(/=.*/, "=<value>")}`);
        out[m[1]] = m[2].replace(/\\'/g, "'");
    }
    return out;
}

describe("host apply: secrets into the apps' env files", function () {
    this.timeout(120000);
    const sandboxes: Sandbox[] = [];
    before(function () {
        skipUnless(this, sandboxToolsMissing());
    });
    after(() => {
        for (const sb of sandboxes) sb.remove();
    });
    const runWithSecret = (prefix: string, appSecret: string) => {
        const sb = freshHost(prefix);
        sandboxes.push(sb);
        sb.update((s) => (s.ssm[CONFIG.ssmParameters.appSecret!] = appSecret));
        return { sb, res: associationRun(sb, renderHostDocument(CONFIG)) };
    };

    it("writes each app's declared variables, and compose's parser reads back exactly the values", () => {
        const appSecret = JSON.stringify(DOC);
        const { sb, res } = runWithSecret("secrets-ok-", appSecret);
        assert.equal(res.status, 0, res.stderr);
        assert.ok(![res.stdout, res.stderr, ...res.calls].join("\n").match(/Redis0123|Db0123|j\$HOME/), "no secret on stdout/stderr or in a command line");
        const dir = HOST_PATHS.secretsDir;
        const web = parseComposeEnvFile(sb.read(`${dir}/web.secrets.env`));
        assert.deepEqual(Object.keys(web).sort(), ["APP_SECRET", "DATABASE_PASSWORD", "DATABASE_USERNAME"]);
        assert.equal(web.APP_SECRET, appSecret);
        assert.deepEqual(JSON.parse(web.APP_SECRET), DOC);
        assert.equal(web.DATABASE_USERNAME, "platform");
        assert.equal(web.DATABASE_PASSWORD, DB);
        const worker = parseComposeEnvFile(sb.read(`${dir}/worker-api.secrets.env`));
        assert.deepEqual(JSON.parse(worker.JWT), DOC.jwt);
        assert.deepEqual(JSON.parse(worker.REDIS_HOST_JSON), DOC.redis);
        assert.deepEqual(JSON.parse(worker.DB), { username: "platform", password: DB });
        assert.equal(worker.APP_SECRET, appSecret);
        assert.equal(sb.read(`${dir}/app.env`).split("\n")[0], `REDIS_PASSWORD=${REDIS}`);
        assert.equal(sb.read(`${dir}/redis-auth.conf`), `requirepass ${REDIS}\n`);
        // Root-only files (umask 077 + chmod 0600/0400).
        for (const f of ["web.secrets.env", "worker-api.secrets.env", "app.env", "db_password"]) {
            assert.equal(fs.statSync(`${sb.root}${dir}/${f}`).mode & 0o777, 0o600, f);
        }
        assert.equal(fs.statSync(`${sb.root}${dir}`).mode & 0o777, 0o700);
    });

    it("refuses, without printing it, a value a single-quoted env_file line cannot carry, and an app secret that is not JSON", () => {
        const quoted = runWithSecret("secrets-quote-", JSON.stringify({ ...DOC, jwt: { ...DOC.jwt, secret: "it's-sentinel" } })).res;
        assert.equal(quoted.status, 1);
        assert.match(quoted.stderr, /cannot write APP_SECRET to an env file/);
        assert.doesNotMatch(quoted.stderr, /sentinel/);
        const notJson = runWithSecret("secrets-notjson-", "{not json sentinel}").res;
        assert.equal(notJson.status, 1);
        assert.match(notJson.stderr, /does not hold a JSON object/);
        assert.doesNotMatch(notJson.stderr, /sentinel/);
        const missing = runWithSecret("secrets-nojwt-", JSON.stringify({ database: DOC.database, redis: DOC.redis }));
        assert.equal(missing.res.status, 1);
        assert.match(missing.res.stderr, /the application secret has no key jwt/);
        // A failed secrets step is still reported, and no container was started from half-written files.
        assert.equal(lastStatus(missing.sb).state, "failed");
        assert.match(lastStatus(missing.sb).error, /step secrets/);
        assert.deepEqual(missing.sb.state().events, []);
    });
});
