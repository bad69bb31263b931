/**
 * Boot configuration of the zero-cost tier's single free-tier EC2 host (Amazon Linux 2023).
 *
 * Pure: no Pulumi resources, no I/O. `renderUserData(config)` returns a `#cloud-config` document that
 * installs Docker and the pinned Compose plugin, writes the compose file, the NGINX and Redis
 * configuration, a boot script and a systemd unit, then runs the boot script. The boot script reads
 * the generated passwords and the application secret from SSM Parameter Store with the instance role
 * into root-only files: the user data only ever holds parameter NAMES, never a secret value.
 *
 * Routing follows the load balancer of the other tiers: each app's `paths` (ALB path patterns) and
 * `hosts` (ALB host-header patterns) are translated to NGINX locations and server blocks in the
 * ALB's rule order, the request URI is proxied unchanged, and the default app takes the rest.
 *
 * What the instance role needs (the host component's job): `ssm:GetParameter` on the parameters
 * (plus `kms:Decrypt` if they use a customer-managed key; the AWS-managed `aws/ssm` key needs
 * nothing more) and, when an app image is in ECR, `ecr:GetAuthorizationToken` and the pull actions.
 *
 * Cost: nothing beyond the instance itself; the swap file lives on the (free-tier) root volume.
 */
import { stringify } from "yaml";
import { routingPatternProblem } from "../../config/routing";

/**
 * Where a secret variable's value comes from on the host, as `services.<name>.secrets` declares it:
 * `app` = the application secret JSON (whole, or one top-level key: strings as-is, other values as
 * compact JSON), `database` = the TimescaleDB credentials (`{"username","password"}` JSON, or one of them).
 */
export type HostSecretRef = { source: "app"; jsonKey?: string } | { source: "database"; jsonKey?: "username" | "password" };

/** One application container behind NGINX. */
export interface HostApp {
    /** Compose service name and DNS name on the compose network: `[a-z][a-z0-9-]*`. */
    name: string;
    /** Image reference, pinned by tag or digest. ECR images are logged into with the instance role. */
    image: string;
    /** Port the app listens on inside its container. */
    port: number;
    /** HTTP path of the app's health endpoint, used by the compose healthcheck. @example "/health" */
    healthPath: string;
    /** Non-secret environment. Keys that look like secrets (PASSWORD, SECRET, TOKEN...) are refused. */
    environment: Record<string, string>;
    /** Secret variables, written by the boot script to the app's root-only env file. @default {} */
    secrets?: Record<string, HostSecretRef>;
    /** ALB path patterns routed to this app (`*` any characters, `?` one; case-sensitive). @default [] */
    paths?: string[];
    /** ALB host-header patterns routed to this app (`*`, `?`; case-insensitive). @default [] */
    hosts?: string[];
}

/** Pinned Docker Compose CLI plugin release (downloaded by the host, which has internet access). */
export interface ComposePluginPin {
    /** Release tag, e.g. "v2.29.1". */
    version: string;
    /** sha256 of `docker-compose-linux-<arch>` for that release, from the release's checksums. */
    sha256: { x86_64: string; aarch64: string };
}

export interface HostBootConfig {
    project: string;
    stack: string;
    /** AWS region of the SSM parameters (and of ECR, for ECR images). */
    region: string;
    /** EC2 instance type; sizes memory when `memoryMiB` is not given. */
    instanceType: string;
    /** Instance memory in MiB. @default looked up from `instanceType` in INSTANCE_MEMORY_MIB */
    memoryMiB?: number;
    /** In the ALB's rule order (config order): an earlier app's matching pattern wins, as on the ALB. */
    apps: HostApp[];
    /** App that gets every request no path or host pattern claims (the ALB listener's default action). */
    defaultApp: string;
    /** Host path of the TLS certificate (PEM chain). With `tlsKeyPath`: HTTPS on 443, 80 redirects. */
    tlsCertificatePath?: string;
    /** Host path of the TLS private key. */
    tlsKeyPath?: string;
    /**
     * NAMES of SecureString parameters: generated passwords (16+ chars of `[A-Za-z0-9._~-]`) and the
     * application secret (a JSON object; required when an app declares an `app` secret).
     */
    ssmParameters: { redisPassword: string; databasePassword: string; appSecret?: string };
    /** @default DEFAULT_IMAGES.timescaledb */
    timescaleImage?: string;
    /** @default DEFAULT_IMAGES.redis */
    redisImage?: string;
    /** @default DEFAULT_IMAGES.nginx */
    nginxImage?: string;
    /** @default { name: "app", user: "app" } */
    database?: { name?: string; user?: string };
    /** Swap file size in MiB, a safety net on 1-2 GiB hosts; 0 disables it. @default 1024 */
    swapMiB?: number;
    /** @default COMPOSE_PLUGIN */
    composePlugin?: ComposePluginPin;
}

/** Memory of the free-tier-eligible burstable types (AWS instance type specs). */
export const INSTANCE_MEMORY_MIB: Readonly<Record<string, number>> = {
    "t2.micro": 1024,
    "t3.micro": 1024,
    "t4g.micro": 1024,
    "t3.small": 2048,
    "t4g.small": 2048,
};

export const DEFAULT_IMAGES = {
    nginx: "nginx:1.26.3-alpine",
    redis: "redis:7.2.5-alpine",
    timescaledb: "timescale/timescaledb:2.17.2-pg16",
} as const;

/** docker/compose v2.29.1; hashes match the release checksums (two independent published copies). */
export const COMPOSE_PLUGIN: ComposePluginPin = {
    version: "v2.29.1",
    sha256: {
        x86_64: "5ea89dd65d33912a83737d8a4bf070d5de534a32b8493a21fbefc924484786a9",
        aarch64: "7f0023ba726b90347e4ebc1d94ec5970390b8bddb86402c0429f163dca70d745",
    },
};

