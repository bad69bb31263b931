// Composes the platform from the validated stack settings. `main` is a function (not top-level
// statements) so the offline harness can run it once per stack in one process.
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config/load";
import { Settings } from "./config/types";
import { DataTier } from "./components/contracts";
import { Cache } from "./components/cache";
import { recoveryWindowDays } from "./components/data-plan";
import { Database } from "./components/database";
import { AppSecret, DataKey } from "./components/secrets";
import { Network } from "./components/network";
import { createCompute } from "./components/compute";
import { Observability } from "./components/observability";
import { applyCostTags } from "./components/tagging";
import { Host } from "./components/host";

function httpPorts(settings: Settings): number[] {
    return [...new Set(settings.services.flatMap((s) => s.ports.filter((p) => p.protocol === "http").map((p) => p.port)))].sort((a, b) => a - b);
}

function internalPorts(settings: Settings): number[] {
    return [...new Set(settings.services.flatMap((s) => s.ports.filter((p) => p.protocol !== "http").map((p) => p.port)))].sort((a, b) => a - b);
}

export async function main(): Promise<Record<string, unknown>> {
    // Validation throws before the first resource is declared.
    const settings = loadSettings();
    applyCostTags(settings.tags);

    const network = new Network("network", {
        settings: settings.network,
        namePrefix: settings.namePrefix,
        chain: {
            loadBalancer: settings.loadBalancer !== undefined,
            serviceHttpPorts: httpPorts(settings),
            serviceInternalPorts: internalPorts(settings),
            database: settings.database !== undefined,
            cache: settings.cache !== undefined,
            publicHost: settings.host !== undefined,
        },
    });

    // --- data (database, cache, application secret) ---
    // Services get secrets by ARN only; the stack's own KMS key exists where a tier asks for one.
    const dataLogRetentionDays = settings.cluster?.logRetentionDays ?? 14;
    const dataKey = settings.database?.customerManagedKey || settings.secrets?.customerManagedKey
        ? new DataKey("data-key", { namePrefix: settings.namePrefix, protect: settings.protectData })
        : undefined;
    const database = settings.database && new Database("database", {
        settings: settings.database,
        namePrefix: settings.namePrefix,
        subnetGroupName: network.dbSubnetGroupName!,
        securityGroupIds: [network.securityGroups.database!],
        kmsKeyArn: dataKey?.keyArn,
        logRetentionDays: dataLogRetentionDays,
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
        logRetentionDays: dataLogRetentionDays,
    });
    const data: DataTier | undefined = appSecret && {
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
    // Stack outputs of the data tier; the AUTH token is its own secret output (cacheAuthToken).
    const dataOutputs = data ? Object.fromEntries(Object.entries({
        databaseEndpoint: data.databaseEndpoint,
        databasePort: data.databasePort,
        databaseName: data.databaseName,
        databaseSecretArn: data.databaseSecretArn,
        cacheEndpoint: data.cacheEndpoint,
        cachePort: data.cachePort,
        cacheMode: data.cacheMode,
        appSecretArn: data.appSecretArn,
        cacheAuthToken: data.cacheAuthToken && pulumi.secret(data.cacheAuthToken),
    }).filter(([, value]) => value !== undefined)) : {};
    // --- end data ---

    // --- compute (load balancer, Fargate services, ECR, Cloud Map) ---
    // Tiers with a load balancer and a cluster only; the zero-cost host block handles url there.
    const compute = createCompute(settings, network, data);
    // --- end compute ---

    // --- zero-cost host ---
    // Tier zero-cost only: one free-tier EC2 host runs NGINX, the services, Redis and TimescaleDB.
    const host = settings.host && new Host("host", {
        settings: settings.host,
        services: settings.services,
        project: settings.project,
        stack: settings.stack,
        region: settings.region,
        namePrefix: settings.namePrefix,
        tags: settings.tags,
        publicSubnetIds: network.publicSubnetIds,
        securityGroupId: network.securityGroups.host!,
    });
    // --- end zero-cost host ---

    // --- observability ---
    const observability = new Observability("observability", {
        settings: settings.observability,
        namePrefix: settings.namePrefix,
        region: settings.region,
        loadBalancer: compute && { arnSuffix: compute.loadBalancer.arnSuffix },
        services: compute && {
            clusterName: compute.cluster.name,
            names: Object.fromEntries(Object.entries(compute.services).map(([name, service]) => [name, service.serviceName])),
        },
        database: database && { instanceId: database.instanceId, maxConnections: settings.database!.maxConnections },
        cache: cache && { memberClusters: cache.memberClusters },
        host: host && { instanceId: host.instanceId },
    });
    // --- end observability ---

    return {
        tier: settings.tier,
        vpcId: network.vpcId,
        publicSubnetIds: pulumi.all(network.publicSubnetIds),
        ...(network.privateSubnetIds.length > 0 ? { privateSubnetIds: pulumi.all(network.privateSubnetIds) } : {}),
        alarmTopicArn: observability.topicArn,
        ...dataOutputs,
        ...(compute?.outputs ?? {}),
        ...(host?.outputs ?? {}),
    };
}
