// ElastiCache (Valkey by default, Redis OSS selectable) as one replication group (seed 003 §10.2.3,
// seed 001): cluster mode with shards x replicas in production, one shard of 1 + replicas nodes
// otherwise; encrypted at rest and in transit, AUTH token, daily snapshots, slow log to CloudWatch.
//
// Cost (AWS-FACTS, 3P prices): staging 1 x cache.t4g.small; production 6 x cache.r6g.large, about
// $900/month on Redis OSS, about $720 on Valkey (hence the Valkey default).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { generatedSecret } from "./generated-secret";
import { CacheSettings } from "../config/types";
import {
    CACHE_PORT, cacheFamily, cacheParameters, cacheTopology, GENERATED_SECRET_LENGTH, physicalName,
    REPLICATION_GROUP_ID_MAX, SNAPSHOT_NAME_MAX,
} from "./data-plan";

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
    /** Configuration endpoint in cluster mode (cluster-aware client), primary endpoint otherwise. */
    readonly endpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly mode: "cluster" | "replication-group";
    /** The AUTH token as set at creation (a Pulumi secret); undefined without AUTH. */
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

        const parameterGroup = new aws.elasticache.ParameterGroup(`${name}-params`, {
            name: physicalName(namePrefix, `${family}${settings.clusterMode ? "-cluster" : ""}`, 255),
            family,
            description: `${settings.engine} ${settings.engineVersion} for ${namePrefix}, cluster mode ${settings.clusterMode ? "on" : "off"}`,
            parameters: cacheParameters(settings),
        }, parent);

        const slowLog = new aws.cloudwatch.LogGroup(`${name}-slow-log`, {
            // The /aws/vendedlogs/ prefix keeps CloudWatch's log-delivery resource policy small.
            name: `/aws/vendedlogs/elasticache/${groupId}/slow-log`,
            retentionInDays: settings.slowLogRetentionDays,
        }, parent);
        this.slowLogGroupName = slowLog.name;

        let authToken: pulumi.Output<string> | undefined;
        if (settings.authToken) {
            // 64 alphanumerics: inside AWS's 16-128 printable ASCII and free of / " @ by construction.
            const password = generatedSecret(`${name}-auth-token`, GENERATED_SECRET_LENGTH, parent);
            authToken = pulumi.secret(password.result);
        }
        this.authToken = authToken;

        const group = new aws.elasticache.ReplicationGroup(`${name}-group`, {
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
            kmsKeyId: args.kmsKeyArn,
            transitEncryptionEnabled: settings.transitEncryption,
            ...(authToken ? { authToken, authTokenUpdateStrategy: "ROTATE" } : {}),

            snapshotRetentionLimit: settings.snapshotRetentionDays,
            snapshotWindow: settings.snapshotWindow,
            maintenanceWindow: settings.maintenanceWindow,
            finalSnapshotIdentifier: settings.finalSnapshot ? physicalName(groupId, "final", SNAPSHOT_NAME_MAX) : undefined,
            logDeliveryConfigurations: [{
                destination: slowLog.name,
                destinationType: "cloudwatch-logs",
                logFormat: "json",
                logType: "slow-log",
            }],
            applyImmediately: args.applyImmediately ?? false,
        }, {
            parent: this,
            protect: args.protect,
            // The application-secret rotation Lambda (lambda/rotation) changes the AUTH token with
            // ModifyReplicationGroup; Pulumi's copy of the token then differs from the live one and,
            // without this, the next `pulumi up` would set the old token back and lock out every
            // client holding the rotated one. The live token is the one in the application secret.
            ignoreChanges: ["authToken"],
        });

        this.mode = topology.mode;
        this.replicationGroupId = group.replicationGroupId;
        this.replicationGroupArn = group.arn;
        this.memberClusters = group.memberClusters;
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
