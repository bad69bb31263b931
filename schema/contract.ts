/**
 * The application-facing contract of the devices service's time-series schema, defined once.
 *
 * Both implementations (`schema/timescaledb/*.sql` for any self-managed TimescaleDB, `schema/rds/*.sql`
 * for RDS PostgreSQL with pg_partman + pg_cron) must expose exactly these relations and columns, in this
 * order and with these types; tests/schema/*.test.ts parse both SQL trees and check the real catalog
 * against this file. The app may rely on nothing else (not on hypertables, partitions or jobs).
 */

export type Engine = "rds" | "timescaledb";
export const ENGINES: readonly Engine[] = ["rds", "timescaledb"];

export interface ColumnSpec {
    name: string;
    /** Type as PostgreSQL's `format_type()` prints it, so it can be compared with the catalog. */
    type: string;
    notNull: boolean;
}

/** Raw events: one row per device event (seed 003 §10.2.2: 200 events/s). */
export const DEVICE_EVENTS = "device_events";
export const DEVICE_EVENTS_COLUMNS: readonly ColumnSpec[] = [
    { name: "time", type: "timestamp with time zone", notNull: true },
    { name: "device_id", type: "text", notNull: true },
    { name: "event_type", type: "text", notNull: true },
    { name: "value", type: "double precision", notNull: false },
    { name: "payload", type: "jsonb", notNull: false },
];

/**
 * Hourly rollup: a TimescaleDB continuous aggregate, or on RDS a plain table refreshed by a pg_cron job.
 * Nullability is not part of the contract here: a continuous aggregate reports every column as nullable.
 */
export const DEVICE_EVENTS_HOURLY = "device_events_hourly";
export const DEVICE_EVENTS_HOURLY_COLUMNS: readonly ColumnSpec[] = [
    { name: "bucket", type: "timestamp with time zone", notNull: true },
    { name: "device_id", type: "text", notNull: true },
    { name: "event_type", type: "text", notNull: true },
    { name: "event_count", type: "bigint", notNull: true },
    { name: "value_avg", type: "double precision", notNull: false },
    { name: "value_min", type: "double precision", notNull: false },
    { name: "value_max", type: "double precision", notNull: false },
];

/** Index serving "latest events of one device" (`WHERE device_id = $1 ORDER BY time DESC LIMIT n`). */
export const LATEST_EVENTS_INDEX = "device_events_device_id_time_idx";

/** Seed 003 §10.2.2 refresh policy of `device_events_hourly`; the RDS pg_cron job uses the same window. */
export const ROLLUP_POLICY = {
    startOffset: "3 hours",
    endOffset: "1 hour",
    scheduleInterval: "10 minutes",
    /** pg_cron spelling of scheduleInterval. */
    cronSchedule: "*/10 * * * *",
} as const;

/** Runner parameters and their defaults. */
export interface SchemaSettings {
    /** Raw events older than this are dropped (whole partitions / chunks). @default "30 days" */
    retention: string;
    /** RDS only: daily partitions created ahead of time by pg_partman. @default 4 */
    premake: number;
    /** TimescaleDB only: chunks older than this are compressed. @default "7 days" */
    compressAfter: string;
}

export const DEFAULT_SETTINGS: SchemaSettings = {
    retention: "30 days",
    premake: 4,
    compressAfter: "7 days",
};

/**
 * Names of the custom settings (GUCs) the SQL files read with `current_setting(...)`; the runner sets them
 * per session, so the SQL stays plain and can also be run with psql after `SET device_schema.retention = ...`.
 */
export const SETTING_GUCS = {
    retention: "device_schema.retention",
    premake: "device_schema.premake",
    compressAfter: "device_schema.compress_after",
    appDatabase: "device_schema.app_database",
} as const;

/** pg_cron job names (RDS); suffixed with the app database so several databases can share one instance. */
export function cronJobNames(appDatabase: string): { maintenance: string; rollup: string } {
    return {
        maintenance: `${appDatabase}.partman_maintenance`,
        rollup: `${appDatabase}.device_events_hourly_refresh`,
    };
}
