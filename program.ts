// Composes the platform from the validated stack settings. `main` is a function (not top-level
// statements) so the offline harness can run it once per stack in one process.
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config/load";
import { Settings } from "./config/types";
import { createDataTier } from "./components/data-tier";
import { Network } from "./components/network";
import { createCompute } from "./components/compute";
import { Observability } from "./components/observability";
import { applyCostTags } from "./components/tagging";
import { Host } from "./components/host";
import { EdgeAlarms } from "./components/edge-alarms";
import { loadBalancerServesHttps } from "./components/load-balancer";

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
            edgeOriginPort: settings.edge && settings.loadBalancer ? (loadBalancerServesHttps(settings.loadBalancer) ? 443 : 80) : undefined,
            serviceHttpPorts: httpPorts(settings),
            serviceInternalPorts: internalPorts(settings),
            database: settings.database !== undefined,
            cache: settings.cache !== undefined,
            publicHost: settings.host !== undefined,
        },
    });

    // Data tier: database, cache, application secret (staging, production).
    const { database, cache, data, rotatingSecretArns, outputs: dataOutputs } = createDataTier(settings, network);

    // Load balancer, ECS cluster and Fargate services (staging, production).
    const compute = createCompute(settings, network, data);

    // Zero-cost only: one free-tier EC2 host runs NGINX, the services, Redis and TimescaleDB.
    const host =
        settings.host &&
        new Host("host", {
            settings: settings.host,
            services: settings.services,
            project: settings.project,
            stack: settings.stack,
            region: settings.region,
            namePrefix: settings.namePrefix,
            tags: settings.tags,
            publicSubnetIds: network.publicSubnetIds,
            availabilityZone: network.publicSubnetAzs[0],
            newRelic: settings.newRelicLicenseKey !== undefined ? { licenseKey: settings.newRelicLicenseKey, appName: settings.namePrefix } : undefined,
            securityGroupId: network.securityGroups.host!,
            internetRoute: network.internetRoute,
        });

    // Alarms on whatever the tier runs.
    const observability = new Observability("observability", {
        settings: settings.observability,
        namePrefix: settings.namePrefix,
        region: settings.region,
        loadBalancer: compute && { arnSuffix: compute.loadBalancer.arnSuffix },
        services: compute && {
            clusterName: compute.cluster.name,
            // A service awaiting its first image has no ECS service to watch yet.
            names: Object.fromEntries(
                Object.entries(compute.services)
                    .filter(([, service]) => !service.awaitingImage)
                    .map(([name, service]) => [name, service.serviceName]),
            ),
        },
        database: database && { instanceId: database.instanceId, maxConnections: settings.database!.maxConnections },
        cache: cache && { nodeIds: cache.nodeIds, readerNodeIds: cache.readerNodeIds },
        host: host && { instanceId: host.instanceId },
        edge: compute?.edge && { distributionId: compute.edge.distributionId, webAclName: compute.edge.webAclName },
        rotatingSecretArns,
    });

    // The edge's alarms notify the same topic (or its us-east-1 twin: see components/edge-alarms.ts).
    if (compute?.edge) {
        new EdgeAlarms("edge-alarms", {
            namePrefix: settings.namePrefix,
            region: settings.region,
            distributionId: compute.edge.distributionId,
            topicArn: observability.topicArn,
            alarmEmail: settings.observability.alarmEmail,
            fiveXxPercent: settings.observability.thresholds.edge5xxPercent,
        });
    }

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
