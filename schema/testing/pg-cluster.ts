/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp directory, start on a free loopback
 * port with pg_cron preloaded, stop and delete it afterwards. Uses the Debian binaries installed by
 * `bash .ci/setup-postgres.sh`. When running as root, the server runs as the `postgres` user
 * (initdb/postgres refuse to run as root).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export const PG_MAJOR = process.env.PG_MAJOR ?? "15";
export const PG_BIN = process.env.PG_BIN ?? `/usr/lib/postgresql/${PG_MAJOR}/bin`;
const EXT_DIR = `/usr/share/postgresql/${PG_MAJOR}/extension`;

export const INSTALL_HINT = "install them with `bash .ci/setup-postgres.sh` (Debian 12: postgresql-15, postgresql-15-partman, postgresql-15-cron)";

/** What is missing for a real-database test run, or an empty list (`tls`: also openssl, for the throwaway CA). */
export function missingPrerequisites(opts: { tls?: boolean } = {}): string[] {
    const missing: string[] = [];
    if (opts.tls && spawnSync("openssl", ["version"]).status !== 0) missing.push("openssl (for the throwaway TLS certificates; Debian package openssl)");
    for (const bin of ["initdb", "pg_ctl", "postgres"]) {
        if (!fs.existsSync(path.join(PG_BIN, bin))) missing.push(path.join(PG_BIN, bin));
    }
    for (const ext of ["pg_partman", "pg_cron"]) {
        if (!fs.existsSync(path.join(EXT_DIR, `${ext}.control`))) missing.push(`${ext} extension (${EXT_DIR}/${ext}.control)`);
    }
    if (process.getuid?.() === 0 && spawnSync("id", ["-u", "postgres"]).status !== 0) {
        missing.push("the `postgres` OS user (needed to run the server when tests run as root)");
    }
    return missing;
}

export interface PgCluster {
    host: string;
    port: number;
    user: string;
    /** The database pg_cron lives in (`cron.database_name`). */
    cronDatabase: string;
    dataDir: string;
    /** libpq/pg connection string for a database of this cluster, as the superuser or as `as`. */
    url(database: string, as?: { user: string; password?: string }): string;
    /** With `tls`: the throwaway CA's certificate (PEM), which signed the server's certificate for 127.0.0.1 and localhost. */
    caCert?: string;
    /** With `tls`: where that PEM file is (for NODE_EXTRA_CA_CERTS). */
    caCertPath?: string;
    /** Creates a database (as the cluster's superuser, via the `postgres` database). */
    createDatabase(name: string): void;
    /** Stops the server (immediate shutdown: the data is thrown away) and removes its directory. Safe to call twice. */
    stop(): void;
    /** The server log, for failure messages. */
    log(): string;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.unref();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const addr = srv.address();
            srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
        });
    });
}

/** Runs a PostgreSQL binary, as `postgres` when we are root. */
function runPg(bin: string, args: string[], asPostgres: boolean): string {
    const file = path.join(PG_BIN, bin);
    const [cmd, argv] = asPostgres ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
    return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: os.tmpdir() });
}

export interface StartOptions {
    /** Loopback port; a free one is picked by default (set PGTEST_PORT to force one, e.g. 55432). */
    port?: number;
    cronDatabase?: string;
    /**
     * Let pg_cron's scheduler actually run jobs. Off by default: tests run the jobs' commands themselves at
     * known times, and a scheduled run at minute :03 or :10 would race with them (partman's maintenance
     * returns early while another run holds its lock). Off means cron.host points at a socket directory where
     * no server listens, so scheduled runs fail to connect and touch nothing.
     */
    runJobs?: boolean;
    /**
     * Password authentication (scram-sha-256) on 127.0.0.1 for every role but the cluster's superuser, which
     * keeps `trust` so the helpers here (createDatabase, url()) need no password. Off: everyone is trusted, so
     * a wrong password would still log in.
     */
    passwordAuth?: boolean;
    /**
     * TLS with a throwaway CA (openssl): `ssl = on`, and TCP connections of other roles without TLS are
     * rejected, like `rds.force_ssl = 1` on RDS. The server certificate names 127.0.0.1 and localhost.
     */
    tls?: boolean;
}

