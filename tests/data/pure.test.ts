// The data tier's pure decisions (database-parameters, cache-layout, app-secret-document), without Pulumi.
import * as assert from "assert";
import { physicalName } from "../../components/naming";
import { appSecretDocument, isValidAuthToken, recoveryWindowDays } from "../../components/app-secret-document";
import { cacheFamily, cacheNodeIds, cacheParameters, cacheTopology } from "../../components/cache-layout";
import { majorVersion, postgresFamily, postgresParameters, RDS_BACKUP_WINDOW, RDS_MAINTENANCE_WINDOW } from "../../components/database-parameters";
import { windowsOverlap } from "../../config/windows";
import { TIER_DEFAULTS } from "../../config/settings";
import { CacheSettings, DatabaseSettings } from "../../config/types";
import { captureLogs } from "./helpers";

const { engine: _e, ...stagingDb } = TIER_DEFAULTS.staging.database!;
const database: DatabaseSettings = stagingDb;
const cache = (over: Partial<CacheSettings> = {}): CacheSettings => ({ ...TIER_DEFAULTS.staging.cache!, engine: "valkey", ...over }) as CacheSettings;

describe("data tier: names", () => {
    it("joins prefix and suffix into a valid lowercase name", () => {
        assert.strictEqual(physicalName("platform-staging", "postgres", 63), "platform-staging-postgres");
        assert.strictEqual(physicalName("My_Project--prod", "cache", 40), "my-project-prod-cache");
        assert.strictEqual(physicalName("1st-stack", "cache", 40), "x1st-stack-cache");
    });

    it("shortens too long names with a stable hash, within the limit and without a trailing hyphen", () => {
        const long = physicalName("a-very-long-project-name-for-testing", "production-cache", 40);
        assert.ok(long.length <= 40, long);
        assert.match(long, /^[a-z][a-z0-9-]*[a-z0-9]$/);
        assert.ok(!long.includes("--"));
        assert.strictEqual(long, physicalName("a-very-long-project-name-for-testing", "production-cache", 40));
        assert.notStrictEqual(long, physicalName("a-very-long-project-name-for-testing", "production-cachf", 40));
    });
});

describe("data tier: PostgreSQL", () => {
    it("derives the parameter family from the major version", () => {
        assert.strictEqual(majorVersion("16.4"), "16");
        assert.strictEqual(postgresFamily("17"), "postgres17");
        assert.strictEqual(postgresFamily("16.4"), "postgres16");
    });

    it("marks static parameters pending-reboot and follows the settings", () => {
        const params = postgresParameters({ ...database, maxConnections: 300, workMemKb: 8192, databaseName: "app" });
        assert.deepStrictEqual(
            params.map((p) => `${p.name}=${p.value}/${p.applyMethod}`),
            [
                "rds.force_ssl=1/immediate",
                "max_connections=300/pending-reboot",
                "work_mem=8192/immediate",
                "shared_preload_libraries=pg_stat_statements,pg_cron/pending-reboot",
                "cron.database_name=app/pending-reboot",
            ],
        );
    });

    it("sets no cron.database_name without pg_cron, and no preload list when empty", () => {
        const names = postgresParameters({ ...database, preloadLibraries: [] }).map((p) => p.name);
        assert.deepStrictEqual(names, ["rds.force_ssl", "max_connections", "work_mem"]);
    });

    it("keeps the backup and maintenance windows apart, and detects overlaps", () => {
        assert.ok(!windowsOverlap(RDS_BACKUP_WINDOW, RDS_MAINTENANCE_WINDOW));
        assert.ok(windowsOverlap("02:00-03:00", "sun:02:30-sun:03:30"));
        assert.ok(windowsOverlap("23:30-00:30", "mon:00:00-mon:01:00"), "daily window across midnight");
        assert.ok(windowsOverlap("sat:23:00-sun:01:00", "sun:00:30-sun:02:00"), "weekly window across the week end");
        assert.ok(!windowsOverlap("01:00-02:00", "sun:03:00-sun:04:00"));
        assert.throws(() => windowsOverlap("3am", "02:00-03:00"), /Not a window/);
    });
});

