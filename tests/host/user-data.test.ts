import { strict as assert } from "assert";
import { execFileSync, spawn, spawnSync } from "child_process";
import * as http from "http";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
    COMPOSE_PLUGIN,
    HOST_PATHS,
    HostBootConfig,
    INSTANCE_MEMORY_MIB,
    USER_DATA_MAX_BYTES,
    albHostRegex,
    albPathRegex,
    appSecretsEnvFile,
    composeModel,
    memoryBudget,
    renderBootScript,
    renderHostBoot,
    renderNginxConf,
    renderRuncmdShell,
    renderUserData,
    validateHostBootConfig,
} from "../../components/host/user-data";

const BASE: HostBootConfig = {
    project: "prostudio",
    stack: "zero-cost",
    region: "us-east-1",
    instanceType: "t2.micro",
    apps: [
        {
            name: "web",
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/prostudio:1.4.2",
            port: 8000,
            healthPath: "/health",
            environment: { API_WORKERS: "2", LOG_FORMAT: "json" },
            // The seed services' declarations.
            secrets: {
                APP_SECRET: { source: "app" },
                DATABASE_USERNAME: { source: "database", jsonKey: "username" },
                DATABASE_PASSWORD: { source: "database", jsonKey: "password" },
            },
        },
    ],
    defaultApp: "web",
    ssmParameters: {
        redisPassword: "/prostudio/zero-cost/redis-password",
        databasePassword: "/prostudio/zero-cost/database-password",
        appSecret: "/prostudio/zero-cost/app-secret",
    },
};

const TWO_APPS: HostBootConfig = {
    ...BASE,
    instanceType: "t3.small",
    apps: [
        ...BASE.apps,
        {
            name: "worker-api", image: "ghcr.io/acme/worker:2.0.0", port: 9000, healthPath: "/healthz", environment: {},
            secrets: { ...BASE.apps[0].secrets, JWT: { source: "app", jsonKey: "jwt" }, REDIS_HOST_JSON: { source: "app", jsonKey: "redis" }, DB: { source: "database" } },
            paths: ["/devices/*", "/exact"],
            hosts: ["worker.example.com", "*.workers.example.com"],
        },
    ],
};

// ---------------------------------------------------------------------------------------------
// Real tools: installed by .ci/setup-host-tools.sh. Missing tools fail under CI, skip elsewhere.
// ---------------------------------------------------------------------------------------------

function hasTool(tool: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

function requireTools(ctx: Mocha.Context, ...tools: string[]): void {
    const missing = tools.filter((t) => !hasTool(t));
    if (missing.length === 0) return;
    const message = `missing host tools [${missing.join(", ")}]: run \`bash .ci/setup-host-tools.sh\``;
    if (process.env.CI) throw new Error(`${message} (CI is set, so this fails instead of skipping)`);
    console.warn(`    skipped: ${message}`);
    ctx.skip();
}

function run(cmd: string, args: string[]): { status: number | null; out: string } {
    const res = spawnSync(cmd, args, { encoding: "utf8", timeout: 20000 });
    return { status: res.status, out: `${res.stdout ?? ""}${res.stderr ?? ""}` };
}

let tmp: string;
before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "host-user-data-"));
});
after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
});

function write(name: string, content: string): string {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
}

/**
 * Secret-looking assignments whose value is a literal: `KEY=value` / `key: value` with a key naming a
 * password, secret, token or auth, redis `requirepass value`, and credentials inside URLs. Allowed
 * values: shell variables filled at boot, secret FILE paths, and the SSM parameter names.
 */