/** Where things live on the host. */
export const HOST_PATHS = {
    compose: "/etc/platform/compose.yaml",
    nginxConf: "/etc/platform/nginx/default.conf",
    redisConf: "/etc/platform/redis/redis.conf",
    sysctl: "/etc/sysctl.d/90-platform.conf",
    secretsDir: "/etc/platform/secrets",
    bootScript: "/usr/local/sbin/platform-boot",
    installComposeScript: "/usr/local/sbin/platform-install-compose",
    systemdUnit: "/etc/systemd/system/platform.service",
    composePlugin: "/usr/local/lib/docker/cli-plugins/docker-compose",
    timescaleData: "/var/lib/platform/timescaledb",
    acmeWebroot: "/var/lib/platform/acme",
} as const;

/** EC2 refuses user data above 16 KB (before base64). */
export const USER_DATA_MAX_BYTES = 16384;

/** Service names taken by the platform itself. */
const RESERVED_SERVICES = ["nginx", "redis", "timescaledb"];
/** uid of `redis` in the official redis images (alpine and debian), owner of the auth include. */
const REDIS_UID = 999;
const SECRET_KEY = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL)/i;

// ---------------------------------------------------------------------------------------------
// Memory budget
// ---------------------------------------------------------------------------------------------

export interface PostgresSettings {
    sharedBuffersMiB: number;
    effectiveCacheSizeMiB: number;
    workMemMiB: number;
    maintenanceWorkMemMiB: number;
    maxConnections: number;
    maxWorkerProcesses: number;
    maxParallelWorkers: number;
    maxParallelWorkersPerGather: number;
    timescaleBackgroundWorkers: number;
}

export interface MemoryBudget {
    instanceMiB: number;
    /** Left to the kernel, page cache, sshd, the SSM agent and dockerd. */
    osReserveMiB: number;
    nginxMiB: number;
    /** `mem_limit` of each app container. */
    appMiB: number;
    appsTotalMiB: number;
    /** `mem_limit` of the Redis container. */
    redisMiB: number;
    /** Redis `maxmemory` (below the container limit: allocator overhead and buffers). */
    redisMaxMemoryMiB: number;
    /** `mem_limit` of the TimescaleDB container. */
    timescaleMiB: number;
    postgres: PostgresSettings;
    /** Sum of all container limits: never above `instanceMiB - osReserveMiB`. */
    totalLimitsMiB: number;
}

/** Memory of an instance type, or an error naming the allowed types. */
export function instanceMemoryMiB(instanceType: string): number {
    const mib = INSTANCE_MEMORY_MIB[instanceType];
    if (mib === undefined) {
        throw new Error(
            `instanceType: unknown memory size for "${instanceType}"; set memoryMiB or use one of ` +
                `[${Object.keys(INSTANCE_MEMORY_MIB).join(", ")}]`,
        );
    }
    return mib;
}

/** PostgreSQL settings for a TimescaleDB container limited to `containerMiB`. */
export function postgresSettings(containerMiB: number): PostgresSettings {
    const sharedBuffersMiB = Math.floor(containerMiB * 0.25);
    const maxConnections = Math.min(100, Math.max(20, Math.floor(containerMiB / 15 / 5) * 5));
    const maxParallelWorkers = containerMiB >= 512 ? 2 : 1;
    const timescaleBackgroundWorkers = 4;
    return {
        sharedBuffersMiB,
        effectiveCacheSizeMiB: Math.floor(containerMiB * 0.6),
        // What is left after shared buffers, for up to 3 sort/hash nodes per connection.
        workMemMiB: Math.max(1, Math.floor((containerMiB - sharedBuffersMiB) / (maxConnections * 3))),
        maintenanceWorkMemMiB: Math.min(256, Math.max(16, Math.floor(containerMiB / 16))),
        maxConnections,
        maxWorkerProcesses: timescaleBackgroundWorkers + maxParallelWorkers + 3,
        maxParallelWorkers,
        maxParallelWorkersPerGather: 1,
        timescaleBackgroundWorkers,
    };
}

/**
 * Splits an instance's memory: an OS reserve (20%, at least 256 MiB), a fixed NGINX slice, then
 * 40% of the rest to TimescaleDB, 15% to Redis and the remainder shared by the apps.
 */
export function memoryBudget(memoryMiB: number, appCount = 1): MemoryBudget {
    if (!Number.isInteger(memoryMiB) || memoryMiB < 960) {
        throw new Error(`memoryMiB: ${memoryMiB} is too small; the host needs at least 1 GiB (1024)`);
    }
    if (!Number.isInteger(appCount) || appCount < 1) {
        throw new Error(`apps: ${appCount} apps; at least one is required`);
    }
    const osReserveMiB = Math.max(256, Math.round(memoryMiB * 0.2));
    const nginxMiB = memoryMiB >= 2048 ? 64 : 32;
    const pool = memoryMiB - osReserveMiB - nginxMiB;
    const timescaleMiB = Math.floor(pool * 0.4);
    const redisMiB = Math.floor(pool * 0.15);
    const appMiB = Math.floor((pool - timescaleMiB - redisMiB) / appCount);
    if (appMiB < 96) {
        throw new Error(
            `apps: ${appCount} apps leave ${appMiB} MiB each on ${memoryMiB} MiB; at least 96 MiB per app is needed`,
        );
    }
    const appsTotalMiB = appMiB * appCount;
    return {
        instanceMiB: memoryMiB,
        osReserveMiB,
        nginxMiB,
        appMiB,
        appsTotalMiB,
        redisMiB,
        redisMaxMemoryMiB: Math.floor(redisMiB * 0.75),
        timescaleMiB,
        postgres: postgresSettings(timescaleMiB),
        totalLimitsMiB: nginxMiB + appsTotalMiB + redisMiB + timescaleMiB,
    };
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._\/:@-]*$/;
const SSM_NAME = /^[A-Za-z0-9_.\/-]{1,2048}$/;
const HOST_PATH = /^\/[A-Za-z0-9._\/-]+$/;
const HEALTH_PATH = /^\/[A-Za-z0-9._~\/-]*$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const SHA256 = /^[0-9a-f]{64}$/;
const APP_SECRET_KEY = /^[A-Za-z0-9_-]+$/;

