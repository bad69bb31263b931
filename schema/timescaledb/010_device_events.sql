-- TimescaleDB implementation, step 2: raw events in a hypertable with daily chunks.
-- Contract (schema/contract.ts): same columns and indexes as rds/010_device_events.sql.
-- Settings read with current_setting() (set by schema/apply.ts, or by hand with SET before psql -f):
--   device_schema.retention       interval, e.g. '30 days': chunks entirely older than this are dropped
--   device_schema.compress_after  interval, e.g. '7 days': chunks older than this are compressed

CREATE TABLE IF NOT EXISTS public.device_events (
    time        timestamptz      NOT NULL,
    device_id   text             NOT NULL,
    event_type  text             NOT NULL,
    value       double precision,
    payload     jsonb
);

-- Daily chunks, like the RDS implementation's daily partitions. Also creates device_events_time_idx
-- (time DESC), which the RDS implementation creates explicitly.
SELECT create_hypertable('public.device_events', by_range('time', INTERVAL '1 day'), if_not_exists => TRUE);

-- "Latest events of one device": WHERE device_id = $1 ORDER BY time DESC LIMIT n.
CREATE INDEX IF NOT EXISTS device_events_device_id_time_idx
    ON public.device_events (device_id, time DESC);

-- Compression: segment by device so per-device reads of old data stay cheap. ALTER TABLE ... SET
-- (timescaledb.compress) fails once compressed chunks exist, so it only runs while compression is off.
DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                    WHERE hypertable_schema = 'public' AND hypertable_name = 'device_events'
                      AND compression_enabled) THEN
        ALTER TABLE public.device_events SET (
            timescaledb.compress,
            timescaledb.compress_segmentby = 'device_id',
            timescaledb.compress_orderby = 'time DESC'
        );
    END IF;
END
$do$;

-- Policies. add_*_policy(..., if_not_exists => true) keeps an existing policy even when its interval
-- differs (it only warns), so a changed setting removes the old policy first; same setting: no change.
DO $do$
DECLARE
    v_retention      interval := current_setting('device_schema.retention')::interval;
    v_compress_after interval := current_setting('device_schema.compress_after')::interval;
BEGIN
    IF EXISTS (SELECT 1 FROM timescaledb_information.jobs
                WHERE proc_name = 'policy_retention'
                  AND hypertable_schema = 'public' AND hypertable_name = 'device_events'
                  AND (config ->> 'drop_after')::interval IS DISTINCT FROM v_retention) THEN
        PERFORM remove_retention_policy('public.device_events', if_exists => true);
    END IF;
    PERFORM add_retention_policy('public.device_events', drop_after => v_retention, if_not_exists => true);

    IF EXISTS (SELECT 1 FROM timescaledb_information.jobs
                WHERE proc_name = 'policy_compression'
                  AND hypertable_schema = 'public' AND hypertable_name = 'device_events'
                  AND (config ->> 'compress_after')::interval IS DISTINCT FROM v_compress_after) THEN
        PERFORM remove_compression_policy('public.device_events', if_exists => true);
    END IF;
    PERFORM add_compression_policy('public.device_events', compress_after => v_compress_after,
                                   if_not_exists => true);
END
$do$;