/** A CA and a server certificate it signed, in `dir` (readable by the server's OS user). */
function makeCertificates(dir: string, asPostgres: boolean): { caCert: string; caCertPath: string } {
    fs.mkdirSync(dir, { mode: 0o700 });
    const openssl = (args: string[]): void => {
        execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    };
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl([
        "req",
        "-x509",
        ...ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=pgtest throwaway CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]);
    fs.writeFileSync(path.join(dir, "server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    openssl([
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    fs.chmodSync(path.join(dir, "server.key"), 0o600);
    if (asPostgres) execFileSync("chown", ["-R", "postgres:postgres", dir]);
    const caCertPath = path.join(dir, "ca.crt");
    return { caCert: fs.readFileSync(caCertPath, "utf8"), caCertPath };
}

/** pg_hba.conf for the options (first match wins): the superuser keeps trust, others per passwordAuth/tls. */
export function hbaConf(superuser: string, opts: Pick<StartOptions, "passwordAuth" | "tls">): string {
    const method = opts.passwordAuth ? "scram-sha-256" : "trust";
    const lines = ["local all all trust", `host all ${superuser} 127.0.0.1/32 trust`];
    if (opts.tls) lines.push(`hostssl all all 127.0.0.1/32 ${method}`, "hostnossl all all 127.0.0.1/32 reject");
    else lines.push(`host all all 127.0.0.1/32 ${method}`);
    return `${lines.join("\n")}\n`;
}

export async function startCluster(opts: StartOptions = {}): Promise<PgCluster> {
    const asPostgres = process.getuid?.() === 0;
    const port = opts.port ?? (process.env.PGTEST_PORT ? Number(process.env.PGTEST_PORT) : await freePort());
    const cronDatabase = opts.cronDatabase ?? "postgres";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgtest-"));
    const dataDir = path.join(dir, "data");
    const logFile = path.join(dir, "server.log");
    const user = asPostgres ? "postgres" : os.userInfo().username;
    fs.chmodSync(dir, 0o700);
    if (asPostgres) execFileSync("chown", ["postgres:postgres", dir]);

    let started = false;
    let tls: { caCert: string; caCertPath: string } | undefined;
    const stop = (): void => {
        if (started) {
            try {
                runPg("pg_ctl", ["stop", "-D", dataDir, "-m", "immediate", "-w", "-t", "30"], asPostgres);
            } catch {
                /* already stopped */
            }
            started = false;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    };
    const onExit = (): void => stop();
    process.once("exit", onExit);

    try {
        runPg("initdb", ["-D", dataDir, "-U", user, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asPostgres);
        // Mirrors an RDS parameter group with pg_cron preloaded; UTC like RDS. Loopback and a private socket only.
        const conf = [
            `listen_addresses = '127.0.0.1'`,
            `port = ${port}`,
            `unix_socket_directories = '${dir}'`,
            `shared_preload_libraries = 'pg_cron'`,
            `cron.database_name = '${cronDatabase}'`,
            opts.runJobs ? `cron.host = '${dir}'` : `cron.host = '${path.join(dir, "no-server")}'`,
            `timezone = 'UTC'`,
            `max_connections = 30`,
            `shared_buffers = '128MB'`,
            `logging_collector = off`,
        ];
        if (opts.tls) {
            tls = makeCertificates(path.join(dir, "tls"), asPostgres);
            conf.push(`ssl = on`, `ssl_cert_file = '${path.join(dir, "tls", "server.crt")}'`, `ssl_key_file = '${path.join(dir, "tls", "server.key")}'`);
        }
        fs.appendFileSync(path.join(dataDir, "postgresql.conf"), `\n# pgtest\n${conf.join("\n")}\n`);
        if (opts.passwordAuth || opts.tls) {
            fs.writeFileSync(path.join(dataDir, "pg_hba.conf"), hbaConf(user, opts));
            if (asPostgres) execFileSync("chown", ["postgres:postgres", path.join(dataDir, "pg_hba.conf")]);
        }
        runPg("pg_ctl", ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "30"], asPostgres);
        started = true;
    } catch (err) {
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
        stop();
        process.removeListener("exit", onExit);
        const e = err as { message: string; stderr?: string };
        throw new Error(`could not start a throwaway PostgreSQL: ${e.message}\n${e.stderr ?? ""}\n${log}`, { cause: err });
    }

    const url = (database: string, as?: { user: string; password?: string }): string => {
        const who = as ? `${encodeURIComponent(as.user)}${as.password !== undefined ? `:${encodeURIComponent(as.password)}` : ""}` : encodeURIComponent(user);
        return `postgres://${who}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    };
    return {
        host: "127.0.0.1",
        ...(tls ? { caCert: tls.caCert, caCertPath: tls.caCertPath } : {}),
        port,
        user,
        cronDatabase,
        dataDir,
        url,
        createDatabase(name: string): void {
            runPg(
                "psql",
                [
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    String(port),
                    "-U",
                    user,
                    "-d",
                    "postgres",
                    "-c",
                    `CREATE DATABASE "${name.replace(/"/g, '""')}"`,
                ],
                asPostgres,
            );
        },
        stop(): void {
            stop();
            process.removeListener("exit", onExit);
        },
        log(): string {
            return fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
        },
    };
}