/** Throws on the first invalid field, naming the key, the bad value and what is allowed. */
export function validateHostBootConfig(config: HostBootConfig): void {
    const fail = (key: string, value: unknown, allowed: string): never => {
        throw new Error(`${key}: invalid value ${JSON.stringify(value)}; expected ${allowed}`);
    };
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(config.project)) fail("project", config.project, "[A-Za-z0-9_-]+");
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(config.stack)) fail("stack", config.stack, "[A-Za-z0-9_.-]+");
    if (!REGION.test(config.region)) fail("region", config.region, "an AWS region such as us-east-1");
    for (const key of ["redisPassword", "databasePassword", "appSecret"] as const) {
        const value = config.ssmParameters[key];
        if (value === undefined && key === "appSecret") continue;
        if (value === undefined || !SSM_NAME.test(value)) fail(`ssmParameters.${key}`, value, "an SSM parameter name ([A-Za-z0-9_.-/])");
    }
    if (config.apps.length === 0) fail("apps", config.apps, "at least one app");
    const seen = new Set<string>();
    config.apps.forEach((app, i) => {
        const key = `apps[${i}]`;
        if (!NAME.test(app.name)) fail(`${key}.name`, app.name, "[a-z][a-z0-9-]* (a compose service name)");
        if (RESERVED_SERVICES.includes(app.name)) fail(`${key}.name`, app.name, `none of [${RESERVED_SERVICES.join(", ")}]`);
        if (seen.has(app.name)) fail(`${key}.name`, app.name, "a name used by one app only");
        seen.add(app.name);
        if (!IMAGE.test(app.image)) fail(`${key}.image`, app.image, "an image reference");
        if (!Number.isInteger(app.port) || app.port < 1 || app.port > 65535) fail(`${key}.port`, app.port, "1-65535");
        if (!HEALTH_PATH.test(app.healthPath)) fail(`${key}.healthPath`, app.healthPath, "an absolute URL path");
        for (const envKey of Object.keys(app.environment)) {
            if (!ENV_KEY.test(envKey)) fail(`${key}.environment`, envKey, "[A-Za-z_][A-Za-z0-9_]*");
            if (SECRET_KEY.test(envKey)) {
                fail(`${key}.environment.${envKey}`, "<redacted>", "no secrets in environment: store them in SSM Parameter Store");
            }
        }
        for (const [envKey, ref] of Object.entries(app.secrets ?? {})) {
            if (!ENV_KEY.test(envKey)) fail(`${key}.secrets`, envKey, "[A-Za-z_][A-Za-z0-9_]*");
            if (envKey in app.environment) fail(`${key}.secrets.${envKey}`, envKey, "a name not also in environment");
            if (ref.source === "app") {
                if (ref.jsonKey !== undefined && !APP_SECRET_KEY.test(ref.jsonKey)) fail(`${key}.secrets.${envKey}.jsonKey`, ref.jsonKey, "[A-Za-z0-9_-]+");
                if (config.ssmParameters.appSecret === undefined) fail(`${key}.secrets.${envKey}`, ref, "an app secret only with ssmParameters.appSecret");
            } else if (ref.source === "database") {
                if (ref.jsonKey !== undefined && ref.jsonKey !== "username" && ref.jsonKey !== "password") {
                    fail(`${key}.secrets.${envKey}.jsonKey`, ref.jsonKey, "username, password or none");
                }
            } else {
                fail(`${key}.secrets.${envKey}.source`, (ref as { source: unknown }).source, "app or database");
            }
        }
        for (const kind of ["path", "host"] as const) {
            (app[`${kind}s`] ?? []).forEach((pattern, i) => {
                const problem = routingPatternProblem(kind, pattern);
                if (problem) throw new Error(`${key}.${kind}s[${i}]: ${JSON.stringify(pattern)} ${problem}`);
            });
        }
    });
    if (!seen.has(config.defaultApp)) fail("defaultApp", config.defaultApp, `one of [${[...seen].join(", ")}]`);
    if ((config.tlsCertificatePath === undefined) !== (config.tlsKeyPath === undefined)) {
        throw new Error("tlsCertificatePath, tlsKeyPath: set both or neither");
    }
    for (const key of ["tlsCertificatePath", "tlsKeyPath"] as const) {
        const value = config[key];
        if (value !== undefined && !HOST_PATH.test(value)) fail(key, value, "an absolute host path of [A-Za-z0-9._/-]");
    }
    for (const key of ["timescaleImage", "redisImage", "nginxImage"] as const) {
        const value = config[key];
        if (value !== undefined && !IMAGE.test(value)) fail(key, value, "an image reference");
    }
    for (const key of ["name", "user"] as const) {
        const value = config.database?.[key];
        if (value !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(value)) fail(`database.${key}`, value, "[a-z_][a-z0-9_]*");
    }
    if (config.swapMiB !== undefined && (!Number.isInteger(config.swapMiB) || config.swapMiB < 0 || config.swapMiB > 8192)) {
        fail("swapMiB", config.swapMiB, "an integer 0-8192");
    }
    const pin = config.composePlugin;
    if (pin !== undefined) {
        if (!/^v\d+\.\d+\.\d+$/.test(pin.version)) fail("composePlugin.version", pin.version, "vX.Y.Z");
        if (!SHA256.test(pin.sha256.x86_64)) fail("composePlugin.sha256.x86_64", pin.sha256.x86_64, "64 hex digits");
        if (!SHA256.test(pin.sha256.aarch64)) fail("composePlugin.sha256.aarch64", pin.sha256.aarch64, "64 hex digits");
    }
    if (config.memoryMiB === undefined) instanceMemoryMiB(config.instanceType);
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

interface Resolved {
    config: HostBootConfig;
    composeProject: string;
    tls: { cert: string; key: string } | undefined;
    budget: MemoryBudget;
    db: { name: string; user: string };
    images: { nginx: string; redis: string; timescaledb: string };
    swapMiB: number;
    pin: ComposePluginPin;
}

function resolve(config: HostBootConfig): Resolved {
    validateHostBootConfig(config);
    const memoryMiB = config.memoryMiB ?? instanceMemoryMiB(config.instanceType);
    return {
        config,
        composeProject: `${config.project}-${config.stack}`.toLowerCase().replace(/[^a-z0-9_-]/g, "-"),
        tls:
            config.tlsCertificatePath !== undefined && config.tlsKeyPath !== undefined
                ? { cert: config.tlsCertificatePath, key: config.tlsKeyPath }
                : undefined,
        budget: memoryBudget(memoryMiB, config.apps.length),
        db: { name: config.database?.name ?? "app", user: config.database?.user ?? "app" },
        images: {
            nginx: config.nginxImage ?? DEFAULT_IMAGES.nginx,
            redis: config.redisImage ?? DEFAULT_IMAGES.redis,
            timescaledb: config.timescaleImage ?? DEFAULT_IMAGES.timescaledb,
        },
        swapMiB: config.swapMiB ?? 1024,
        pin: config.composePlugin ?? COMPOSE_PLUGIN,
    };
}

