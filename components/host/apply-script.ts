/**
 * The host's apply script, /usr/local/sbin/platform-apply: a rendered header (this stack's values,
 * the desired files as heredocs, the apps' secret env files) followed by the static body, the parts
 * in ./platform-apply/ joined in APPLY_SCRIPT_PARTS order (what the script does, in order). Pure:
 * rendering only.
 *
 * The SSM document (./document.ts) installs this script and runs it; the systemd unit it installs
 * runs the same script at every boot. So the host converges to exactly one thing: the last script
 * an association run delivered.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { DATA_MOUNT_UNIT, HostBootConfig, HOST_PATHS, HOST_TIMEOUTS_SECONDS, REDIS_UID, ResolvedBootConfig, resolveBootConfig, shq } from "./boot-config";
import { renderComposeFile, renderRedisConf } from "./compose";
import { renderNginxConf } from "./nginx";

/**
 * The static body's parts (./platform-apply/<part>.sh), in script order: shared definitions and
 * helpers, the status report and exit trap, the host's own system (desired files, swap, data
 * volume, Docker), secrets and TLS, images and containers, then the main sequence.
 */
export const APPLY_SCRIPT_PARTS = ["common", "status", "system", "secrets", "containers", "main"] as const;

/** The static body: the parts, shipped next to this file, one blank line between two. */
export const STATIC_BODY = APPLY_SCRIPT_PARTS.map((part) => fs.readFileSync(path.join(__dirname, "platform-apply", `${part}.sh`), "utf8")).join("\n");

/** Terminates every heredoc of a desired file; a file containing this line is refused. */
export const HEREDOC_END = "PLATFORM_FILE_END";

