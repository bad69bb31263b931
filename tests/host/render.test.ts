// The host's rendered configuration: memory budget, compose model, constant user data, the SSM
// document and its apply script, checked against the real tools (cloud-init, shellcheck).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { gunzipSync } from "zlib";
import { parse } from "yaml";
import { appSecretsEnvFile, HostBootConfig, HOST_PATHS, validateHostBootConfig } from "../../components/host/boot-config";
import { composeModel, renderComposeFile, renderRedisConf } from "../../components/host/compose";
import { randomBytes } from "crypto";
import { APPLY_SCRIPT_PARTS, desiredFiles, desiredFilesFunction, HEREDOC_END, renderApplyScript } from "../../components/host/apply-script";
import { renderHostDocument, SSM_DOCUMENT_MAX_BYTES } from "../../components/host/document";
import { HOST_RESERVE_MIB, INSTANCE_MEMORY_MIB, memoryBudget, MIN_APP_MIB, SWAP_MIB } from "../../components/host/memory";
import { renderUserData, USER_DATA_MAX_BYTES } from "../../components/host/user-data";
import { BASE, requireTools, run, scratchFolder, secretLiterals, TLS, TWO_APPS } from "./configs";

const scratch = scratchFolder("host-render-");
const write = scratch.write;

describe("host memory budget", () => {
    for (const [type, mib] of Object.entries(INSTANCE_MEMORY_MIB)) {
        for (const apps of [1, 2]) {
            it(`fits ${type} (${mib} MiB) with ${apps} app(s), leaving the host its reserve`, () => {
                const b = memoryBudget(mib, apps);
                assert.equal(b.totalLimitsMiB, b.nginxMiB + b.appMiB * apps + b.redisMiB + b.timescaleMiB);
                assert.ok(b.totalLimitsMiB <= mib - b.osReserveMiB, `limits ${b.totalLimitsMiB} > ${mib} - ${b.osReserveMiB}`);
                assert.ok(b.redisMaxMemoryMiB < b.redisMiB);
                assert.ok(b.appMiB >= MIN_APP_MIB);
                const pg = b.postgres;
                // Shared buffers plus every connection's work_mem stays inside the container.
                assert.ok(pg.sharedBuffersMiB + pg.maxConnections * pg.workMemMiB < b.timescaleMiB);
                assert.ok(pg.effectiveCacheSizeMiB < b.timescaleMiB && pg.effectiveCacheSizeMiB > pg.sharedBuffersMiB);
                assert.ok(pg.maxConnections >= 20 && pg.workMemMiB >= 1);
                assert.ok(pg.maxWorkerProcesses >= pg.timescaleBackgroundWorkers + pg.maxParallelWorkers);
            });
        }
    }

    it("reserves the OS, the SSM agent, Docker and a page-cache floor before any container (B12: not 768 of 1024)", () => {
        const b = memoryBudget(1024, 2);
        const r = b.reserve;
        assert.equal(r.totalMiB, r.kernelAndSystemMiB + r.ssmAgentMiB + r.dockerMiB + r.pageCacheMiB);
        assert.deepEqual(
            [r.kernelAndSystemMiB, r.ssmAgentMiB, r.dockerMiB],
            [HOST_RESERVE_MIB.kernelAndSystem, HOST_RESERVE_MIB.ssmAgent, HOST_RESERVE_MIB.docker],
        );
        assert.ok(r.pageCacheMiB >= HOST_RESERVE_MIB.pageCacheFloor);
        // The review's finding: limits of 768 MiB left 256 MiB for everything else. Now at least 384.
        assert.ok(b.osReserveMiB >= 384, `reserve ${b.osReserveMiB}`);
        assert.ok(b.totalLimitsMiB <= 1024 - 384, `limits ${b.totalLimitsMiB}`);
        // A 2 GiB host keeps more page cache (10% of memory).
        assert.ok(memoryBudget(2048).reserve.pageCacheMiB > r.pageCacheMiB);
    });

    it("puts transient peaks on a 1 GiB swap file, the same on every allowed type", () => {
        for (const mib of new Set(Object.values(INSTANCE_MEMORY_MIB))) assert.equal(memoryBudget(mib).swapMiB, SWAP_MIB);
        // AWS-RunPatchBaseline's Python process alone was ~330 MB RSS (aws/amazon-ssm-agent#402).
        assert.ok(SWAP_MIB >= 330 * 2);
    });

    it("gives a 2 GiB host more of everything than a 1 GiB host", () => {
        const small = memoryBudget(1024);
        const big = memoryBudget(2048);
        for (const key of ["appMiB", "redisMaxMemoryMiB", "timescaleMiB"] as const) assert.ok(big[key] > small[key], key);
        assert.ok(big.postgres.sharedBuffersMiB > small.postgres.sharedBuffersMiB);
    });

    it("refuses a host below 1 GiB, and a third service on 1 GiB, naming the way out", () => {
        assert.throws(() => memoryBudget(512), /memoryMiB: 512 is too small/);
        assert.throws(() => memoryBudget(1024, 3), /apps: 3 apps leave \d+ MiB each on 1024 MiB .*use a 2 GiB type/);
        assert.doesNotThrow(() => memoryBudget(2048, 3));
    });
});

