/**
 * Insert throughput of `device_events` (seed 003 §10.2.2 requires 200 events/s).
 *
 *   npx tsx schema/bench.ts --throwaway            # own throwaway cluster + RDS implementation (needs .ci/setup-postgres.sh)
 *   npx tsx schema/bench.ts --url postgres://...   # a database where schema/apply.ts already ran
 * Options: --rows 100000 --batch 10000. Rows are spread over the last 24 hours (existing partitions), use
 * device ids `bench-*`, and are deleted afterwards. Each batch is one multi-row INSERT ... SELECT FROM
 * unnest($1::timestamptz[], ...) in its own committed transaction, the way an ingesting service would batch.
 */
import { Client, type ClientConfig } from "pg";

export interface ThroughputResult {
    rows: number;
    batchSize: number;
    seconds: number;
    rowsPerSecond: number;
}

const EVENT_TYPES = ["telemetry", "alarm", "status", "heartbeat"];

export async function measureInsertThroughput(client: Client, rows = 100_000, batchSize = 10_000, now: Date = new Date()): Promise<ThroughputResult> {
    const batches: Array<[string[], string[], string[], number[], string[]]> = [];
    for (let start = 0; start < rows; start += batchSize) {
        const n = Math.min(batchSize, rows - start);
        const time: string[] = [];
        const device: string[] = [];
        const type: string[] = [];
        const value: number[] = [];
        const payload: string[] = [];
        for (let k = 0; k < n; k++) {
            const i = start + k;
            time.push(new Date(now.getTime() - 1000 - ((i * 863) % 86_000_000)).toISOString());
            device.push(`bench-${i % 200}`);
            type.push(EVENT_TYPES[i % EVENT_TYPES.length]);
            value.push((i % 1000) / 10);
            payload.push(JSON.stringify({ seq: i, fw: "1.4.2" }));
        }
        batches.push([time, device, type, value, payload]);
    }
    const t0 = process.hrtime.bigint();
    for (const b of batches) {
        await client.query(
            `INSERT INTO public.device_events (time, device_id, event_type, value, payload)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::jsonb[])`,
            b,
        );
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { rows, batchSize, seconds, rowsPerSecond: Math.round(rows / seconds) };
}

export async function deleteBenchRows(client: Client): Promise<void> {
    await client.query("DELETE FROM public.device_events WHERE device_id LIKE 'bench-%'");
}

export function formatThroughput(r: ThroughputResult): string {
    return (
        `device_events insert throughput: ${r.rows} rows in ${r.seconds.toFixed(2)} s = ${r.rowsPerSecond} rows/s ` +
        `(batches of ${r.batchSize}); seed requirement 200 events/s -> ${Math.floor(r.rowsPerSecond / 200)}x headroom`
    );
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const opt = (name: string): string | undefined => {
        const i = argv.indexOf(name);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const rows = Number(opt("--rows") ?? 100_000);
    const batch = Number(opt("--batch") ?? 10_000);
    let stop = (): void => undefined;
    let connection: string | ClientConfig;
    if (argv.includes("--throwaway")) {
        const { startCluster } = await import("./testing/pg-cluster");
        const { applySchema } = await import("./apply");
        const cluster = await startCluster();
        stop = () => cluster.stop();
        cluster.createDatabase("devices");
        connection = cluster.url("devices");
        await applySchema({ engine: "rds", connection });
    } else {
        connection = opt("--url") ?? process.env.DATABASE_URL ?? {};
    }
    const client = new Client(typeof connection === "string" ? { connectionString: connection } : connection);
    try {
        await client.connect();
        const r = await measureInsertThroughput(client, rows, batch);
        console.log(formatThroughput(r));
        await deleteBenchRows(client);
    } finally {
        await client.end().catch(() => undefined);
        stop();
    }
}

if (require.main === module) {
    main().catch((err: Error) => {
        console.error(`schema/bench: ${err.message}`);
        process.exit(1);
    });
}
