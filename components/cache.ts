// ElastiCache (Valkey by default, Redis OSS selectable) as one replication group (seed 003 §10.2.3,
// seed 001): cluster mode with shards x replicas in production, one shard of 1 + replicas nodes
// otherwise; encrypted at rest and in transit, AUTH token, daily snapshots, slow log to CloudWatch.
//
// Cost (AWS-FACTS, 3P prices): staging 1 x cache.t4g.small; production 6 x cache.r6g.large, about
// $900/month on Redis OSS, about $720 on Valkey (hence the Valkey default).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { generatedSecret } from "./generated-secret";
import { CacheSettings } from "../config/types";
import { GENERATED_SECRET_LENGTH } from "./app-secret-document";
import { CACHE_PORT, cacheFamily, cacheNodeIds, cacheParameters, cacheTopology } from "./cache-layout";
import { physicalName, REPLICATION_GROUP_ID_MAX, SNAPSHOT_NAME_MAX } from "./naming";

export interface CacheArgs {
    settings: CacheSettings;
    /** `<project>-<stack>`: physical names carry it. */
    namePrefix: string;
    /** ElastiCache subnet group of the network's database subnets. */
    subnetGroupName: pulumi.Input<string>;
    /** The network's cache security group (6379 from the services only). */
    securityGroupIds: pulumi.Input<string>[];
    /** Encrypt at rest with the stack's KMS key instead of the AWS-managed one, when it has one. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Pulumi `protect` on the replication group (production). */
    protect: boolean;
    /** Apply modifications now instead of in the maintenance window (false in production). @default false */
    applyImmediately?: boolean;
}

export class Cache extends pulumi.ComponentResource {
    readonly replicationGroupId: pulumi.Output<string>;
    readonly replicationGroupArn: pulumi.Output<string>;
    /** Node (cache cluster) ids: CloudWatch publishes ElastiCache metrics per node. */
    readonly memberClusters: pulumi.Output<string[]>;
    /** The same ids, known before the group exists (for a static number of alarms). */
    readonly nodeIds: string[];
    /** Ids of the nodes that serve reads: each shard's first node in cluster mode, all nodes otherwise. */
    readonly readerNodeIds: string[];
    /** Configuration endpoint in cluster mode (cluster-aware client), primary endpoint otherwise. */
    readonly endpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly mode: "cluster" | "replication-group";
    /**
     * The AUTH token as set at creation (a Pulumi secret), only for the application secret's first
     * version: after a rotation the current token is in the application secret. Never an output.
     */
    readonly authToken?: pulumi.Output<string>;
    readonly slowLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:Cache", name, {}, opts);
        const { settings, namePrefix } = args;
        const parent = { parent: this };
        // Throws on combinations AWS refuses, before anything is declared.
        const topology = cacheTopology(settings);
        const groupId = physicalName(namePrefix, "cache", REPLICATION_GROUP_ID_MAX);
        const family = cacheFamily(settings.engine, settings.engineVersion);

        const parameterGroup = new aws.elasticache.ParameterGroup(
            `${name}-params`,
            {
                name: physicalName(namePrefix, `${family}${settings.clusterMode ? "-cluster" : ""}`, 255),
                family,
                // Name, family and description force a replacement: the description says only what the
                // name already carries, so a replacement never reuses the name of the group it replaces.
                description: `${family} for ${namePrefix}, cluster mode ${settings.clusterMode ? "on" : "off"}`,
                parameters: cacheParameters(settings),
            },
            parent,
        );

        const slowLog = new aws.cloudwatch.LogGroup(
            `${name}-slow-log`,
            {
                // The /aws/vendedlogs/ prefix keeps CloudWatch's log-delivery resource policy small.
                name: `/aws/vendedlogs/elasticache/${groupId}/slow-log`,
                retentionInDays: settings.slowLogRetentionDays,
            },
            parent,
        );
        this.slowLogGroupName = slowLog.name;

        let authToken: pulumi.Output<string> | undefined;
        if (settings.authToken) {
            // 64 alphanumerics: inside AWS's 16-128 printable ASCII and free of / " @ by construction.
            const password = generatedSecret(`${name}-auth-token`, GENERATED_SECRET_LENGTH, parent);
            authToken = pulumi.secret(password.result);
        }
        this.authToken = authToken;

