-- RDS implementation, step 4: pg_cron jobs. Runs in the database named by cron.database_name
-- (RDS default: postgres), which may or may not be the application database; the jobs run in the
-- application database through cron.schedule_in_database (pg_cron >= 1.4; RDS PostgreSQL 12.5+ ships it).
-- Settings: device_schema.app_database = the application database's name.
-- Prerequisite on RDS: shared_preload_libraries includes pg_cron in the DB parameter group (reboot needed);
-- schema/apply.ts checks it before running this file.

CREATE EXTENSION IF NOT EXISTS pg_cron;

-- A job is (re)scheduled only when missing or different, so a rerun writes nothing. Job names carry the
-- application database, so several application databases can share one instance.
--   partman_maintenance: creates the premade partitions and drops expired ones (run_maintenance_proc
--     commits per partition set, so it must be CALLed at top level, which pg_cron does).
--   device_events_hourly_refresh: the seed's continuous aggregate policy (start 3 h, end 1 h, every 10 min).
DO $do$
DECLARE
    v_db  text := current_setting('device_schema.app_database');
    j     record;
BEGIN
    FOR j IN
        SELECT v_db || '.' || v.name AS jobname, v.schedule, v.command
          FROM (VALUES
                ('partman_maintenance', '3 * * * *',
                 'CALL partman.run_maintenance_proc()'),
                ('device_events_hourly_refresh', '*/10 * * * *',
                 'SELECT public.refresh_device_events_hourly(now() - interval ''3 hours'', now() - interval ''1 hour'')')
               ) AS v(name, schedule, command)
    LOOP
        IF NOT EXISTS (SELECT 1 FROM cron.job c
                        WHERE c.jobname = j.jobname AND c.username = current_user
                          AND c.schedule = j.schedule AND c.command = j.command
                          AND c.database = v_db AND c.active) THEN
            -- Upserts on (jobname, username): an existing job keeps its jobid and gets the new definition.
            PERFORM cron.schedule_in_database(j.jobname, j.schedule, j.command, v_db);
        END IF;
    END LOOP;
END
$do$;
