/**
 * What the zero-cost host runs, as one validated record (`HostBootConfig`), and where things live on
 * it. Pure: no Pulumi resources, no I/O. The renderers (compose.ts, nginx.ts, apply-script.ts,
 * document.ts, user-data.ts) all start from `resolveBootConfig`, so a bad value fails before anything
 * is rendered, naming the key.
 *
 * Secrets: the config holds SSM parameter NAMES only; the apply script reads the values with the
 * instance role into root-only files on the host.
 */
import { routingPatternProblem } from "../../config/routing";
import { instanceMemoryMiB, memoryBudget, MemoryBudget } from "./memory";

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
    /** Secret variables, written by the apply script to the app's root-only env file. @default {} */
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

/** The EBS volume holding TimescaleDB's data (separate from the disposable root volume). */
export interface HostDataVolume {
    /** `vol-...`: on Nitro types the volume appears as /dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol<id>. */
    volumeId: string;
    /** Device name of the attachment, e.g. `/dev/sdf` (`/dev/xvdf` on Xen types such as t2). */
    deviceName: string;
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
    /** NAME of the String parameter the host writes its status to after every apply. */
    statusParameter: string;
    /** TimescaleDB's data volume. */
    dataVolume: HostDataVolume;
    /** @default DEFAULT_IMAGES.timescaledb */
    timescaleImage?: string;
    /** @default DEFAULT_IMAGES.redis */
    redisImage?: string;
    /** @default DEFAULT_IMAGES.nginx */
    nginxImage?: string;
    /** @default { name: "app", user: "app" } */
    database?: { name?: string; user?: string };
    /** @default COMPOSE_PLUGIN */
    composePlugin?: ComposePluginPin;
}

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

/** Where things live on the host (the apply script prefixes each with $PLATFORM_ROOT, empty on the host). */
export const HOST_PATHS = {
    compose: "/etc/platform/compose.yaml",
    /** Mounted as the NGINX container's conf.d directory: a rewritten file is seen by `nginx -s reload`. */
    nginxDir: "/etc/platform/nginx",
    nginxConf: "/etc/platform/nginx/default.conf",
    redisConf: "/etc/platform/redis/redis.conf",
    sysctl: "/etc/sysctl.d/90-platform.conf",
    secretsDir: "/etc/platform/secrets",
    applyScript: "/usr/local/sbin/platform-apply",
    systemdUnit: "/etc/systemd/system/platform.service",
    dockerDropIn: "/etc/systemd/system/docker.service.d/10-platform-data.conf",
    composePlugin: "/usr/local/lib/docker/cli-plugins/docker-compose",
    /** Mount point of the data volume. */
    dataMount: "/var/lib/platform/data",
    /** PGDATA, on the data volume: absent (and never created) while the volume is not mounted. */
    timescaleData: "/var/lib/platform/data/timescaledb",
    acmeWebroot: "/var/lib/platform/acme",
    lock: "/run/platform-apply.lock",
    swapFile: "/swapfile",
} as const;

/** systemd's name for the mount unit of HOST_PATHS.dataMount (systemd-escape --path). */
export const DATA_MOUNT_UNIT = "var-lib-platform-data.mount";

/**
 * Explicit time limits of the apply (seconds). T3/T4g in `standard` mode start without launch
 * credits (AWS-FACTS: no launch credits in standard mode), so the first apply runs at the 10%
 * baseline: package install, image pulls and initdb get limits far above what they take at full speed.
 */
export const HOST_TIMEOUTS_SECONDS = {
    /** The whole association step (aws:runShellScript `timeoutSeconds`); and the boot unit's start limit. */
    apply: 7200,
    /** Waiting for a concurrent apply (boot unit vs association run) to finish. */
    lock: 3600,
    /** `dnf install docker`. */
    packageInstall: 1800,
    /** One `docker pull`. */
    pull: 1800,
    /** The data volume's device to appear after the attachment. */
    dataDevice: 600,
    /** Redis and TimescaleDB to report healthy (first initdb at baseline CPU). */
    storesHealthy: 1200,
} as const;

/** Service names taken by the platform itself. */
export const RESERVED_SERVICES = ["nginx", "redis", "timescaledb"];
/** uid of `redis` in the official redis images (alpine and debian), owner of the auth include. */
export const REDIS_UID = 999;
const SECRET_KEY = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CREDENTIAL)/i;

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const IMAGE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/;
const SSM_NAME = /^[A-Za-z0-9_./-]{1,2048}$/;
const HOST_PATH = /^\/[A-Za-z0-9._/-]+$/;
const HEALTH_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** A top-level key of the application secret, or a dotted path into it (`newrelic.licenseKey`). */
const APP_SECRET_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
// Real ids are vol-<17 hex>; any shell-safe id is accepted (the offline harness's ids look different).
const VOLUME_ID = /^[A-Za-z0-9-]{1,64}$/;
const DEVICE_NAME = /^\/dev\/sd[f-p]$/;

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
    if (!SSM_NAME.test(config.statusParameter)) fail("statusParameter", config.statusParameter, "an SSM parameter name ([A-Za-z0-9_.-/])");
    if (!VOLUME_ID.test(config.dataVolume.volumeId)) fail("dataVolume.volumeId", config.dataVolume.volumeId, "an EBS volume id such as vol-0123456789abcdef0");
    if (!DEVICE_NAME.test(config.dataVolume.deviceName)) fail("dataVolume.deviceName", config.dataVolume.deviceName, "/dev/sdf to /dev/sdp");
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
            (app[`${kind}s`] ?? []).forEach((pattern, j) => {
                const problem = routingPatternProblem(kind, pattern);
                if (problem) throw new Error(`${key}.${kind}s[${j}]: ${JSON.stringify(pattern)} ${problem}`);
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
    const pin = config.composePlugin;
    if (pin !== undefined) {
        if (!/^v\d+\.\d+\.\d+$/.test(pin.version)) fail("composePlugin.version", pin.version, "vX.Y.Z");
        if (!SHA256.test(pin.sha256.x86_64)) fail("composePlugin.sha256.x86_64", pin.sha256.x86_64, "64 hex digits");
        if (!SHA256.test(pin.sha256.aarch64)) fail("composePlugin.sha256.aarch64", pin.sha256.aarch64, "64 hex digits");
    }
    if (config.memoryMiB === undefined) instanceMemoryMiB(config.instanceType);
}

/** A validated config with every default filled in: what the renderers read. */
export interface ResolvedBootConfig {
    config: HostBootConfig;
    /** Compose project name: `<project>-<stack>`, lowercased. */
    composeProject: string;
    tls: { cert: string; key: string } | undefined;
    budget: MemoryBudget;
    db: { name: string; user: string };
    images: { nginx: string; redis: string; timescaledb: string };
    pin: ComposePluginPin;
}

export function resolveBootConfig(config: HostBootConfig): ResolvedBootConfig {
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
        pin: config.composePlugin ?? COMPOSE_PLUGIN,
    };
}

/** Single-quotes a value for bash (values are validated, this is belt and braces). */
export function shq(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The root-only env file with an app's declared secret variables (written by the apply script). */
export function appSecretsEnvFile(app: string): string {
    return `${HOST_PATHS.secretsDir}/${app}.secrets.env`;
}

/** YAML 1.1 output: compose (go-yaml) and cloud-init (PyYAML) read `off`/`yes`/`0644` the 1.1 way. */
export const YAML_OPTIONS = { lineWidth: 0, version: "1.1", aliasDuplicateObjects: false, indentSeq: false } as const;
