// Turns a stack's raw config into typed Settings, or fails with every problem at once. Pure: runs
// before the first resource is declared and is tested without Pulumi.
import { FREE_TIER_EC2_TYPES, NAT_INSTANCE_TYPES } from "./allowed-sizes";
import { ALLOWED_SIZES, Tier, TIERS } from "./tiers";
import {
    ALB_IDLE_TIMEOUT_SECONDS, ALB_TLS12_POLICIES, AWS_REGIONS, AZ_IDS_WITHOUT_FARGATE, DEREGISTRATION_DELAY_SECONDS,
    EXAMPLE_ACCOUNT_IDS, FARGATE_CPU_VALUES, fargateMemoryOptions, LOG_RETENTION_DAYS, parseArn,
} from "./aws-limits";
import { servicePriorityBlock, PRIORITY_BLOCKS } from "./priorities";
import { cidrContains, cidrsOverlap, parseCidr, seedSubnetLayout } from "./cidr";
import { RawConfig, SECRET_KEYS, SERVICE_TEMPLATE, ServiceConfig, TIER_DEFAULTS } from "./defaults";
import { describe, mergeChecked, Problems } from "./merge";
import { routingPatternProblem } from "./routing";
import { windowsOverlap } from "./windows";
import {
    CacheSettings, ContainerHealthCheck, DatabaseSettings, HostSettings, LoadBalancerSettings, NatStrategy, NetworkSettings,
    SecretReference, ServiceSettings, Settings,
} from "./types";

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

const NAT_STRATEGIES: NatStrategy[] = ["none", "single", "per-az", "instance"];
const TIER_SECTIONS = ["loadBalancer", "cluster", "database", "cache", "secrets", "host"] as const;
const TOP_LEVEL_KEYS = [...Object.keys(TIER_DEFAULTS.production), "host", ...SECRET_KEYS];

const oneOf = (values: readonly unknown[]) => `allowed: ${values.join(", ")}`;

function checkInteger(problems: Problems, key: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
        problems.push(`platform:${key}: ${describe(value)} must be a whole number from ${min} to ${max}`);
    }
}

function checkOneOf(problems: Problems, key: string, value: unknown, allowed: readonly unknown[], why = ""): void {
    if (!allowed.includes(value)) problems.push(`platform:${key}: ${describe(value)} is not accepted${why}; ${oneOf(allowed)}`);
}

/** CloudWatch Logs takes only the retention periods in LOG_RETENTION_DAYS. */
function checkRetention(problems: Problems, key: string, value: number): void {
    checkOneOf(problems, key, value, LOG_RETENTION_DAYS, " by CloudWatch Logs as a retention period");
}

export function resolveSettings(source: ConfigSource): Settings {
    const problems: Problems = [];
    const values = source.values;

    for (const key of Object.keys(values)) {
        if (!TOP_LEVEL_KEYS.includes(key)) {
            problems.push(`platform:${key} is not a known key; ${oneOf(TOP_LEVEL_KEYS)}`);
        }
    }
    for (const key of SECRET_KEYS) {
        if (values[key] !== undefined && !source.secretKeys.includes(key)) {
            problems.push(`platform:${key} is plain text but must be a secret: run \`pulumi config set --secret ${key} <value>\``);
        }
    }

    const tier = values.tier as Tier;
    if (!TIERS.includes(tier)) {
        problems.push(`platform:tier: ${describe(values.tier)} is not a tier; ${oneOf(TIERS)}`);
        throw new ConfigError(problems);
    }
    // Required: the certificate check, endpoints and prices all depend on it, and a stack without it
    // would deploy wherever the deploying shell's AWS_REGION points.
    if (source.region === undefined) {
        problems.push("aws:region is not set: run `pulumi config set aws:region <region>` (e.g. us-east-1)");
    } else if (!(AWS_REGIONS as readonly string[]).includes(source.region)) {
        problems.push(`aws:region: ${describe(source.region)} is not an AWS region; ${oneOf(AWS_REGIONS)}`);
    }
    const region = source.region ?? "us-east-1";
    const defaults = TIER_DEFAULTS[tier];
    for (const section of TIER_SECTIONS) {
        if (values[section] !== undefined && defaults[section] === undefined) {
            problems.push(`platform:${section} is not used by tier ${tier}; remove it or choose a tier that has it`);
        }
    }

    const merged: Record<string, unknown> = {};
    for (const key of Object.keys(defaults) as (keyof RawConfig)[]) {
        if (key === "services") continue;
        merged[key] = mergeChecked(key, defaults[key], values[key], problems);
    }
    const raw = merged as unknown as RawConfig;
    const services = mergeServices(defaults.services, values.services, problems);

    const network = resolveNetwork(raw.network, tier, problems);
    const hasNewRelic = values.newRelicLicenseKey !== undefined;
    const resolvedServices = services.map((s) => resolveService(s, tier, raw, hasNewRelic, problems));
    checkRouting(resolvedServices, raw.loadBalancer !== undefined, problems);
    const loadBalancer = raw.loadBalancer && resolveLoadBalancer(raw.loadBalancer, tier, region, problems);
    const database = raw.database && resolveDatabase(raw.database, tier, problems);
    const cache = raw.cache && resolveCache(raw.cache, tier, problems);
    const host = raw.host && resolveHost(raw.host, problems);
    if (raw.cluster) {
        checkRetention(problems, "cluster.logRetentionDays", raw.cluster.logRetentionDays);
        // The lifecycle policy's countNumber: at least 1 (ECR lifecycle policy rules).
        checkInteger(problems, "cluster.ecrKeepImages", raw.cluster.ecrKeepImages, 1, 1000);
    }
    if (raw.secrets) {
        checkInteger(problems, "secrets.rotationDays", raw.secrets.rotationDays, 1, 365);
        checkOneOf(problems, "secrets.cloudTrail", raw.secrets.cloudTrail, ["create", "existing"],
            " (EventBridge receives rotation events only from a CloudTrail trail logging management events in the region)");
    }
    const email = raw.observability.alarmEmail;
    if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        problems.push(`platform:observability.alarmEmail: ${describe(email)} is not an email address`);
    }
    for (const [name, value] of Object.entries(raw.observability.thresholds)) {
        if (typeof value !== "number" || value < 0) problems.push(`platform:observability.thresholds.${name}: ${describe(value)} must be a number >= 0`);
    }

    if (problems.length > 0) throw new ConfigError(problems);

    return {
        project: source.project,
        stack: source.stack,
        tier,
        region,
        namePrefix: `${source.project}-${source.stack}`,
        tags: { Project: source.project, Environment: source.stack, Tier: tier, CostCenter: raw.costCenter },
        protectData: tier === "production",
        network,
        services: resolvedServices,
        loadBalancer,
        cluster: raw.cluster,
        database,
        cache,
        secrets: raw.secrets && { ...raw.secrets, cloudTrail: raw.secrets.cloudTrail as "create" | "existing" },
        host,
        observability: raw.observability,
        newRelicLicenseKey: typeof values.newRelicLicenseKey === "string" ? values.newRelicLicenseKey : undefined,
        secretConfigKeys: source.secretKeys,
    };
}

