-- RDS implementation, step 3: the hourly rollup that plays the continuous aggregate's role.
-- Contract (schema/contract.ts): same columns as the continuous aggregate in
-- timescaledb/020_device_events_hourly.sql, and the same semantics as that aggregate with
-- timescaledb.materialized_only = true and the seed's policy (start 3 h, end 1 h, every 10 min):
--   * a pg_cron job (rds/cron/) recomputes only the buckets of the window [now - 3 h, now - 1 h);
--   * rows stay after their raw partitions are dropped by retention, as continuous aggregates do.
-- Why a table and not a MATERIALIZED VIEW with REFRESH ... CONCURRENTLY: a materialized view can only be
-- refreshed whole. At the seed's 200 events/s a 30-day retention holds about 518 million rows, and
-- re-aggregating all of them every 10 minutes (plus the concurrent refresh's diff) cannot finish on a
-- db.t3.medium in 10 minutes. The window refresh below touches about 2 hours (~1.4 million rows).
-- Readers are never blocked: a refresh deletes and re-inserts its window in one transaction (MVCC), and
-- the unique index guarantees one row per (device_id, bucket, event_type), like the view's unique index.

CREATE TABLE IF NOT EXISTS public.device_events_hourly (
    bucket       timestamptz      NOT NULL,
    device_id    text             NOT NULL,
    event_type   text             NOT NULL,
    event_count  bigint           NOT NULL,
    value_avg    double precision,
    value_min    double precision,
    value_max    double precision
);

CREATE UNIQUE INDEX IF NOT EXISTS device_events_hourly_device_id_bucket_event_type_key
    ON public.device_events_hourly (device_id, bucket DESC, event_type);

CREATE INDEX IF NOT EXISTS device_events_hourly_bucket_idx
    ON public.device_events_hourly (bucket DESC);

-- Recomputes every whole hour bucket inside [p_start, p_end) from device_events, like
-- TimescaleDB's refresh_continuous_aggregate(): p_start is rounded up and p_end down to a bucket
-- boundary; NULL means unbounded. Buckets are UTC hours whatever the session time zone (date_bin
-- with a UTC origin, as time_bucket does). Returns the number of rollup rows written.
CREATE OR REPLACE FUNCTION public.refresh_device_events_hourly(p_start timestamptz, p_end timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, public
AS $fn$
DECLARE
    v_origin constant timestamptz := '2000-01-03 00:00:00+00';
    v_start  timestamptz := date_bin('1 hour', p_start, v_origin);
    v_end    timestamptz := date_bin('1 hour', p_end, v_origin);
    v_rows   bigint;
BEGIN
    IF v_start < p_start THEN
        v_start := v_start + interval '1 hour';
    END IF;
    v_start := coalesce(v_start, '-infinity');
    v_end := coalesce(v_end, 'infinity');
    IF v_start >= v_end THEN
        RETURN 0;
    END IF;
    -- Serialise refreshes (cron run + manual run) so two of them never interleave delete and insert.
    PERFORM pg_advisory_xact_lock(hashtext('public.refresh_device_events_hourly'));
    DELETE FROM public.device_events_hourly
     WHERE bucket >= v_start AND bucket < v_end;
    INSERT INTO public.device_events_hourly
           (bucket, device_id, event_type, event_count, value_avg, value_min, value_max)
    SELECT date_bin('1 hour', e.time, v_origin), e.device_id, e.event_type,
           count(*), avg(e.value), min(e.value), max(e.value)
      FROM public.device_events e
     WHERE e.time >= v_start AND e.time < v_end
     GROUP BY 1, 2, 3;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows;
END
$fn$;
