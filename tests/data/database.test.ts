// RDS PostgreSQL as the real program declares it for staging and production (mocked runs).
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { windowsOverlap } from "../../config/windows";
import { stackRun } from "../helpers/stacks";
import { runRecordingOptions } from "../host/options";
import { assertFinalSnapshotName, mocked, rds, T } from "./helpers";

const SG = "aws:ec2/securityGroup:SecurityGroup";

describe("data: database (staging)", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("staging");
    });

    it("is a private PostgreSQL 17 instance in the DB subnet group behind the database security group", () => {
        const db = rds(capture).inputs;
        assert.strictEqual(db.identifier, "platform-staging-postgres");
        assert.deepStrictEqual([db.engine, db.engineVersion, db.instanceClass, db.port], ["postgres", "17", "db.t4g.medium", 5432]);
        assert.strictEqual(db.publiclyAccessible, false);
        assert.strictEqual(db.dbSubnetGroupName, "platform-staging-database");
        assert.deepStrictEqual(db.vpcSecurityGroupIds, [mockId(SG, "network-database")]);
        assert.deepStrictEqual([db.dbName, db.username], ["platform", "platform_admin"]);
    });

    it("is single-AZ with 100 GB gp3 autoscaling to 500 GB and no provisioned IOPS (below 400 GiB)", () => {
        const db = rds(capture).inputs;
        assert.deepStrictEqual([db.multiAz, db.storageType, db.allocatedStorage, db.maxAllocatedStorage], [false, "gp3", 100, 500]);
        assert.ok(!("iops" in db) && !("storageThroughput" in db), "no iops/throughput below 400 GiB");
    });

    it("C4: keeps 7 days of backups, encrypts with the AWS-managed key, no deletion protection, but a final snapshot like every tier", () => {
        const db = rds(capture).inputs;
        assert.strictEqual(db.backupRetentionPeriod, 7);
        assert.strictEqual(db.storageEncrypted, true);
        assert.strictEqual(db.kmsKeyId, undefined);
        assert.strictEqual(db.deletionProtection, false);
        assert.strictEqual(db.skipFinalSnapshot, false);
        assertFinalSnapshotName(db.finalSnapshotIdentifier, "platform-staging-postgres", "database-final-snapshot");
        assert.strictEqual(db.deleteAutomatedBackups, false);
        assert.strictEqual(rds(capture).protect, false);
    });

    it("has no Performance Insights, enhanced monitoring or log exports", () => {
        const db = rds(capture).inputs;
        assert.deepStrictEqual([db.performanceInsightsEnabled, db.monitoringInterval, db.enabledCloudwatchLogsExports], [false, 0, []]);
        assert.strictEqual(db.monitoringRoleArn, undefined);
        assert.ok(!capture.resources.some((r) => r.name === "database-monitoring"));
    });

    it("lets RDS manage the master password (no password anywhere) and rotates its secret every 30 days", () => {
        const db = rds(capture).inputs;
        assert.strictEqual(db.manageMasterUserPassword, true);
        assert.ok(!("password" in db) && !("passwordWo" in db));
        const rotation = find(capture, T.rotation, "database-master-secret-rotation").inputs;
        assert.strictEqual(rotation.secretId, capture.outputs.databaseMasterSecretArn);
        assert.strictEqual(rotation.secretId, mocked(T.rds, "database-instance", "masterUserSecrets", { manageMasterUserPassword: true })[0].secretArn);
        assert.deepStrictEqual(rotation.rotationRules, { automaticallyAfterDays: 30 });
        assert.strictEqual(rotation.rotationLambdaArn, undefined, "RDS-managed rotation: schedule only, no Lambda");
    });
});

describe("data: database (production)", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("production");
    });
    const keyArn = mocked(T.kmsKey, "data-key-key", "arn");

    it("is Multi-AZ db.r6g.xlarge with 500 GB gp3 at the 12,000 IOPS / 500 MiB/s baseline, autoscaling to 1 TB", () => {
        const db = rds(capture).inputs;
        assert.strictEqual(db.identifier, "platform-production-postgres");
        assert.deepStrictEqual([db.multiAz, db.instanceClass], [true, "db.r6g.xlarge"]);
        assert.deepStrictEqual([db.storageType, db.allocatedStorage, db.maxAllocatedStorage, db.iops, db.storageThroughput], ["gp3", 500, 1000, 12000, 500]);
    });

    it("encrypts storage, Performance Insights and the master secret with the stack's own KMS key", () => {
        const db = rds(capture).inputs;
        assert.strictEqual(db.storageEncrypted, true);
        assert.strictEqual(db.kmsKeyId, keyArn);
        assert.strictEqual(db.performanceInsightsKmsKeyId, keyArn);
        assert.strictEqual(db.masterUserSecretKmsKeyId, keyArn);
        const key = find(capture, T.kmsKey, "data-key-key");
        assert.deepStrictEqual([key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays, key.protect], [true, 30, true]);
        assert.strictEqual(find(capture, T.kmsAlias, "data-key-alias").inputs.name, "alias/platform-production-data");
    });

    it("keeps 30 days of backups, deletion protection, a final snapshot, and Pulumi protect", () => {
        const db = rds(capture);
        assert.strictEqual(db.inputs.backupRetentionPeriod, 30);
        assert.strictEqual(db.inputs.deletionProtection, true);
        assert.strictEqual(db.inputs.skipFinalSnapshot, false);
        assertFinalSnapshotName(db.inputs.finalSnapshotIdentifier, "platform-production-postgres", "database-final-snapshot");
        assert.strictEqual(db.inputs.deleteAutomatedBackups, false);
        assert.strictEqual(db.protect, true);
    });

    it("turns on Performance Insights (7 days, free), 60 s enhanced monitoring with its role, and log exports with retention", () => {
        const db = rds(capture).inputs;
        assert.deepStrictEqual([db.performanceInsightsEnabled, db.performanceInsightsRetentionPeriod], [true, 7]);
        assert.strictEqual(db.monitoringInterval, 60);
        assert.strictEqual(db.monitoringRoleArn, mocked(T.role, "database-monitoring", "arn"));
        const role = find(capture, T.role, "database-monitoring");
        assert.strictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service, "monitoring.rds.amazonaws.com");
        assert.strictEqual(
            find(capture, T.attachment, "database-monitoring").inputs.policyArn,
            "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        );
        assert.deepStrictEqual(db.enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
        for (const log of ["postgresql", "upgrade"]) {
            const group = find(capture, T.logGroup, `database-log-${log}`).inputs;
            assert.strictEqual(group.name, `/aws/rds/instance/platform-production-postgres/${log}`);
            assert.strictEqual(group.retentionInDays, 30);
        }
    });

    it("rotates the RDS-managed master secret every 30 days (schedule only)", () => {
        const rotation = find(capture, T.rotation, "database-master-secret-rotation").inputs;
        assert.strictEqual(rotation.secretId, capture.outputs.databaseMasterSecretArn);
        assert.deepStrictEqual(rotation.rotationRules, { automaticallyAfterDays: 30 });
        assert.strictEqual(rotation.rotationLambdaArn, undefined);
        assert.match(capture.outputs.databaseMasterSecretArn, /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:rds!db-/);
    });
});