describe("data tier: cache", () => {
    it("derives the parameter family from engine and major version", () => {
        assert.strictEqual(cacheFamily("valkey", "8.0"), "valkey8");
        assert.strictEqual(cacheFamily("valkey", "7.2"), "valkey7");
        assert.strictEqual(cacheFamily("redis", "7.1"), "redis7");
    });

    it("cluster mode: shards x (1 + replicas), failover forced, cluster-enabled yes", () => {
        const settings = cache({ clusterMode: true, shards: 2, replicasPerShard: 2, automaticFailover: true, multiAz: true });
        assert.deepStrictEqual(cacheTopology(settings), {
            mode: "cluster",
            clusterMode: "enabled",
            numNodeGroups: 2,
            replicasPerNodeGroup: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            nodeCount: 6,
        });
        assert.strictEqual(cacheParameters(settings).find((p) => p.name === "cluster-enabled")!.value, "yes");
    });

    it("cluster mode off: one shard of 1 + replicas nodes", () => {
        assert.deepStrictEqual(cacheTopology(cache()), {
            mode: "replication-group",
            clusterMode: "disabled",
            numCacheClusters: 1,
            automaticFailoverEnabled: false,
            multiAzEnabled: false,
            nodeCount: 1,
        });
        assert.strictEqual(cacheParameters(cache()).find((p) => p.name === "cluster-enabled")!.value, "no");
    });

    it("refuses what AWS refuses", () => {
        assert.throws(() => cacheTopology(cache({ clusterMode: true, shards: 2, automaticFailover: false })), /must be true when cache.clusterMode is true/);
        assert.throws(() => cacheTopology(cache({ automaticFailover: true, replicasPerShard: 0 })), /at least one replica/);
        assert.throws(() => cacheTopology(cache({ replicasPerShard: 6, automaticFailover: true })), /from 0 to 5/);
        assert.throws(() => cacheTopology(cache({ multiAz: true })), /multiAz: requires cache.automaticFailover/);
        assert.throws(() => cacheTopology(cache({ transitEncryption: false })), /transit encryption/);
    });

    // Node groups are numbered 0001 to 0090 (ElastiCache API reference, NodeGroup.NodeGroupId); member
    // clusters are <group>-<shard>-<node> in cluster mode, <group>-<node> otherwise.
    it("B13: knows every node id before the group exists, so alarms can watch all of them (4 shards x 3 = 12)", () => {
        const clustered = cacheNodeIds(
            "g",
            cacheTopology(cache({ clusterMode: true, shards: 4, replicasPerShard: 2, automaticFailover: true, multiAz: true })),
        );
        assert.strictEqual(clustered.length, 12);
        assert.strictEqual(new Set(clustered).size, 12);
        assert.deepStrictEqual([clustered[0], clustered[2], clustered[3], clustered[11]], ["g-0001-001", "g-0001-003", "g-0002-001", "g-0004-003"]);
        assert.deepStrictEqual(cacheNodeIds("g", cacheTopology(cache({ replicasPerShard: 2, automaticFailover: true }))), ["g-001", "g-002", "g-003"]);
        assert.deepStrictEqual(cacheNodeIds("g", cacheTopology(cache())), ["g-001"]);
    });

    it("checks AUTH tokens against AWS's rules", () => {
        assert.ok(isValidAuthToken("a".repeat(64)));
        assert.ok(!isValidAuthToken("a".repeat(15)));
        assert.ok(!isValidAuthToken("a".repeat(129)));
        for (const bad of ["/", '"', "@", " "]) assert.ok(!isValidAuthToken(`${"a".repeat(20)}${bad}`), bad);
    });
});

describe("data tier: application secret", () => {
    it("has the seed's shape, without the database password, and leaves out absent parts", () => {
        const full = appSecretDocument({
            database: { host: "db", port: 5432, dbname: "platform", userSecretArn: "arn:db" },
            redis: { host: "cache", port: 6379, authToken: "token", replicationGroupId: "rg" },
            jwtSecret: "jwt",
        });
        assert.deepStrictEqual(Object.keys(full), ["database", "redis", "jwt"]);
        assert.deepStrictEqual(full.jwt, { secret: "jwt", expiresIn: "15m", refreshExpiresIn: "7d" });
        const bare = appSecretDocument({ redis: { host: "cache", port: 6379, replicationGroupId: "rg" }, jwtSecret: "jwt" });
        assert.deepStrictEqual(bare, { redis: { host: "cache", port: 6379, replicationGroupId: "rg" }, jwt: full.jwt });
    });

    it("recovery window: 30 days where data is protected, 7 otherwise", () => {
        assert.deepStrictEqual([recoveryWindowDays(true), recoveryWindowDays(false)], [30, 7]);
    });
});

describe("data helpers: log capture", () => {
    it("captures console and stdout lines (so the log scan can see a leak)", async () => {
        const { lines } = await captureLogs(async () => {
            console.log("one");
            console.warn("two");
            process.stdout.write("three\n");
        });
        assert.deepStrictEqual(lines, ["one", "two", "three\n"]);
    });
});
