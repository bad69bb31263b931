// Wires the compute tier together for tiers that have a load balancer and a cluster: the ALB (and an
// NLB for public TCP ports), the ECS cluster with its Cloud Map namespace, and one Fargate service
// per configured service. Returns the components and the stack outputs they contribute.
import * as pulumi from "@pulumi/pulumi";
import { Settings } from "../config/types";
import { Cluster } from "./cluster";
import { discoveryEnvironment, grpcAddresses } from "./service-discovery";
import { DataTier } from "./contracts";
import { FargateService } from "./fargate-service";
import { LoadBalancer } from "./load-balancer";
import { Edge } from "./edge";
import { Network } from "./network";
import { RedeployOnRotation } from "./redeploy-on-rotation";

export interface Compute {
    loadBalancer: LoadBalancer;
    edge?: Edge;
    cluster: Cluster;
    services: Record<string, FargateService>;
    /** Restarts the services that read a secret after it rotates; undefined without a data tier or secrets. */
    redeployOnRotation?: RedeployOnRotation;
    /** `<service>.<namespace>:<port>` per gRPC service (also in every container as `<SERVICE>_GRPC_ADDRESS`). */
    grpcAddresses: Record<string, string>;
    /** What this tier adds to the stack outputs. */
    outputs: {
        url: pulumi.Output<string>;
        httpsEnabled: boolean;
        /** The distribution's `*.cloudfront.net` name and id (for invalidations). */
        cdnDomainName?: pulumi.Output<string>;
        distributionId?: pulumi.Output<string>;
        albDnsName: pulumi.Output<string>;
        clusterName: pulumi.Output<string>;
        serviceNames: pulumi.Output<Record<string, string>>;
        ecrRepositoryUrls: pulumi.Output<Record<string, string>>;
        serviceDiscoveryNamespace: string;
    };
}

/** The compute tier, or undefined for tiers without a load balancer and cluster (zero-cost). */
export function createCompute(settings: Settings, network: Network, data: DataTier | undefined): Compute | undefined {
    if (!settings.loadBalancer || !settings.cluster) return undefined;
    const albSg = network.securityGroups.loadBalancer;
    const servicesSg = network.securityGroups.services;
    if (!albSg || !servicesSg) throw new Error("the network has no load-balancer/services security groups: build it with chain.loadBalancer true");

    const loadBalancer = new LoadBalancer("alb", {
        settings: settings.loadBalancer,
        services: settings.services,
        namePrefix: settings.namePrefix,
        protectData: settings.protectData,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        publicSubnetCidrs: settings.network.subnets.public,
        securityGroupId: albSg,
        servicesSecurityGroupId: servicesSg,
        behindEdge: settings.edge !== undefined,
    });
    const edge =
        settings.edge &&
        new Edge("edge", {
            settings: settings.edge,
            namePrefix: settings.namePrefix,
            region: settings.region,
            // HTTPS to the origin by the name its certificate covers (validate.ts requires one then).
            // Without a certificate, the load balancer's own DNS name over HTTP: the header then crosses
            // the internet in clear text (README "The edge"); with one, the name it covers.
            origin: {
                domainName: loadBalancer.httpsEnabled && settings.loadBalancer.domainName ? settings.loadBalancer.domainName : loadBalancer.dnsName,
                https: loadBalancer.httpsEnabled,
                idleTimeoutSeconds: settings.loadBalancer.idleTimeoutSeconds,
            },
            originSecret: loadBalancer.edgeSecret!,
            logRetentionDays: settings.cluster.logRetentionDays,
        });
    const cluster = new Cluster("cluster", {
        settings: settings.cluster,
        namePrefix: settings.namePrefix,
        project: settings.project,
        stack: settings.stack,
        vpcId: network.vpcId,
    });
    const environment = discoveryEnvironment(settings.services, cluster.namespaceName);

    const services: Record<string, FargateService> = {};
    for (const service of settings.services) {
        services[service.name] = new FargateService(service.name, {
            service,
            namePrefix: settings.namePrefix,
            region: settings.region,
            protectData: settings.protectData,
            cluster: {
                arn: cluster.arn,
                name: cluster.name,
                capacityProviderStrategy: cluster.capacityProviderStrategy,
                dependsOn: [cluster.capacityProviders],
                logRetentionDays: settings.cluster.logRetentionDays,
                ecrKeepImages: settings.cluster.ecrKeepImages,
            },
            network: { privateSubnetIds: network.privateSubnetIds, securityGroupId: servicesSg },
            targets: loadBalancer.targets[service.name] ?? [],
            loadBalancerDependsOn: loadBalancer.routing,
            albArnSuffix: loadBalancer.arnSuffix,
            discovery: { namespaceId: cluster.namespaceId },
            environment,
            data,
            newRelicParameterArn: data?.newRelicParameterArn,
        });
    }

    const redeployOnRotation = data && redeployOnSecretRotation(settings, cluster, services, data);

    const byService = (pick: (s: FargateService) => pulumi.Output<string>) =>
        pulumi.all(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, pick(s)]))) as pulumi.Output<Record<string, string>>;
    return {
        loadBalancer,
        edge,
        cluster,
        services,
        redeployOnRotation,
        grpcAddresses: grpcAddresses(settings.services, cluster.namespaceName),
        outputs: {
            url: edge ? edge.url : loadBalancer.url,
            httpsEnabled: edge ? true : loadBalancer.httpsEnabled,
            ...(edge ? { cdnDomainName: edge.domainName, distributionId: edge.distributionId } : {}),
            albDnsName: loadBalancer.dnsName,
            clusterName: cluster.name,
            serviceNames: byService((s) => s.serviceName),
            ecrRepositoryUrls: byService((s) => s.repositoryUrl),
            serviceDiscoveryNamespace: cluster.namespaceName,
        },
    };
}

/**
 * ECS reads `secrets` only when a task starts: after the app secret or the RDS master secret rotates,
 * the services reading it are given a new deployment (see components/redeploy-on-rotation.ts).
 * Undefined when no service reads a secret the data tier has.
 */
function redeployOnSecretRotation(
    settings: Settings,
    cluster: Cluster,
    services: Record<string, FargateService>,
    data: DataTier,
): RedeployOnRotation | undefined {
    // Secrets that rotate (the New Relic key does not).
    const arnOf: Record<string, pulumi.Output<string> | undefined> = { app: data.appSecretArn, database: data.databaseSecretArn };
    const readers = settings.services
        .filter((service) => services[service.name].serviceArn !== undefined)
        .map((service) => ({
            service,
            sources: [...new Set(Object.values(service.secrets).map((ref) => ref.source))].filter((source) => arnOf[source] !== undefined),
        }))
        .filter(({ sources }) => sources.length > 0);
    if (readers.length === 0) return undefined;
    const sources = [...new Set(readers.flatMap((r) => r.sources))].sort();
    return new RedeployOnRotation("redeploy", {
        namePrefix: settings.namePrefix,
        clusterName: cluster.name,
        clusterArn: cluster.arn,
        services: readers.map(({ service }) => ({ name: services[service.name].serviceName, arn: services[service.name].serviceArn! })),
        secretArns: sources.map((source) => arnOf[source]!),
        logRetentionDays: settings.cluster!.logRetentionDays,
    });
}
