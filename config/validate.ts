// Turns a stack's raw config into typed Settings, or fails with every problem at once. Pure: runs
// before the first resource is declared and is tested without Pulumi. The order: known top-level
// keys and secrets, the tier and region, the merge over the tier's defaults (kinds), each
// declaration's own checks, then what settings say together (config/resolve/*).
import { AWS_REGIONS } from "./aws-limits";
import { describe, mergeChecked, Problems } from "./merge";
import { checkEdgeRouting, checkRouting } from "./resolve/routing";
import { resolveNetwork } from "./resolve/network";
import { resolveCache, resolveDatabase, resolveEdge, resolveHost, resolveLoadBalancer } from "./resolve/sections";
import { mergeServices, resolveService } from "./resolve/services";
import { RawConfig, runChecks, SECRET_KEYS, SETTINGS, tierDefaults, tierHas } from "./settings";
import { allowedList, CheckContext } from "./settings/dsl";
import { isTier, TIERS, traitsOf } from "./tiers";
import { Settings } from "./types";

export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n - ${problems.join("\n - ")}`);
        this.name = "ConfigError";
    }
}

/** What the program read from `pulumi config` (keys without the `platform:` namespace). */
export interface ConfigSource {
    project: string;
    stack: string;
    /** `aws:region` of the stack. */
    region?: string;
    values: Record<string, unknown>;
    /** Keys (without namespace) whose value was given as a secret. */
    secretKeys: string[];
}

const TOP_LEVEL_KEYS = Object.keys(SETTINGS.children);

export function resolveSettings(source: ConfigSource): Settings {
    const problems: Problems = [];
    const values = source.values;

    for (const key of Object.keys(values)) {
        if (!TOP_LEVEL_KEYS.includes(key)) problems.push(`platform:${key} is not a known key; ${allowedList(TOP_LEVEL_KEYS)}`);
    }
    for (const key of SECRET_KEYS) {
        if (values[key] !== undefined && !source.secretKeys.includes(key)) {
            problems.push(`platform:${key} is plain text but must be a secret: run \`pulumi config set --secret ${key} <value>\``);
        }
    }

    const tier = values.tier;
    if (!isTier(tier)) {
        problems.push(`platform:tier: ${describe(values.tier)} is not a tier; ${allowedList(TIERS)}`);
        throw new ConfigError(problems);
    }
    // Required: the certificate check, endpoints and prices all depend on it, and a stack without it
    // would deploy wherever the deploying shell's AWS_REGION points.
    if (source.region === undefined) {
        problems.push("aws:region is not set: run `pulumi config set aws:region <region>` (e.g. us-east-1)");
    } else if (!(AWS_REGIONS as readonly string[]).includes(source.region)) {
        problems.push(`aws:region: ${describe(source.region)} is not an AWS region; ${allowedList(AWS_REGIONS)}`);
    }
    const region = source.region ?? "us-east-1";
    const context: CheckContext = { tier, traits: traitsOf(tier) };

    const defaults = tierDefaults(tier) as unknown as Record<string, unknown>;
    const merged: Record<string, unknown> = {};
    for (const [key, node] of Object.entries(SETTINGS.children)) {
        if (key === "tier" || key === "services") continue;
        if (!tierHas(node, tier)) {
            if (values[key] !== undefined) problems.push(`platform:${key} is not used by tier ${tier}; remove it or choose a tier that has it`);
            continue;
        }
        merged[key] = mergeChecked(key, node, defaults[key], values[key], problems);
    }
    const raw = { ...merged, tier } as RawConfig;
    const services = mergeServices(tierDefaults(tier).services, values.services, problems);
    for (const [key, node] of Object.entries(SETTINGS.children)) {
        if (key !== "services" && key !== "tier") runChecks(key, node, merged[key], context, problems);
    }
    for (const service of services) runChecks(`services.${service.name}`, SETTINGS.children.services.template, service, context, problems);

    const network = resolveNetwork(raw.network, context, problems);
    const serviceContext = {
        ...context,
        hasLoadBalancer: raw.loadBalancer !== undefined,
        hasDatabase: raw.database !== undefined,
        hasNewRelic: raw.newRelicLicenseKey !== undefined,
    };
    const resolvedServices = services.map((s) => resolveService(s, serviceContext, problems));
    checkRouting(resolvedServices, raw.loadBalancer !== undefined, problems);
    checkEdgeRouting(resolvedServices, raw.edge !== undefined, problems);
    const loadBalancer = raw.loadBalancer && resolveLoadBalancer(raw.loadBalancer, context, region, problems);
    const edge = raw.edge && resolveEdge(raw.edge, raw.loadBalancer, problems);
    const database = raw.database && resolveDatabase(raw.database, problems);
    const cache = raw.cache && resolveCache(raw.cache, problems);
    const host = raw.host && resolveHost(raw.host, problems);

    if (problems.length > 0) throw new ConfigError(problems);

    return {
        project: source.project,
        stack: source.stack,
        tier,
        region,
        namePrefix: `${source.project}-${source.stack}`,
        tags: { Project: source.project, Environment: source.stack, Tier: tier, CostCenter: raw.costCenter },
        protectData: context.traits.protectData,
        network,
        services: resolvedServices,
        loadBalancer,
        edge,
        cluster: raw.cluster,
        database,
        cache,
        secrets: raw.secrets,
        host,
        observability: raw.observability,
        newRelicLicenseKey: typeof raw.newRelicLicenseKey === "string" ? raw.newRelicLicenseKey : undefined,
        secretConfigKeys: source.secretKeys,
    };
}
