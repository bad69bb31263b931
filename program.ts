// Composes the platform from the validated stack settings. `main` is a function (not top-level
// statements) so the offline harness can run it once per stack in one process.
import * as pulumi from "@pulumi/pulumi";
import { loadSettings } from "./config/load";
import { Settings } from "./config/types";
import { DataTier } from "./components/contracts";
import { Network } from "./components/network";
import { applyCostTags } from "./components/tagging";

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
    const data = undefined as DataTier | undefined; // the data-tier block below replaces this line
    // --- end data ---

    // --- compute (load balancer, Fargate services, ECR, Cloud Map) ---
    // --- end compute ---

    // --- zero-cost host ---
    // --- end zero-cost host ---

    // --- observability ---
    // --- end observability ---

    return {
        tier: settings.tier,
        vpcId: network.vpcId,
        publicSubnetIds: pulumi.all(network.publicSubnetIds),
        privateSubnetIds: pulumi.all(network.privateSubnetIds),
    };
}