function mergeServices(defaults: RawConfig["services"], override: unknown, problems: Problems): ServiceConfig[] {
    if (override !== undefined && (typeof override !== "object" || override === null || Array.isArray(override))) {
        problems.push(`platform:services: ${describe(override)} must be a map of service name to settings`);
        override = undefined;
    }
    const overrides = (override ?? {}) as Record<string, unknown>;
    const names = [...new Set([...Object.keys(defaults), ...Object.keys(overrides)])];
    const result: ServiceConfig[] = [];
    for (const name of names) {
        if (!/^[a-z][a-z0-9-]{0,23}$/.test(name)) {
            problems.push(`platform:services.${name}: service names must be lowercase letters, digits and dashes, 1-24 characters, starting with a letter`);
            continue;
        }
        const base = mergeChecked(`services.${name}`, SERVICE_TEMPLATE, defaults[name] ?? {}, problems);
        const merged = mergeChecked(`services.${name}`, base, overrides[name], problems) as ServiceConfig & { name: string };
        if (merged.enabled) result.push({ ...merged, name } as ServiceConfig & { name: string });
    }
    if (result.length === 0) problems.push("platform:services: at least one service must be enabled");
    return result;
}

function resolveNetwork(raw: RawConfig["network"], tier: Tier, problems: Problems): NetworkSettings {
    const privateSubnets = tier !== "zero-cost";
    const vpc = parseCidr(raw.vpcCidr);
    if (!vpc) problems.push(`platform:network.vpcCidr: ${describe(raw.vpcCidr)} is not an IPv4 CIDR block like 10.0.0.0/16 (host bits must be zero)`);
    else if (vpc.prefix < 16 || vpc.prefix > 24) problems.push(`platform:network.vpcCidr: ${describe(raw.vpcCidr)} must have a prefix from /16 to /24 (AWS VPC limits)`);

    const minAzs = tier === "zero-cost" ? 1 : 2;
    if (!Number.isInteger(raw.azCount) || raw.azCount < minAzs || raw.azCount > 3) {
        problems.push(`platform:network.azCount: ${describe(raw.azCount)} must be ${minAzs === 2 ? "2 or 3" : "1, 2 or 3"}` +
            (tier === "zero-cost" ? "" : ` (tier ${tier} needs at least 2 AZs for the ALB, Multi-AZ RDS and cache subnet groups)`));
    }
    const nat = raw.nat as NatStrategy;
    if (!NAT_STRATEGIES.includes(nat)) problems.push(`platform:network.nat: ${describe(raw.nat)} is not a NAT choice; ${oneOf(NAT_STRATEGIES)}`);
    else if (tier === "zero-cost" && nat !== "none") problems.push(`platform:network.nat: ${describe(nat)} is not free; tier zero-cost allows only "none"`);
    else if (tier !== "zero-cost" && nat === "none") problems.push(`platform:network.nat: "none" leaves tier ${tier}'s private subnets without egress (image pulls fail); allowed: single, per-az, instance`);
    if (!(NAT_INSTANCE_TYPES as readonly string[]).includes(raw.natInstanceType)) {
        problems.push(`platform:network.natInstanceType: ${describe(raw.natInstanceType)} is not allowed; ${oneOf(NAT_INSTANCE_TYPES)}`);
    }
    checkRetention(problems, "network.flowLogs.retentionDays", raw.flowLogs.retentionDays);
    const zoneIds = raw.availabilityZoneIds;
    if (zoneIds !== undefined) {
        if (zoneIds.length !== raw.azCount) problems.push(`platform:network.availabilityZoneIds: ${describe(zoneIds)} must list exactly network.azCount (${raw.azCount}) zone ids`);
        if (new Set(zoneIds).size !== zoneIds.length) problems.push(`platform:network.availabilityZoneIds: ${describe(zoneIds)} lists a zone twice`);
        zoneIds.forEach((id, i) => {
            if (typeof id !== "string" || !/^[a-z]{2,5}\d+-az\d+$/.test(id)) {
                problems.push(`platform:network.availabilityZoneIds[${i}]: ${describe(id)} is not a zone id like use1-az1 (aws ec2 describe-availability-zones shows ZoneId)`);
            } else if ((AZ_IDS_WITHOUT_FARGATE as readonly string[]).includes(id)) {
                problems.push(`platform:network.availabilityZoneIds[${i}]: ${id} has no ARM64 (Graviton) Fargate and no current Graviton families; choose another zone`);
            }
        });
    }

    const azCount = Math.max(1, Math.min(3, Math.floor(raw.azCount) || 1));
    let subnets = raw.subnets ?? (vpc ? seedSubnetLayout(vpc, azCount) : { public: [], private: [], database: [] });
    if (!privateSubnets) subnets = { public: subnets.public, private: [], database: [] };
    if (vpc) {
        const all: { key: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
        for (const group of ["public", "private", "database"] as const) {
            const list = subnets[group] ?? [];
            const needed = group === "public" || privateSubnets ? azCount : 0;
            if (!Array.isArray(list) || list.length !== needed) {
                problems.push(`platform:network.subnets.${group}: needs exactly ${needed} CIDR${needed === 1 ? "" : "s"} (one per AZ), got ${describe(list)}`);
                continue;
            }
            list.forEach((text, i) => {
                const key = `network.subnets.${group}[${i}]`;
                const cidr = parseCidr(text);
                if (!cidr) problems.push(`platform:${key}: ${describe(text)} is not an IPv4 CIDR block`);
                else if (!cidrContains(vpc, cidr)) problems.push(`platform:${key}: ${text} does not fit in the VPC ${raw.vpcCidr}${raw.subnets ? "" : "; the default layout needs a /19 or larger VPC: set network.subnets explicitly"}`);
                else if (cidr.prefix > 28) problems.push(`platform:${key}: ${text} is smaller than /28, the smallest AWS subnet`);
                else {
                    const clash = all.find((other) => cidrsOverlap(other.cidr, cidr));
                    if (clash) problems.push(`platform:${key}: ${text} overlaps platform:${clash.key}`);
                    all.push({ key, cidr });
                }
            });
        }
    }
    return {
        vpcCidr: raw.vpcCidr,
        azCount,
        availabilityZoneIds: zoneIds,
        nat,
        natInstanceType: raw.natInstanceType,
        privateSubnets,
        subnets,
        flowLogs: raw.flowLogs,
    };
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

function resolveService(raw: ServiceConfig & { name?: string }, tier: Tier, config: RawConfig, hasNewRelic: boolean, problems: Problems): ServiceSettings {
    const name = raw.name as string;
    const key = (k: string) => `services.${name}.${k}`;
    const fargate = ALLOWED_SIZES[tier].fargate;

    if (!FARGATE_CPU_VALUES.includes(raw.cpu)) {
        problems.push(`platform:${key("cpu")}: ${describe(raw.cpu)} is not a Fargate CPU value; ${oneOf(FARGATE_CPU_VALUES)}`);
    } else if (!fargateMemoryOptions(raw.cpu).includes(raw.memory)) {
        const options = fargateMemoryOptions(raw.cpu);
        problems.push(`platform:${key("memory")}: ${describe(raw.memory)} MiB is not accepted by Fargate with cpu ${raw.cpu}; allowed: ${options[0]}-${options[options.length - 1]} in steps of ${options[1] - options[0]}`);
    }
    if (fargate && (raw.cpu > fargate.maxCpu || raw.memory > fargate.maxMemory)) {
        problems.push(`platform:${key("cpu")}/${key("memory")}: ${raw.cpu} CPU / ${raw.memory} MiB exceeds tier ${tier}'s largest task (${fargate.maxCpu} CPU / ${fargate.maxMemory} MiB)`);
    }
    if (raw.architecture !== "ARM64" && raw.architecture !== "X86_64") {
        problems.push(`platform:${key("architecture")}: ${describe(raw.architecture)} is not a Fargate architecture; allowed: ARM64, X86_64`);
    }
    if (raw.ports.length === 0) problems.push(`platform:${key("ports")}: a service needs at least one port, e.g. [{ port: 8080, protocol: http }]`);
    const seen = new Set<number>();
    raw.ports.forEach((p, i) => {
        if (typeof p !== "object" || p === null || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
            problems.push(`platform:${key(`ports[${i}]`)}: ${describe(p)} needs a port from 1 to 65535`);
        } else if (seen.has(p.port)) problems.push(`platform:${key(`ports[${i}]`)}: port ${p.port} is declared twice`);
        else seen.add(p.port);
        if (!["http", "grpc", "tcp"].includes(p?.protocol)) problems.push(`platform:${key(`ports[${i}].protocol`)}: ${describe(p?.protocol)} is not a protocol; allowed: http, grpc, tcp`);
    });
    const hasHttp = raw.ports.some((p) => p?.protocol === "http");
    if (!raw.healthCheckPath.startsWith("/")) problems.push(`platform:${key("healthCheckPath")}: ${describe(raw.healthCheckPath)} must start with /`);
    if (!hasHttp && (raw.routing.default || raw.routing.paths.length > 0 || raw.routing.hosts.length > 0)) {
        problems.push(`platform:${key("routing")}: service ${name} has no http port, so the load balancer cannot route to it; add an http port or remove the routing`);
    }
    if (raw.publicTcp && !raw.ports.some((p) => p?.protocol === "tcp")) {
        problems.push(`platform:${key("publicTcp")}: true but service ${name} declares no tcp port`);
    }
    // ECR image tags: up to 128 of letters, digits, _ . - not starting with . or - (ECR PutImage).
    if (raw.imageTag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(raw.imageTag)) {
        problems.push(`platform:${key("imageTag")}: ${describe(raw.imageTag)} is not an image tag (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -)`);
    }
    if (raw.image !== undefined && raw.imageTag !== undefined) {
        problems.push(`platform:${key("imageTag")}: set either image (a full reference) or imageTag (this stack's ECR repository), not both`);
    }
    const healthCheck = parseContainerHealthCheck(raw.containerHealthCheck);
    if (!healthCheck) {
        problems.push(`platform:${key("containerHealthCheck")}: ${describe(raw.containerHealthCheck)} must be "none", "curl" (seed 003's command; the image must have curl), "wget" or a command list such as ["CMD", "/app/healthcheck"]`);
    } else if ((healthCheck.kind === "curl" || healthCheck.kind === "wget") && !hasHttp) {
        problems.push(`platform:${key("containerHealthCheck")}: ${describe(raw.containerHealthCheck)} probes the http port, and service ${name} has none; use "none" or a command`);
    }
    // ECS: startPeriod 0-300 s comes from the grace period (containerDefinition).
    checkInteger(problems, key("healthCheckGracePeriodSeconds"), raw.healthCheckGracePeriodSeconds, 0, 3600);
    if (raw.routing.priority !== undefined) checkInteger(problems, key("routing.priority"), raw.routing.priority, 1, PRIORITY_BLOCKS);

    const s = raw.scaling;
    checkInteger(problems, key("scaling.min"), s.min, 0, 1000);
    checkInteger(problems, key("scaling.max"), s.max, 1, 1000);
    if (s.min > s.max) problems.push(`platform:${key("scaling")}: min ${s.min} is greater than max ${s.max}`);
    else if (s.desired < s.min || s.desired > s.max) problems.push(`platform:${key("scaling.desired")}: ${s.desired} must be within [min, max] = [${s.min}, ${s.max}]`);
    for (const target of ["cpuTarget", "memoryTarget"] as const) {
        if (!(s[target] > 0 && s[target] <= 100)) problems.push(`platform:${key(`scaling.${target}`)}: ${describe(s[target])} must be a percentage from 1 to 100`);
    }
    if (s.requestsPerTarget !== undefined && !hasHttp) {
        problems.push(`platform:${key("scaling.requestsPerTarget")}: service ${name} publishes no ALB request count (no http port)`);
    }
    if (s.requestsPerTarget !== undefined && config.loadBalancer === undefined) {
        problems.push(`platform:${key("scaling.requestsPerTarget")}: tier ${tier} has no load balancer to count requests`);
    }
    const metric = s.customMetric;
    if (metric !== undefined) {
        const statistics = ["Average", "Sum", "Maximum", "Minimum"];
        if (typeof metric.namespace !== "string" || metric.namespace === "" || metric.namespace.startsWith("AWS/")) {
            problems.push(`platform:${key("scaling.customMetric.namespace")}: ${describe(metric.namespace)} must name the namespace the service publishes (not an AWS/ namespace)`);
        }
        if (typeof metric.metricName !== "string" || metric.metricName === "") problems.push(`platform:${key("scaling.customMetric.metricName")} is required`);
        if (!statistics.includes(metric.statistic ?? "Average")) problems.push(`platform:${key("scaling.customMetric.statistic")}: ${describe(metric.statistic)}; ${oneOf(statistics)}`);
        if (!(metric.target > 0)) problems.push(`platform:${key("scaling.customMetric.target")}: ${describe(metric.target)} must be a number > 0`);
        if (metric.scaleIn !== undefined && typeof metric.scaleIn !== "boolean") problems.push(`platform:${key("scaling.customMetric.scaleIn")}: ${describe(metric.scaleIn)} must be true or false`);
        const known = ["namespace", "metricName", "statistic", "target", "scaleIn"];
        for (const k of Object.keys(metric)) if (!known.includes(k)) problems.push(`platform:${key(`scaling.customMetric.${k}`)} is not a known key; ${oneOf(known)}`);
    }

    const secrets: Record<string, SecretReference> = {};
    for (const [env, text] of Object.entries(raw.secrets)) {
        const ref = parseSecretReference(text);
        if (!ref) problems.push(`platform:${key(`secrets.${env}`)}: ${describe(text)} must be "app", "app:<json key>", "database:<json key>" or "newrelic"`);
        else if (ref.source === "database" && config.database === undefined && tier !== "zero-cost") problems.push(`platform:${key(`secrets.${env}`)}: tier ${tier} has no database secret`);
        else if (ref.source === "newrelic" && !hasNewRelic) problems.push(`platform:${key(`secrets.${env}`)}: "newrelic" needs the license key: run \`pulumi config set --secret newRelicLicenseKey <key>\``);
        else secrets[env] = ref;
    }
    for (const env of Object.keys(raw.environment)) {
        if (env in raw.secrets) problems.push(`platform:${key(`environment.${env}`)}: also declared in secrets; a variable is either plain or secret`);
    }

    return {
        name,
        cpu: raw.cpu,
        memory: raw.memory,
        architecture: raw.architecture as ServiceSettings["architecture"],
        image: raw.image,
        imageTag: raw.imageTag,
        ports: raw.ports as ServiceSettings["ports"],
        healthCheckPath: raw.healthCheckPath,
        containerHealthCheck: healthCheck ?? { kind: "none" },
        routing: { default: raw.routing.default, paths: raw.routing.paths, hosts: raw.routing.hosts, priority: raw.routing.priority ?? servicePriorityBlock(name) },
        environment: raw.environment,
        secrets,
        readOnlyRootFilesystem: raw.readOnlyRootFilesystem,
        publicTcp: raw.publicTcp,
        healthCheckGracePeriodSeconds: raw.healthCheckGracePeriodSeconds,
        scaling: {
            ...s,
            customMetric: metric && { ...metric, statistic: (metric.statistic ?? "Average") as "Average", scaleIn: metric.scaleIn ?? false },
        },
    };
}

function checkRouting(services: ServiceSettings[], hasLoadBalancer: boolean, problems: Problems): void {
    if (!hasLoadBalancer) return;
    const defaults = services.filter((s) => s.routing.default);
    const http = services.filter((s) => s.ports.some((p) => p.protocol === "http"));
    if (http.length > 0 && defaults.length !== 1) {
        problems.push(`platform:services.*.routing.default: exactly one http service must be the load balancer's default, found ${defaults.length === 0 ? "none" : defaults.map((s) => s.name).join(", ")}; allowed: ${http.map((s) => s.name).join(", ")}`);
    }
    const blockOwner = new Map<number, string>();
    for (const s of http.filter((s) => s.routing.paths.length + s.routing.hosts.length > 0)) {
        const other = blockOwner.get(s.routing.priority);
        if (other) {
            problems.push(`platform:services.${s.name}.routing.priority: block ${s.routing.priority} is also service ${other}'s (listener-rule priorities must be unique); set routing.priority on one of them to a free block from 1 to ${PRIORITY_BLOCKS}`);
        } else blockOwner.set(s.routing.priority, s.name);
    }
    for (const s of http) {
        if (!s.routing.default && s.routing.paths.length === 0 && s.routing.hosts.length === 0) {
            problems.push(`platform:services.${s.name}.routing: http service ${s.name} is neither the default nor reachable by a path or host rule`);
        }
    }
    for (const s of services) {
        for (const [kind, key] of [["path", "paths"], ["host", "hosts"]] as const) {
            s.routing[key].forEach((value, i) => {
                const problem = routingPatternProblem(kind, value);
                if (problem) problems.push(`platform:services.${s.name}.routing.${key}[${i}]: ${describe(value)} ${problem}`);
            });
        }
    }
    // The network load balancer has one listener per port.
    const publisher = new Map<number, string>();
    for (const s of services.filter((s) => s.publicTcp)) {
        for (const port of s.ports.filter((p) => p.protocol === "tcp").map((p) => p.port)) {
            const other = publisher.get(port);
            if (other) problems.push(`platform:services.${s.name}.publicTcp: tcp port ${port} is already published on the network load balancer by service ${other}; a port can be published once`);
            else publisher.set(port, s.name);
        }
    }
}

/** ALB listener settings AWS refuses or that cannot work (certificate region, TLS policy, ranges). */
function resolveLoadBalancer(raw: NonNullable<RawConfig["loadBalancer"]>, tier: Tier, region: string, problems: Problems): LoadBalancerSettings {
    checkInteger(problems, "loadBalancer.idleTimeoutSeconds", raw.idleTimeoutSeconds, ALB_IDLE_TIMEOUT_SECONDS.min, ALB_IDLE_TIMEOUT_SECONDS.max);
    checkInteger(problems, "loadBalancer.deregistrationDelaySeconds", raw.deregistrationDelaySeconds, DEREGISTRATION_DELAY_SECONDS.min, DEREGISTRATION_DELAY_SECONDS.max);
    checkInteger(problems, "loadBalancer.accessLogExpireDays", raw.accessLogExpireDays, 1, 3650);
    checkOneOf(problems, "loadBalancer.sslPolicy", raw.sslPolicy, ALB_TLS12_POLICIES, " (ALB TLS policies that negotiate TLS 1.2 or newer)");
    const arn = raw.certificateArn;
    if (arn !== undefined) {
        const parsed = parseArn(arn);
        if (!parsed || parsed.service !== "acm" || !/^certificate\/[0-9a-f-]+$/.test(parsed.resource)) {
            problems.push(`platform:loadBalancer.certificateArn: ${describe(arn)} is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`);
        } else if (parsed.region !== region) {
            problems.push(`platform:loadBalancer.certificateArn: ${describe(arn)} is in ${parsed.region}, but an ALB can only use an ACM certificate of its own region ${region}`);
        } else if ((EXAMPLE_ACCOUNT_IDS as readonly string[]).includes(parsed.account)) {
            problems.push(`platform:loadBalancer.certificateArn: ${describe(arn)} names account ${parsed.account}, an AWS documentation example; ` +
                "set your own certificate's ARN, or loadBalancer.domainName and loadBalancer.hostedZone to have the stack issue one");
        }
    }
    const dnsName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
    if (raw.domainName !== undefined && !dnsName.test(raw.domainName)) {
        problems.push(`platform:loadBalancer.domainName: ${describe(raw.domainName)} is not a lowercase DNS name like api.example.com`);
    }
    if (raw.hostedZone !== undefined) {
        if (!dnsName.test(raw.hostedZone)) problems.push(`platform:loadBalancer.hostedZone: ${describe(raw.hostedZone)} is not a lowercase DNS zone name like example.com`);
        else if (raw.domainName === undefined) problems.push("platform:loadBalancer.hostedZone needs platform:loadBalancer.domainName: the name the stack creates in that zone");
        else if (raw.domainName !== raw.hostedZone && !raw.domainName.endsWith(`.${raw.hostedZone}`)) {
            problems.push(`platform:loadBalancer.domainName: ${raw.domainName} is not inside platform:loadBalancer.hostedZone ${raw.hostedZone}`);
        }
    }
    if (tier === "production" && arn === undefined && (raw.domainName === undefined || raw.hostedZone === undefined)) {
        problems.push("platform:loadBalancer: tier production serves HTTPS only: set loadBalancer.domainName and loadBalancer.hostedZone " +
            "(the stack issues a DNS-validated certificate and the record), or loadBalancer.certificateArn (an ACM certificate in " + region + ")");
    }
    return {
        certificateArn: arn,
        domainName: raw.domainName,
        hostedZone: raw.hostedZone,
        idleTimeoutSeconds: raw.idleTimeoutSeconds,
        deregistrationDelaySeconds: raw.deregistrationDelaySeconds,
        deletionProtection: raw.deletionProtection,
        accessLogExpireDays: raw.accessLogExpireDays,
        sslPolicy: raw.sslPolicy,
    };
}

function resolveDatabase(raw: NonNullable<RawConfig["database"]>, tier: Tier, problems: Problems): DatabaseSettings {
    if (raw.engine !== "postgres") problems.push(`platform:database.engine: ${describe(raw.engine)} is not supported; allowed: postgres`);
    const timescale = raw.preloadLibraries.find((lib) => /timescale/i.test(lib));
    if (timescale) {
        problems.push(`platform:database.preloadLibraries: ${describe(timescale)} cannot be used on RDS: Amazon RDS for PostgreSQL does not offer the TimescaleDB extension ` +
            "(the Timescale License forbids offering it as a managed service) and the parameter group would be refused at `pulumi up`. " +
            "Use pg_partman + pg_cron on RDS (schema/rds, see README), the zero-cost tier's TimescaleDB container, or, for production TimescaleDB, Tiger Cloud or self-managed EC2");
    }
    const allowedLibraries = ["pg_stat_statements", "pg_cron", "auto_explain", "pg_hint_plan", "pglogical", "pg_partman_bgw"];
    for (const lib of raw.preloadLibraries) {
        if (!allowedLibraries.includes(lib) && lib !== timescale) problems.push(`platform:database.preloadLibraries: ${describe(lib)} is not preloadable on RDS; ${oneOf(allowedLibraries)}`);
    }
    if (!/^\d+(\.\d+)?$/.test(raw.engineVersion)) problems.push(`platform:database.engineVersion: ${describe(raw.engineVersion)} must be a PostgreSQL version like "17" or "16.4"`);
    const allowed = ALLOWED_SIZES[tier].rds;
    if (!allowed.includes(raw.instanceClass)) problems.push(`platform:database.instanceClass: ${describe(raw.instanceClass)} is not allowed for tier ${tier}; ${oneOf(allowed)}`);
    checkInteger(problems, "database.allocatedStorageGb", raw.allocatedStorageGb, 20, 65536);
    if (raw.maxAllocatedStorageGb !== 0 && raw.maxAllocatedStorageGb <= raw.allocatedStorageGb) {
        problems.push(`platform:database.maxAllocatedStorageGb: ${raw.maxAllocatedStorageGb} must be greater than allocatedStorageGb (${raw.allocatedStorageGb}), or 0 to disable storage autoscaling`);
    }
    if (raw.iops !== undefined) {
        if (raw.allocatedStorageGb < 400) {
            problems.push(`platform:database.iops: gp3 below 400 GiB has a fixed 3,000 IOPS baseline and RDS refuses an iops value; remove it or allocate at least 400 GiB`);
        } else if (raw.iops < 12000 || raw.iops > raw.allocatedStorageGb * 50 || raw.iops > 64000) {
            problems.push(`platform:database.iops: ${raw.iops} must be from the 12,000 gp3 baseline to ${Math.min(64000, raw.allocatedStorageGb * 50)} (50 x allocated GiB, at most 64,000)`);
        }
    }
    if (raw.storageThroughput !== undefined) {
        if (raw.iops === undefined) problems.push("platform:database.storageThroughput: only settable together with database.iops (400 GiB or more)");
        else if (raw.storageThroughput < 500 || raw.storageThroughput > 4000) problems.push(`platform:database.storageThroughput: ${raw.storageThroughput} must be from the 500 MiB/s baseline to 4000`);
    }
    checkInteger(problems, "database.backupRetentionDays", raw.backupRetentionDays, tier === "production" ? 7 : 1, 35);
    if (![0, 1, 5, 10, 15, 30, 60].includes(raw.monitoringIntervalSeconds)) problems.push(`platform:database.monitoringIntervalSeconds: ${raw.monitoringIntervalSeconds}; allowed: 0, 1, 5, 10, 15, 30, 60`);
    const logTypes = ["postgresql", "upgrade", "iam-db-auth-error"];
    for (const log of raw.logExports) if (!logTypes.includes(log)) problems.push(`platform:database.logExports: ${describe(log)}; ${oneOf(logTypes)}`);
    checkInteger(problems, "database.passwordRotationDays", raw.passwordRotationDays, 1, 365);
    checkInteger(problems, "database.maxConnections", raw.maxConnections, 10, 5000);
    checkInteger(problems, "database.workMemKb", raw.workMemKb, 64, 2097151);
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(raw.databaseName)) problems.push(`platform:database.databaseName: ${describe(raw.databaseName)} must be lowercase letters, digits and underscores, starting with a letter`);
    if (!/^[a-z][a-z0-9_]{0,15}$/.test(raw.masterUsername) || ["admin", "postgres", "rdsadmin"].includes(raw.masterUsername)) {
        problems.push(`platform:database.masterUsername: ${describe(raw.masterUsername)} must be 1-16 lowercase letters, digits, underscores and not a reserved name (admin, postgres, rdsadmin)`);
    }
    const { engine: _engine, ...settings } = raw;
    return settings;
}

function resolveCache(raw: NonNullable<RawConfig["cache"]>, tier: Tier, problems: Problems): CacheSettings {
    const engines = ["valkey", "redis"];
    if (!engines.includes(raw.engine)) problems.push(`platform:cache.engine: ${describe(raw.engine)}; ${oneOf(engines)}`);
    const versions = raw.engine === "redis" ? ["7.0", "7.1"] : ["7.2", "8.0", "8.1", "8.2"];
    if (engines.includes(raw.engine) && !versions.includes(raw.engineVersion)) {
        problems.push(`platform:cache.engineVersion: ${describe(raw.engineVersion)} is not a ${raw.engine} version ElastiCache offers; ${oneOf(versions)}`);
    }
    const allowed = ALLOWED_SIZES[tier].elasticache;
    if (!allowed.includes(raw.nodeType)) problems.push(`platform:cache.nodeType: ${describe(raw.nodeType)} is not allowed for tier ${tier}; ${oneOf(allowed)}`);
    checkInteger(problems, "cache.replicasPerShard", raw.replicasPerShard, 0, 5);
    if (raw.clusterMode) {
        checkInteger(problems, "cache.shards", raw.shards, 1, 500);
        if (!raw.automaticFailover) problems.push("platform:cache.automaticFailover: must be true when cache.clusterMode is true (AWS requires automatic failover in cluster mode)");
    } else if (raw.shards !== 1) {
        problems.push(`platform:cache.shards: ${raw.shards} needs cache.clusterMode true; with cluster mode off there is one shard`);
    }
    if (raw.automaticFailover && raw.replicasPerShard < 1) {
        problems.push("platform:cache.automaticFailover: needs at least one replica (cache.replicasPerShard >= 1); a single node has nothing to fail over to");
    }
    if (raw.multiAz && !raw.automaticFailover) problems.push("platform:cache.multiAz: requires cache.automaticFailover true (AWS rule)");
    if (raw.authToken && !raw.transitEncryption) problems.push("platform:cache.authToken: requires cache.transitEncryption true (AWS accepts an AUTH token only with in-transit encryption)");
    checkInteger(problems, "cache.snapshotRetentionDays", raw.snapshotRetentionDays, 0, 35);
    checkRetention(problems, "cache.slowLogRetentionDays", raw.slowLogRetentionDays);
    const window = /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/.exec(raw.maintenanceWindow);
    if (!window) {
        problems.push(`platform:cache.maintenanceWindow: ${describe(raw.maintenanceWindow)} must look like sun:03:00-sun:04:00 (ddd:hh24:mi-ddd:hh24:mi)`);
    } else {
        const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        const minutes = (d: string, h: string, m: string) => days.indexOf(d) * 1440 + Number(h) * 60 + Number(m);
        const length = (minutes(window[4], window[5], window[6]) - minutes(window[1], window[2], window[3]) + 7 * 1440) % (7 * 1440);
        if (length < 60) problems.push(`platform:cache.maintenanceWindow: ${raw.maintenanceWindow} is ${length} minutes; AWS needs at least 60`);
    }
    const snapshot = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(raw.snapshotWindow);
    if (!snapshot) {
        problems.push(`platform:cache.snapshotWindow: ${describe(raw.snapshotWindow)} must look like 01:00-02:00`);
    } else {
        const length = (Number(snapshot[3]) * 60 + Number(snapshot[4]) - Number(snapshot[1]) * 60 - Number(snapshot[2]) + 1440) % 1440;
        if (length < 60) problems.push(`platform:cache.snapshotWindow: ${raw.snapshotWindow} is ${length} minutes; AWS needs at least 60`);
        else if (window && windowsOverlap(raw.snapshotWindow, raw.maintenanceWindow)) {
            problems.push(`platform:cache.snapshotWindow: ${raw.snapshotWindow} overlaps platform:cache.maintenanceWindow ${raw.maintenanceWindow}; AWS refuses overlapping windows`);
        }
    }
    return { ...raw, engine: raw.engine as CacheSettings["engine"] };
}

function resolveHost(raw: NonNullable<RawConfig["host"]>, problems: Problems): HostSettings {
    if (!(FREE_TIER_EC2_TYPES as readonly string[]).includes(raw.instanceType)) {
        problems.push(`platform:host.instanceType: ${describe(raw.instanceType)} is not free-tier eligible; ${oneOf(FREE_TIER_EC2_TYPES)}`);
    }
    // The free tier covers 30 GB of EBS in total, root and data volume together; 8 GB is the
    // Amazon Linux 2023 image's own size, 1 GiB the smallest gp3 volume.
    checkInteger(problems, "host.rootVolumeGb", raw.rootVolumeGb, 8, 30);
    checkInteger(problems, "host.dataVolumeGb", raw.dataVolumeGb, 1, 22);
    if (Number.isInteger(raw.rootVolumeGb) && Number.isInteger(raw.dataVolumeGb) && raw.rootVolumeGb + raw.dataVolumeGb > 30) {
        problems.push(`platform:host.rootVolumeGb + platform:host.dataVolumeGb: ${raw.rootVolumeGb} + ${raw.dataVolumeGb} GB is over the free tier's 30 GB of EBS; shrink one of them`);
    }
    if (raw.elasticIp && !raw.acceptCost) {
        problems.push("platform:host.elasticIp: an Elastic IP costs $0.005/h outside the free tier's public IPv4 allowance; set platform:host.acceptCost to true to accept it");
    }
    checkInteger(problems, "host.snapshots.retainCount", raw.snapshots.retainCount, 1, 1000);
    if ((raw.tlsCertificatePath === undefined) !== (raw.tlsKeyPath === undefined)) {
        problems.push("platform:host.tlsCertificatePath and platform:host.tlsKeyPath go together: set both or neither");
    }
    const { acceptCost: _acceptCost, ...settings } = raw;
    return settings;
}
