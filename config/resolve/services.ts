// `platform:services` after the merge: each service over the template and its seed, then what one
// value cannot say alone: Fargate cpu/memory pairs, ports and protocols, health checks, scaling
// bounds, custom metrics and where secrets come from.
import { fargateMemoryOptions, FARGATE_CPU_VALUES } from "../aws-limits";
import { describe, mergeChecked, Problems } from "../merge";
import { servicePriorityBlock } from "../priorities";
import { RawConfig, SERVICE_TEMPLATE, ServiceConfig } from "../settings";
import { CheckContext } from "../settings/dsl";
import { services as servicesNode } from "../settings/services";
import { ContainerHealthCheck, SecretReference, ServiceSettings } from "../types";

export type NamedServiceConfig = ServiceConfig & { name: string };

/** Each service: the template, then the tier's seed for that name, then the stack's override. */
export function mergeServices(seeds: RawConfig["services"], override: unknown, problems: Problems): NamedServiceConfig[] {
    if (override !== undefined && (typeof override !== "object" || override === null || Array.isArray(override))) {
        problems.push(`platform:services: ${describe(override)} must be a map of service name to settings`);
        override = undefined;
    }
    const overrides = (override ?? {}) as Record<string, unknown>;
    const names = [...new Set([...Object.keys(seeds), ...Object.keys(overrides)])];
    const result: NamedServiceConfig[] = [];
    for (const name of names) {
        if (!/^[a-z][a-z0-9-]{0,23}$/.test(name)) {
            problems.push(`platform:services.${name}: service names must be lowercase letters, digits and dashes, 1-24 characters, starting with a letter`);
            continue;
        }
        const template = servicesNode.template;
        const base = mergeChecked(`services.${name}`, template, SERVICE_TEMPLATE, seeds[name] ?? {}, problems);
        const merged = mergeChecked(`services.${name}`, template, base, overrides[name], problems) as ServiceConfig;
        if (merged.enabled) result.push({ ...merged, name });
    }
    if (result.length === 0) problems.push("platform:services: at least one service must be enabled");
    return result;
}

function parseSecretReference(text: string): SecretReference | undefined {
    if (text === "newrelic") return { source: "newrelic" };
    const match = /^(app|database)(?::([A-Za-z0-9_.-]+))?$/.exec(text);
    return match ? { source: match[1] as SecretReference["source"], jsonKey: match[2] } : undefined;
}

/** `services.<n>.containerHealthCheck`: "none", "curl", "wget" or an ECS command list. */
function parseContainerHealthCheck(value: unknown): ContainerHealthCheck | undefined {
    if (value === "none" || value === "curl" || value === "wget") return value === "none" ? { kind: "none" } : { kind: value };
    if (Array.isArray(value) && value.length >= 2 && value.every((v) => typeof v === "string" && v !== "") && ["CMD", "CMD-SHELL"].includes(value[0])) {
        return { kind: "command", command: value as string[] };
    }
    return undefined;
}

/** What the stack offers a service besides its own settings. */
export interface ServiceContext extends CheckContext {
    hasLoadBalancer: boolean;
    hasDatabase: boolean;
    hasNewRelic: boolean;
}