const ECR_REGISTRY = /^(\d{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com)\//;

/** A file the apply script keeps in place on the host. */
export interface DesiredFile {
    /** Host path (the script prefixes $PLATFORM_ROOT). */
    path: string;
    mode: string;
    /** What a change of this file triggers in the script: `nginx` (reload), `redis` (recreate), `systemd` (daemon-reload)... */
    tag: "compose" | "nginx" | "redis" | "sysctl" | "systemd";
    content: string;
}

export interface ApplyScript {
    /** The whole script, ready to install as HOST_PATHS.applyScript. */
    script: string;
    /** sha256 of the script with an empty revision: changes exactly when anything the host runs changes. */
    revision: string;
    files: DesiredFile[];
}

/** systemd unit that runs the apply script at every boot, with the configuration last delivered. */
export function renderSystemdUnit(): string {
    return [
        "[Unit]",
        "Description=Platform host: apply the last configuration delivered by SSM State Manager",
        "Wants=network-online.target",
        `After=network-online.target docker.service ${DATA_MOUNT_UNIT}`,
        "Requires=docker.service",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        `ExecStart=${HOST_PATHS.applyScript} --mode boot`,
        `TimeoutStartSec=${HOST_TIMEOUTS_SECONDS.apply}`,
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}

/**
 * Docker starts after the data volume's mount (when fstab has it): its restart policies then find
 * PGDATA in place. Without the volume, TimescaleDB's bind source does not exist and Docker refuses
 * to start that container (compose.ts: create_host_path: false).
 */
export function renderDockerDropIn(): string {
    return ["[Unit]", `After=${DATA_MOUNT_UNIT}`, ""].join("\n");
}

function renderSysctl(): string {
    // Swap is for peaks, not for the working set; Redis's background saves are off (compose.ts).
    return "vm.swappiness = 10\nvm.overcommit_memory = 1\n";
}

export function desiredFiles(config: HostBootConfig): DesiredFile[] {
    return [
        { path: HOST_PATHS.compose, mode: "0644", tag: "compose", content: renderComposeFile(config) },
        { path: HOST_PATHS.nginxConf, mode: "0644", tag: "nginx", content: renderNginxConf(config) },
        { path: HOST_PATHS.redisConf, mode: "0644", tag: "redis", content: renderRedisConf(config) },
        { path: HOST_PATHS.sysctl, mode: "0644", tag: "sysctl", content: renderSysctl() },
        { path: HOST_PATHS.systemdUnit, mode: "0644", tag: "systemd", content: renderSystemdUnit() },
        { path: HOST_PATHS.dockerDropIn, mode: "0644", tag: "systemd", content: renderDockerDropIn() },
    ];
}

/** `desired_files`: one `put_file` with a quoted heredoc (no expansion) per file. */
export function desiredFilesFunction(files: DesiredFile[]): string[] {
    const lines = ["# The files this host keeps in place (put_file installs one only when it differs).", "desired_files() {"];
    for (const file of files) {
        if (file.content.split("\n").includes(HEREDOC_END)) {
            throw new Error(`${file.path}: a line is exactly ${HEREDOC_END}, the apply script's heredoc terminator`);
        }
        const body = file.content.endsWith("\n") ? file.content : `${file.content}\n`;
        lines.push(`  put_file ${shq(file.path)} ${file.mode} ${file.tag} <<'${HEREDOC_END}'`, ...body.slice(0, -1).split("\n"), HEREDOC_END);
    }
    lines.push("}");
    return lines;
}

/**
 * `write_app_secret_files`: each app's declared secret variables, written to its root-only env file.
 * Values are single-quoted: compose's env_file parser takes a single-quoted value literally (no
 * interpolation, no escapes but `\\'`), so JSON survives; `env_line` refuses what would not (a `'`, a
 * line break, a trailing backslash). Failures inside `$(...)` stop the script (inherit_errexit).
 * Runs inside `load_secrets`, whose locals `redis_password`/`database_password` it reads.
 */
function appSecretsFunction(r: ResolvedBootConfig, needsAppSecret: boolean): string[] {
    const usesValue = r.config.apps.some((app) => Object.values(app.secrets ?? {}).some((ref) => ref.source === "app" && ref.jsonKey !== undefined));
    const usesEnv = r.config.apps.some((app) => Object.keys(app.secrets ?? {}).length > 0);
    const locals = [...(needsAppSecret ? ['app_secret=""'] : []), ...(usesEnv ? ['app_env=""'] : []), ...(usesValue ? ['value=""'] : [])];
    const lines = ["write_app_secret_files() {", ...(locals.length > 0 ? [`  local ${locals.join(" ")}`] : [])];
    if (needsAppSecret) {
        lines.push(
            '  app_secret="$(fetch_parameter "$APP_SECRET_PARAMETER" \'^[{].*[}]$\')"',
            "  printf '%s' \"$app_secret\" | python3 -c 'import json, sys; assert isinstance(json.load(sys.stdin), dict)' 2>/dev/null ||",
            '    die "parameter $APP_SECRET_PARAMETER does not hold a JSON object"',
        );
    }
    let previous: string | undefined;
    for (const app of r.config.apps) {
        const entries = Object.entries(app.secrets ?? {}).sort(([a], [b]) => a.localeCompare(b));
        const file = shq(`${app.name}.secrets.env`);
        if (entries.length === 0) {
            lines.push(`  write_secret ${file} "" 0 0600`);
            continue;
        }
        // The same declarations as the app before: the same content (fewer bytes).
        const spec = JSON.stringify(entries);
        if (spec === previous) {
            lines.push(`  write_secret ${file} "$app_env"$'\\n' 0 0600`);
            continue;
        }
        previous = spec;
        lines.push('  app_env="$(');
        for (const [name, ref] of entries) {
            if (ref.source === "app") {
                if (ref.jsonKey === undefined) lines.push(`    env_line ${name} "$app_secret"`);
                else lines.push(`    value="$(app_secret_key ${shq(ref.jsonKey)})"`, `    env_line ${name} "$value"`);
            } else if (ref.jsonKey === "username") {
                lines.push(`    env_line ${name} "$DATABASE_USER"`);
            } else if (ref.jsonKey === "password") {
                lines.push(`    env_line ${name} "$database_password"`);
            } else {
                lines.push(`    env_line ${name} "{\\"username\\":\\"$DATABASE_USER\\",\\"password\\":\\"$database_password\\"}"`);
            }
        }
        lines.push('  )"', `  write_secret ${file} "$app_env"$'\\n' 0 0600`);
    }
    lines.push("}");
    return lines;
}

/** ECR registries of the apps' images, each with its region (one `docker login` each). */
export function ecrLogins(config: HostBootConfig): { registry: string; region: string }[] {
    const registries = new Map<string, string>();
    for (const app of config.apps) {
        const m = ECR_REGISTRY.exec(app.image);
        if (m) registries.set(m[1], m[2]);
    }
    return [...registries].map(([registry, region]) => ({ registry, region }));
}

function renderHeader(r: ResolvedBootConfig, revision: string, files: DesiredFile[]): string {
    const c = r.config;
    const needsAppSecret = c.apps.some((app) => Object.values(app.secrets ?? {}).some((ref) => ref.source === "app"));
    const images: [string, string][] = [
        ["nginx", r.images.nginx],
        ["redis", r.images.redis],
        ["timescaledb", r.images.timescaledb],
        ...c.apps.map((app): [string, string] => [app.name, app.image]),
    ];
    const t = HOST_TIMEOUTS_SECONDS;
    return [
        "#!/bin/bash",
        `# platform-apply for ${c.project}/${c.stack}: rendered by components/host/apply-script.ts. Do not edit on the`,
        "# host: every association run replaces it. Never prints secret values: no xtrace, no echo of them.",
        "set -euo pipefail",
        "shopt -s inherit_errexit",
        "set +x",
        "umask 077",
        "",
        `readonly REVISION=${shq(revision)}`,
        `readonly REGION=${shq(c.region)}`,
        `readonly PROJECT=${shq(r.composeProject)}`,
        `readonly REDIS_PASSWORD_PARAMETER=${shq(c.ssmParameters.redisPassword)}`,
        `readonly DATABASE_PASSWORD_PARAMETER=${shq(c.ssmParameters.databasePassword)}`,
        ...(needsAppSecret ? [`readonly APP_SECRET_PARAMETER=${shq(c.ssmParameters.appSecret!)}`] : []),
        `readonly STATUS_PARAMETER=${shq(c.statusParameter)}`,
        `readonly DATABASE_NAME=${shq(r.db.name)}`,
        `readonly DATABASE_USER=${shq(r.db.user)}`,
        `readonly DATA_VOLUME_ID=${shq(c.dataVolume.volumeId)}`,
        `readonly DATA_DEVICE_NAME=${shq(c.dataVolume.deviceName)}`,
        `readonly REDIS_UID=${REDIS_UID}`,
        `readonly SWAP_MIB=${r.budget.swapMiB}`,
        `readonly COMPOSE_VERSION=${shq(r.pin.version)}`,
        `readonly COMPOSE_SHA256_X86_64=${shq(r.pin.sha256.x86_64)}`,
        `readonly COMPOSE_SHA256_AARCH64=${shq(r.pin.sha256.aarch64)}`,
        `readonly TLS_CERT=${shq(r.tls?.cert ?? "")}`,
        `readonly TLS_KEY=${shq(r.tls?.key ?? "")}`,
        "readonly -a STORES=(nginx redis timescaledb)",
        `readonly -a APPS=(${c.apps.map((app) => shq(app.name)).join(" ")})`,
        `declare -rA IMAGES=(${images.map(([name, image]) => `[${name}]=${shq(image)}`).join(" ")})`,
        `readonly -a ECR_LOGINS=(${ecrLogins(c)
            .map((e) => shq(`${e.registry} ${e.region}`))
            .join(" ")})`,
        `readonly T_LOCK=${t.lock} T_PACKAGES=${t.packageInstall} T_PULL=${t.pull} T_DATA_DEVICE=${t.dataDevice} T_STORES=${t.storesHealthy}`,
        "",
        ...desiredFilesFunction(files),
        "",
        ...appSecretsFunction(r, needsAppSecret),
        "",
    ].join("\n");
}

/** The apply script for `config`, with its revision and the files it keeps in place. */
export function renderApplyScript(config: HostBootConfig): ApplyScript {
    const r = resolveBootConfig(config);
    const files = desiredFiles(config);
    const unrevisioned = renderHeader(r, "", files) + STATIC_BODY;
    const revision = createHash("sha256").update(unrevisioned).digest("hex");
    return { script: renderHeader(r, revision, files) + STATIC_BODY, revision, files };
}
