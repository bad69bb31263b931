// Boot configurations shared by the host's render, NGINX and sandbox tests, and the real-tool helpers.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";
import { HostBootConfig, HOST_PATHS } from "../../components/host/boot-config";

export const BASE: HostBootConfig = {
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
    statusParameter: "/prostudio/zero-cost/host/status",
    dataVolume: { volumeId: "vol-0123456789abcdef0", deviceName: "/dev/sdf" },
};

export const TWO_APPS: HostBootConfig = {
    ...BASE,
    instanceType: "t3.small",
    apps: [
        ...BASE.apps,
        {
            name: "worker-api",
            image: "ghcr.io/acme/worker:2.0.0",
            port: 9000,
            healthPath: "/healthz",
            environment: {},
            secrets: {
                ...BASE.apps[0].secrets,
                JWT: { source: "app", jsonKey: "jwt" },
                REDIS_HOST_JSON: { source: "app", jsonKey: "redis" },
                DB: { source: "database" },
            },
            paths: ["/devices/*", "/exact"],
            hosts: ["worker.example.com", "*.workers.example.com"],
        },
    ],
};

export const TLS = { tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" };

/** What the sandbox's fake curl serves as the Compose plugin, and a pin that accepts it. */
export const FAKE_COMPOSE_PLUGIN = "fake compose plugin\n";
export const FAKE_COMPOSE_PIN = {
    version: "v2.29.1",
    sha256: { x86_64: createHash("sha256").update(FAKE_COMPOSE_PLUGIN).digest("hex"), aarch64: createHash("sha256").update(FAKE_COMPOSE_PLUGIN).digest("hex") },
};

// ---------------------------------------------------------------------------------------------
// Real tools: installed by .ci/setup-host-tools.sh. Missing tools fail under CI, skip elsewhere.
// ---------------------------------------------------------------------------------------------

export function hasTool(tool: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

export function requireTools(ctx: Mocha.Context, ...tools: string[]): void {
    const missing = tools.filter((t) => !hasTool(t));
    skipUnless(ctx, missing);
}

export function skipUnless(ctx: Mocha.Context, missing: string[]): void {
    if (missing.length === 0) return;
    const message = `missing host tools [${missing.join(", ")}]: run \`bash .ci/setup-host-tools.sh\``;
    if (process.env.CI) throw new Error(`${message} (CI is set, so this fails instead of skipping)`);
    console.warn(`    skipped: ${message}`);
    ctx.skip();
}

export function run(cmd: string, args: string[]): { status: number | null; out: string } {
    const res = spawnSync(cmd, args, { encoding: "utf8", timeout: 20000 });
    return { status: res.status, out: `${res.stdout ?? ""}${res.stderr ?? ""}` };
}

/**
 * Secret-looking assignments whose value is a literal: `KEY=value` / `key: value` with a key naming a
 * password, secret, token or auth, redis `requirepass value`, and credentials inside URLs. Allowed
 * values: shell variables filled on the host, secret FILE paths, and the SSM parameter names.
 * Comment lines (`#`, shell and Python) are prose, not assignments: left out of the scan.
 */
export function secretLiterals(source: string, parameterNames: string[]): { findings: string[]; checked: number } {
    const text = source
        .split("\n")
        .filter((line) => !/^\s*#/.test(line))
        .join("\n");
    const findings: string[] = [];
    let checked = 0;
    const allowed = (value: string) =>
        value === "" || value.startsWith("$") || value.startsWith("/run/secrets/") || value.startsWith(HOST_PATHS.secretsDir) || parameterNames.includes(value);
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
    for (const [line, password] of text.matchAll(/[a-z]+:\/\/[^\s:@/]*:([^\s@/]+)@/g)) {
        checked++;
        if (!password.startsWith("$")) findings.push(line);
    }
    return { findings, checked };
}

/**
 * A temporary folder for one spec file, made before its tests and removed after them, and `write`,
 * which puts a file in it (making its folders) and returns the path.
 */
export function scratchFolder(prefix: string): { path: (...parts: string[]) => string; write: (name: string, content: string) => string } {
    let dir = "";
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    return {
        path: (...parts) => path.join(dir, ...parts),
        write(name, content) {
            const file = path.join(dir, name);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, content);
            return file;
        },
    };
}
