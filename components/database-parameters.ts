// What the RDS instance is configured with: its parameter group family and parameters, and its
// backup and maintenance windows (clear of each other and of the cache's).
import { DatabaseSettings } from "../config/types";

/** "17" -> "17", "16.4" -> "16". */
export function majorVersion(engineVersion: string): string {
    return engineVersion.split(".")[0];
}

/** RDS parameter group family, e.g. `postgres17`. */
export function postgresFamily(engineVersion: string): string {
    return `postgres${majorVersion(engineVersion)}`;
}

export interface DbParameter {
    name: string;
    value: string;
    /** Static parameters must be `pending-reboot` (RDS refuses `immediate` for them). */
    applyMethod: "immediate" | "pending-reboot";
}

/**
 * The custom parameter group's parameters (seed 003 §10.2.2 without TimescaleDB, which RDS does not
 * offer: see config/validate.ts and AWS-FACTS). Static parameters take effect at the next reboot.
 */
export function postgresParameters(settings: DatabaseSettings): DbParameter[] {
    const params: DbParameter[] = [
        // TLS only: clients that do not negotiate SSL are refused.
        { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
        { name: "max_connections", value: String(settings.maxConnections), applyMethod: "pending-reboot" },
        // kB, as RDS stores it (16MB = 16384).
        { name: "work_mem", value: String(settings.workMemKb), applyMethod: "immediate" },
    ];
    if (settings.preloadLibraries.length > 0) {
        params.push({ name: "shared_preload_libraries", value: settings.preloadLibraries.join(","), applyMethod: "pending-reboot" });
    }
    if (settings.preloadLibraries.includes("pg_cron")) {
        // pg_cron lives in one database; make it the application database so jobs run where the data is.
        params.push({ name: "cron.database_name", value: settings.databaseName, applyMethod: "pending-reboot" });
    }
    return params;
}

/** Daily backup window (UTC), before the weekly maintenance window and clear of the cache's. */
export const RDS_BACKUP_WINDOW = "02:00-03:00";
/** Weekly maintenance window (UTC): after the backup window, never overlapping it. */
export const RDS_MAINTENANCE_WINDOW = "sun:04:00-sun:05:00";
/** Performance Insights retention in days: 7 is the free tier. */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7;