/** Single-quotes a value for bash (values are validated, this is belt and braces). */
function shq(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Docker's json-file logs, rotated: an unrotated log would fill the free-tier volume. */
const logging = () => LOGGING;
/** One object for every service: the compose file writes it once and refers to it (YAML anchor/alias). */
const LOGGING = { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } };
const DATA_STORES_HEALTHY = { redis: { condition: "service_healthy" }, timescaledb: { condition: "service_healthy" } };

/** YAML 1.1 output: compose (go-yaml) and cloud-init (PyYAML) read `off`/`yes`/`0644` the 1.1 way. */
const YAML_OPTIONS = { lineWidth: 0, version: "1.1", aliasDuplicateObjects: false, indentSeq: false } as const;

/** The root-only env file with an app's declared secret variables (written by the boot script). */
export function appSecretsEnvFile(app: string): string {
    return `${HOST_PATHS.secretsDir}/${app}.secrets.env`;
}

/** The compose model as a plain object (what `renderComposeFile` serialises). */
export function composeModel(config: HostBootConfig): Record<string, unknown> {
    const r = resolve(config);
    const { budget } = r;
    const pg = budget.postgres;
    const services: Record<string, unknown> = {};

    const nginxVolumes = [`${HOST_PATHS.nginxConf}:/etc/nginx/conf.d/default.conf:ro`, `${HOST_PATHS.acmeWebroot}:/var/www/acme:ro`];
    if (r.tls) nginxVolumes.push(`${r.tls.cert}:${r.tls.cert}:ro`, `${r.tls.key}:${r.tls.key}:ro`);
    services.nginx = {
        image: r.images.nginx,
        restart: "unless-stopped",
        ports: r.tls ? ["80:80", "443:443"] : ["80:80"],
        volumes: nginxVolumes,
        depends_on: Object.fromEntries(r.config.apps.map((app) => [app.name, { condition: "service_started" }])),
        mem_limit: `${budget.nginxMiB}m`,
        healthcheck: {
            test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/nginx-health"],
            interval: "30s",
            timeout: "5s",
            retries: 3,
        },
        logging: logging(),
    };

    for (const app of r.config.apps) {
        const url = `http://127.0.0.1:${app.port}${app.healthPath}`;
        const environment: Record<string, string> = {
            REDIS_HOST: "redis",
            REDIS_PORT: "6379",
            DATABASE_HOST: "timescaledb",
            DATABASE_PORT: "5432",
            DATABASE_NAME: r.db.name,
            DATABASE_USER: r.db.user,
            PORT: String(app.port),
        };
        // `$` would be interpolated by compose.
        for (const [key, value] of Object.entries(app.environment)) environment[key] = value.replace(/\$/g, "$$$$");
        services[app.name] = {
            image: app.image,
            restart: "unless-stopped",
            env_file: [`${HOST_PATHS.secretsDir}/app.env`, appSecretsEnvFile(app.name)],
            environment,
            expose: [String(app.port)],
            depends_on: DATA_STORES_HEALTHY,
            mem_limit: `${budget.appMiB}m`,
            healthcheck: {
                // Whichever HTTP client the image has: curl, busybox/GNU wget or python3.
                test: [
                    "CMD-SHELL",
                    // `$$`: a literal `$` for the container's shell (compose interpolates `$`).
                    `u=${url}; curl -fsS -o /dev/null $$u || wget -q -O /dev/null $$u || ` +
                        `python3 -c "import sys, urllib.request as r; r.urlopen(sys.argv[1], timeout=4)" $$u`,
                ],
                interval: "30s",
                timeout: "5s",
                retries: 3,
                start_period: "60s",
            },
            logging: logging(),
        };
    }

    services.redis = {
        image: r.images.redis,
        restart: "unless-stopped",
        command: ["redis-server", "/usr/local/etc/redis/redis.conf"],
        volumes: [
            `${HOST_PATHS.redisConf}:/usr/local/etc/redis/redis.conf:ro`,
            `${HOST_PATHS.secretsDir}/redis-auth.conf:/usr/local/etc/redis/auth.conf:ro`,
        ],
        secrets: ["redis_password"],
        mem_limit: `${budget.redisMiB}m`,
        healthcheck: {
            test: ["CMD-SHELL", `REDISCLI_AUTH="$$(cat /run/secrets/redis_password)" redis-cli -h 127.0.0.1 ping | grep -q PONG`],
            interval: "15s",
            timeout: "5s",
            retries: 5,
        },
        logging: logging(),
    };

    const pgArgs: [string, string | number][] = [
        ["shared_preload_libraries", "timescaledb"],
        ["max_connections", pg.maxConnections],
        ["shared_buffers", `${pg.sharedBuffersMiB}MB`],
        ["effective_cache_size", `${pg.effectiveCacheSizeMiB}MB`],
        ["work_mem", `${pg.workMemMiB}MB`],
        ["maintenance_work_mem", `${pg.maintenanceWorkMemMiB}MB`],
        ["max_worker_processes", pg.maxWorkerProcesses],
        ["max_parallel_workers", pg.maxParallelWorkers],
        ["max_parallel_workers_per_gather", pg.maxParallelWorkersPerGather],
        ["timescaledb.max_background_workers", pg.timescaleBackgroundWorkers],
        ["timescaledb.telemetry_level", "off"],
    ];
    services.timescaledb = {
        image: r.images.timescaledb,
        restart: "unless-stopped",
        command: ["postgres", ...pgArgs.flatMap(([k, v]) => ["-c", `${k}=${v}`])],
        environment: {
            POSTGRES_DB: r.db.name,
            POSTGRES_USER: r.db.user,
            POSTGRES_PASSWORD_FILE: "/run/secrets/db_password",
            // Settings come from the budget above, not from timescaledb-tune's guess at first init.
            NO_TS_TUNE: "true",
            TIMESCALEDB_TELEMETRY: "off",
        },
        volumes: [`${HOST_PATHS.timescaleData}:/var/lib/postgresql/data`],
        secrets: ["db_password"],
        mem_limit: `${budget.timescaleMiB}m`,
        stop_grace_period: "60s",
        healthcheck: {
            test: ["CMD-SHELL", `pg_isready -h 127.0.0.1 -U ${r.db.user} -d ${r.db.name}`],
            interval: "15s",
            timeout: "5s",
            retries: 5,
            start_period: "60s",
        },
        logging: logging(),
    };

    return {
        name: r.composeProject,
        services,
        secrets: {
            redis_password: { file: `${HOST_PATHS.secretsDir}/redis_password` },
            db_password: { file: `${HOST_PATHS.secretsDir}/db_password` },
        },
    };
}