        // Final snapshot names must be new each time (a fixed one collides with an earlier destroy's).
        const snapshotSuffix = settings.finalSnapshot
            ? new random.RandomString(
                  `${name}-final-snapshot`,
                  {
                      length: 8,
                      special: false,
                      upper: false,
                      keepers: {
                          groupId,
                          engine: settings.engine,
                          clusterMode: String(settings.clusterMode),
                          customerManagedKey: String(settings.customerManagedKey),
                      },
                  },
                  parent,
              )
            : undefined;

        const group = new aws.elasticache.ReplicationGroup(
            `${name}-group`,
            {
                replicationGroupId: groupId,
                description: `${settings.engine} for ${namePrefix} (${topology.mode}, ${topology.nodeCount} node${topology.nodeCount === 1 ? "" : "s"})`,
                engine: settings.engine,
                engineVersion: settings.engineVersion,
                autoMinorVersionUpgrade: true,
                nodeType: settings.nodeType,
                port: CACHE_PORT,
                parameterGroupName: parameterGroup.name,
                subnetGroupName: args.subnetGroupName,
                securityGroupIds: args.securityGroupIds,

                clusterMode: topology.clusterMode,
                ...(topology.clusterMode === "enabled"
                    ? { numNodeGroups: topology.numNodeGroups, replicasPerNodeGroup: topology.replicasPerNodeGroup }
                    : { numCacheClusters: topology.numCacheClusters }),
                automaticFailoverEnabled: topology.automaticFailoverEnabled,
                multiAzEnabled: topology.multiAzEnabled,

                // Explicit for both engines: the default is false for redis (true for valkey).
                atRestEncryptionEnabled: true,
                // Its own setting (changing it replaces the group), not a side effect of secrets.customerManagedKey.
                kmsKeyId: settings.customerManagedKey ? args.kmsKeyArn : undefined,
                transitEncryptionEnabled: settings.transitEncryption,
                ...(authToken ? { authToken, authTokenUpdateStrategy: "ROTATE" } : {}),

                snapshotRetentionLimit: settings.snapshotRetentionDays,
                snapshotWindow: settings.snapshotWindow,
                maintenanceWindow: settings.maintenanceWindow,
                finalSnapshotIdentifier:
                    snapshotSuffix && pulumi.interpolate`${physicalName(groupId, "final", SNAPSHOT_NAME_MAX - 9)}-${snapshotSuffix.result}`,
                logDeliveryConfigurations: [
                    {
                        destination: slowLog.name,
                        destinationType: "cloudwatch-logs",
                        logFormat: "json",
                        logType: "slow-log",
                    },
                ],
                applyImmediately: args.applyImmediately ?? false,
            },
            {
                parent: this,
                protect: args.protect,
                // The application-secret rotation Lambda (lambda/rotation) changes the AUTH token with
                // ModifyReplicationGroup; Pulumi's copy of the token then differs from the live one and,
                // without this, the next `pulumi up` would set the old token back and lock out every
                // client holding the rotated one. The live token is the one in the application secret.
                // The strategy goes with it: changing it alone would send the stale original token.
                ignoreChanges: ["authToken", "authTokenUpdateStrategy"],
                // The group id is fixed (its slow-log group is named after it): a replacement deletes
                // the old group first (final snapshot) instead of colliding with it.
                deleteBeforeReplace: true,
            },
        );

        this.mode = topology.mode;
        this.replicationGroupId = group.replicationGroupId;
        this.replicationGroupArn = group.arn;
        this.memberClusters = group.memberClusters;
        this.nodeIds = cacheNodeIds(groupId, topology);
        // Cluster-mode replicas serve no reads unless clients send READONLY (they do not here).
        this.readerNodeIds = topology.clusterMode === "enabled" ? this.nodeIds.filter((id) => id.endsWith("-001")) : this.nodeIds;
        this.endpoint = topology.mode === "cluster" ? group.configurationEndpointAddress : group.primaryEndpointAddress;
        this.port = group.port.apply((port) => port ?? CACHE_PORT);

        this.registerOutputs({
            replicationGroupId: this.replicationGroupId,
            endpoint: this.endpoint,
            port: this.port,
            mode: this.mode,
        });
    }
}
