-- RDS implementation, step 2: raw events, natively range-partitioned by day, managed by pg_partman.
-- Contract (schema/contract.ts): same columns as timescaledb/010_device_events.sql.
-- Settings read with current_setting() (set by schema/apply.ts, or by hand with SET before psql -f):
--   device_schema.retention  interval, e.g. '30 days': partitions entirely older than this are dropped
--   device_schema.premake    integer, e.g. 4: daily partitions kept ready ahead of now

CREATE TABLE IF NOT EXISTS public.device_events (
    time        timestamptz      NOT NULL,
    device_id   text             NOT NULL,
    event_type  text             NOT NULL,
    value       double precision,
    payload     jsonb
) PARTITION BY RANGE (time);

-- "Latest events of one device": WHERE device_id = $1 ORDER BY time DESC LIMIT n.
-- Indexes on a partitioned parent are created on every partition, including future ones.
CREATE INDEX IF NOT EXISTS device_events_device_id_time_idx
    ON public.device_events (device_id, time DESC);

-- Same as the index TimescaleDB's create_hypertable creates by default, for time-range scans.
CREATE INDEX IF NOT EXISTS device_events_time_idx
    ON public.device_events (time DESC);

-- Register the partition set once. pg_partman 4.x and 5.x differ here:
--   4.x (Debian 12 ships 4.7.2): create_parent(p_parent_table, p_control, p_type, p_interval, ...),
--        p_type => 'native' for declarative partitioning ('partman' = legacy trigger-based).
--   5.x (current RDS engines): create_parent(p_parent_table, p_control, p_interval, p_type DEFAULT 'range', ...),
--        'native' and trigger-based partitioning were removed.
-- Named arguments keep both calls readable; only the branch for the installed version runs.
-- The first partition starts at now() - retention, so backfilled history (e.g. the seed's shadow-mode
-- migration) lands in real partitions instead of the default partition.
DO $do$
DECLARE
    v_version  text := (SELECT extversion FROM pg_extension WHERE extname = 'pg_partman');
    v_start    text := (date_trunc('day', now()) - current_setting('device_schema.retention')::interval)::text;
    v_premake  int  := current_setting('device_schema.premake')::int;
BEGIN
    IF v_version IS NULL THEN
        RAISE EXCEPTION 'pg_partman is not installed in database %', current_database();
    END IF;
    IF EXISTS (SELECT 1 FROM partman.part_config WHERE parent_table = 'public.device_events') THEN
        RETURN;
    END IF;
    IF split_part(v_version, '.', 1)::int >= 5 THEN
        PERFORM partman.create_parent(p_parent_table => 'public.device_events', p_control => 'time',
                                      p_interval => '1 day', p_type => 'range',
                                      p_premake => v_premake, p_start_partition => v_start);
    ELSE
        PERFORM partman.create_parent(p_parent_table => 'public.device_events', p_control => 'time',
                                      p_type => 'native', p_interval => '1 day',
                                      p_premake => v_premake, p_start_partition => v_start);
    END IF;
END
$do$;

-- Retention and premake are (re)applied on every run; the WHERE clause makes a rerun with the same
-- settings write nothing. retention_keep_table = false drops expired partitions instead of detaching them;
-- infinite_time_partitions keeps premaking even when no new rows arrive (e.g. ingestion paused).
UPDATE partman.part_config
   SET retention = current_setting('device_schema.retention')::interval::text,
       retention_keep_table = false,
       infinite_time_partitions = true,
       premake = current_setting('device_schema.premake')::int
 WHERE parent_table = 'public.device_events'
   AND (retention, retention_keep_table, infinite_time_partitions, premake)
       IS DISTINCT FROM
       (current_setting('device_schema.retention')::interval::text, false, true,
        current_setting('device_schema.premake')::int);