/** The docker compose file written to HOST_PATHS.compose. */
export function renderComposeFile(config: HostBootConfig): string {
    // Aliases for the shared objects: the same model, fewer bytes of user data (go-yaml reads them).
    return "# Rendered by components/host/user-data.ts\n" + stringify(composeModel(config), { ...YAML_OPTIONS, aliasDuplicateObjects: true });
}

/** Redis configuration (no secret: the password comes from the `include`d file the boot script writes). */
export function renderRedisConf(config: HostBootConfig): string {
    const { budget } = resolve(config);
    return [
        "# Rendered by components/host/user-data.ts",
        "bind 0.0.0.0",
        "port 6379",
        "protected-mode yes",
        `maxmemory ${budget.redisMaxMemoryMiB}mb`,
        "maxmemory-policy allkeys-lru",
        "# A cache: no RDB snapshots or AOF (a fork would double memory on a 1 GiB host).",
        'save ""',
        "appendonly no",
        "include /usr/local/etc/redis/auth.conf",
        "",
    ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Routing: ALB listener rules -> NGINX
// ---------------------------------------------------------------------------------------------

/**
 * An ALB path pattern as a PCRE for `location ~` (case-sensitive, whole path): `*` = any run of
 * characters, `?` = one character, everything else literal. `/devices/*` -> `^/devices/`.
 */
export function albPathRegex(pattern: string): string {
    const body = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : /[.$+]/.test(c) ? `\\${c}` : c)).join("");
    return `^${body}$`.replace(/\.\*\$$/, "");
}

/** An ALB host-header pattern as a regex for `server_name ~` (NGINX matches it case-insensitively). */
export function albHostRegex(pattern: string): string {
    return `^${[...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c === "." ? "\\." : c)).join("")}$`;
}

/** A token for nginx.conf: bare when plain, else double-quoted (`"` and `\\` escaped). */
function ngxToken(value: string): string {
    return /^[A-Za-z0-9_\/.~@:+&^$*\\=-]+$/.test(value) ? value : `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

interface PathRoute {
    app: HostApp;
    pattern: string;
}

/**
 * Path locations in ALB rule order. Wildcard patterns become regex locations, which NGINX tries in
 * order (first match wins, like the ALB's priorities); an exact pattern becomes `location =`, unless
 * an earlier pattern already matches that path (on the ALB the later rule would never see it).
 */
function pathLocations(routes: PathRoute[]): { match: string; app: HostApp }[] {
    const out: { match: string; app: HostApp; re: RegExp }[] = [];
    for (const { app, pattern } of routes) {
        const re = new RegExp(`${albPathRegex(pattern)}`);
        if (/[*?]/.test(pattern)) {
            const match = `~ ${ngxToken(albPathRegex(pattern))}`;
            if (!out.some((o) => o.match === match)) out.push({ match, app, re });
        } else if (!out.some((o) => o.re.test(pattern))) {
            out.push({ match: `= ${ngxToken(pattern)}`, app, re });
        }
    }
    return out;
}

/**
 * Server blocks for host rules, in ALB order. Host names become regexes (`~^...$`): NGINX tries
 * them in order, as the ALB does; a host an earlier app's pattern already matches is left out.
 */
function hostServers(apps: HostApp[]): { names: string[]; app: HostApp; index: number }[] {
    const claimed: RegExp[] = [];
    const servers: { names: string[]; app: HostApp; index: number }[] = [];
    apps.forEach((app, index) => {
        const names: string[] = [];
        for (const pattern of app.hosts ?? []) {
            if (!/[*?]/.test(pattern) && claimed.some((re) => re.test(pattern))) continue;
            const name = `~${albHostRegex(pattern)}`;
            if (!names.includes(name)) names.push(name);
            claimed.push(new RegExp(albHostRegex(pattern), "i"));
        }
        if (names.length > 0) servers.push({ names, app, index });
    });
    return servers;
}

/**
 * NGINX server configuration, mounted as the image's conf.d/default.conf (http context).
 * Routing mirrors the ALB of the other tiers (see `albPathRegex`/`albHostRegex`): the default server
 * has every app's path locations, then `location /` for the default app; each app with host patterns
 * gets a server block with the earlier apps' path locations, then `location /` for itself. The
 * request URI is passed on unchanged (`proxy_pass` with no URI part).
 * Upstreams are resolved per request through Docker's embedded DNS (127.0.0.11) via variables in
 * `proxy_pass`: NGINX starts even when an app container is down, follows a recreated container's
 * new address, and `nginx -t` does not need the compose service names to resolve.
 */
export function renderNginxConf(config: HostBootConfig): string {
    const r = resolve(config);
    const apps = r.config.apps;
    const proxy = (match: string, app: HostApp): string[] => {
        const variable = `$upstream_${app.name.replace(/-/g, "_")}`;
        return [
            `    location ${match} {`,
            `        set ${variable} http://${app.name}:${app.port};`,
            `        proxy_pass ${variable};`,
            "    }",
        ];
    };
    const routes = (upTo: number): PathRoute[] =>
        apps.slice(0, upTo).flatMap((app) => (app.paths ?? []).map((pattern) => ({ app, pattern })));
    const locations = (upTo: number, fallback: HostApp): string[] => [
        ...pathLocations(routes(upTo)).flatMap(({ match, app }) => proxy(match, app)),
        ...proxy("/", fallback),
    ];
    const health = [
        "    location = /nginx-health {",
        "        access_log off;",
        "        default_type text/plain;",
        '        return 200 "ok\\n";',
        "    }",
    ];
    // ^~: ACME HTTP-01 challenges are NGINX's own, whatever the apps' patterns (port 80 only).
    const acme = ["    location ^~ /.well-known/acme-challenge/ {", "        root /var/www/acme;", "    }"];
    const common = [...health, ...acme];
    const defaultApp = apps.find((a) => a.name === r.config.defaultApp)!;
    const servers = hostServers(apps);
    const listen = r.tls ? "443 ssl" : "80";

    const lines = [
        "# Rendered by components/host/user-data.ts",
        "resolver 127.0.0.11 valid=10s ipv6=off;",
        "resolver_timeout 5s;",
        "server_tokens off;",
        "client_max_body_size 10m;",
        "map $http_upgrade $connection_upgrade {",
        "    default upgrade;",
        "    '' close;",
        "}",
        "proxy_http_version 1.1;",
        "proxy_set_header Host $host;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_read_timeout 60s;",
    ];
    if (r.tls) {
        lines.push(
            `ssl_certificate ${r.tls.cert};`,
            `ssl_certificate_key ${r.tls.key};`,
            "ssl_protocols TLSv1.2 TLSv1.3;",
            "ssl_session_cache shared:SSL:1m;",
            "ssl_session_timeout 1h;",
            "",
            "server {",
            "    listen 80 default_server;",
            "    server_name _;",
            ...common,
            "    location / {",
            "        return 301 https://$host$request_uri;",
            "    }",
            "}",
        );
    }
    const hsts = r.tls ? ['    add_header Strict-Transport-Security "max-age=31536000" always;'] : [];
    lines.push(
        "",
        "server {",
        `    listen ${listen} default_server;`,
        "    server_name _;",
        ...hsts,
        ...common,
        ...locations(apps.length, defaultApp),
        "}",
    );
    for (const server of servers) {
        lines.push(
            "",
            `# Host rules of ${server.app.name}`,
            "server {",
            `    listen ${listen};`,
            `    server_name ${server.names.map(ngxToken).join(" ")};`,
            ...hsts,
            // The compose healthcheck asks the default server for /nginx-health; ACME comes in on 80.
            ...(r.tls ? [] : acme),
            ...locations(server.index, server.app),
            "}",
        );
    }
    lines.push("");
    return lines.join("\n");
}

