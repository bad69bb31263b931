// A sandbox to run the rendered SSM document's commands (and so platform-apply) for real: every
// path under a temporary PLATFORM_ROOT, and fakes for the commands that touch the machine or AWS
// (docker, aws, systemctl, dnf, mount, blkid, mkfs.xfs, swapon, ...), which record their calls and
// simulate outcomes from a state file the test controls. PATH holds the fakes and a whitelist of
// real tools only, so a real docker or aws on the build machine is never reached.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** What the fakes simulate and record. */
export interface FakeState {
    /** SSM parameter values by name (get-parameter), and what put-parameter wrote. */
    ssm: Record<string, string>;
    /** put-parameter calls in order: [name, value]. */
    ssmPuts: [string, string][];
    /** Images a `docker pull` finds. */
    registry: string[];
    /** Images present locally. */
    images: string[];
    /** Containers by compose service. */
    containers: Record<string, { image: string; hash: string; state: string; health: string }>;
    /** Compose events in order: `create <svc>`, `recreate <svc>`, `unchanged <svc>`, `remove <svc>`. */
    events: string[];
    /** `docker compose exec` calls: service, argv and what came on stdin. */
    execs: { service: string; argv: string[]; stdin: string }[];
    /** Services whose healthcheck never passes. */
    unhealthy: string[];
}

/** The parts of FakeState kept as JSON (compose.json) for the Node fake of `docker compose`. */
type ComposeState = Pick<FakeState, "containers" | "events" | "execs" | "unhealthy">;

// `docker compose` (the only fake that needs to parse YAML and JSON): Node, run by the docker fake.
const COMPOSE_FAKE = String.raw`
const fs = require("fs");
const crypto = require("crypto");
const dir = process.env.FAKE_DIR + "/state";
const statePath = dir + "/compose.json";
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state));
const args = process.argv.slice(3);
const out = (s) => process.stdout.write(s);
const fail = (msg, code = 1) => { process.stderr.write(msg + "\n"); save(); process.exit(code); };
let i = 0, file = "";
while (args[i] && args[i].startsWith("--")) { if (args[i] === "--file") file = args[i + 1]; i += 2; }
const sub = args[i], rest = args.slice(i + 1);
const flags = rest.filter((a) => a.startsWith("-"));
const names = rest.filter((a, k) => !a.startsWith("-") && !(rest[k - 1] === "--pull" || rest[k - 1] === "--format"));
if (sub === "version") { out("Docker Compose version v2.29.1\n"); process.exit(0); }
if (sub === "ps") {
  for (const [service, c] of Object.entries(state.containers)) {
    if (names.length === 0 || names.includes(service)) out(JSON.stringify({ Service: service, State: c.state, Health: c.health, Image: c.image }) + "\n");
  }
  process.exit(0);
}
if (sub === "exec") {
  const service = names[0];
  const c = state.containers[service];
  if (!c || c.state !== "running") fail("service " + service + " is not running");
  let stdin = "";
  try { stdin = fs.readFileSync(0, "utf8"); } catch {}
  state.execs.push({ service, argv: rest.slice(rest.indexOf(service) + 1), stdin });
  save(); process.exit(0);
}
if (sub === "up") {
  const model = require(process.env.FAKE_YAML_MODULE).parse(fs.readFileSync(file, "utf8"));
  const images = fs.readFileSync(dir + "/images", "utf8").split("\n");
  if (flags.includes("--remove-orphans")) {
    for (const service of Object.keys(state.containers)) {
      if (!model.services[service]) { delete state.containers[service]; state.events.push("remove " + service); }
    }
  }
  for (const service of names) {
    const cfg = model.services[service];
    if (!cfg) fail("no such service: " + service);
    if (!images.includes(cfg.image)) fail("Error response from daemon: No such image: " + cfg.image);
    // Compose recreates a container when its configuration (env_file contents included) changed.
    const envFiles = (cfg.env_file || []).map((p) => fs.readFileSync((process.env.PLATFORM_ROOT || "") + p, "utf8"));
    const hash = crypto.createHash("sha256").update(JSON.stringify(cfg) + envFiles.join("")).digest("hex");
    const old = state.containers[service];
    if (old && old.hash === hash && old.state === "running" && !flags.includes("--force-recreate")) { state.events.push("unchanged " + service); continue; }
    state.events.push((old ? "recreate " : "create ") + service);
    const health = cfg.healthcheck ? (state.unhealthy.includes(service) ? "starting" : "healthy") : "";
    state.containers[service] = { image: cfg.image, hash, state: "running", health };
  }
  save(); process.exit(0);
}
fail("fake docker compose: unsupported " + sub, 2);
`;

