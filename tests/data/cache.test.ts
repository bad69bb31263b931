// ElastiCache as the real program declares it for staging and production (mocked runs).
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { isValidAuthToken } from "../../components/app-secret-document";
import { runWith, stackRun } from "../helpers/stacks";
import { runRecordingOptions } from "../host/options";
import { assertFinalSnapshotName, mocked, replicationGroup, T } from "./helpers";

const SG = "aws:ec2/securityGroup:SecurityGroup";

describe("data: cache (production)", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("production");
    });

    it("is a cluster-mode Valkey 8.0 group of 2 shards x 2 replicas on cache.r6g.large, with failover and Multi-AZ", () => {
        const g = replicationGroup(capture).inputs;
        assert.deepStrictEqual([g.engine, g.engineVersion, g.nodeType, g.port], ["valkey", "8.0", "cache.r6g.large", 6379]);
        assert.strictEqual(g.clusterMode, "enabled");
        assert.deepStrictEqual([g.numNodeGroups, g.replicasPerNodeGroup], [2, 2]);
        assert.ok(!("numCacheClusters" in g), "numCacheClusters conflicts with numNodeGroups");
        assert.deepStrictEqual([g.automaticFailoverEnabled, g.multiAzEnabled], [true, true]);
    });

    it("uses a custom valkey8 parameter group with cluster-enabled yes", () => {
        const params = find(capture, T.cacheParams, "cache-params").inputs;
        assert.strictEqual(params.family, "valkey8");
        assert.deepStrictEqual(
            params.parameters.find((p: any) => p.name === "cluster-enabled"),
            { name: "cluster-enabled", value: "yes" },
        );
        assert.strictEqual(replicationGroup(capture).inputs.parameterGroupName, params.name);
    });

    it("encrypts at rest with the stack's KMS key, keeps a final snapshot, applies changes in the window, is protected", () => {
        const g = replicationGroup(capture);
        assert.strictEqual(g.inputs.atRestEncryptionEnabled, true);
        assert.strictEqual(g.inputs.kmsKeyId, mocked(T.kmsKey, "data-key-key", "arn"));
        assertFinalSnapshotName(g.inputs.finalSnapshotIdentifier, "platform-production-cache", "cache-final-snapshot");
        assert.strictEqual(g.inputs.applyImmediately, false);
        assert.strictEqual(g.protect, true);
    });

    it("C4: takes the final snapshot's suffix from a RandomString kept for the group's replace-on-change inputs", () => {
        const suffix = find(capture, T.randomString, "cache-final-snapshot");
        assert.deepStrictEqual([suffix.inputs.length, suffix.inputs.special, suffix.inputs.upper], [8, false, false]);
        assert.deepStrictEqual(suffix.inputs.keepers, {
            groupId: "platform-production-cache",
            engine: "valkey",
            clusterMode: "true",
            customerManagedKey: "true",
        });
        assert.strictEqual(suffix.parent, find(capture, "platform:data:Cache", "cache").urn);
    });

    it("sends the slow log to a CloudWatch log group kept 30 days", () => {
        const group = find(capture, T.logGroup, "cache-slow-log").inputs;
        assert.strictEqual(group.retentionInDays, 30);
        assert.deepStrictEqual(replicationGroup(capture).inputs.logDeliveryConfigurations, [
            {
                destination: group.name,
                destinationType: "cloudwatch-logs",
                logFormat: "json",
                logType: "slow-log",
            },
        ]);
    });

    it("hands apps the configuration endpoint (cluster-aware client)", () => {
        assert.match(capture.outputs.cacheEndpoint, /^clustercfg\./);
        assert.strictEqual(capture.outputs.cacheMode, "cluster");
        assert.strictEqual(capture.outputs.cachePort, 6379);
    });
});

describe("data: cache (staging)", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("staging");
    });

    it("is one cache.t4g.small node, cluster mode off, no failover, no Multi-AZ", () => {
        const g = replicationGroup(capture).inputs;
        assert.deepStrictEqual([g.engine, g.nodeType, g.clusterMode, g.numCacheClusters], ["valkey", "cache.t4g.small", "disabled", 1]);
        assert.ok(!("numNodeGroups" in g) && !("replicasPerNodeGroup" in g));
        assert.deepStrictEqual([g.automaticFailoverEnabled, g.multiAzEnabled], [false, false]);
        const params = find(capture, T.cacheParams, "cache-params").inputs;
        assert.deepStrictEqual(params.parameters.find((p: any) => p.name === "cluster-enabled").value, "no");
    });

    it("C4: keeps a final snapshot too, uses the AWS-managed key, applies changes immediately, is not protected, keeps the slow log 3 days", () => {
        const g = replicationGroup(capture);
        assertFinalSnapshotName(g.inputs.finalSnapshotIdentifier, "platform-staging-cache", "cache-final-snapshot");
        assert.deepStrictEqual(find(capture, T.randomString, "cache-final-snapshot").inputs.keepers, {
            groupId: "platform-staging-cache",
            engine: "valkey",
            clusterMode: "false",
            customerManagedKey: "false",
        });
        assert.strictEqual(g.inputs.kmsKeyId, undefined);
        assert.strictEqual(g.inputs.applyImmediately, true);
        assert.strictEqual(g.protect, false);
        assert.strictEqual(find(capture, T.logGroup, "cache-slow-log").inputs.retentionInDays, 3);
    });

    it("hands apps the primary endpoint", () => {
        assert.match(capture.outputs.cacheEndpoint, /^master\./);
        assert.strictEqual(capture.outputs.cacheMode, "replication-group");
    });
});