for (const stack of ["staging", "production"]) {
    describe(`data: database settings common to every tier (${stack})`, () => {
        let capture: StackCapture;
        before(async () => {
            capture = await stackRun(stack);
        });

        it("uses a postgres17 parameter group: TLS forced, seed sizing, pg_cron in the app database", () => {
            const group = find(capture, T.rdsParams, "database-params").inputs;
            assert.strictEqual(group.family, "postgres17");
            assert.strictEqual(group.name, `platform-${stack}-postgres17`);
            // C4: name, family and description force a replacement; the description says nothing the
            // name does not (no engine version), so a replacement always comes with a new name.
            assert.strictEqual(group.description, `postgres17 for platform-${stack}: TLS only, pg_cron, seed sizing`);
            assert.strictEqual(rds(capture).inputs.parameterGroupName, group.name);
            const params = Object.fromEntries(group.parameters.map((p: any) => [p.name, [p.value, p.applyMethod]]));
            assert.deepStrictEqual(params, {
                "rds.force_ssl": ["1", "immediate"],
                max_connections: ["200", "pending-reboot"],
                work_mem: ["16384", "immediate"],
                shared_preload_libraries: ["pg_stat_statements,pg_cron", "pending-reboot"],
                "cron.database_name": ["platform", "pending-reboot"],
            });
            assert.ok(!JSON.stringify(group).includes("timescale"));
        });

        it("has backup and maintenance windows that do not overlap", () => {
            const db = rds(capture).inputs;
            assert.ok(db.backupWindow && db.maintenanceWindow);
            assert.ok(!windowsOverlap(db.backupWindow, db.maintenanceWindow), `${db.backupWindow} vs ${db.maintenanceWindow}`);
        });

        it("copies tags to snapshots, upgrades minors automatically and never majors on its own", () => {
            const db = rds(capture).inputs;
            assert.deepStrictEqual([db.copyTagsToSnapshot, db.autoMinorVersionUpgrade, db.allowMajorVersionUpgrade], [true, true, false]);
            assert.strictEqual(db.applyImmediately, stack !== "production");
        });

        it("publishes endpoint, port, database name and the master secret ARN", () => {
            assert.strictEqual(capture.outputs.databaseEndpoint, mocked(T.rds, "database-instance", "address", { identifier: `platform-${stack}-postgres` }));
            assert.strictEqual(capture.outputs.databasePort, 5432);
            assert.strictEqual(capture.outputs.databaseName, "platform");
            assert.strictEqual(ofType(capture, T.rds).length, 1);
            assert.strictEqual(
                capture.outputs.databaseMasterSecretArn,
                mocked(T.rds, "database-instance", "masterUserSecrets", { manageMasterUserPassword: true })[0].secretArn,
            );
        });

        it("B10: databaseSecretArn is the application user's secret, not the RDS master's", () => {
            const userSecret = find(capture, T.secret, "database-app-user-secret");
            assert.strictEqual(userSecret.inputs.namePrefix, `platform-${stack}/db-app-user-`);
            assert.strictEqual(
                capture.outputs.databaseSecretArn,
                mocked(T.secret, "database-app-user-secret", "arn", { namePrefix: `platform-${stack}/db-app-user-` }),
            );
            assert.notStrictEqual(capture.outputs.databaseSecretArn, capture.outputs.databaseMasterSecretArn);
        });

        it("C4: names the final snapshot from a RandomString kept for the instance's replace-on-change inputs", () => {
            const suffix = find(capture, T.randomString, "database-final-snapshot");
            assert.deepStrictEqual([suffix.inputs.length, suffix.inputs.special, suffix.inputs.upper], [8, false, false]);
            assert.deepStrictEqual(suffix.inputs.keepers, {
                identifier: `platform-${stack}-postgres`,
                engine: "postgres",
                dbName: "platform",
                username: "platform_admin",
                customerManagedKey: String(stack === "production"),
            });
        });
    });
}

describe("data: database replacement", () => {
    it("C4: the instance (fixed identifier) is replaced delete-first, taking its final snapshot before the new one is created", async () => {
        const { options } = await runRecordingOptions("staging");
        const instance = options.find((o) => o.type === T.rds && o.name === "database-instance");
        assert.strictEqual(instance?.deleteBeforeReplace, true);
    });
});
