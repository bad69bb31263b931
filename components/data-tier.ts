// Wires the data tier for tiers that have one: the stack's KMS key (where a tier asks for its own),
// RDS PostgreSQL with its application user, the cache, the application secret, the trail the
// rotation events need. Returns the components, what services get (DataTier: secrets by ARN only)
// and the stack outputs they contribute.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config/types";
import { AppDatabaseUser } from "./app-database-user";
import { AuditTrail } from "./audit-trail";
import { Cache } from "./cache";
import { grpcAddresses, namespaceName } from "./service-discovery";
import { DataTier } from "./contracts";
import { recoveryWindowDays } from "./app-secret-document";
import { Database } from "./database";
import { Network } from "./network";
import { AppSecret, DataKey } from "./secrets";

export interface DataTierResult {
    database?: Database;
    cache?: Cache;
    appSecret?: AppSecret;
    data?: DataTier;
    /** Secrets whose rotation restarts services or must alarm when it fails. */
    rotatingSecretArns: pulumi.Output<string>[];
    /** Stack outputs (no secret values: apps read those from the secrets by ARN). */
    outputs: Record<string, unknown>;
}

/**
 * The Fargate tiers' New Relic license key as an SSM SecureString parameter (standard tier, AWS-managed key: free),
 * which ECS reads by ARN for `NEW_RELIC_LICENSE_KEY` (`secrets: { NEW_RELIC_LICENSE_KEY: newrelic }`).
 */
export function newRelicLicenseParameter(settings: Settings): aws.ssm.Parameter | undefined {
    if (settings.newRelicLicenseKey === undefined) return undefined;
    return new aws.ssm.Parameter("newrelic-license-key", {
        name: `/${settings.project}/${settings.stack}/newrelic-license-key`,
        description: `New Relic license key of ${settings.namePrefix} (from the newRelicLicenseKey secret config)`,
        type: "SecureString",
        tier: "Standard",
        value: pulumi.secret(settings.newRelicLicenseKey),
    });
}

export function createDataTier(settings: Settings, network: Network): DataTierResult {
    // Logs of the data tier (RDS exports, the rotation Lambda) follow the services' retention.
    const logRetentionDays = settings.cluster?.logRetentionDays ?? 14;
    const dataKey =
        settings.database?.customerManagedKey || settings.secrets?.customerManagedKey || settings.cache?.customerManagedKey
            ? new DataKey("data-key", { namePrefix: settings.namePrefix, region: settings.region, protect: settings.protectData })
            : undefined;
    const database =
        settings.database &&
        new Database("database", {
            settings: settings.database,
            namePrefix: settings.namePrefix,
            subnetGroupName: network.dbSubnetGroupName!,
            securityGroupIds: [network.securityGroups.database!],
            kmsKeyArn: dataKey?.keyArn,
            logRetentionDays,
            protect: settings.protectData,
            applyImmediately: !settings.protectData,
        });
    const cache =
        settings.cache &&
        new Cache("cache", {
            settings: settings.cache,
            namePrefix: settings.namePrefix,
            subnetGroupName: network.cacheSubnetGroupName!,
            securityGroupIds: [network.securityGroups.cache!],
            kmsKeyArn: dataKey?.keyArn,
            protect: settings.protectData,
            applyImmediately: !settings.protectData,
        });
    // Services connect as their own least-privilege user (alternating-users rotation), never as the
    // master: the RDS-managed master secret stays with operators and the schema runner.
    const appUser =
        database &&
        settings.secrets &&
        new AppDatabaseUser("database-app-user", {
            namePrefix: settings.namePrefix,
            database: {
                endpoint: database.endpoint,
                port: database.port,
                name: database.databaseName,
                instanceArn: database.instanceArn,
                masterSecretArn: database.masterSecretArn,
                masterSecretKmsKeyArn: settings.database!.customerManagedKey ? dataKey?.keyArn : undefined,
                securityGroupId: network.securityGroups.database!,
            },
            network: { vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds },
            kmsKeyArn: settings.secrets.customerManagedKey ? dataKey?.keyArn : undefined,
            rotationDays: settings.secrets.rotationDays,
            logRetentionDays,
            recoveryWindowInDays: recoveryWindowDays(settings.protectData),
            protect: settings.protectData,
        });
    const databaseUserSecretArn = appUser?.secretArn;
    const appSecret =
        settings.secrets &&
        new AppSecret("app-secret", {
            settings: settings.secrets,
            namePrefix: settings.namePrefix,
            region: settings.region,
            kmsKeyArn: dataKey?.keyArn,
            recoveryWindowInDays: recoveryWindowDays(settings.protectData),
            protect: settings.protectData,
            database: database && { host: database.endpoint, port: database.port, dbname: database.databaseName, userSecretArn: databaseUserSecretArn! },
            cache: cache && {
                host: cache.endpoint,
                port: cache.port,
                authToken: cache.authToken,
                replicationGroupId: cache.replicationGroupId,
                replicationGroupArn: cache.replicationGroupArn,
            },
            newrelic:
                settings.newRelicLicenseKey !== undefined
                    ? { licenseKey: pulumi.secret(settings.newRelicLicenseKey), appName: settings.namePrefix }
                    : undefined,
            grpcUrls: grpcAddresses(settings.services, namespaceName(settings.project, settings.stack)),
            logRetentionDays,
        });
    if (!appSecret) return { database, cache, rotatingSecretArns: [], outputs: {} };
    const newRelic = newRelicLicenseParameter(settings);

    if (settings.secrets!.cloudTrail === "create") {
        new AuditTrail("audit-trail", { namePrefix: settings.namePrefix, retentionDays: 90, protectData: settings.protectData });
    }

    const data: DataTier = {
        appSecretArn: appSecret.secretArn,
        databaseSecretArn: databaseUserSecretArn,
        databaseMasterSecretArn: database?.masterSecretArn,
        newRelicParameterArn: newRelic?.arn,
        secretsKmsKeyArn: dataKey?.keyArn,
        databaseEndpoint: database?.endpoint,
        databasePort: database?.port,
        databaseName: database?.databaseName,
        cacheEndpoint: cache?.endpoint,
        cachePort: cache?.port,
        cacheMode: cache?.mode,
        databaseInstanceId: database?.instanceId,
        cacheReplicationGroupId: cache?.replicationGroupId,
        ready: [appSecret.firstVersion, ...(appUser?.ready ?? []), ...(newRelic ? [newRelic] : [])],
    };
    const outputs = Object.fromEntries(
        Object.entries({
            databaseEndpoint: data.databaseEndpoint,
            databasePort: data.databasePort,
            databaseName: data.databaseName,
            databaseSecretArn: data.databaseSecretArn,
            databaseMasterSecretArn: data.databaseMasterSecretArn,
            cacheEndpoint: data.cacheEndpoint,
            cachePort: data.cachePort,
            cacheMode: data.cacheMode,
            appSecretArn: data.appSecretArn,
        }).filter(([, value]) => value !== undefined),
    );
    // Every secret that rotates, the RDS-managed master one included (its failures alarm too).
    const rotatingSecretArns = [
        appSecret.secretArn,
        ...(databaseUserSecretArn ? [databaseUserSecretArn] : []),
        ...(database ? [database.masterSecretArn] : []),
    ];
    return { database, cache, appSecret, data, rotatingSecretArns, outputs };
}