const ECR_REGISTRY = /^(\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com)\//;

/**
 * Boot script: SSM parameters -> root-only files, host preparation, `docker compose up`.
 * Runs on first boot from cloud-init and on every later boot from platform.service.
 */
export function renderBootScript(config: HostBootConfig): string {
    const r = resolve(config);
    const secrets = HOST_PATHS.secretsDir;
    // ECR registry -> its region, once per registry.
    const registries = new Map<string, string>();
    for (const app of r.config.apps) {
        const m = ECR_REGISTRY.exec(app.image);
        if (m) registries.set(m[1], m[2]);
    }
    const needsAppSecret = r.config.apps.some((app) => Object.values(app.secrets ?? {}).some((ref) => ref.source === "app"));
    const lines = [
        "#!/bin/bash",
        "# Rendered by components/host/user-data.ts. Never prints secret values: no xtrace, no echo of them.",
        "set -euo pipefail",
        "shopt -s inherit_errexit",
        "set +x",
        "umask 077",
        "",
        `readonly REGION=${shq(r.config.region)}`,
        `readonly PROJECT=${shq(r.composeProject)}`,
        `readonly COMPOSE_FILE=${shq(HOST_PATHS.compose)}`,
        `readonly SECRETS_DIR=${shq(secrets)}`,
        `readonly REDIS_PASSWORD_PARAMETER=${shq(r.config.ssmParameters.redisPassword)}`,
        `readonly DATABASE_PASSWORD_PARAMETER=${shq(r.config.ssmParameters.databasePassword)}`,
        ...(needsAppSecret ? [`readonly APP_SECRET_PARAMETER=${shq(r.config.ssmParameters.appSecret!)}`] : []),
        `readonly DATABASE_NAME=${shq(r.db.name)}`,
        `readonly DATABASE_USER=${shq(r.db.user)}`,
        "",
        "log() { printf 'platform-boot: %s\\n' \"$*\" >&2; }",
        "",
        "# Prints the parameter's value on stdout (captured by the caller, never logged).",
        "# $2: a regex the value must match.",
        "fetch_parameter() {",
        "  local name=\"$1\" pattern=\"$2\" value attempt",
        "  for attempt in 1 2 3 4 5 6 7 8 9 10; do",
        "    if value=\"$(aws ssm get-parameter --region \"$REGION\" --with-decryption --name \"$name\" --query Parameter.Value --output text)\"; then",
        "      if [[ ! \"$value\" =~ $pattern ]]; then",
        "        log \"parameter $name does not hold the expected format\"",
        "        return 1",
        "      fi",
        "      printf '%s' \"$value\"",
        "      return 0",
        "    fi",
        "    log \"cannot read parameter $name yet (attempt $attempt), retrying\"",
        "    sleep $((attempt * 3))",
        "  done",
        "  log \"giving up on parameter $name\"",
        "  return 1",
        "}",
        "",
        "# Writes a secret file atomically: content, owner uid, mode.",
        "write_secret() {",
        "  local tmp",
        "  tmp=\"$(mktemp \"$SECRETS_DIR/.tmp.XXXXXX\")\"",
        "  printf '%s' \"$2\" >\"$tmp\"",
        "  chown \"$3\" \"$tmp\"",
        "  chmod \"$4\" \"$tmp\"",
        "  mv -f \"$tmp\" \"$1\"",
        "}",
        "",
        "install -d -m 0700 -o root -g root \"$SECRETS_DIR\"",
        "readonly GENERATED_FORMAT='^[A-Za-z0-9._~-]{16,}$'",
        "redis_password=\"$(fetch_parameter \"$REDIS_PASSWORD_PARAMETER\" \"$GENERATED_FORMAT\")\"",
        "database_password=\"$(fetch_parameter \"$DATABASE_PASSWORD_PARAMETER\" \"$GENERATED_FORMAT\")\"",
        "write_secret \"$SECRETS_DIR/redis_password\" \"$redis_password\" 0 0600",
        `write_secret "$SECRETS_DIR/redis-auth.conf" "requirepass $redis_password"$'\\n' ${REDIS_UID} 0400`,
        "write_secret \"$SECRETS_DIR/db_password\" \"$database_password\" 0 0600",
        "write_secret \"$SECRETS_DIR/app.env\" \"REDIS_PASSWORD=$redis_password",
        "REDIS_URL=redis://:$redis_password@redis:6379/0",
        "DATABASE_PASSWORD=$database_password",
        "DATABASE_URL=postgresql://$DATABASE_USER:$database_password@timescaledb:5432/$DATABASE_NAME",
        "\" 0 0600",
        ...appSecretLines(r, needsAppSecret),
        "unset redis_password database_password app_secret app_env",
        "log \"secrets written to $SECRETS_DIR\"",
        "",
    ];
    if (r.swapMiB > 0) {
        lines.push(
            "if [ ! -f /swapfile ]; then",
            `  dd if=/dev/zero of=/swapfile bs=1M count=${r.swapMiB} status=none`,
            "  chmod 0600 /swapfile",
            "  mkswap /swapfile >/dev/null",
            "  grep -q '^/swapfile ' /etc/fstab || printf '/swapfile none swap defaults 0 0\\n' >>/etc/fstab",
            "fi",
            "swapon --show=NAME --noheadings | grep -qx /swapfile || swapon /swapfile",
        );
    }
    lines.push(
        `sysctl -q -p ${HOST_PATHS.sysctl}`,
        `install -d -m 0700 ${HOST_PATHS.timescaleData}`,
        `install -d -m 0755 ${HOST_PATHS.acmeWebroot}`,
    );
    if (r.tls) {
        lines.push(
            "",
            `readonly TLS_CERT=${shq(r.tls.cert)}`,
            `readonly TLS_KEY=${shq(r.tls.key)}`,
            "if [ ! -s \"$TLS_CERT\" ] || [ ! -s \"$TLS_KEY\" ]; then",
            "  log \"no certificate at $TLS_CERT: installing a temporary self-signed one (replace it, then restart nginx)\"",
            "  mkdir -p \"$(dirname \"$TLS_CERT\")\" \"$(dirname \"$TLS_KEY\")\"",
            "  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj \"/CN=$PROJECT\" -keyout \"$TLS_KEY\" -out \"$TLS_CERT\" 2>/dev/null",
            "  chmod 0600 \"$TLS_KEY\"",
            "  chmod 0644 \"$TLS_CERT\"",
            "fi",
        );
    }
    for (const [registry, region] of registries) {
        lines.push(
            `aws ecr get-login-password --region ${shq(region)} | docker login --username AWS --password-stdin ${shq(registry)} >/dev/null`,
        );
    }
    lines.push(
        "",
        "docker compose --project-name \"$PROJECT\" --file \"$COMPOSE_FILE\" up --detach --remove-orphans --wait --wait-timeout 600",
        "log \"stack $PROJECT is up\"",
        "",
    );
    return lines.join("\n");
}

