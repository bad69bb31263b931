-- TimescaleDB implementation, step 1 (self-managed TimescaleDB only: the zero-cost tier's container,
-- the timescale/timescaledb or timescaledb-ha images on EC2, or Tiger Cloud). RDS cannot load
-- timescaledb: use schema/rds/ there (see /work/shared/AWS-FACTS.md).
-- Requires TimescaleDB >= 2.13 (create_hypertable(..., by_range(...)) interface).
-- Applied by schema/apply.ts; every statement is idempotent.

CREATE EXTENSION IF NOT EXISTS timescaledb;
