/**
 * The containers of the zero-cost host: the Docker Compose model (NGINX, the apps, Redis,
 * TimescaleDB) and Redis's configuration. Pure. The apply script decides the start order (data
 * stores and NGINX first, each app on its own), so no service depends on another here: NGINX starts
 * with no app running, an app starts whether or not the others exist.
 */
import { stringify } from "yaml";
import { appSecretsEnvFile, HostBootConfig, HOST_PATHS, resolveBootConfig, YAML_OPTIONS } from "./boot-config";

/** Where the Redis container reads the AUTH include the apply script writes (outside the config file's mount). */
const REDIS_AUTH_INCLUDE = "/usr/local/etc/redis-auth.conf";

/** Docker's json-file logs, rotated: an unrotated log would fill the root volume. */
const LOGGING = { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } };

/** The compose model as a plain object (what `renderComposeFile` serialises). */
export function composeModel(config: HostBootConfig): Record<string, unknown> {
    const r = resolveBootConfig(config);
    const { budget } = r;
    const pg = budget.postgres;
    const services: Record<string, unknown> = {};

    // The directory, not the file: the apply script rewrites default.conf and reloads NGINX, and a
    // file bind mount would keep showing the replaced file's old inode.
    const nginxVolumes = [`${HOST_PATHS.nginxDir}:/etc/nginx/conf.d:ro`, `${HOST_PATHS.acmeWebroot}:/var/www/acme:ro`];
    if (r.tls) nginxVolumes.push(`${r.tls.cert}:${r.tls.cert}:ro`, `${r.tls.key}:${r.tls.key}:ro`);
    services.nginx = {
        image: r.images.nginx,
        restart: "unless-stopped",
        ports: r.tls ? ["80:80", "443:443"] : ["80:80"],
        volumes: nginxVolumes,
        mem_limit: `${budget.nginxMiB}m`,
        healthcheck: {
            test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/nginx-health"],
            interval: "30s",
            timeout: "5s",
            retries: 3,
        },
        logging: LOGGING,
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
                // Start-up at the 10% CPU baseline: failures in this window do not count.
                start_period: "180s",
            },
            logging: LOGGING,
        };
    }

    services.redis = {
        image: r.images.redis,
        restart: "unless-stopped",
        command: ["redis-server", "/usr/local/etc/redis/redis.conf"],
        volumes: [`${HOST_PATHS.redisConf}:/usr/local/etc/redis/redis.conf:ro`, `${HOST_PATHS.secretsDir}/redis-auth.conf:${REDIS_AUTH_INCLUDE}:ro`],
        secrets: ["redis_password"],
        mem_limit: `${budget.redisMiB}m`,
        healthcheck: {
            test: ["CMD-SHELL", `REDISCLI_AUTH="$$(cat /run/secrets/redis_password)" redis-cli -h 127.0.0.1 ping | grep -q PONG`],
            interval: "15s",
            timeout: "5s",
            retries: 5,
        },
        logging: LOGGING,
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
            // Read by the image's entrypoint at the first initdb only; the apply script re-syncs the
            // role's password from SSM on every run, so a regenerated password still matches.
            POSTGRES_PASSWORD_FILE: "/run/secrets/db_password",
            // Settings come from the budget above, not from timescaledb-tune's guess at first init.
            NO_TS_TUNE: "true",
            TIMESCALEDB_TELEMETRY: "off",
        },
        // PGDATA lives on the data volume. create_host_path: false makes Docker refuse to start the
        // container while the volume is not mounted, instead of running initdb on the root volume
        // (Compose file reference, volumes long syntax: `bind.create_host_path`).
        volumes: [{ type: "bind", source: HOST_PATHS.timescaleData, target: "/var/lib/postgresql/data", bind: { create_host_path: false } }],
        secrets: ["db_password"],
        mem_limit: `${budget.timescaleMiB}m`,
        stop_grace_period: "60s",
        healthcheck: {
            test: ["CMD-SHELL", `pg_isready -h 127.0.0.1 -U ${r.db.user} -d ${r.db.name}`],
            interval: "15s",
            timeout: "5s",
            retries: 5,
            // The first initdb with TimescaleDB at the CPU baseline takes minutes.
            start_period: "20m",
        },
        logging: LOGGING,
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
    // Aliases for the shared objects (the logging block): the same model, fewer bytes (go-yaml reads them).
    return "# Rendered by components/host/compose.ts\n" + stringify(composeModel(config), { ...YAML_OPTIONS, aliasDuplicateObjects: true });
}

/** Redis configuration (no secret: the password comes from the `include`d file the apply script writes). */
export function renderRedisConf(config: HostBootConfig): string {
    const { budget } = resolveBootConfig(config);
    return [
        "# Rendered by components/host/compose.ts",
        "bind 0.0.0.0",
        "port 6379",
        "protected-mode yes",
        `maxmemory ${budget.redisMaxMemoryMiB}mb`,
        "maxmemory-policy allkeys-lru",
        "# A cache: no RDB snapshots or AOF (a fork would double memory on a 1 GiB host).",
        'save ""',
        "appendonly no",
        `include ${REDIS_AUTH_INCLUDE}`,
        "",
    ].join("\n");
}
