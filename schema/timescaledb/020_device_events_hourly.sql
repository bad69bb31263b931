-- TimescaleDB implementation, step 3: the hourly rollup as a continuous aggregate.
-- Contract (schema/contract.ts): same columns as the table in rds/020_device_events_hourly.sql.
-- materialized_only = true: the app sees only refreshed buckets, exactly like the RDS rollup (real-time
-- aggregation would make the two implementations answer differently for the last hours).
-- time_bucket('1 hour') buckets are UTC hours, like date_bin('1 hour', ..., '2000-01-03+00') on RDS.

CREATE MATERIALIZED VIEW IF NOT EXISTS public.device_events_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT time_bucket(INTERVAL '1 hour', time) AS bucket,
       device_id,
       event_type,
       count(*)   AS event_count,
       avg(value) AS value_avg,
       min(value) AS value_min,
       max(value) AS value_max
  FROM public.device_events
 GROUP BY bucket, device_id, event_type
WITH NO DATA;

-- Seed 003 §10.2.2 policy: refresh [now - 3 h, now - 1 h) every 10 minutes.
SELECT add_continuous_aggregate_policy('public.device_events_hourly',
    start_offset      => INTERVAL '3 hours',
    end_offset        => INTERVAL '1 hour',
    schedule_interval => INTERVAL '10 minutes',
    if_not_exists     => true);
