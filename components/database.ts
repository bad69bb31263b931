// RDS for PostgreSQL (seed 003 §10.2.2): one instance in the database subnets, reachable only from
// the services' security group, TLS enforced, encrypted at rest, with an RDS-managed master password
// whose secret services read by ARN.
//
// Time-series without TimescaleDB: RDS does not offer the timescaledb extension (AWS-FACTS; config
// validation refuses it in preloadLibraries). The RDS-native replacement is pg_partman (native range
// partitions instead of hypertables) + pg_cron (preloaded here, `cron.database_name` = the app
// database) scheduling partition maintenance and the refresh of the hourly roll-up that replaces the
// continuous aggregate. The SQL and its runner live in `schema/` (`schema/rds/`, applied with
// `npx tsx schema/apply.ts --engine rds`), owned separately from this component.
//
// Cost (us-east-1, AWS-FACTS): staging db.t4g.medium single-AZ ~$47/month + 100 GB gp3 $11.50;
// production db.r6g.xlarge Multi-AZ (price unconfirmed) + 500 GB gp3 Multi-AZ $115 (12,000 IOPS and
// 500 MiB/s are the gp3 baseline from 400 GiB: no extra charge), KMS key $1, Performance Insights
// 7-day retention free, enhanced monitoring billed as CloudWatch Logs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DatabaseSettings } from "../config/types";
import { PERFORMANCE_INSIGHTS_RETENTION_DAYS, postgresFamily, postgresParameters, RDS_BACKUP_WINDOW, RDS_MAINTENANCE_WINDOW } from "./database-parameters";
import { physicalName, RDS_IDENTIFIER_MAX, SNAPSHOT_NAME_MAX } from "./naming";

export interface DatabaseArgs {
    settings: DatabaseSettings;
    /** `<project>-<stack>`: physical names carry it so two stacks can share an account. */
    namePrefix: string;
    /** DB subnet group of the network's database subnets. */
    subnetGroupName: pulumi.Input<string>;
    /** The network's database security group (5432 from the services only). */
    securityGroupIds: pulumi.Input<string>[];
    /** The stack's KMS key; required when `settings.customerManagedKey`. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Retention of the exported PostgreSQL log groups. */
    logRetentionDays: number;
    /** Pulumi `protect` on the instance (production). */
    protect: boolean;
    /** Apply modifications now instead of in the maintenance window. @default false */
    applyImmediately?: boolean;
}

