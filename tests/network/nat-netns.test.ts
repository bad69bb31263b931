// The NAT instance's rendered boot script, run for real inside Linux network namespaces:
//
//   private (10.0.11.10/24, default via the nat)
//     <-> nat (lan0 10.0.11.1/24 | wan0 192.0.2.2/24, default route via the "internet")
//     <-> internet (192.0.2.1/24, 198.51.100.1 as the public server, 10.0.0.0/16 routed via the nat)
//
// The script runs unchanged inside the nat namespace. Only what cannot run here is shimmed on PATH:
// `dnf` (records the call) and `systemctl`, whose `restart iptables.service` does what the real unit
// does, `iptables-restore` of the rules file (iptables.init start()). The two NAT_* variables point
// the script's files at a scratch directory instead of /etc. Packets are sent by node itself.
//
// Needs root, iproute2 and iptables (`bash .ci/setup-netns.sh`); skips without them, fails under CI.
import { strict as assert } from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NAT_BOOT_PATH_OVERRIDES, renderNatBootScript } from "../../components/nat-instance-software";

const VPC_CIDR = "10.0.0.0/16";
const PRIVATE_IP = "10.0.11.10";
const NAT_LAN_IP = "10.0.11.1";
const NAT_WAN_IP = "192.0.2.2";
const UPSTREAM_IP = "192.0.2.1";
const PUBLIC_SERVER_IP = "198.51.100.1";
const PORT = 8080;

const SETUP = "bash .ci/setup-netns.sh";

function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
    const res = spawnSync(cmd, args, { encoding: "utf8", timeout: options.timeout ?? 20000, env: options.env ?? process.env });
    return { status: res.status, stdout: res.stdout ?? "", stderr: res.stderr ?? "", out: `${res.stdout ?? ""}${res.stderr ?? ""}` };
}

function must(cmd: string, ...args: string[]): string {
    const res = run(cmd, args);
    if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${res.status}): ${res.out}`);
    return res.stdout;
}

/** Why this machine cannot run the test, or undefined when it can. */
function unavailable(): string | undefined {
    const missing = ["ip", "iptables", "iptables-restore", "bash"].filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
    if (missing.length > 0) return `missing tools [${missing.join(", ")}]: run \`${SETUP}\``;
    if (process.getuid?.() !== 0) return "network namespaces need root";
    const probe = `natprobe-${process.pid}`;
    const res = run("ip", ["netns", "add", probe]);
    run("ip", ["netns", "del", probe]);
    return res.status === 0 ? undefined : `cannot create a network namespace: ${res.out.trim()}`;
}

// Node programs run inside the namespaces: a server that answers with the peer address it sees, and a
// client that prints that answer (or the error) and exits 0 only on a reply.
const SERVER = `
const net = require("net");
const [host, port] = process.argv.slice(1);
net.createServer((s) => s.end(s.remoteAddress.replace(/^::ffff:/, "") + "\\n"))
    .listen(Number(port), host, () => console.log("listening"));
`;
const CLIENT = `
const net = require("net");
const [host, port, ms] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
let data = "";
s.setTimeout(Number(ms), () => { console.log("ERROR timeout"); process.exit(1); });
s.on("data", (d) => { data += d; });
s.on("end", () => { console.log(data.trim()); process.exit(0); });
s.on("error", (e) => { console.log("ERROR " + e.code); process.exit(1); });
`;

interface Probe {
    connected: boolean;
    answer: string;
}

/** One private / nat / internet topology with unique namespace names; `destroy` is idempotent. */
class Topology {
    readonly ns: { private: string; nat: string; internet: string };
    private servers: ChildProcess[] = [];

    constructor(readonly label: string) {
        const base = `nat-${process.pid}-${label}`;
        this.ns = { private: `${base}-priv`, nat: `${base}-nat`, internet: `${base}-inet` };
    }