function secretLiterals(text: string, parameterNames: string[]): { findings: string[]; checked: number } {
    const findings: string[] = [];
    let checked = 0;
    const allowed = (value: string) =>
        value === "" ||
        value.startsWith("$") ||
        value.startsWith("/run/secrets/") ||
        value.startsWith(HOST_PATHS.secretsDir) ||
        parameterNames.includes(value);
    for (const [line, , , value] of text.matchAll(/\b([A-Za-z_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|AUTH)[A-Za-z_]*)[ \t]*[=:][ \t]*(["']?)([^\s"']*)/gi)) {
        checked++;
        const scheme = /^[a-z]+:\/\//.exec(value);
        if (!allowed(value) && !scheme) findings.push(line);
    }
    for (const [line, value] of text.matchAll(/\brequirepass[ \t]+(\S+)/g)) {
        checked++;
        if (!value.startsWith("$")) findings.push(line);
    }
    // user:password@ in URLs: the password part must be a variable.
    for (const [line, password] of text.matchAll(/[a-z]+:\/\/[^\s:@\/]*:([^\s@\/]+)@/g)) {
        checked++;
        if (!password.startsWith("$")) findings.push(line);
    }
    return { findings, checked };
}

describe("host memory budget", () => {
    for (const [type, mib] of Object.entries(INSTANCE_MEMORY_MIB)) {
        for (const apps of [1, 2]) {
            it(`fits ${type} (${mib} MiB) with ${apps} app(s)`, () => {
                const b = memoryBudget(mib, apps);
                assert.equal(b.totalLimitsMiB, b.nginxMiB + b.appMiB * apps + b.redisMiB + b.timescaleMiB);
                assert.ok(b.totalLimitsMiB <= mib - b.osReserveMiB, `limits ${b.totalLimitsMiB} > ${mib} - ${b.osReserveMiB}`);
                assert.ok(b.osReserveMiB >= 256);
                assert.ok(b.redisMaxMemoryMiB < b.redisMiB);
                assert.ok(b.appMiB >= 96);
                const pg = b.postgres;
                // Shared buffers plus every connection's work_mem stays inside the container.
                assert.ok(pg.sharedBuffersMiB + pg.maxConnections * pg.workMemMiB < b.timescaleMiB);
                assert.ok(pg.effectiveCacheSizeMiB < b.timescaleMiB && pg.effectiveCacheSizeMiB > pg.sharedBuffersMiB);
                assert.ok(pg.maxConnections >= 20 && pg.workMemMiB >= 1);
                assert.ok(pg.maxWorkerProcesses >= pg.timescaleBackgroundWorkers + pg.maxParallelWorkers);
            });
        }
    }

    it("gives a 2 GiB host more of everything than a 1 GiB host", () => {
        const small = memoryBudget(1024);
        const big = memoryBudget(2048);
        for (const key of ["appMiB", "redisMaxMemoryMiB", "timescaleMiB"] as const) assert.ok(big[key] > small[key], key);
        assert.ok(big.postgres.sharedBuffersMiB > small.postgres.sharedBuffersMiB);
    });

    it("refuses a host below 1 GiB and too many apps", () => {
        assert.throws(() => memoryBudget(512), /memoryMiB: 512 is too small/);
        assert.throws(() => memoryBudget(1024, 5), /apps: 5 apps leave \d+ MiB each/);
    });
});

describe("host boot config validation", () => {
    const bad = (patch: Partial<HostBootConfig>, message: RegExp) =>
        assert.throws(() => validateHostBootConfig({ ...BASE, ...patch }), message);

    it("accepts the base config", () => validateHostBootConfig(BASE));
    it("names the bad key and value", () => {
        bad({ defaultApp: "api" }, /defaultApp: invalid value "api"; expected one of \[web\]/);
        bad({ instanceType: "m5.large" }, /instanceType: unknown memory size for "m5.large"/);
        bad({ tlsCertificatePath: "/etc/tls/cert.pem" }, /set both or neither/);
        bad({ ssmParameters: { redisPassword: "a b", databasePassword: "x" } }, /ssmParameters.redisPassword/);
        bad({ apps: [{ ...BASE.apps[0], name: "redis" }] }, /apps\[0\].name: invalid value "redis"/);
        bad({ apps: [{ ...BASE.apps[0], port: 0 }] }, /apps\[0\].port/);
    });
    it("refuses secret-looking environment keys without echoing their value", () => {
        const config = { ...BASE, apps: [{ ...BASE.apps[0], environment: { DB_PASSWORD: "hunter2-sentinel" } }] };
        assert.throws(() => validateHostBootConfig(config), (err: Error) => {
            assert.match(err.message, /apps\[0\].environment.DB_PASSWORD/);
            assert.doesNotMatch(err.message, /hunter2-sentinel/);
            return true;
        });
    });
    it("takes memory from memoryMiB when given", () => {
        const parts = renderHostBoot({ ...BASE, instanceType: "c7i-flex.large", memoryMiB: 4096 });
        assert.equal(parts.budget.instanceMiB, 4096);
    });
});

describe("host compose file", () => {
    for (const [label, config] of [["one app, t2.micro", BASE], ["two apps, t3.small", TWO_APPS]] as const) {
        it(`declares nginx, the apps, redis and timescaledb with restart, limits and healthchecks (${label})`, () => {
            const parts = renderHostBoot(config);
            const compose = parse(parts.compose) as { services: Record<string, Record<string, unknown>>; secrets: Record<string, { file: string }> };
            assert.deepEqual(compose, composeModel(config));
            const expected = ["nginx", ...config.apps.map((a) => a.name), "redis", "timescaledb"];
            assert.deepEqual(Object.keys(compose.services).sort(), [...expected].sort());
            let total = 0;
            for (const [name, svc] of Object.entries(compose.services)) {
                assert.ok(["unless-stopped", "always"].includes(svc.restart as string), `${name}.restart`);
                const m = /^(\d+)m$/.exec(svc.mem_limit as string);
                assert.ok(m, `${name}.mem_limit`);
                total += Number(m[1]);
                const hc = svc.healthcheck as { test: string[] };
                assert.ok(Array.isArray(hc.test) && hc.test.length > 1, `${name}.healthcheck`);
            }
            assert.equal(total, parts.budget.totalLimitsMiB);
            assert.ok(total <= parts.budget.instanceMiB - parts.budget.osReserveMiB);

            for (const app of config.apps) {
                const hc = (compose.services[app.name].healthcheck as { test: string[] }).test.join(" ");
                assert.ok(hc.includes(`http://127.0.0.1:${app.port}${app.healthPath}`), hc);
                assert.deepEqual(compose.services[app.name].env_file, [`${HOST_PATHS.secretsDir}/app.env`, appSecretsEnvFile(app.name)]);
            }

            const ts = compose.services.timescaledb;
            assert.match(ts.image as string, /^timescale\/timescaledb:\d+\.\d+\.\d+-pg16$/);
            assert.ok((ts.volumes as string[]).includes(`${HOST_PATHS.timescaleData}:/var/lib/postgresql/data`));
            const env = ts.environment as Record<string, string>;
            assert.equal(env.POSTGRES_PASSWORD_FILE, "/run/secrets/db_password");
            assert.equal(env.POSTGRES_PASSWORD, undefined);
            const pg = parts.budget.postgres;
            const cmd = (ts.command as string[]).join(" ");
            for (const setting of [
                `shared_buffers=${pg.sharedBuffersMiB}MB`,
                `effective_cache_size=${pg.effectiveCacheSizeMiB}MB`,
                `work_mem=${pg.workMemMiB}MB`,
                `max_connections=${pg.maxConnections}`,
                "shared_preload_libraries=timescaledb",
            ]) {
                assert.ok(cmd.includes(`-c ${setting}`), setting);
            }
            assert.equal(compose.secrets.db_password.file, `${HOST_PATHS.secretsDir}/db_password`);
            // Read the YAML 1.1 way too (go-yaml in compose, PyYAML in cloud-init): env values stay strings.
            const compose11 = parse(parts.compose, { version: "1.1" }) as typeof compose;
            for (const [name, svc] of Object.entries(compose11.services)) {
                for (const [key, value] of Object.entries((svc.environment ?? {}) as Record<string, unknown>)) {
                    assert.equal(typeof value, "string", `${name}.environment.${key} is ${JSON.stringify(value)}`);
                }
            }

            assert.match(parts.redisConf, new RegExp(`^maxmemory ${parts.budget.redisMaxMemoryMiB}mb$`, "m"));
            assert.match(parts.redisConf, /^maxmemory-policy allkeys-lru$/m);
            assert.match(parts.redisConf, /^include \/usr\/local\/etc\/redis\/auth.conf$/m);
            assert.doesNotMatch(parts.redisConf, /requirepass/);
        });
    }

    it("publishes 443 and mounts the certificate only with TLS", () => {
        const plain = composeModel(BASE) as { services: { nginx: { ports: string[] } } };
        assert.deepEqual(plain.services.nginx.ports, ["80:80"]);
        const tls = composeModel({ ...BASE, tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" }) as {
            services: { nginx: { ports: string[]; volumes: string[] } };
        };
        assert.deepEqual(tls.services.nginx.ports, ["80:80", "443:443"]);
        assert.ok(tls.services.nginx.volumes.includes("/etc/platform/tls/key.pem:/etc/platform/tls/key.pem:ro"));
    });

    it("escapes $ in app environment so compose does not interpolate it", () => {
        const config = { ...BASE, apps: [{ ...BASE.apps[0], environment: { GREETING: "cost $0" } }] };
        const svc = (composeModel(config) as { services: { web: { environment: Record<string, string> } } }).services.web;
        assert.equal(svc.environment.GREETING, "cost $$0");
    });
});

describe("host user data: no secrets", () => {
    const TLS = { tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" };

    for (const [label, config] of [["plain", BASE], ["two apps + TLS", { ...TWO_APPS, ...TLS }]] as const) {
        it(`holds only SSM parameter names and references, never a literal secret (${label})`, () => {
            const userData = renderUserData(config);
            const names = Object.values(config.ssmParameters);
            for (const name of names) assert.ok(userData.includes(name), `parameter name ${name} missing`);
            assert.ok(userData.includes("--with-decryption"));
            const { findings, checked } = secretLiterals(userData, names);
            assert.deepEqual(findings, []);
            assert.ok(checked >= 6, `the scan saw the password plumbing (${checked} assignments)`);
        });
    }

    it("the scan itself flags literal secrets (control)", () => {
        const leaky = [
            "POSTGRES_PASSWORD: hunter2-sentinel",
            "REDIS_PASSWORD=s3cret-sentinel",
            'REDIS_AUTH_TOKEN: "tok-sentinel"',
            "requirepass literal-sentinel",
            "DATABASE_URL=postgresql://app:pw-sentinel@db:5432/app",
        ];
        const { findings } = secretLiterals(leaky.join("\n"), []);
        assert.equal(findings.length, leaky.length, findings.join("\n"));
    });

    it("never traces or prints a secret variable", () => {
        const script = renderBootScript(BASE);
        assert.match(script, /^set \+x$/m);
        assert.doesNotMatch(script, /^\s*set -[a-z]*x/m);
        for (const line of script.split("\n")) {
            if (/\$\{?(redis_password|database_password|app_secret|app_env|value)\b/.test(line)) {
                assert.doesNotMatch(line, /\b(echo|log)\b/, `prints a secret: ${line}`);
            }
        }
        assert.match(script, /install -d -m 0700 -o root -g root "\$SECRETS_DIR"/);
        assert.match(script, /umask 077/);
    });

    it("logs in to ECR with the instance role only for ECR images", () => {
        assert.match(renderBootScript(BASE), /aws ecr get-login-password --region 'us-east-1' \| docker login --username AWS --password-stdin '123456789012.dkr.ecr.us-east-1.amazonaws.com'/);
        const ghcr = { ...BASE, apps: [{ ...BASE.apps[0], image: "ghcr.io/acme/web:1.0.0" }] };
        assert.doesNotMatch(renderBootScript(ghcr), /aws ecr|docker login/);
    });

    it("pins the compose plugin by version and sha256 and stays under the EC2 user data limit", () => {
        const parts = renderHostBoot(TWO_APPS);
        assert.ok(parts.installComposeScript.includes(COMPOSE_PLUGIN.version));
        assert.ok(parts.installComposeScript.includes(COMPOSE_PLUGIN.sha256.x86_64));
        assert.ok(parts.installComposeScript.includes(COMPOSE_PLUGIN.sha256.aarch64));
        assert.match(parts.installComposeScript, /sha256sum --check/);
        assert.ok(Buffer.byteLength(parts.userData) < USER_DATA_MAX_BYTES, `${Buffer.byteLength(parts.userData)} bytes`);
    });
});

describe("host user data against the real tools", function () {
    this.timeout(20000);

    it("cloud-init schema accepts the rendered user data and rejects a malformed control", function () {
        requireTools(this, "cloud-init");
        for (const [name, config] of [["plain", BASE], ["tls", { ...TWO_APPS, tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" }]] as const) {
            const userData = renderUserData(config);
            const file = write(`user-data-${name}.yaml`, userData);
            const res = run("cloud-init", ["schema", "--config-file", file]);
            assert.equal(res.status, 0, res.out);
            assert.match(res.out, /Valid cloud-config/);
            // cloud-init's schema allows unknown top-level keys: check ours are real modules' keys.
            const doc = parse(userData) as Record<string, unknown>;
            assert.deepEqual(Object.keys(doc).sort(), ["runcmd", "write_files"]);
            // The files cloud-init writes are exactly the parts validated below.
            const files = new Map((doc.write_files as { path: string; content: string }[]).map((f) => [f.path, f.content]));
            const parts = renderHostBoot(config);
            assert.equal(files.get(HOST_PATHS.compose), parts.compose);
            assert.equal(files.get(HOST_PATHS.nginxConf), parts.nginxConf);
            assert.equal(files.get(HOST_PATHS.redisConf), parts.redisConf);
            assert.equal(files.get(HOST_PATHS.bootScript), parts.bootScript);
            assert.equal(files.get(HOST_PATHS.installComposeScript), parts.installComposeScript);
            assert.deepEqual(doc.runcmd, parts.runcmd);
        }
        // Controls (cloud-init 22.4 on Debian 12): a schema violation and broken YAML both exit 1.
        const wrongType = run("cloud-init", ["schema", "--config-file", write("bad-type.yaml", "#cloud-config\nruncmd: 5\nwrite_files:\n  - content: x\n")]);
        assert.equal(wrongType.status, 1, wrongType.out);
        assert.match(wrongType.out, /runcmd: 5 is not of type 'array'/);
        assert.match(wrongType.out, /'path' is a required property/);
        const broken = run("cloud-init", ["schema", "--config-file", write("broken.yaml", "#cloud-config\nruncmd: [\n")]);
        assert.equal(broken.status, 1, broken.out);
    });

    function nginxTest(name: string, conf: string): { status: number | null; out: string } {
        const dir = path.join(tmp, `nginx-${name}`);
        fs.mkdirSync(dir, { recursive: true });
        const site = write(`nginx-${name}/default.conf`, conf);
        const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `    ${t}_temp_path ${dir}/${t};`).join("\n");
        const main = write(
            `nginx-${name}/nginx.conf`,
            `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n    access_log off;\n${temps}\n    include ${site};\n}\n`,
        );
        return run("nginx", ["-t", "-q", "-p", dir, "-e", `${dir}/error.log`, "-c", main]);
    }

    it("nginx -t accepts the plain HTTP configuration and rejects a broken control", function () {
        requireTools(this, "nginx");
        const conf = renderNginxConf(TWO_APPS);
        // Upstreams go through variables + Docker's DNS, so `web`/`worker-api` need not resolve here.
        assert.match(conf, /resolver 127\.0\.0\.11/);
        assert.doesNotMatch(conf, /proxy_pass\s+http/);
        assert.doesNotMatch(conf, /listen 443/);
        const ok = nginxTest("plain", conf);
        assert.equal(ok.status, 0, ok.out);
        const broken = nginxTest("broken", conf.replace("server_tokens off;", "server_tokens off"));
        assert.equal(broken.status, 1, broken.out);
    });

    it("nginx -t accepts the TLS configuration with a throwaway certificate", function () {
        requireTools(this, "nginx", "openssl");
        const cert = path.join(tmp, "tls", "cert.pem");
        const key = path.join(tmp, "tls", "key.pem");
        fs.mkdirSync(path.dirname(cert), { recursive: true });
        execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test", "-keyout", key, "-out", cert], {
            stdio: "ignore",
        });
        const conf = renderNginxConf({ ...TWO_APPS, tlsCertificatePath: cert, tlsKeyPath: key });
        assert.match(conf, /listen 443 ssl/);
        assert.match(conf, /return 301 https:\/\/\$host\$request_uri;/);
        const res = nginxTest("tls", conf);
        assert.equal(res.status, 0, res.out);
    });

    it("shellcheck passes the boot script, the compose installer and the runcmd script", function () {
        requireTools(this, "shellcheck");
        for (const [name, config] of [["plain", BASE], ["tls", { ...TWO_APPS, tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem", swapMiB: 0 }]] as const) {
            const parts = renderHostBoot(config);
            const files = [
                write(`sh-${name}/boot.sh`, parts.bootScript),
                write(`sh-${name}/install-compose.sh`, parts.installComposeScript),
                write(`sh-${name}/runcmd.sh`, renderRuncmdShell(config)),
            ];
            const res = run("shellcheck", ["--severity=style", "--norc", ...files]);
            assert.equal(res.status, 0, res.out);
        }
        // Control: shellcheck does flag an unquoted expansion (SC2086) with exit 1.
        const control = run("shellcheck", ["--norc", write("sh-control.sh", '#!/bin/bash\nrm -rf $1/tmp\n')]);
        assert.equal(control.status, 1, control.out);
        assert.match(control.out, /SC2086/);
    });
});

// ---------------------------------------------------------------------------------------------
// Routing: the ALB's listener rules, translated for NGINX
// ---------------------------------------------------------------------------------------------

describe("host routing follows the load balancer's rules", () => {
    it("translates ALB path and host patterns to anchored regexes (`*` any run, `?` one character)", () => {
        assert.equal(albPathRegex("/devices/*"), "^/devices/");
        assert.equal(albPathRegex("/exact"), "^/exact$");
        assert.equal(albPathRegex("/a?c/*.json"), "^/a.c/.*\\.json$");
        assert.equal(albPathRegex("/x$+y"), "^/x\\$\\+y$");
        assert.equal(albHostRegex("*.example.com"), "^.*\\.example\\.com$");
        const re = new RegExp(albPathRegex("/devices/*"));
        assert.ok(re.test("/devices/") && re.test("/devices/abc/def"));
        assert.ok(!re.test("/devices") && !re.test("/Devices/x") && !re.test("/api/devices/x"), "whole path, case-sensitive, as on the ALB");
    });

    it("proxies /devices/* to its app with the URI unchanged, exact paths with location =, the rest to the default app", () => {
        const conf = renderNginxConf(TWO_APPS);
        const block = (match: string) => {
            const m = new RegExp(`    location ${match.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")} \\{\\n([^}]*)\\n    \\}`).exec(conf);
            assert.ok(m, `no location ${match} in\n${conf}`);
            return m[1];
        };
        assert.equal(block("~ ^/devices/"), "        set $upstream_worker_api http://worker-api:9000;\n        proxy_pass $upstream_worker_api;");
        assert.match(block("= /exact"), /proxy_pass \$upstream_worker_api;/);
        assert.match(block("/"), /set \$upstream_web http:\/\/web:8000;\n\s+proxy_pass \$upstream_web;/);
        // proxy_pass to a variable holding only scheme://host:port (no URI part): NGINX passes the
        // request URI on as it came; nothing rewrites or strips a prefix.
        for (const line of conf.split("\n").filter((l) => l.includes("proxy_pass"))) assert.match(line, /^\s+proxy_pass \$upstream_[a-z_]+;$/);
        assert.doesNotMatch(conf, /\brewrite\b/);
        assert.doesNotMatch(conf, /location \/worker-api\//);
        // Host rules: a server block of their own, tried in order, falling back to that app.
        assert.match(conf, /server \{\n    listen 80;\n    server_name ~\^worker\\\.example\\\.com\$ ~\^\.\*\\\.workers\\\.example\\\.com\$;\n/);
    });

    it("keeps the ALB's priorities: an earlier app's pattern wins, a shadowed exact path is left out", () => {
        const config: HostBootConfig = {
            ...TWO_APPS,
            apps: [{ ...TWO_APPS.apps[0], paths: ["/shared/*"] }, { ...TWO_APPS.apps[1], paths: ["/shared/x", "/shared/*", "/own/*"], hosts: [] }],
        };
        const conf = renderNginxConf(config);
        assert.ok(conf.indexOf("location ~ ^/shared/ {\n        set $upstream_web") > 0);
        assert.doesNotMatch(conf, /location = \/shared\/x/);
        assert.equal(conf.match(/location ~ \^\/shared\//g)?.length, 1);
        assert.match(conf, /location ~ \^\/own\/ \{\n        set \$upstream_worker_api/);
    });

    it("refuses a pattern the ALB would refuse, naming the app and the index", () => {
        const bad = (patch: Partial<HostBootConfig["apps"][0]>, message: RegExp) =>
            assert.throws(() => renderNginxConf({ ...TWO_APPS, apps: [TWO_APPS.apps[0], { ...TWO_APPS.apps[1], ...patch }] }), message);
        bad({ paths: ["/ok/*", "devices/*"] }, /apps\[1\]\.paths\[1\]: "devices\/\*" is not a valid ALB path pattern/);
        bad({ paths: ["/a b"] }, /apps\[1\]\.paths\[0\]/);
        bad({ hosts: ["bad_host.example.com"] }, /apps\[1\]\.hosts\[0\]: "bad_host\.example\.com" is not a valid ALB host header/);
    });
});

describe("host routing through a real NGINX", function () {
    this.timeout(30000);
    const servers: http.Server[] = [];
    let nginx: ReturnType<typeof spawn> | undefined;
    after(() => {
        nginx?.kill();
        for (const s of servers) s.close();
    });

    const listen = (server: http.Server) =>
        new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
    const freePort = async () => {
        const s = http.createServer();
        const port = await listen(s);
        await new Promise((r) => s.close(r));
        return port;
    };
    const get = (port: number, urlPath: string, host = "203.0.113.10") =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
            const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers: { Host: host } }, (res) => {
                let body = "";
                res.on("data", (c) => (body += c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            });
            req.on("error", reject);
        });

    it("sends each request where the ALB would, with the request URI unchanged", async function () {
        requireTools(this, "nginx");
        // Each app echoes its name and the URI it received.
        const ports: Record<string, number> = {};
        for (const app of TWO_APPS.apps) {
            const server = http.createServer((req, res) => res.end(JSON.stringify({ app: app.name, url: req.url, host: req.headers.host })));
            servers.push(server);
            ports[app.name] = await listen(server);
        }
        const port = await freePort();
        let conf = renderNginxConf(TWO_APPS).replace(/listen 80( default_server)?;/g, `listen 127.0.0.1:${port}$1;`);
        for (const app of TWO_APPS.apps) conf = conf.split(`http://${app.name}:${app.port};`).join(`http://127.0.0.1:${ports[app.name]};`);
        const dir = path.join(tmp, "nginx-live");
        fs.mkdirSync(dir, { recursive: true });
        const site = write("nginx-live/default.conf", conf);
        const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `    ${t}_temp_path ${dir}/${t};`).join("\n");
        const user = process.getuid?.() === 0 ? "user root;\n" : "";
        const main = write("nginx-live/nginx.conf", `${user}daemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n    access_log off;\n${temps}\n    include ${site};\n}\n`);
        nginx = spawn("nginx", ["-p", dir, "-e", `${dir}/error.log`, "-c", main], { stdio: "ignore" });
        for (let i = 0; ; i++) {
            try {
                if ((await get(port, "/nginx-health")).body === "ok\n") break;
            } catch {
                if (i > 50) throw new Error(`nginx did not start: ${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, "utf8") : ""}`);
                await new Promise((r) => setTimeout(r, 100));
            }
        }
        const expectations: [string, string | undefined, string, string][] = [
            // [path, Host header, app, URI the app sees]
            ["/devices/abc/def?x=1&y=%2F", undefined, "worker-api", "/devices/abc/def?x=1&y=%2F"],
            ["/devices/", undefined, "worker-api", "/devices/"],
            ["/devices", undefined, "web", "/devices"], // the ALB's /devices/* does not match /devices either
            ["/Devices/x", undefined, "web", "/Devices/x"], // case-sensitive, as on the ALB
            ["/exact", undefined, "worker-api", "/exact"],
            ["/exact/more", undefined, "web", "/exact/more"],
            ["/", undefined, "web", "/"],
            ["/worker-api/x", undefined, "web", "/worker-api/x"], // no more /<name>/ prefix routes
            ["/anything?q=1", "worker.example.com", "worker-api", "/anything?q=1"],
            ["/x", "WORKER.Example.com", "worker-api", "/x"], // host headers are case-insensitive
            ["/x", "a.b.workers.example.com", "worker-api", "/x"],
            ["/x", "workers.example.com", "web", "/x"],
        ];
        for (const [urlPath, host, app, uri] of expectations) {
            const res = await get(port, urlPath, host);
            assert.equal(res.status, 200, `${host ?? ""}${urlPath}: ${res.status} ${res.body}`);
            const seen = JSON.parse(res.body);
            assert.deepEqual([seen.app, seen.url], [app, uri], `${host ?? ""}${urlPath}`);
            if (host) assert.equal(seen.host, host.toLowerCase(), "the Host header is passed on ($host: lowercase)");
        }
    });
});

// ---------------------------------------------------------------------------------------------
// Secrets: the boot script run for real (stubbed aws/docker/chown), env files parsed as compose does
// ---------------------------------------------------------------------------------------------

/**
 * Compose's env_file parser for the lines the boot script writes (compose-go dotenv, documented at
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

describe("host boot script: secrets into the apps' env files", function () {
    this.timeout(30000);
    const REDIS = "Redis0123456789abcdefABCDEF01234";
    const DB = "Db0123456789abcdefABCDEF01234567";
    // A JWT secret with what unquoted or double-quoted env_file values would mangle: $, #, quotes, backslashes.
    const DOC = {
        database: { host: "timescaledb", port: 5432, dbname: "app", masterSecretArn: null },
        redis: { host: "redis", port: 6379, authToken: REDIS, replicationGroupId: null },
        jwt: { secret: 'j$HOME ${X} #c "q" \\n\\', expiresIn: "15m", refreshExpiresIn: "7d" },
    };

    function runBoot(ctx: Mocha.Context, name: string, appSecret: string): { status: number | null; out: string; dir: string } {
        requireTools(ctx, "bash", "python3");
        const dir = path.join(tmp, `boot-${name}`);
        const stubs = path.join(dir, "bin");
        const secrets = path.join(dir, "secrets");
        fs.mkdirSync(stubs, { recursive: true });
        const values = path.join(dir, "values");
        fs.mkdirSync(values, { recursive: true });
        fs.writeFileSync(path.join(values, "redis-password"), REDIS);
        fs.writeFileSync(path.join(values, "database-password"), DB);
        fs.writeFileSync(path.join(values, "app-secret"), appSecret);
        const stub = (cmd: string, body: string) => fs.writeFileSync(path.join(stubs, cmd), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
        // aws ssm get-parameter ... --name /prostudio/zero-cost/<x> -> the value file <x>; aws ecr ... -> a token.
        stub("aws", `if [ "$1" = ssm ]; then while [ $# -gt 0 ]; do if [ "$1" = --name ]; then cat "${values}/\${2##*/}"; exit; fi; shift; done; fi\necho token`);
        stub("install", `for a; do :; done; case "$a" in "${dir}"*) mkdir -p "$a" ;; esac`);
        for (const cmd of ["chown", "sysctl", "docker"]) stub(cmd, "cat >/dev/null 2>&1 || true");
        const script = renderBootScript({ ...TWO_APPS, swapMiB: 0 }).split(`'${HOST_PATHS.secretsDir}'`).join(`'${secrets}'`);
        const file = write(`boot-${name}/boot.sh`, script);
        const res = spawnSync("bash", [file], { encoding: "utf8", timeout: 20000, env: { ...process.env, PATH: `${stubs}:${process.env.PATH}` } });
        return { status: res.status, out: `${res.stdout}${res.stderr}`, dir: secrets };
    }

    it("writes each app's declared variables, and compose's parser reads back exactly the values", function () {
        const appSecret = JSON.stringify(DOC);
        const { status, out, dir } = runBoot(this, "ok", appSecret);
        assert.equal(status, 0, out);
        assert.ok(!out.includes(REDIS) && !out.includes(DB) && !out.includes("j$HOME"), "no secret on stdout/stderr");
        const web = parseComposeEnvFile(fs.readFileSync(path.join(dir, "web.secrets.env"), "utf8"));
        assert.deepEqual(Object.keys(web).sort(), ["APP_SECRET", "DATABASE_PASSWORD", "DATABASE_USERNAME"]);
        assert.equal(web.APP_SECRET, appSecret);
        assert.deepEqual(JSON.parse(web.APP_SECRET), DOC);
        assert.equal(web.DATABASE_USERNAME, "app");
        assert.equal(web.DATABASE_PASSWORD, DB);
        const worker = parseComposeEnvFile(fs.readFileSync(path.join(dir, "worker-api.secrets.env"), "utf8"));
        assert.deepEqual(JSON.parse(worker.JWT), DOC.jwt);
        assert.deepEqual(JSON.parse(worker.REDIS_HOST_JSON), DOC.redis);
        assert.deepEqual(JSON.parse(worker.DB), { username: "app", password: DB });
        assert.equal(worker.APP_SECRET, appSecret);
        // Root-only files (umask 077 + chmod 0600).
        for (const f of ["web.secrets.env", "worker-api.secrets.env", "app.env"]) assert.equal(fs.statSync(path.join(dir, f)).mode & 0o777, 0o600, f);
        assert.equal(fs.readFileSync(path.join(dir, "app.env"), "utf8").split("\n")[0], `REDIS_PASSWORD=${REDIS}`);
    });

    it("refuses, without printing it, a value a single-quoted env_file line cannot carry, and an app secret that is not JSON", function () {
        const quoted = runBoot(this, "quote", JSON.stringify({ ...DOC, jwt: { ...DOC.jwt, secret: "it's-sentinel" } }));
        assert.notEqual(quoted.status, 0);
        assert.match(quoted.out, /cannot write APP_SECRET to an env file/);
        assert.doesNotMatch(quoted.out, /sentinel/);
        const notJson = runBoot(this, "not-json", "{not json sentinel}");
        assert.notEqual(notJson.status, 0);
        assert.match(notJson.out, /does not hold a JSON object/);
        assert.doesNotMatch(notJson.out, /sentinel/);
        const missing = runBoot(this, "no-jwt", JSON.stringify({ database: DOC.database, redis: DOC.redis }));
        assert.notEqual(missing.status, 0);
        assert.match(missing.out, /the application secret has no key jwt/);
    });

    it("needs the app secret parameter only when an app declares an app secret", () => {
        const { appSecret: _unused, ...withoutApp } = BASE.ssmParameters;
        assert.throws(() => validateHostBootConfig({ ...BASE, ssmParameters: withoutApp }), /apps\[0\]\.secrets\.APP_SECRET: .*ssmParameters\.appSecret/);
        const noAppSecrets = { ...BASE, ssmParameters: withoutApp, apps: [{ ...BASE.apps[0], secrets: { DATABASE_PASSWORD: { source: "database" as const, jsonKey: "password" as const } } }] };
        assert.doesNotMatch(renderBootScript(noAppSecrets), /APP_SECRET_PARAMETER/);
        assert.match(renderBootScript(BASE), /^readonly APP_SECRET_PARAMETER='\/prostudio\/zero-cost\/app-secret'$/m);
    });

    it("stays under the EC2 user data limit with two apps, their secrets, routes and TLS", () => {
        const parts = renderHostBoot({ ...TWO_APPS, tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" });
        const bytes = Buffer.byteLength(parts.userData);
        assert.ok(bytes < USER_DATA_MAX_BYTES, `${bytes} bytes`);
    });
});
