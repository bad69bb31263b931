// Wires the data tier for tiers that have one: the stack's KMS key (where a tier asks for its own),
// RDS PostgreSQL, the cache and the application secret. Returns the components, what services get
// (DataTier: secrets by ARN only) and the stack outputs they contribute.
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config/types";
import { Cache } from "./cache";
import { DataTier } from "./contracts";
import { recoveryWindowDays } from "./data-plan";
import { Database } from "./database";
import { Network } from "./network";
import { AppSecret, DataKey } from "./secrets";

export interface DataTierResult {
    database?: Database;
    cache?: Cache;
    data?: DataTier;
    /** Stack outputs; the AUTH token is its own secret output (`cacheAuthToken`). */
    outputs: Record<string, unknown>;
}

export function createDataTier(settings: Settings, network: Network): DataTierResult {
    // Logs of the data tier (RDS exports, the rotation Lambda) follow the services' retention.
    const logRetentionDays = settings.cluster?.logRetentionDays ?? 14;
    const dataKey = settings.database?.customerManagedKey || settings.secrets?.customerManagedKey
        ? new DataKey("data-key", { namePrefix: settings.namePrefix, protect: settings.protectData })
        : undefined;
    const database = settings.database && new Database("database", {
        settings: settings.database,
        namePrefix: settings.namePrefix,
        subnetGroupName: network.dbSubnetGroupName!,
        securityGroupIds: [network.securityGroups.database!],
        kmsKeyArn: dataKey?.keyArn,
        logRetentionDays,
        protect: settings.protectData,
        applyImmediately: !settings.protectData,
    });
    const cache = settings.cache && new Cache("cache", {
        settings: settings.cache,
        namePrefix: settings.namePrefix,
        subnetGroupName: network.cacheSubnetGroupName!,
        securityGroupIds: [network.securityGroups.cache!],
        kmsKeyArn: dataKey?.keyArn,
        protect: settings.protectData,
        applyImmediately: !settings.protectData,
    });
    const appSecret = settings.secrets && new AppSecret("app-secret", {
        settings: settings.secrets,
        namePrefix: settings.namePrefix,
        kmsKeyArn: dataKey?.keyArn,
        recoveryWindowInDays: recoveryWindowDays(settings.protectData),
        protect: settings.protectData,
        database: database && { host: database.endpoint, port: database.port, dbname: database.databaseName, masterSecretArn: database.masterSecretArn },
        cache: cache && { host: cache.endpoint, port: cache.port, authToken: cache.authToken, replicationGroupId: cache.replicationGroupId, replicationGroupArn: cache.replicationGroupArn },
        network: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds },
        logRetentionDays,
    });
    if (!appSecret) return { database, cache, outputs: {} };

    const data: DataTier = {
        appSecretArn: appSecret.secretArn,
        databaseSecretArn: database?.masterSecretArn,
        secretsKmsKeyArn: dataKey?.keyArn,
        databaseEndpoint: database?.endpoint,
        databasePort: database?.port,
        databaseName: database?.databaseName,
        cacheEndpoint: cache?.endpoint,
        cachePort: cache?.port,
        cacheMode: cache?.mode,
        cacheAuthToken: cache?.authToken,
        databaseInstanceId: database?.instanceId,
        cacheReplicationGroupId: cache?.replicationGroupId,
    };
    const outputs = Object.fromEntries(Object.entries({
        databaseEndpoint: data.databaseEndpoint,
        databasePort: data.databasePort,
        databaseName: data.databaseName,
        databaseSecretArn: data.databaseSecretArn,
        cacheEndpoint: data.cacheEndpoint,
        cachePort: data.cachePort,
        cacheMode: data.cacheMode,
        appSecretArn: data.appSecretArn,
        cacheAuthToken: data.cacheAuthToken && pulumi.secret(data.cacheAuthToken),
    }).filter(([, value]) => value !== undefined));
    return { database, cache, data, outputs };
}