    create(natForwarding: 0 | 1): void {
        const { private: priv, nat, internet } = this.ns;
        for (const name of [priv, nat, internet]) {
            must("ip", "netns", "add", name);
            must("ip", "-n", name, "link", "set", "lo", "up");
        }
        must("ip", "link", "add", "eth0", "netns", priv, "type", "veth", "peer", "name", "lan0", "netns", nat);
        must("ip", "link", "add", "wan0", "netns", nat, "type", "veth", "peer", "name", "eth0", "netns", internet);
        must("ip", "-n", priv, "addr", "add", `${PRIVATE_IP}/24`, "dev", "eth0");
        must("ip", "-n", nat, "addr", "add", `${NAT_LAN_IP}/24`, "dev", "lan0");
        must("ip", "-n", nat, "addr", "add", `${NAT_WAN_IP}/24`, "dev", "wan0");
        must("ip", "-n", internet, "addr", "add", `${UPSTREAM_IP}/24`, "dev", "eth0");
        must("ip", "-n", internet, "addr", "add", `${PUBLIC_SERVER_IP}/32`, "dev", "lo");
        must("ip", "-n", priv, "link", "set", "eth0", "up");
        must("ip", "-n", nat, "link", "set", "lan0", "up");
        must("ip", "-n", nat, "link", "set", "wan0", "up");
        must("ip", "-n", internet, "link", "set", "eth0", "up");
        must("ip", "-n", priv, "route", "add", "default", "via", NAT_LAN_IP);
        must("ip", "-n", nat, "route", "add", "default", "via", UPSTREAM_IP);
        // An attacker's route toward the private range, from the public address: only the NAT's filter
        // stands in the way.
        must("ip", "-n", internet, "route", "add", VPC_CIDR, "via", NAT_WAN_IP, "src", PUBLIC_SERVER_IP);
        // New namespaces inherit the host's IPv4 forwarding: set it, so the scenario decides.
        must("ip", "netns", "exec", nat, "sysctl", "-q", "-w", `net.ipv4.ip_forward=${natForwarding}`);
    }

    exec(ns: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
        return run("ip", ["netns", "exec", ns, cmd, ...args], { env, timeout: 60000 });
    }

    /** Starts a server in `ns` on host:port; resolves once it listens. */
    async serve(ns: string, host: string): Promise<void> {
        const child = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", SERVER, host, String(PORT)], { stdio: ["ignore", "pipe", "pipe"] });
        this.servers.push(child);
        await new Promise<void>((resolve, reject) => {
            let err = "";
            const timer = setTimeout(() => reject(new Error(`server in ${ns} did not start: ${err}`)), 10000);
            child.stderr!.on("data", (d) => {
                err += d;
            });
            child.stdout!.on("data", (d) => {
                if (String(d).includes("listening")) {
                    clearTimeout(timer);
                    resolve();
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`server in ${ns} exited ${code}: ${err}`));
            });
        });
    }

    /** A TCP connection from `ns` to host:PORT: whether it got an answer, and the answer. */
    connect(ns: string, host: string): Probe {
        const res = run("ip", ["netns", "exec", ns, process.execPath, "-e", CLIENT, host, String(PORT), "2000"], { timeout: 10000 });
        return { connected: res.status === 0, answer: res.stdout.trim() };
    }

    destroy(): void {
        for (const child of this.servers) if (child.exitCode === null) child.kill("SIGKILL");
        this.servers = [];
        for (const name of Object.values(this.ns)) run("ip", ["netns", "del", name]);
    }
}