/**
 * Boot script lines writing each app's declared secret variables to its env file. Values are
 * single-quoted: compose's env_file parser takes a single-quoted value literally (no interpolation,
 * no escapes but `\\'`), so JSON survives; `env_line` refuses what would not (a `'`, a line break,
 * a trailing backslash). Failures inside `$(...)` stop the script (inherit_errexit).
 */
function appSecretLines(r: Resolved, needsAppSecret: boolean): string[] {
    const lines = [
        "",
        "# NAME='value' for compose's env_file (single-quoted: taken literally).",
        "env_line() {",
        "  case \"$2\" in",
        "    *\\'* | *$'\\n'* | *$'\\r'* | *\\\\)",
        "      log \"cannot write $1 to an env file: single quote, line break or trailing backslash\"",
        "      return 1 ;;",
        "  esac",
        "  printf \"%s='%s'\\n\" \"$1\" \"$2\"",
        "}",
    ];
    if (needsAppSecret) {
        lines.push(
            "# Prints top-level key $1 of the app secret JSON (string values as they are, others as compact JSON).",
            "app_secret_key() {",
            "  printf '%s' \"$app_secret\" | python3 -c 'import json, sys",
            "v = json.load(sys.stdin)[sys.argv[1]]",
            "sys.stdout.write(v if isinstance(v, str) else json.dumps(v, separators=(\",\", \":\")))' \"$1\" 2>/dev/null || {",
            "    log \"the application secret has no key $1\"",
            "    return 1",
            "  }",
            "}",
            "app_secret=\"$(fetch_parameter \"$APP_SECRET_PARAMETER\" '^[{].*[}]$')\"",
            "printf '%s' \"$app_secret\" | python3 -c 'import json, sys; assert isinstance(json.load(sys.stdin), dict)' 2>/dev/null || {",
            "  log \"parameter $APP_SECRET_PARAMETER does not hold a JSON object\"",
            "  exit 1",
            "}",
        );
    }
    let previous: string | undefined;
    for (const app of r.config.apps) {
        const entries = Object.entries(app.secrets ?? {}).sort(([a], [b]) => a.localeCompare(b));
        const file = `"$SECRETS_DIR/${app.name}.secrets.env"`;
        if (entries.length === 0) {
            lines.push(`write_secret ${file} "" 0 0600`);
            continue;
        }
        // The same declarations as the app before: the same content (fewer bytes of user data).
        const spec = JSON.stringify(entries);
        if (spec === previous) {
            lines.push(`write_secret ${file} "$app_env"$'\\n' 0 0600`);
            continue;
        }
        previous = spec;
        lines.push("app_env=\"$(");
        for (const [name, ref] of entries) {
            if (ref.source === "app") {
                lines.push(ref.jsonKey === undefined ? `  env_line ${name} "$app_secret"` : `  value="$(app_secret_key ${shq(ref.jsonKey)})"`, ...(ref.jsonKey === undefined ? [] : [`  env_line ${name} "$value"`]));
            } else if (ref.jsonKey === "username") {
                lines.push(`  env_line ${name} "$DATABASE_USER"`);
            } else if (ref.jsonKey === "password") {
                lines.push(`  env_line ${name} "$database_password"`);
            } else {
                lines.push(`  env_line ${name} "{\\"username\\":\\"$DATABASE_USER\\",\\"password\\":\\"$database_password\\"}"`);
            }
        }
        lines.push(")\"", `write_secret ${file} "$app_env"$'\\n' 0 0600`);
    }
    return lines;
}