describe("host boot config validation", () => {
    const bad = (patch: Partial<HostBootConfig>, message: RegExp) => assert.throws(() => validateHostBootConfig({ ...BASE, ...patch }), message);

    it("accepts the base config", () => validateHostBootConfig(BASE));
    it("names the bad key and value", () => {
        bad({ defaultApp: "api" }, /defaultApp: invalid value "api"; expected one of \[web\]/);
        bad({ instanceType: "m5.large" }, /instanceType: unknown memory size for "m5.large"/);
        bad({ tlsCertificatePath: "/etc/tls/cert.pem" }, /set both or neither/);
        bad({ ssmParameters: { redisPassword: "a b", databasePassword: "x" } }, /ssmParameters.redisPassword/);
        bad({ statusParameter: "status parameter" }, /statusParameter: invalid value/);
        bad({ dataVolume: { volumeId: "vol-1; reboot", deviceName: "/dev/sdf" } }, /dataVolume.volumeId: invalid value "vol-1; reboot"/);
        bad({ dataVolume: { volumeId: "vol-0123456789abcdef0", deviceName: "/dev/sda1" } }, /dataVolume.deviceName: invalid value "\/dev\/sda1"/);
        bad({ apps: [{ ...BASE.apps[0], name: "redis" }] }, /apps\[0\].name: invalid value "redis"/);
        bad({ apps: [{ ...BASE.apps[0], port: 0 }] }, /apps\[0\].port/);
    });
    it("refuses secret-looking environment keys without echoing their value", () => {
        const config = { ...BASE, apps: [{ ...BASE.apps[0], environment: { DB_PASSWORD: "hunter2-sentinel" } }] };
        assert.throws(
            () => validateHostBootConfig(config),
            (err: Error) => {
                assert.match(err.message, /apps\[0\].environment.DB_PASSWORD/);
                assert.doesNotMatch(err.message, /hunter2-sentinel/);
                return true;
            },
        );
    });
    it("needs the app secret parameter only when an app declares an app secret", () => {
        const { appSecret: _unused, ...withoutApp } = BASE.ssmParameters;
        assert.throws(() => validateHostBootConfig({ ...BASE, ssmParameters: withoutApp }), /apps\[0\]\.secrets\.APP_SECRET: .*ssmParameters\.appSecret/);
        const noAppSecrets = {
            ...BASE,
            ssmParameters: withoutApp,
            apps: [{ ...BASE.apps[0], secrets: { DATABASE_PASSWORD: { source: "database" as const, jsonKey: "password" as const } } }],
        };
        assert.doesNotMatch(renderApplyScript(noAppSecrets).script, /APP_SECRET_PARAMETER/);
        assert.match(renderApplyScript(BASE).script, /^readonly APP_SECRET_PARAMETER='\/prostudio\/zero-cost\/app-secret'$/m);
    });
});