/** PATH shims for what a CI machine cannot do; every call is appended to `log`. */
function writeShims(dir: string, log: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const shim = (name: string, body: string) => {
        fs.writeFileSync(path.join(dir, name), `#!/bin/bash\nset -euo pipefail\necho "${name} $*" >> ${JSON.stringify(log)}\n${body}`, { mode: 0o755 });
    };
    // Installing a package is not what is under test; the package's iptables binaries are Debian's here.
    shim("dnf", "exit 0\n");
    // iptables.service's ExecStart (iptables.init start) runs iptables-restore on its rules file. The
    // shim does the same with the script's rules file, or with SHIM_RULES_FILE when a test makes the
    // service load something else (the package's default rules).
    shim(
        "systemctl",
        `case "$1 $2" in
    "enable iptables.service") exit 0 ;;
    "restart iptables.service"|"start iptables.service") iptables-restore < "\${SHIM_RULES_FILE:-$${NAT_BOOT_PATH_OVERRIDES.rulesFile}}" ;;
    *) echo "systemctl shim: unexpected call: $*" >&2; exit 1 ;;
esac
`,
    );
}

/** iptables-services' default /etc/sysconfig/iptables (Fedora/RHEL sysconfig_iptables): REJECTs forwarding. */
const PACKAGE_DEFAULT_RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p icmp -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT
-A INPUT -j REJECT --reject-with icmp-host-prohibited
-A FORWARD -j REJECT --reject-with icmp-host-prohibited
COMMIT
`;

describe("NAT instance boot script in network namespaces", function () {
    this.timeout(120000);
    let tmp: string;
    const topologies: Topology[] = [];

    before(function () {
        const why = unavailable();
        if (why) {
            if (process.env.CI) throw new Error(`${why} (CI is set, so this fails instead of skipping)`);
            console.warn(`    skipped: ${why}`);
            this.skip();
        }
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nat-netns-"));
    });

    // Namespaces go even when an assertion failed half-way.
    afterEach(() => {
        for (const t of topologies.splice(0)) t.destroy();
    });
    after(() => {
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    function topology(label: string, natForwarding: 0 | 1): Topology {
        const t = new Topology(label);
        topologies.push(t);
        t.create(natForwarding);
        return t;
    }

    /** Runs the rendered script inside the nat namespace with the shims; returns its result and files. */
    function runScript(t: Topology, label: string, extraEnv: Record<string, string> = {}) {
        const dir = path.join(tmp, label);
        const shims = path.join(dir, "bin");
        const log = path.join(dir, "calls.log");
        fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
        writeShims(shims, log);
        fs.writeFileSync(log, "");
        const script = path.join(dir, "nat-boot.sh");
        fs.writeFileSync(script, renderNatBootScript({ vpcCidr: VPC_CIDR }), { mode: 0o755 });
        const files = { rules: path.join(dir, "etc", "iptables"), sysctl: path.join(dir, "etc", "90-nat.conf") };
        const env = {
            ...process.env,
            PATH: `${shims}:${process.env.PATH}`,
            [NAT_BOOT_PATH_OVERRIDES.rulesFile]: files.rules,
            [NAT_BOOT_PATH_OVERRIDES.sysctlFile]: files.sysctl,
            ...extraEnv,
        };
        const result = t.exec(t.ns.nat, "bash", [script], env);
        return { result, files, calls: fs.readFileSync(log, "utf8").trim().split("\n") };
    }

    it("control: a router with forwarding on and no rules passes traffic unmasqueraded both ways (so the assertions below can fail)", async () => {
        const t = topology("control", 1);
        await t.serve(t.ns.internet, "0.0.0.0");
        await t.serve(t.ns.private, PRIVATE_IP);
        assert.deepStrictEqual(t.connect(t.ns.private, PUBLIC_SERVER_IP), { connected: true, answer: PRIVATE_IP }, "internet sees the private address");
        assert.deepStrictEqual(t.connect(t.ns.internet, PRIVATE_IP), { connected: true, answer: PUBLIC_SERVER_IP }, "the internet reaches the private host");
    });

    it("after the script: private reaches the internet as the NAT's address, the internet cannot reach private, the router keeps its own egress", async () => {
        const t = topology("script", 0);
        const { result, files, calls } = runScript(t, "script");
        assert.strictEqual(result.status, 0, result.out);
        assert.match(result.stdout, new RegExp(`nat-boot: forwarding ${VPC_CIDR.replace(/\./g, "\\.")} to the internet through wan0`));
        assert.deepStrictEqual(calls, ["dnf install -y iptables-services", "systemctl enable iptables.service", "systemctl restart iptables.service"]);

        await t.serve(t.ns.internet, "0.0.0.0");
        await t.serve(t.ns.private, PRIVATE_IP);
        assert.deepStrictEqual(t.connect(t.ns.private, PUBLIC_SERVER_IP), { connected: true, answer: NAT_WAN_IP }, "masqueraded egress");
        // Dropped silently by the FORWARD policy (a connection attempt that times out).
        assert.deepStrictEqual(t.connect(t.ns.internet, PRIVATE_IP), { connected: false, answer: "ERROR timeout" }, "inbound to the private host");
        // The router's own connections (the SSM agent, dnf) still work: INPUT keeps their replies.
        assert.deepStrictEqual(t.connect(t.ns.nat, PUBLIC_SERVER_IP), { connected: true, answer: NAT_WAN_IP });

        // What it persisted for later boots.
        assert.strictEqual(fs.readFileSync(files.sysctl, "utf8"), "net.ipv4.ip_forward = 1\n");
        assert.strictEqual(fs.statSync(files.rules).mode & 0o777, 0o600);
        assert.deepStrictEqual(fs.readdirSync(path.dirname(files.rules)).sort(), ["90-nat.conf", "iptables"], "no temporary file left");
    });

    it("the persisted files alone restore the router on a fresh boot (what systemd-sysctl and iptables.service do)", async () => {
        const first = topology("first-boot", 0);
        const { result, files } = runScript(first, "persisted");
        assert.strictEqual(result.status, 0, result.out);

        // A rebooted router: forwarding off, no rules, then only the boot-time loaders.
        const t = topology("reboot", 0);
        const sysctl = t.exec(t.ns.nat, "sysctl", ["-q", "-p", files.sysctl]);
        assert.strictEqual(sysctl.status, 0, sysctl.out);
        const restore = t.exec(t.ns.nat, "iptables-restore", [files.rules]);
        assert.strictEqual(restore.status, 0, restore.out);

        await t.serve(t.ns.internet, "0.0.0.0");
        await t.serve(t.ns.private, PRIVATE_IP);
        assert.deepStrictEqual(t.connect(t.ns.private, PUBLIC_SERVER_IP), { connected: true, answer: NAT_WAN_IP });
        assert.deepStrictEqual(t.connect(t.ns.internet, PRIVATE_IP), { connected: false, answer: "ERROR timeout" });
    });

    it("fails the boot when the service loads other rules than the ones written (the package's default REJECT rules, review B3)", () => {
        const t = topology("default-rules", 0);
        const defaults = path.join(tmp, "package-default-iptables");
        fs.writeFileSync(defaults, PACKAGE_DEFAULT_RULES);
        const { result } = runScript(t, "default-rules", { SHIM_RULES_FILE: defaults });
        assert.notStrictEqual(result.status, 0, result.out);
        assert.match(result.stderr, /nat-boot: FAILED: no MASQUERADE of 10\.0\.0\.0\/16 out of wan0/);
        assert.match(result.stderr, /nat-boot: FAILED: FORWARD policy is not DROP/);
        assert.match(result.stderr, /nat-boot: FAILED: FORWARD has 1 rules, not the 2 written/);
    });

    it("fails the boot when there is no default route to masquerade out of", () => {
        const t = topology("no-route", 0);
        must("ip", "-n", t.ns.nat, "route", "del", "default");
        const { result } = runScript(t, "no-route");
        assert.notStrictEqual(result.status, 0, result.out);
        assert.match(result.stderr, /nat-boot: FAILED: no IPv4 default route/);
    });
});