for (const stack of ["staging", "production"]) {
    describe(`data: cache settings common to every tier (${stack})`, () => {
        let capture: StackCapture;
        before(async () => {
            capture = await stackRun(stack);
        });

        it("sits in the cache subnet group behind the cache security group", () => {
            const g = replicationGroup(capture).inputs;
            assert.strictEqual(g.replicationGroupId, `platform-${stack}-cache`);
            assert.ok(g.description, "description is required");
            assert.strictEqual(g.subnetGroupName, `platform-${stack}-cache`);
            assert.deepStrictEqual(g.securityGroupIds, [mockId(SG, "network-cache")]);
        });

        it("encrypts at rest and in transit and uses a secret AUTH token with the ROTATE strategy", () => {
            const g = replicationGroup(capture);
            assert.deepStrictEqual([g.inputs.atRestEncryptionEnabled, g.inputs.transitEncryptionEnabled], [true, true]);
            assert.ok(g.secretInputs.includes("authToken"), `secret inputs: ${g.secretInputs}`);
            assert.strictEqual(g.inputs.authToken, mocked(T.password, "cache-auth-token", "result"));
            assert.strictEqual(g.inputs.authTokenUpdateStrategy, "ROTATE");
        });

        it("generates the token within AWS's rules: 64 characters, no / \" @", () => {
            const password = find(capture, T.password, "cache-auth-token").inputs;
            assert.strictEqual(password.length, 64);
            assert.strictEqual(password.special, false);
            assert.ok(isValidAuthToken("A".repeat(password.length)));
        });

        it("keeps 7 daily snapshots and uses the seed's windows", () => {
            const g = replicationGroup(capture).inputs;
            assert.deepStrictEqual([g.snapshotRetentionLimit, g.snapshotWindow, g.maintenanceWindow], [7, "01:00-02:00", "sun:03:00-sun:04:00"]);
        });

        it("exports cachePort 6379 and the replication group once", () => {
            assert.strictEqual(capture.outputs.cachePort, 6379);
            assert.strictEqual(ofType(capture, T.cache).length, 1);
        });
    });
}

describe("data: cache options", () => {
    it("redis is selectable: redis7 parameter family, encryption still explicit", async () => {
        const capture = await runWith("staging", { config: { cache: { engine: "redis", engineVersion: "7.1" } } });
        const g = replicationGroup(capture).inputs;
        assert.deepStrictEqual([g.engine, g.engineVersion, g.atRestEncryptionEnabled], ["redis", "7.1", true]);
        assert.strictEqual(find(capture, T.cacheParams, "cache-params").inputs.family, "redis7");
    });

    it("staging with a replica: two nodes, failover and Multi-AZ from settings, still cluster mode off", async () => {
        const capture = await runWith("staging", { config: { cache: { replicasPerShard: 1, automaticFailover: true, multiAz: true } } });
        const g = replicationGroup(capture).inputs;
        assert.deepStrictEqual([g.clusterMode, g.numCacheClusters, g.automaticFailoverEnabled, g.multiAzEnabled], ["disabled", 2, true, true]);
    });

    it("C5: the cache's KMS key follows cache.customerManagedKey only: a stack key for the secrets leaves the cache on the AWS-managed key", async () => {
        const capture = await runWith("staging", { config: { secrets: { customerManagedKey: true } } });
        assert.strictEqual(ofType(capture, T.kmsKey).length, 1, "the stack key exists (for the secrets)");
        assert.strictEqual(find(capture, T.secret, "app-secret-secret").inputs.kmsKeyId, mocked(T.kmsKey, "data-key-key", "arn"));
        assert.strictEqual(replicationGroup(capture).inputs.kmsKeyId, undefined);
        const withCacheKey = await runWith("staging", { config: { cache: { customerManagedKey: true } } });
        assert.strictEqual(replicationGroup(withCacheKey).inputs.kmsKeyId, mocked(T.kmsKey, "data-key-key", "arn"));
    });

    it("C4: the replication group (fixed id) is replaced delete-first, its final snapshot taken before the new one is created", async () => {
        const { options } = await runRecordingOptions("staging");
        const group = options.find((o) => o.type === T.cache && o.name === "cache-group");
        assert.strictEqual(group?.deleteBeforeReplace, true);
    });

    it("D: with AUTH the token is in the app secret only: no cacheAuthToken output", async () => {
        const capture = await stackRun("staging");
        assert.ok(replicationGroup(capture).inputs.authToken, "the group has an AUTH token");
        assert.ok(!("cacheAuthToken" in capture.outputs), `outputs: ${Object.keys(capture.outputs)}`);
    });

    it("without AUTH: no token, no random password, no cacheAuthToken output", async () => {
        const capture = await runWith("staging", { config: { cache: { authToken: false } } });
        const g = replicationGroup(capture).inputs;
        assert.ok(!("authToken" in g) && !("authTokenUpdateStrategy" in g));
        assert.ok(!capture.resources.some((r) => r.name === "cache-auth-token"));
        assert.ok(!("cacheAuthToken" in capture.outputs));
    });
});