describe("host compose file", () => {
    for (const [label, config] of [
        ["one app, t2.micro", BASE],
        ["two apps, t3.small", TWO_APPS],
    ] as const) {
        it(`declares nginx, the apps, redis and timescaledb with restart, limits and healthchecks (${label})`, () => {
            const compose = parse(renderComposeFile(config)) as {
                services: Record<string, Record<string, unknown>>;
                secrets: Record<string, { file: string }>;
            };
            assert.deepEqual(compose, composeModel(config));
            const budget = memoryBudget(config.instanceType === "t3.small" ? 2048 : 1024, config.apps.length);
            const expected = ["nginx", ...config.apps.map((a) => a.name), "redis", "timescaledb"];
            assert.deepEqual(Object.keys(compose.services).sort(), [...expected].sort());
            let total = 0;
            for (const [name, svc] of Object.entries(compose.services)) {
                assert.equal(svc.restart, "unless-stopped", `${name}.restart`);
                const m = /^(\d+)m$/.exec(svc.mem_limit as string);
                assert.ok(m, `${name}.mem_limit`);
                total += Number(m[1]);
                const hc = svc.healthcheck as { test: string[] };
                assert.ok(Array.isArray(hc.test) && hc.test.length > 1, `${name}.healthcheck`);
                // The apply script orders the start; compose must not make one service wait for another.
                assert.equal(svc.depends_on, undefined, `${name}.depends_on`);
            }
            assert.equal(total, budget.totalLimitsMiB);

            for (const app of config.apps) {
                const hc = (compose.services[app.name].healthcheck as { test: string[] }).test.join(" ");
                assert.ok(hc.includes(`http://127.0.0.1:${app.port}${app.healthPath}`), hc);
                assert.deepEqual(compose.services[app.name].env_file, [`${HOST_PATHS.secretsDir}/app.env`, appSecretsEnvFile(app.name)]);
            }
            const ts = compose.services.timescaledb;
            const env = ts.environment as Record<string, string>;
            assert.equal(env.POSTGRES_PASSWORD_FILE, "/run/secrets/db_password");
            assert.equal(env.POSTGRES_PASSWORD, undefined);
            const cmd = (ts.command as string[]).join(" ");
            for (const setting of [
                `shared_buffers=${budget.postgres.sharedBuffersMiB}MB`,
                `max_connections=${budget.postgres.maxConnections}`,
                "shared_preload_libraries=timescaledb",
            ]) {
                assert.ok(cmd.includes(`-c ${setting}`), setting);
            }
            // YAML 1.1 readers (go-yaml in compose, PyYAML in cloud-init) see strings in environment.
            const compose11 = parse(renderComposeFile(config), { version: "1.1" }) as typeof compose;
            for (const [name, svc] of Object.entries(compose11.services)) {
                for (const [key, value] of Object.entries((svc.environment ?? {}) as Record<string, unknown>)) {
                    assert.equal(typeof value, "string", `${name}.environment.${key} is ${JSON.stringify(value)}`);
                }
            }
        });
    }

    it("keeps PGDATA on the data volume and refuses to create it on the root volume when the volume is not mounted", () => {
        const ts = (composeModel(BASE) as { services: { timescaledb: { volumes: unknown[] } } }).services.timescaledb;
        assert.deepEqual(ts.volumes, [
            { type: "bind", source: HOST_PATHS.timescaleData, target: "/var/lib/postgresql/data", bind: { create_host_path: false } },
        ]);
        assert.ok(HOST_PATHS.timescaleData.startsWith(`${HOST_PATHS.dataMount}/`), "PGDATA is inside the data volume's mount point");
    });

    it("mounts NGINX's conf.d directory (a rewritten file reaches nginx -s reload) and 443 only with TLS", () => {
        const plain = composeModel(BASE) as { services: { nginx: { ports: string[]; volumes: string[] } } };
        assert.deepEqual(plain.services.nginx.ports, ["80:80"]);
        assert.ok(plain.services.nginx.volumes.includes(`${HOST_PATHS.nginxDir}:/etc/nginx/conf.d:ro`));
        assert.equal(path.dirname(HOST_PATHS.nginxConf), HOST_PATHS.nginxDir);
        const tls = composeModel({ ...BASE, ...TLS }) as { services: { nginx: { ports: string[]; volumes: string[] } } };
        assert.deepEqual(tls.services.nginx.ports, ["80:80", "443:443"]);
        assert.ok(tls.services.nginx.volumes.includes("/etc/platform/tls/key.pem:/etc/platform/tls/key.pem:ro"));
    });

    it("escapes $ in app environment so compose does not interpolate it", () => {
        const config = { ...BASE, apps: [{ ...BASE.apps[0], environment: { GREETING: "cost $0" } }] };
        const svc = (composeModel(config) as { services: { web: { environment: Record<string, string> } } }).services.web;
        assert.equal(svc.environment.GREETING, "cost $$0");
    });

    it("configures Redis as a cache whose password comes from an include, never the config file", () => {
        const conf = renderRedisConf(BASE);
        assert.match(conf, new RegExp(`^maxmemory ${memoryBudget(1024).redisMaxMemoryMiB}mb$`, "m"));
        assert.match(conf, /^maxmemory-policy allkeys-lru$/m);
        assert.match(conf, /^include \/usr\/local\/etc\/redis-auth\.conf$/m);
        assert.doesNotMatch(conf, /requirepass/);
    });
});