export function resolveService(raw: NamedServiceConfig, context: ServiceContext, problems: Problems): ServiceSettings {
    const { tier, traits } = context;
    const name = raw.name;
    const key = (k: string) => `services.${name}.${k}`;
    const fargate = traits.allowedSizes.fargate;

    if (FARGATE_CPU_VALUES.includes(raw.cpu) && !fargateMemoryOptions(raw.cpu).includes(raw.memory)) {
        const options = fargateMemoryOptions(raw.cpu);
        problems.push(
            `platform:${key("memory")}: ${describe(raw.memory)} MiB is not accepted by Fargate with cpu ${raw.cpu}; allowed: ${options[0]}-${options[options.length - 1]} in steps of ${options[1] - options[0]}`,
        );
    }
    if (fargate && (raw.cpu > fargate.maxCpu || raw.memory > fargate.maxMemory)) {
        problems.push(
            `platform:${key("cpu")}/${key("memory")}: ${raw.cpu} CPU / ${raw.memory} MiB exceeds tier ${tier}'s largest task (${fargate.maxCpu} CPU / ${fargate.maxMemory} MiB)`,
        );
    }
    if (raw.ports.length === 0) problems.push(`platform:${key("ports")}: a service needs at least one port, e.g. [{ port: 8080, protocol: http }]`);
    const seen = new Set<number>();
    raw.ports.forEach((p, i) => {
        if (typeof p !== "object" || p === null || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
            problems.push(`platform:${key(`ports[${i}]`)}: ${describe(p)} needs a port from 1 to 65535`);
        } else if (seen.has(p.port)) problems.push(`platform:${key(`ports[${i}]`)}: port ${p.port} is declared twice`);
        else seen.add(p.port);
        if (!["http", "grpc", "tcp"].includes(p?.protocol))
            problems.push(`platform:${key(`ports[${i}].protocol`)}: ${describe(p?.protocol)} is not a protocol; allowed: http, grpc, tcp`);
    });
    const hasHttp = raw.ports.some((p) => p?.protocol === "http");
    if (!hasHttp && (raw.routing.default || raw.routing.paths.length > 0 || raw.routing.hosts.length > 0)) {
        problems.push(
            `platform:${key("routing")}: service ${name} has no http port, so the load balancer cannot route to it; add an http port or remove the routing`,
        );
    }
    if (raw.publicTcp && !raw.ports.some((p) => p?.protocol === "tcp")) {
        problems.push(`platform:${key("publicTcp")}: true but service ${name} declares no tcp port`);
    }
    if (raw.image !== undefined && raw.imageTag !== undefined) {
        problems.push(`platform:${key("imageTag")}: set either image (a full reference) or imageTag (this stack's ECR repository), not both`);
    }
    const healthCheck = parseContainerHealthCheck(raw.containerHealthCheck);
    if (!healthCheck) {
        problems.push(
            `platform:${key("containerHealthCheck")}: ${describe(raw.containerHealthCheck)} must be "none", "curl" (seed 003's command; the image must have curl), "wget" or a command list such as ["CMD", "/app/healthcheck"]`,
        );
    } else if ((healthCheck.kind === "curl" || healthCheck.kind === "wget") && !hasHttp) {
        problems.push(
            `platform:${key("containerHealthCheck")}: ${describe(raw.containerHealthCheck)} probes the http port, and service ${name} has none; use "none" or a command`,
        );
    }

    const s = raw.scaling;
    if (s.min > s.max) problems.push(`platform:${key("scaling")}: min ${s.min} is greater than max ${s.max}`);
    else if (s.desired < s.min || s.desired > s.max)
        problems.push(`platform:${key("scaling.desired")}: ${s.desired} must be within [min, max] = [${s.min}, ${s.max}]`);
    if (s.requestsPerTarget !== undefined && !hasHttp) {
        problems.push(`platform:${key("scaling.requestsPerTarget")}: service ${name} publishes no ALB request count (no http port)`);
    }
    if (s.requestsPerTarget !== undefined && !context.hasLoadBalancer) {
        problems.push(`platform:${key("scaling.requestsPerTarget")}: tier ${tier} has no load balancer to count requests`);
    }
    const secrets: Record<string, SecretReference> = {};
    for (const [env, text] of Object.entries(raw.secrets)) {
        const ref = parseSecretReference(text);
        // The host runs its own database and hands the services its credentials.
        const hasDatabaseSecret = context.hasDatabase || traits.runtime === "host";
        if (!ref) problems.push(`platform:${key(`secrets.${env}`)}: ${describe(text)} must be "app", "app:<json key>", "database:<json key>" or "newrelic"`);
        else if (ref.source === "database" && !hasDatabaseSecret) problems.push(`platform:${key(`secrets.${env}`)}: tier ${tier} has no database secret`);
        else if (ref.source === "newrelic" && !context.hasNewRelic)
            problems.push(`platform:${key(`secrets.${env}`)}: "newrelic" needs the license key: run \`pulumi config set --secret newRelicLicenseKey <key>\``);
        else secrets[env] = ref;
    }
    for (const env of Object.keys(raw.environment)) {
        if (env in raw.secrets) problems.push(`platform:${key(`environment.${env}`)}: also declared in secrets; a variable is either plain or secret`);
    }

    const { enabled: _enabled, ...settings } = raw;
    return {
        ...settings,
        containerHealthCheck: healthCheck ?? { kind: "none" },
        routing: { ...raw.routing, priority: raw.routing.priority ?? servicePriorityBlock(name) },
        secrets,
        scaling: s,
    };
}
