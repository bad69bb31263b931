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

/** What is missing for a real-database test run, or an empty list. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
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
  /** libpq/pg connection string for a database of this cluster. */
  url(database: string): string;
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
    ].join("\n");
    fs.appendFileSync(path.join(dataDir, "postgresql.conf"), `\n# pgtest\n${conf}\n`);
    runPg("pg_ctl", ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "30"], asPostgres);
    started = true;
  } catch (err) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
    stop();
    process.removeListener("exit", onExit);
    const e = err as { message: string; stderr?: string };
    throw new Error(`could not start a throwaway PostgreSQL: ${e.message}\n${e.stderr ?? ""}\n${log}`);
  }

  const url = (database: string): string => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    host: "127.0.0.1",
    port,
    user,
    cronDatabase,
    dataDir,
    url,
    createDatabase(name: string): void {
      runPg("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "postgres",
        "-c", `CREATE DATABASE "${name.replace(/"/g, '""')}"`], asPostgres);
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