describe("host user data: small and constant", () => {
    it("is the same whatever the release, the services or the instance type", () => {
        // renderUserData takes nothing a release could change: the images, services, TLS and type do not reach it.
        assert.equal(renderUserData.length, 0);
        assert.equal(renderUserData(), renderUserData());
        assert.ok(Buffer.byteLength(renderUserData()) < 1024, `${Buffer.byteLength(renderUserData())} bytes`);
        assert.ok(USER_DATA_MAX_BYTES === 16384);
    });

    it("cloud-init schema accepts it, and it holds only the swap module (no write_files/runcmd run-once state)", function () {
        requireTools(this, "cloud-init");
        const userData = renderUserData();
        const res = run("cloud-init", ["schema", "--config-file", write("user-data.yaml", userData)]);
        assert.equal(res.status, 0, res.out);
        assert.match(res.out, /Valid cloud-config/);
        const doc = parse(userData) as Record<string, unknown>;
        assert.deepEqual(Object.keys(doc), ["swap"]);
        assert.deepEqual(doc.swap, { filename: HOST_PATHS.swapFile, size: SWAP_MIB * 1024 * 1024, maxsize: SWAP_MIB * 1024 * 1024 });
        // Controls (cloud-init 22.4 on Debian 12): a schema violation and a non-dict both exit 1.
        const wrongType = run("cloud-init", ["schema", "--config-file", write("bad-swap.yaml", "#cloud-config\nswap:\n  size: [1]\n")]);
        assert.equal(wrongType.status, 1, wrongType.out);
        assert.match(wrongType.out, /swap\.size/);
        const notDict = run("cloud-init", ["schema", "--config-file", write("comment-only.yaml", "#cloud-config\n# nothing\n")]);
        assert.equal(notDict.status, 1, notDict.out);
    });
});

describe("host SSM document", () => {
    it("is a schema 2.2 Command document with one aws:runShellScript step and an explicit, generous timeout", () => {
        const doc = JSON.parse(renderHostDocument(TWO_APPS).content);
        assert.equal(doc.schemaVersion, "2.2");
        assert.equal(doc.mainSteps.length, 1);
        assert.equal(doc.mainSteps[0].action, "aws:runShellScript");
        // First apply at the 10% CPU baseline (no launch credits in standard mode): two hours.
        assert.equal(doc.mainSteps[0].inputs.timeoutSeconds, "7200");
        assert.deepEqual(Object.keys(doc.parameters), ["revision"]);
        assert.equal(doc.parameters.revision.allowedPattern, "^([0-9a-f]{64})?$");
        assert.match(doc.mainSteps[0].inputs.runCommand.at(-1), /^exec "\$script" --mode association --revision '\{\{ revision \}\}'$/);
    });

    it("carries exactly the rendered apply script, which carries the compose, NGINX and Redis files", () => {
        const document = renderHostDocument(TWO_APPS);
        const commands: string[] = document.runCommand;
        const start = commands.findIndex((c) => c.startsWith("base64 -d <<'"));
        const end = commands.indexOf("PLATFORM_APPLY_B64", start + 1);
        const script = gunzipSync(Buffer.from(commands.slice(start + 1, end).join(""), "base64")).toString("utf8");
        assert.equal(script, document.script);
        for (const file of desiredFiles(TWO_APPS)) {
            assert.ok(script.includes(`put_file '${file.path}' ${file.mode} ${file.tag} <<'${HEREDOC_END}'\n${file.content}`), file.path);
        }
        assert.ok(script.includes(`readonly REVISION='${document.revision}'`));
    });

    it("ends with the static body: every part of components/host/platform-apply/, each once, in script order", () => {
        const dir = path.join(__dirname, "..", "..", "components", "host", "platform-apply");
        assert.deepEqual(
            fs.readdirSync(dir).sort(),
            APPLY_SCRIPT_PARTS.map((part) => `${part}.sh`).sort(),
            "a part on disk is missing from APPLY_SCRIPT_PARTS, or the reverse",
        );
        const parts = APPLY_SCRIPT_PARTS.map((part) => fs.readFileSync(path.join(dir, `${part}.sh`), "utf8"));
        assert.ok(renderApplyScript(TWO_APPS).script.endsWith(`\n${parts.join("\n")}`));
        // The main sequence comes last: it calls the functions every other part defines.
        assert.match(parts[parts.length - 1]!, /^# ---- main /);
    });

    it("changes with an image tag, and only the revision changes with nothing else", () => {
        const a = renderHostDocument(TWO_APPS);
        const b = renderHostDocument({
            ...TWO_APPS,
            apps: [{ ...TWO_APPS.apps[0], image: TWO_APPS.apps[0].image.replace("1.4.2", "1.4.3") }, TWO_APPS.apps[1]],
        });
        assert.notEqual(a.revision, b.revision);
        assert.notEqual(a.content, b.content);
        assert.equal(renderHostDocument(TWO_APPS).content, a.content, "the same input renders the same bytes (gzip is deterministic)");
    });

    it("stays well under SSM's 64 KB with three services, TLS and routes (sizes printed)", () => {
        const third = {
            ...TWO_APPS.apps[1],
            name: "reports",
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/platform-dev/reports:2026.12.01-abcdef0",
            paths: ["/reports/*"],
            hosts: [],
        };
        const config = { ...TWO_APPS, ...TLS, apps: [...TWO_APPS.apps, third] };
        const document = renderHostDocument(config);
        const script = Buffer.byteLength(document.script);
        console.log(
            `      SSM document: ${document.bytes} bytes of ${SSM_DOCUMENT_MAX_BYTES} (apply script ${script} bytes before gzip); user data ${Buffer.byteLength(renderUserData())} bytes of ${USER_DATA_MAX_BYTES}`,
        );
        assert.ok(document.bytes < SSM_DOCUMENT_MAX_BYTES / 2, `${document.bytes} bytes`);
    });

    it("refuses a desired file that contains the heredoc terminator, and a document over 64 KB", () => {
        const files = desiredFiles(BASE);
        const poisoned = [...files, { ...files[0], path: "/etc/platform/poisoned", content: `a\n${HEREDOC_END}\nb\n` }];
        assert.throws(
            () => desiredFilesFunction(poisoned),
            new RegExp(`/etc/platform/poisoned: a line is exactly ${HEREDOC_END}, the apply script's heredoc terminator`),
        );
        assert.doesNotThrow(() => desiredFilesFunction(files));
        // Incompressible environment values push the gzip'd script over the limit.
        const bulky = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`K${i}`, randomBytes(900).toString("base64")]));
        assert.throws(
            () => renderHostDocument({ ...BASE, apps: [{ ...BASE.apps[0], environment: bulky }] }),
            /SSM document: \d+ bytes for 1 apps; SSM allows at most 65536/,
        );
    });
});

