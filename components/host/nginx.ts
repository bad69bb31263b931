/**
 * NGINX on the zero-cost host: the load balancer's routing of the other tiers, translated.
 * Pure. Each app's `paths` (ALB path patterns) and `hosts` (ALB host-header patterns) become NGINX
 * locations and server blocks in the ALB's rule order, the request URI is proxied unchanged, and the
 * default app takes the rest.
 *
 * Upstream names are resolved per request through Docker's embedded DNS (127.0.0.11) via a variable
 * in `proxy_pass`: NGINX starts, and `nginx -t` passes, when an app's container does not exist (its
 * routes answer 502 until it does), and a recreated container's new address is followed.
 */
import { HostApp, HostBootConfig, resolveBootConfig } from "./boot-config";

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
    return /^[A-Za-z0-9_/.~@:+&^$*\\=-]+$/.test(value) ? value : `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
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
    const r = resolveBootConfig(config);
    const apps = r.config.apps;
    const proxy = (match: string, app: HostApp): string[] => {
        const variable = `$upstream_${app.name.replace(/-/g, "_")}`;
        return [`    location ${match} {`, `        set ${variable} http://${app.name}:${app.port};`, `        proxy_pass ${variable};`, "    }"];
    };
    const routes = (upTo: number): PathRoute[] => apps.slice(0, upTo).flatMap((app) => (app.paths ?? []).map((pattern) => ({ app, pattern })));
    const locations = (upTo: number, fallback: HostApp): string[] => [
        ...pathLocations(routes(upTo)).flatMap(({ match, app }) => proxy(match, app)),
        ...proxy("/", fallback),
    ];
    const health = ["    location = /nginx-health {", "        access_log off;", "        default_type text/plain;", '        return 200 "ok\\n";', "    }"];
    // ^~: ACME HTTP-01 challenges are NGINX's own, whatever the apps' patterns (port 80 only).
    const acme = ["    location ^~ /.well-known/acme-challenge/ {", "        root /var/www/acme;", "    }"];
    const common = [...health, ...acme];
    const defaultApp = apps.find((a) => a.name === r.config.defaultApp)!;
    const servers = hostServers(apps);
    const listen = r.tls ? "443 ssl" : "80";

    const lines = [
        "# Rendered by components/host/nginx.ts",
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
    lines.push("", "server {", `    listen ${listen} default_server;`, "    server_name _;", ...hsts, ...common, ...locations(apps.length, defaultApp), "}");
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