// docker: the image and registry calls in bash (fast), compose handed to the Node fake.
const DOCKER_FAKE = `S="$FAKE_DIR/state"
case "$1" in
  info | version) echo "fake docker" ;;
  login) cat >/dev/null ;;
  image)
    case "$2" in
      inspect) grep -qxF "$3" "$S/images" ;;
      prune) exit 0 ;;
    esac ;;
  pull)
    ref="\${!#}"
    if grep -qxF "$ref" "$S/registry"; then printf '%s\n' "$ref" >>"$S/images"; printf '%s\n' "$ref"; exit 0; fi
    echo "Error response from daemon: manifest for $ref not found: manifest unknown: Requested image not found" >&2
    exit 1 ;;
  compose) exec "$FAKE_NODE" "$FAKE_DIR/lib/compose.js" "$@" ;;
  *) echo "fake docker: unsupported $*" >&2; exit 2 ;;
esac`;

// aws: parameters are files named after the parameter (/ as %), puts appended to ssm-puts.log.
const AWS_FAKE = `S="$FAKE_DIR/state"
sub="$1 $2"; shift 2
name=""; value=""
while [ $# -gt 0 ]; do
  case "$1" in --name) name="$2"; shift 2 ;; --value) value="$2"; shift 2 ;; *) shift ;; esac
done
key="$(printf '%s' "$name" | tr '/' '%')"
case "$sub" in
  "ssm get-parameter")
    [ -f "$S/ssm/$key" ] || { echo "An error occurred (ParameterNotFound) when calling the GetParameter operation" >&2; exit 254; }
    cat "$S/ssm/$key"; echo ;;
  "ssm put-parameter") printf '%s' "$value" >"$S/ssm/$key"; printf '%s\t%s\n' "$name" "$value" >>"$S/ssm-puts.log" ;;
  "ecr get-login-password") echo "fake-ecr-token" ;;
  *) echo "fake aws: unsupported $sub" >&2; exit 2 ;;
esac`;

/** Bash fakes: each records its argv in calls.log; the stateful ones keep files under state/. */
const SHELL_FAKES: Record<string, string> = {
    aws: AWS_FAKE,
    systemctl: "exit 0",
    sysctl: "exit 0",
    chown: "exit 0",
    logger: `shift 2; [ "$1" = -- ] && shift; printf '%s\n' "$*" >>"$FAKE_DIR/journal.log"`,
    dnf: `case " $* " in *" docker "*) ln -sf "$FAKE_DIR/lib/docker" "$FAKE_DIR/bin/docker" ;; esac`,
    curl: `while [ $# -gt 0 ]; do if [ "$1" = -o ]; then printf 'fake compose plugin\n' >"$2"; fi; shift; done`,
    blkid: `dev="\${!#}"; f="$FAKE_DIR/state/fs-$(basename "$dev")"; [ -f "$f" ] || exit 2
case "$*" in *TYPE*) cut -d' ' -f1 "$f" ;; *UUID*) cut -d' ' -f2 "$f" ;; esac`,
    "mkfs.xfs": `printf 'xfs 7f1c2b7e-4d1a-4c43-9a0e-2b6f3f0a9c11\n' >"$FAKE_DIR/state/fs-$(basename "\${!#}")"`,
    mountpoint: `grep -qxF "\${!#}" "$FAKE_DIR/state/mounts" 2>/dev/null`,
    mount: `printf '%s\n' "\${!#}" >>"$FAKE_DIR/state/mounts"`,
    swapon: `if [ "$1" = --show=NAME ]; then cat "$FAKE_DIR/state/swaps" 2>/dev/null; exit 0; fi; printf '%s\n' "$1" >>"$FAKE_DIR/state/swaps"`,
    mkswap: "exit 0",
    xfs_growfs: "exit 0",
    dd: `for a; do case "$a" in of=*) : >"\${a#of=}" ;; esac; done`,
    reboot: "exit 0",
    shutdown: "exit 0",
};

