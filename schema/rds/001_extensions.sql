-- RDS implementation, step 1: extensions in the application database.
-- pg_partman manages the native range partitions of device_events (RDS supports it; TimescaleDB it does not).
-- pg_cron is created separately in the database named by cron.database_name (rds/cron/), because
-- pg_cron can only be created there.
-- Applied by schema/apply.ts; every statement is idempotent.

CREATE SCHEMA IF NOT EXISTS partman;

CREATE EXTENSION IF NOT EXISTS pg_partman WITH SCHEMA partman;
