// NGINX on the host: the ALB's routing translated, checked by `nginx -t` and by a real NGINX that
// resolves the app names through a DNS server of the test's own (standing in for Docker's embedded
// DNS at 127.0.0.11), including an app whose container does not exist.
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import * as dgram from "dgram";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { HostBootConfig } from "../../components/host/boot-config";
import { albHostRegex, albPathRegex, renderNginxConf } from "../../components/host/nginx";
import { requireTools, run, scratchFolder, TWO_APPS } from "./configs";

const scratch = scratchFolder("host-nginx-");
const write = scratch.write;

/** The main nginx.conf around the rendered conf.d file, with every path inside `dir`. */
function mainConf(dir: string, site: string, daemon: boolean): string {
    const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `    ${t}_temp_path ${dir}/${t};`).join("\n");
    const user = process.getuid?.() === 0 ? "user root;\n" : "";
    return `${daemon ? `${user}daemon off;\n` : ""}pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n    access_log off;\n${temps}\n    include ${site};\n}\n`;
}

function nginxTest(name: string, conf: string): { status: number | null; out: string } {
    const dir = scratch.path(`nginx-${name}`);
    fs.mkdirSync(dir, { recursive: true });
    const site = write(`nginx-${name}/default.conf`, conf);
    const main = write(`nginx-${name}/nginx.conf`, mainConf(dir, site, false));
    return run("nginx", ["-t", "-q", "-p", dir, "-e", `${dir}/error.log`, "-c", main]);
}

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
        assert.match(conf, /server \{\n {4}listen 80;\n {4}server_name ~\^worker\\\.example\\\.com\$ ~\^\.\*\\\.workers\\\.example\\\.com\$;\n/);
    });

    it("keeps the ALB's priorities: an earlier app's pattern wins, a shadowed exact path is left out", () => {
        const config: HostBootConfig = {
            ...TWO_APPS,
            apps: [
                { ...TWO_APPS.apps[0], paths: ["/shared/*"] },
                { ...TWO_APPS.apps[1], paths: ["/shared/x", "/shared/*", "/own/*"], hosts: [] },
            ],
        };
        const conf = renderNginxConf(config);
        assert.ok(conf.indexOf("location ~ ^/shared/ {\n        set $upstream_web") > 0);
        assert.doesNotMatch(conf, /location = \/shared\/x/);
        assert.equal(conf.match(/location ~ \^\/shared\//g)?.length, 1);
        assert.match(conf, /location ~ \^\/own\/ \{\n {8}set \$upstream_worker_api/);
    });

    it("refuses a pattern the ALB would refuse, naming the app and the index", () => {
        const bad = (patch: Partial<HostBootConfig["apps"][0]>, message: RegExp) =>
            assert.throws(() => renderNginxConf({ ...TWO_APPS, apps: [TWO_APPS.apps[0], { ...TWO_APPS.apps[1], ...patch }] }), message);
        bad({ paths: ["/ok/*", "devices/*"] }, /apps\[1\]\.paths\[1\]: "devices\/\*" is not a valid ALB path pattern/);
        bad({ paths: ["/a b"] }, /apps\[1\]\.paths\[0\]/);
        bad({ hosts: ["bad_host.example.com"] }, /apps\[1\]\.hosts\[0\]: "bad_host\.example\.com" is not a valid ALB host header/);
    });
});

describe("host NGINX configuration against nginx -t", function () {
    this.timeout(20000);

    it("accepts the plain HTTP configuration, though no app name resolves here, and rejects a broken control", function () {
        requireTools(this, "nginx");
        const conf = renderNginxConf(TWO_APPS);
        // Upstreams go through variables and Docker's DNS: `web`/`worker-api` are resolved per request.
        assert.match(conf, /^resolver 127\.0\.0\.11 valid=10s ipv6=off;$/m);
        assert.doesNotMatch(conf, /proxy_pass\s+http/);
        for (const name of ["web", "worker-api"]) assert.ok(!hasHost(name), `${name} resolves on this machine`);
        const ok = nginxTest("plain", conf);
        assert.equal(ok.status, 0, ok.out);
        const broken = nginxTest("broken", conf.replace("server_tokens off;", "server_tokens off"));
        assert.equal(broken.status, 1, broken.out);
        // Control: a literal upstream that does not resolve is exactly what would stop NGINX.
        const literal = nginxTest("literal", conf.replace("proxy_pass $upstream_web;", "proxy_pass http://web:8000;"));
        assert.equal(literal.status, 1, literal.out);
        assert.match(literal.out, /host not found in upstream "web/);
    });

    it("accepts the TLS configuration with a throwaway certificate", function () {
        requireTools(this, "nginx", "openssl");
        const cert = scratch.path("tls", "cert.pem");
        const key = scratch.path("tls", "key.pem");
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
});

function hasHost(name: string): boolean {
    try {
        execFileSync("getent", ["hosts", name], { stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

/**
 * A minimal DNS server over UDP: A records from `answers` (name -> IPv4), NXDOMAIN for anything
 * else, as Docker's embedded DNS answers for a compose service that has no container.
 */
async function startDns(answers: Map<string, string>): Promise<{ port: number; close: () => void }> {
    const socket = dgram.createSocket("udp4");
    socket.on("message", (query, peer) => {
        let offset = 12;
        const labels: string[] = [];
        while (query[offset] !== 0) {
            labels.push(query.subarray(offset + 1, offset + 1 + query[offset]).toString("ascii"));
            offset += query[offset] + 1;
        }
        const questionEnd = offset + 5; // zero label, QTYPE, QCLASS
        const qtype = query.readUInt16BE(offset + 1);
        const address = answers.get(labels.join(".").toLowerCase());
        const found = address !== undefined && qtype === 1;
        const header = Buffer.alloc(12);
        header.writeUInt16BE(query.readUInt16BE(0), 0);
        header.writeUInt16BE(found || address !== undefined ? 0x8180 : 0x8183, 2); // response, RD+RA; rcode 3 = NXDOMAIN
        header.writeUInt16BE(1, 4);
        header.writeUInt16BE(found ? 1 : 0, 6);
        const parts = [header, query.subarray(12, questionEnd)];
        if (found) {
            const answer = Buffer.alloc(16);
            answer.writeUInt16BE(0xc00c, 0); // pointer to the question's name
            answer.writeUInt16BE(1, 2);
            answer.writeUInt16BE(1, 4);
            answer.writeUInt32BE(5, 6);
            answer.writeUInt16BE(4, 10);
            address!.split(".").forEach((octet, i) => answer.writeUInt8(Number(octet), 12 + i));
            parts.push(answer);
        }
        socket.send(Buffer.concat(parts), peer.port, peer.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return { port: socket.address().port, close: () => socket.close() };
}

describe("host NGINX for real, app names resolved per request", function () {
    this.timeout(30000);
    const servers: http.Server[] = [];
    const nginxes: ReturnType<typeof spawn>[] = [];
    const dnsAnswers = new Map<string, string>();
    let dns: { port: number; close: () => void } | undefined;
    const appPorts: Record<string, number> = {};
    after(() => {
        for (const n of nginxes) n.kill();
        for (const s of servers) s.close();
        dns?.close();
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

    /** Starts NGINX on the rendered configuration: names kept, only the resolver and the ports moved to the test's. */
    async function startNginx(name: string): Promise<number> {
        if (!dns) {
            dns = await startDns(dnsAnswers);
            for (const app of TWO_APPS.apps) {
                const server = http.createServer((req, res) => res.end(JSON.stringify({ app: app.name, url: req.url, host: req.headers.host })));
                servers.push(server);
                appPorts[app.name] = await listen(server);
            }
        }
        const port = await freePort();
        let conf = renderNginxConf(TWO_APPS)
            .replace(/listen 80( default_server)?;/g, `listen 127.0.0.1:${port}$1;`)
            .replace("resolver 127.0.0.11 ", `resolver 127.0.0.1:${dns.port} `);
        for (const app of TWO_APPS.apps) conf = conf.split(`http://${app.name}:${app.port};`).join(`http://${app.name}:${appPorts[app.name]};`);
        const dir = scratch.path(`nginx-live-${name}`);
        fs.mkdirSync(dir, { recursive: true });
        const site = write(`nginx-live-${name}/default.conf`, conf);
        const main = write(`nginx-live-${name}/nginx.conf`, mainConf(dir, site, true));
        const nginx = spawn("nginx", ["-p", dir, "-e", `${dir}/error.log`, "-c", main], { stdio: "ignore" });
        nginxes.push(nginx);
        for (let i = 0; ; i++) {
            try {
                if ((await get(port, "/nginx-health")).body === "ok\n") return port;
            } catch {
                if (i > 50) throw new Error(`nginx did not start: ${fs.existsSync(`${dir}/error.log`) ? fs.readFileSync(`${dir}/error.log`, "utf8") : ""}`);
                await new Promise((r) => setTimeout(r, 100));
            }
        }
    }

    it("sends each request where the ALB would, with the request URI unchanged", async function () {
        requireTools(this, "nginx");
        dnsAnswers.set("web", "127.0.0.1");
        dnsAnswers.set("worker-api", "127.0.0.1");
        const port = await startNginx("all");
        const expectations: [string, string | undefined, string, string][] = [
            // [path, Host header, app, URI the app sees]
            ["/devices/abc/def?x=1&y=%2F", undefined, "worker-api", "/devices/abc/def?x=1&y=%2F"],
            ["/devices/", undefined, "worker-api", "/devices/"],
            ["/devices", undefined, "web", "/devices"], // the ALB's /devices/* does not match /devices either
            ["/Devices/x", undefined, "web", "/Devices/x"], // case-sensitive, as on the ALB
            ["/exact", undefined, "worker-api", "/exact"],
            ["/exact/more", undefined, "web", "/exact/more"],
            ["/", undefined, "web", "/"],
            ["/worker-api/x", undefined, "web", "/worker-api/x"], // no /<name>/ prefix routes
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

    it("starts and serves the other apps while one app has no container (its name does not resolve: 502)", async function () {
        requireTools(this, "nginx");
        dnsAnswers.set("web", "127.0.0.1");
        dnsAnswers.delete("worker-api");
        const port = await startNginx("missing-app");
        assert.equal((await get(port, "/nginx-health")).status, 200, "NGINX itself is up");
        const missing = await get(port, "/devices/abc");
        assert.equal(missing.status, 502, `${missing.status} ${missing.body}`);
        const other = await get(port, "/anything");
        assert.equal(other.status, 200);
        assert.equal(JSON.parse(other.body).app, "web");
    });
});