export class Database extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly instanceArn: pulumi.Output<string>;
    /** Host name (no port). */
    readonly endpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly databaseName: string;
    /** ARN of the RDS-managed master secret (`username`, `password`). */
    readonly masterSecretArn: pulumi.Output<string>;
    readonly parameterGroupName: pulumi.Output<string>;

    static validateArgs(args: DatabaseArgs): void {
        if (args.settings.customerManagedKey && args.kmsKeyArn === undefined) {
            throw new Error("Database: settings.customerManagedKey is true but no kmsKeyArn was given");
        }
        if (args.settings.preloadLibraries.some((lib) => /timescale/i.test(lib))) {
            throw new Error("Database: timescaledb cannot be preloaded on RDS (use pg_partman + pg_cron; see schema/)");
        }
    }

    constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Database", name, {}, opts);
        Database.validateArgs(args);
        const { settings, namePrefix } = args;
        const parent = { parent: this };
        const identifier = physicalName(namePrefix, "postgres", RDS_IDENTIFIER_MAX);
        const family = postgresFamily(settings.engineVersion);
        const kmsKeyId = settings.customerManagedKey ? args.kmsKeyArn : undefined;

        // Named after the family: a major upgrade creates the new group beside the old one. Name,
        // family and description force a replacement, so the description holds nothing the name
        // does not: a replacement always has a new name and never collides with the group it replaces.
        const parameterGroup = new aws.rds.ParameterGroup(
            `${name}-params`,
            {
                name: physicalName(namePrefix, family, 255),
                family,
                description: `${family} for ${namePrefix}: TLS only, pg_cron, seed sizing`,
                parameters: postgresParameters(settings),
            },
            parent,
        );
        this.parameterGroupName = parameterGroup.name;

        // RDS would create these log groups itself, with no expiry; created first with a retention.
        const logGroups = settings.logExports.map(
            (log) =>
                new aws.cloudwatch.LogGroup(
                    `${name}-log-${log}`,
                    {
                        name: `/aws/rds/instance/${identifier}/${log}`,
                        retentionInDays: args.logRetentionDays,
                    },
                    parent,
                ),
        );

        // The instance starts after its log groups and the monitoring role's policy exist.
        const dependsOn: pulumi.Resource[] = [...logGroups];
        let monitoringRoleArn: pulumi.Output<string> | undefined;
        if (settings.monitoringIntervalSeconds > 0) {
            const role = new aws.iam.Role(
                `${name}-monitoring`,
                {
                    description: `Enhanced monitoring of ${identifier}`,
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "monitoring.rds.amazonaws.com" } }],
                    }),
                },
                parent,
            );
            dependsOn.push(
                new aws.iam.RolePolicyAttachment(
                    `${name}-monitoring`,
                    {
                        role: role.name,
                        policyArn: aws.iam.ManagedPolicy.AmazonRDSEnhancedMonitoringRole,
                    },
                    parent,
                ),
            );
            monitoringRoleArn = role.arn;
        }

        // A final snapshot name unique to this incarnation of the instance: a fixed name would collide
        // with the snapshot an earlier destroy (or a replacement) already left behind. Regenerated
        // when an input that replaces the instance changes.
        const snapshotSuffix = settings.finalSnapshot
            ? new random.RandomString(
                  `${name}-final-snapshot`,
                  {
                      length: 8,
                      special: false,
                      upper: false,
                      keepers: {
                          identifier,
                          engine: "postgres",
                          dbName: settings.databaseName,
                          username: settings.masterUsername,
                          customerManagedKey: String(settings.customerManagedKey),
                      },
                  },
                  parent,
              )
            : undefined;

        const instance = new aws.rds.Instance(
            `${name}-instance`,
            {
                identifier,
                engine: "postgres",
                // A major version only ("17"): RDS picks the newest minor and `autoMinorVersionUpgrade`
                // moves it on; the provider compares by prefix (engineVersionActual "17.x"), so minor
                // upgrades show no diff and no ignoreChanges is needed. Pinning "16.4" would make the next
                // `pulumi up` after an automatic upgrade try to go back: stay on major-only versions.
                engineVersion: settings.engineVersion,
                autoMinorVersionUpgrade: true,
                // A major upgrade is a deliberate operation (new parameter group family, extension
                // updates, ideally blue/green): a config edit alone must not start one.
                allowMajorVersionUpgrade: false,
                instanceClass: settings.instanceClass,
                dbName: settings.databaseName,
                username: settings.masterUsername,
                // RDS generates the password and keeps it in Secrets Manager: it is never in config,
                // state or outputs. Services read `masterUserSecrets[0].secretArn` by ARN.
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: kmsKeyId,
                port: 5432,
                dbSubnetGroupName: args.subnetGroupName,
                vpcSecurityGroupIds: args.securityGroupIds,
                publiclyAccessible: false,
                multiAz: settings.multiAz,
                parameterGroupName: parameterGroup.name,

                storageType: "gp3",
                allocatedStorage: settings.allocatedStorageGb,
                // Storage autoscaling ceiling; the provider ignores allocatedStorage drift from autoscaling.
                maxAllocatedStorage: settings.maxAllocatedStorageGb,
                // Only from 400 GiB and never below the baseline (config validation enforces both).
                ...(settings.iops !== undefined ? { iops: settings.iops } : {}),
                ...(settings.storageThroughput !== undefined ? { storageThroughput: settings.storageThroughput } : {}),
                storageEncrypted: true,
                kmsKeyId,

                backupRetentionPeriod: settings.backupRetentionDays,
                backupWindow: RDS_BACKUP_WINDOW,
                maintenanceWindow: RDS_MAINTENANCE_WINDOW,
                copyTagsToSnapshot: true,
                deletionProtection: settings.deletionProtection,
                skipFinalSnapshot: !settings.finalSnapshot,
                finalSnapshotIdentifier:
                    snapshotSuffix && pulumi.interpolate`${physicalName(identifier, "final", SNAPSHOT_NAME_MAX - 9)}-${snapshotSuffix.result}`,
                // Keep automated backups after deletion when a final snapshot is wanted too.
                deleteAutomatedBackups: !settings.finalSnapshot,

                performanceInsightsEnabled: settings.performanceInsights,
                ...(settings.performanceInsights
                    ? {
                          performanceInsightsRetentionPeriod: PERFORMANCE_INSIGHTS_RETENTION_DAYS,
                          performanceInsightsKmsKeyId: kmsKeyId,
                      }
                    : {}),
                monitoringInterval: settings.monitoringIntervalSeconds,
                monitoringRoleArn,
                enabledCloudwatchLogsExports: settings.logExports,
                applyImmediately: args.applyImmediately ?? false,
            },
            {
                parent: this,
                protect: args.protect,
                dependsOn,
                // The identifier is fixed (the log groups above are named after it): should a change ever
                // replace the instance, the old one goes first (taking its final snapshot), so the new
                // one never collides with it.
                deleteBeforeReplace: true,
            },
        );

        this.instanceId = instance.identifier;
        this.instanceArn = instance.arn;
        this.endpoint = instance.address;
        this.port = instance.port;
        this.databaseName = settings.databaseName;
        this.masterSecretArn = instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn && !pulumi.runtime.isDryRun()) throw new Error(`RDS returned no master user secret for ${identifier}`);
            return arn;
        });

        // RDS rotates its managed secret every 7 days by default; this sets the stack's schedule.
        // A SecretRotation with rotationRules only (no Lambda) on an RDS-managed secret is inferred
        // from the provider docs, not tested against AWS (AWS-FACTS "Secrets and rotation").
        // rotateImmediately false: no password change in the middle of the deployment that created it.
        new aws.secretsmanager.SecretRotation(
            `${name}-master-secret-rotation`,
            {
                secretId: this.masterSecretArn,
                rotationRules: { automaticallyAfterDays: settings.passwordRotationDays },
                rotateImmediately: false,
            },
            parent,
        );

        this.registerOutputs({
            instanceId: this.instanceId,
            endpoint: this.endpoint,
            port: this.port,
            masterSecretArn: this.masterSecretArn,
        });
    }
}