/** Real tools the bootstrap and platform-apply use (everything else is a fake or absent). */
const REAL_TOOLS = [
    "bash",
    "sh",
    "cat",
    "cmp",
    "install",
    "mktemp",
    "rm",
    "mv",
    "chmod",
    "grep",
    "readlink",
    "dirname",
    "basename",
    "sha256sum",
    "base64",
    "gzip",
    "timeout",
    "sleep",
    "touch",
    "flock",
    "uname",
    "mkdir",
    "cut",
    "ln",
    "tr",
    "openssl",
];

function which(tool: string): string | undefined {
    const res = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
    return res.status === 0 ? res.stdout.trim() : undefined;
}

/** The real python3 binary (not a pyenv shim, which needs its own PATH). */
function realPython(): string | undefined {
    const res = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
    return res.status === 0 ? res.stdout.trim() : undefined;
}

export interface RunResult {
    status: number | null;
    stdout: string;
    stderr: string;
    /** Every fake call, one line each: `<command> <args...>`. */
    calls: string[];
    journal: string[];
}

export class Sandbox {
    readonly dir: string;
    readonly root: string;
    private readonly bin: string;

    constructor(prefix: string, options: { dockerInstalled?: boolean } = {}) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        this.root = path.join(this.dir, "root");
        this.bin = path.join(this.dir, "bin");
        for (const d of ["root", "bin", "lib", "state", "state/ssm"]) fs.mkdirSync(path.join(this.dir, d), { recursive: true });
        const record = (name: string) => `printf '%s\\n' "${name} $*" >>"$FAKE_DIR/calls.log"`;
        fs.writeFileSync(path.join(this.dir, "lib", "compose.js"), COMPOSE_FAKE);
        // Installed by the fake dnf (`dnf install docker` links it into bin/), unless already there.
        fs.writeFileSync(path.join(this.dir, "lib", "docker"), `#!/bin/bash\n${record("docker")}\n${DOCKER_FAKE}\n`, { mode: 0o755 });
        for (const [name, body] of Object.entries(SHELL_FAKES)) {
            fs.writeFileSync(path.join(this.bin, name), `#!/bin/bash\n${record(name)}\n${body}\n`, { mode: 0o755 });
        }
        if (options.dockerInstalled) fs.symlinkSync(path.join(this.dir, "lib", "docker"), path.join(this.bin, "docker"));
        for (const tool of REAL_TOOLS) {
            const real = which(tool);
            if (real && !fs.existsSync(path.join(this.bin, tool))) fs.symlinkSync(real, path.join(this.bin, tool));
        }
        const python = realPython();
        if (python) fs.symlinkSync(python, path.join(this.bin, "python3"));
        this.writeState({ ssm: {}, ssmPuts: [], registry: [], images: [], containers: {}, events: [], execs: [], unhealthy: [] });
    }

    private statePath(name: string): string {
        return path.join(this.dir, "state", name);
    }

    private lines(name: string): string[] {
        const file = this.statePath(name);
        return fs.existsSync(file)
            ? fs
                  .readFileSync(file, "utf8")
                  .split("\n")
                  .filter((l) => l !== "")
            : [];
    }

    state(): FakeState {
        const compose = JSON.parse(fs.readFileSync(this.statePath("compose.json"), "utf8")) as ComposeState;
        const ssm = Object.fromEntries(
            fs.readdirSync(this.statePath("ssm")).map((key) => [key.replace(/%/g, "/"), fs.readFileSync(this.statePath(`ssm/${key}`), "utf8")]),
        );
        const ssmPuts = this.lines("ssm-puts.log").map((line): [string, string] => [line.slice(0, line.indexOf("\t")), line.slice(line.indexOf("\t") + 1)]);
        return { ...compose, ssm, ssmPuts, registry: this.lines("registry"), images: this.lines("images") };
    }

    writeState(state: FakeState): void {
        const compose: ComposeState = { containers: state.containers, events: state.events, execs: state.execs, unhealthy: state.unhealthy };
        fs.writeFileSync(this.statePath("compose.json"), JSON.stringify(compose));
        fs.rmSync(this.statePath("ssm"), { recursive: true, force: true });
        fs.mkdirSync(this.statePath("ssm"));
        for (const [name, value] of Object.entries(state.ssm)) fs.writeFileSync(this.statePath(`ssm/${name.replace(/\//g, "%")}`), value);
        fs.writeFileSync(this.statePath("ssm-puts.log"), state.ssmPuts.map(([n, v]) => `${n}\t${v}\n`).join(""));
        fs.writeFileSync(this.statePath("registry"), state.registry.map((r) => `${r}\n`).join(""));
        fs.writeFileSync(this.statePath("images"), state.images.map((r) => `${r}\n`).join(""));
    }

    update(change: (state: FakeState) => void): void {
        const state = this.state();
        change(state);
        this.writeState(state);
    }

    /** A file inside the sandbox root (e.g. the attached data volume's device node). */
    touch(hostPath: string, content = ""): void {
        const file = path.join(this.root, hostPath);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
    }

    /** A file of the fakes' own state (e.g. `state/fs-<device>`: the file system blkid reports). */
    fakeFile(relative: string, content: string): void {
        fs.writeFileSync(path.join(this.dir, relative), content);
    }

    read(hostPath: string): string {
        return fs.readFileSync(path.join(this.root, hostPath), "utf8");
    }

    exists(hostPath: string): boolean {
        return fs.existsSync(path.join(this.root, hostPath));
    }

    /** Runs `script` with bash (as SSM runs a document's commands) inside the sandbox. */
    run(script: string, env: Record<string, string> = {}): RunResult {
        const file = path.join(this.dir, `run-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
        fs.writeFileSync(file, script);
        for (const log of ["calls.log", "journal.log"]) fs.writeFileSync(path.join(this.dir, log), "");
        const res = spawnSync(path.join(this.bin, "bash"), [file], {
            encoding: "utf8",
            timeout: 60000,
            env: {
                PATH: this.bin,
                HOME: this.dir,
                TMPDIR: this.dir,
                PLATFORM_ROOT: this.root,
                PLATFORM_POLL_SECONDS: "0",
                // Health waits poll without sleeping here: bound them (the host's limit is 20 minutes).
                PLATFORM_STORES_HEALTHY_SECONDS: "3",
                FAKE_DIR: this.dir,
                FAKE_NODE: process.execPath,
                FAKE_YAML_MODULE: require.resolve("yaml"),
                ...env,
            },
        });
        const lines = (name: string) =>
            fs
                .readFileSync(path.join(this.dir, name), "utf8")
                .split("\n")
                .filter((l) => l !== "");
        return { status: res.status, stdout: res.stdout ?? "", stderr: res.stderr ?? "", calls: lines("calls.log"), journal: lines("journal.log") };
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Whether the real tools the sandbox needs are on this machine. */
export function sandboxToolsMissing(): string[] {
    return [...REAL_TOOLS.filter((t) => t !== "openssl" && !which(t)), ...(realPython() ? [] : ["python3"])];
}