/** Installs the pinned Compose plugin; the download is checked against the pinned sha256. */
export function renderInstallComposeScript(config: HostBootConfig): string {
    const { pin } = resolve(config);
    return [
        "#!/bin/bash",
        "# Rendered by components/host/user-data.ts. AL2023's dnf has no compose plugin: pinned release + sha256.",
        "set -euo pipefail",
        `readonly VERSION=${shq(pin.version)}`,
        `readonly DEST=${shq(HOST_PATHS.composePlugin)}`,
        "case \"$(uname -m)\" in",
        `  x86_64) arch=x86_64 sha=${shq(pin.sha256.x86_64)} ;;`,
        `  aarch64 | arm64) arch=aarch64 sha=${shq(pin.sha256.aarch64)} ;;`,
        "  *) printf 'unsupported architecture %s\\n' \"$(uname -m)\" >&2; exit 1 ;;",
        "esac",
        "if [ -x \"$DEST\" ] && printf '%s  %s\\n' \"$sha\" \"$DEST\" | sha256sum --check --status; then",
        "  exit 0",
        "fi",
        "tmp=\"$(mktemp)\"",
        "trap 'rm -f \"$tmp\"' EXIT",
        "curl -fsSL --retry 5 --retry-delay 3 -o \"$tmp\" \"https://github.com/docker/compose/releases/download/$VERSION/docker-compose-linux-$arch\"",
        "if ! printf '%s  %s\\n' \"$sha\" \"$tmp\" | sha256sum --check --status; then",
        "  printf 'docker-compose %s (%s): sha256 mismatch, refusing to install\\n' \"$VERSION\" \"$arch\" >&2",
        "  exit 1",
        "fi",
        "install -D -m 0755 \"$tmp\" \"$DEST\"",
        "docker compose version",
        "",
    ].join("\n");
}

/** systemd unit that re-runs the boot script on every later boot (refreshes secrets, reconciles). */
export function renderSystemdUnit(): string {
    return [
        "[Unit]",
        "Description=Platform stack: secrets from SSM, docker compose up",
        "Wants=network-online.target",
        "After=network-online.target docker.service",
        "Requires=docker.service",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        `ExecStart=${HOST_PATHS.bootScript}`,
        "TimeoutStartSec=900",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}

function renderSysctl(): string {
    return "vm.swappiness = 10\nvm.overcommit_memory = 1\n";
}

/** cloud-init `runcmd` entries (argv lists: cloud-init shell-quotes them into one /bin/sh script). */
export function runcmd(config: HostBootConfig): string[][] {
    const r = resolve(config);
    return [
        ["dnf", "install", "-y", "docker", ...(r.tls ? ["openssl"] : [])],
        ["systemctl", "enable", "--now", "docker.service"],
        [HOST_PATHS.installComposeScript],
        ["systemctl", "daemon-reload"],
        // Enabled for later boots; this first boot runs the script directly (starting the unit
        // from cloud-final would order it against cloud-init itself).
        ["systemctl", "enable", "platform.service"],
        [HOST_PATHS.bootScript],
    ];
}

/** `runcmd` as the /bin/sh script cloud-init generates from it (for shellcheck). */
export function renderRuncmdShell(config: HostBootConfig): string {
    const quote = (arg: string): string => (/^[A-Za-z0-9_.\/=:-]+$/.test(arg) ? arg : shq(arg));
    return ["#!/bin/sh", ...runcmd(config).map((argv) => argv.map(quote).join(" ")), ""].join("\n");
}

export interface HostBootParts {
    userData: string;
    compose: string;
    nginxConf: string;
    redisConf: string;
    bootScript: string;
    installComposeScript: string;
    systemdUnit: string;
    runcmd: string[][];
    budget: MemoryBudget;
}

/** Every rendered part, plus the full `#cloud-config` user data. */
export function renderHostBoot(config: HostBootConfig): HostBootParts {
    const r = resolve(config);
    const parts = {
        compose: renderComposeFile(config),
        nginxConf: renderNginxConf(config),
        redisConf: renderRedisConf(config),
        bootScript: renderBootScript(config),
        installComposeScript: renderInstallComposeScript(config),
        systemdUnit: renderSystemdUnit(),
        runcmd: runcmd(config),
    };
    const file = (path: string, content: string, permissions: string) => ({ path, owner: "root:root", permissions, content });
    const cloudConfig = {
        write_files: [
            file(HOST_PATHS.compose, parts.compose, "0644"),
            file(HOST_PATHS.nginxConf, parts.nginxConf, "0644"),
            file(HOST_PATHS.redisConf, parts.redisConf, "0644"),
            file(HOST_PATHS.sysctl, renderSysctl(), "0644"),
            file(HOST_PATHS.bootScript, parts.bootScript, "0750"),
            file(HOST_PATHS.installComposeScript, parts.installComposeScript, "0750"),
            file(HOST_PATHS.systemdUnit, parts.systemdUnit, "0644"),
        ],
        runcmd: parts.runcmd,
    };
    const userData = "#cloud-config\n" + stringify(cloudConfig, YAML_OPTIONS);
    const bytes = Buffer.byteLength(userData, "utf8");
    if (bytes > USER_DATA_MAX_BYTES) {
        throw new Error(`user data: ${bytes} bytes for ${r.config.apps.length} apps; EC2 allows at most ${USER_DATA_MAX_BYTES}`);
    }
    return { userData, ...parts, budget: r.budget };
}

/** The `#cloud-config` user data for the host (pass to `aws.ec2.Instance.userData`). */
export function renderUserData(config: HostBootConfig): string {
    return renderHostBoot(config).userData;
}