describe("host SSM document: no secrets", () => {
    for (const [label, config] of [
        ["plain", BASE],
        ["two apps + TLS", { ...TWO_APPS, ...TLS }],
    ] as const) {
        it(`holds parameter names and references only, never a literal secret (${label})`, () => {
            const document = renderHostDocument(config);
            const names = [...Object.values(config.ssmParameters), config.statusParameter];
            for (const name of Object.values(config.ssmParameters)) assert.ok(document.script.includes(name), `parameter name ${name} missing`);
            assert.ok(document.script.includes("--with-decryption"));
            for (const text of [document.script, document.content]) {
                const { findings, checked } = secretLiterals(text, names);
                assert.deepEqual(findings, []);
                if (text === document.script) assert.ok(checked >= 6, `the scan saw the password plumbing (${checked} assignments)`);
            }
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
        const { script } = renderApplyScript(BASE);
        assert.match(script, /^set \+x$/m);
        assert.doesNotMatch(script, /^\s*set -[a-z]*x/m);
        for (const line of script.split("\n")) {
            if (/\$\{?(redis_password|database_password|app_secret|app_env|value|verifier)\b/.test(line)) {
                assert.doesNotMatch(line, /\b(echo|log)\b/, `prints a secret: ${line}`);
            }
        }
        assert.match(script, /^umask 077$/m);
    });
});

describe("host scripts against shellcheck", function () {
    this.timeout(30000);

    it("passes the apply script (plain and TLS) and the document's sh bootstrap", function () {
        requireTools(this, "shellcheck");
        for (const [name, config] of [
            ["plain", BASE],
            ["tls", { ...TWO_APPS, ...TLS }],
        ] as const) {
            const document = renderHostDocument(config);
            const apply = write(`sh-${name}/platform-apply`, document.script);
            const bootstrap = write(`sh-${name}/bootstrap.sh`, document.runCommand.join("\n") + "\n");
            const res = run("shellcheck", ["--severity=style", "--norc", apply]);
            assert.equal(res.status, 0, res.out);
            // SSM runs the commands with /bin/sh: the bootstrap must be POSIX.
            const sh = run("shellcheck", ["--severity=style", "--norc", "--shell=sh", bootstrap]);
            assert.equal(sh.status, 0, sh.out);
        }
        // Control: shellcheck does flag an unquoted expansion (SC2086) with exit 1.
        const control = run("shellcheck", ["--norc", write("sh-control.sh", "#!/bin/bash\nrm -rf $1/tmp\n")]);
        assert.equal(control.status, 1, control.out);
        assert.match(control.out, /SC2086/);
    });
});
