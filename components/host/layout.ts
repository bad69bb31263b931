/**
 * The zero-cost host's pure plan: what runs on it, how its resources and parameters are named, the
 * schedules of its associations. No resources (index.ts wires them); tested directly.
 */
import { HostSettings, ServiceSettings } from "../../config/types";
import { architectureOf } from "../ami";
import { appSecretDocument, AppSecretDocument } from "../app-secret-document";
import { routingPatternProblem } from "../../config/routing";
import { HostSecretRef } from "./boot-config";
import { instanceMemoryMiB, memoryBudget, MemoryBudget } from "./memory";

/** Database created in the TimescaleDB container (same name as the RDS database of the other tiers). */
export const HOST_DATABASE = { name: "platform", user: "platform" } as const;

/** How the apps on the host reach the data stores: compose service names on the compose network. */
export const HOST_ENDPOINTS = {
    database: { host: "timescaledb", port: 5432 },
    cache: { host: "redis", port: 6379 },
} as const;

/** Images kept per ECR repository on the host tier: the running one and one to roll back to. */
export const HOST_ECR_KEEP_IMAGES = 2;

/** Tag on the data volume that the DLM policy targets (set even while snapshots are off). */
export const SNAPSHOT_TAG_KEY = "SnapshotPolicy";

/** Device name of the data volume's attachment (Xen types show it as /dev/xvdf). */
export const DATA_DEVICE_NAME = "/dev/sdf";

/**
 * Self-healing: the apply association runs again every hour (associations accept rate expressions
 * from 30 minutes to 31 days, SSM "Cron and rate expressions for associations"). A run that finds
 * everything in place costs a few CPU-seconds.
 */
export const HOST_APPLY_SCHEDULE = "rate(1 hour)";

/**
 * AWS-RunPatchBaseline, Install, weekly (Sundays 04:00 UTC: a weekly cron at a specific time is an
 * association schedule SSM accepts). RebootIfNeeded: Patch Manager reboots only when it installed
 * patches ("patch-manager-aws-runpatchbaseline": Install reboots unless RebootOption is NoReboot).
 */
export const HOST_PATCH_SCHEDULE = "cron(0 4 ? * SUN *)";
export const HOST_PATCH_PARAMETERS = { Operation: "Install", RebootOption: "RebootIfNeeded" } as const;

/**
 * Logical name of the instance: one per architecture. Switching t3 <-> t4g declares a different
 * resource, which boots the AMI of its own architecture; an AMI release for the same architecture
 * changes nothing (ignoreChanges: ["ami"]). x86_64 keeps the name the host always had.
 */
export function hostInstanceName(name: string, instanceType: string): string {
    return architectureOf(instanceType) === "x86_64" ? `${name}-instance` : `${name}-instance-arm64`;
}

/** Name of the status parameter the host writes after every apply (String, standard tier). */
export function hostStatusParameterName(project: string, stack: string): string {
    return `/${project}/${stack}/host/status`;
}

/** Name of the SSM document (SSM reserves the prefixes aws, amazon and amzn for its own documents). */
export function hostDocumentName(namePrefix: string): string {
    const name = `${namePrefix}-host-apply`;
    if (/^(aws|amazon|amzn)/i.test(name) || !/^[A-Za-z0-9_.-]{3,128}$/.test(name)) {
        throw new Error(`SSM document name ${JSON.stringify(name)}: must match [A-Za-z0-9_.-]{3,128} and not start with aws, amazon or amzn`);
    }
    return name;
}

/** Burstable families: `standard` credits keep them inside the free tier (unlimited bills surplus credits). */
export function isBurstable(instanceType: string): boolean {
    return /^t\d[a-z]*\./.test(instanceType);
}

export interface HostParameterNames {
    redisPassword: string;
    databasePassword: string;
    /** The application secret JSON (`hostAppSecretDocument`). */
    appSecret: string;
}

/** SSM parameter names of the host's secrets: `/<project>/<stack>/<purpose>`. */
export function hostParameterNames(project: string, stack: string): HostParameterNames {
    return {
        redisPassword: `/${project}/${stack}/redis-password`,
        databasePassword: `/${project}/${stack}/database-password`,
        appSecret: `/${project}/${stack}/app-secret`,
    };
}

/**
 * The host's application secret: the Fargate tiers' shape (components/app-secret-document.ts) with the host's
 * view. No RDS master secret and no replication group here: those keys are null.
 */
export function hostAppSecretDocument<S>(parts: {
    redisPassword: S;
    jwtSecret: S;
    /** From `newRelicLicenseKey`, as on the Fargate tiers. */
    newrelic?: { licenseKey: S; appName: string };
    /** `<service>:<port>` on the compose network (seed 003's `devices_grpc.url`). */
    grpcUrls?: Record<string, string>;
}): AppSecretDocument<S | string | null, number> {
    return appSecretDocument<S | string | null, number>({
        database: { host: HOST_ENDPOINTS.database.host, port: HOST_ENDPOINTS.database.port, dbname: HOST_DATABASE.name, userSecretArn: null },
        redis: { host: HOST_ENDPOINTS.cache.host, port: HOST_ENDPOINTS.cache.port, authToken: parts.redisPassword, replicationGroupId: null },
        jwtSecret: parts.jwtSecret,
        newrelic: parts.newrelic,
        grpcUrls: parts.grpcUrls,
    });
}

/** gRPC endpoints of the host's services on the compose network: `<service>:<grpc port>`. */
export function hostGrpcUrls(services: ServiceSettings[]): Record<string, string> {
    return Object.fromEntries(
        services.flatMap((s) => {
            const grpc = s.ports.find((p) => p.protocol === "grpc");
            return grpc ? [[s.name, `${s.name}:${grpc.port}`]] : [];
        }),
    );
}

/** Where the New Relic license key is in the host's application secret (the `newrelic` source). */
export const HOST_NEW_RELIC_KEY = "newrelic.licenseKey";

/** Top-level keys of the host's application secret (what `app:<key>` may select). */
export const HOST_APP_SECRET_KEYS = Object.keys(hostAppSecretDocument({ redisPassword: "", jwtSecret: "" }));

export interface PlannedApp {
    service: ServiceSettings;
    /** The first http port: what NGINX proxies to. */
    port: number;
    /** True when the service has no `image` and runs from this stack's ECR repository. */
    fromStackEcr: boolean;
    /** The service's non-secret environment. */
    environment: Record<string, string>;
    /** Secret variables the apply script supplies (written to the service's root-only env file). */
    secrets: Record<string, HostSecretRef>;
    /** Secret variables the host cannot supply: an `app:<key>` or `database:<key>` the host's secrets lack. */
    unsupplied: string[];
}

export interface HostPlan {
    apps: PlannedApp[];
    defaultApp: string;
    budget: MemoryBudget;
}

/**
 * Which services run on the host and how. Every service must have an http port (NGINX is the only
 * way in); routing is the load balancer's: `routing.paths`/`routing.hosts` in config order, the
 * default-routed service for the rest.
 */
export function planHost(host: HostSettings, services: ServiceSettings[], options: { newRelic?: boolean } = {}): HostPlan {
    const appSecretKeys = Object.keys(
        hostAppSecretDocument({
            redisPassword: "",
            jwtSecret: "",
            grpcUrls: hostGrpcUrls(services),
            ...(options.newRelic ? { newrelic: { licenseKey: "", appName: "" } } : {}),
        }),
    );
    const apps = services.map((service): PlannedApp => {
        const http = service.ports.find((p) => p.protocol === "http");
        if (!http) {
            throw new Error(
                `platform:services.${service.name}.ports: the zero-cost host serves services over HTTP through NGINX only, ` +
                    `and ${service.name} declares no http port; add one or disable the service on this stack (enabled: false)`,
            );
        }
        for (const kind of ["path", "host"] as const) {
            const key = kind === "path" ? "paths" : "hosts";
            service.routing[key].forEach((pattern, i) => {
                const problem = routingPatternProblem(kind, pattern);
                if (problem)
                    throw new Error(
                        `platform:services.${service.name}.routing.${key}[${i}]: ${JSON.stringify(pattern)} ${problem}; NGINX on the zero-cost host follows the same rules`,
                    );
            });
        }
        const secrets: Record<string, HostSecretRef> = {};
        const unsupplied: string[] = [];
        for (const [env, ref] of Object.entries(service.secrets)) {
            if (ref.source === "app" && (ref.jsonKey === undefined || appSecretKeys.includes(ref.jsonKey))) {
                secrets[env] = { source: "app", jsonKey: ref.jsonKey };
            } else if (ref.source === "newrelic" && options.newRelic) {
                secrets[env] = { source: "app", jsonKey: HOST_NEW_RELIC_KEY };
            } else if (ref.source === "database" && (ref.jsonKey === undefined || ref.jsonKey === "username" || ref.jsonKey === "password")) {
                secrets[env] = { source: "database", jsonKey: ref.jsonKey };
            } else {
                unsupplied.push(`${env} (${ref.source}${ref.jsonKey === undefined ? "" : `:${ref.jsonKey}`})`);
            }
        }
        return { service, port: http.port, fromStackEcr: service.image === undefined, environment: { ...service.environment }, secrets, unsupplied };
    });
    const defaultApp = (services.find((s) => s.routing.default) ?? services[0]).name;
    return { apps, defaultApp, budget: memoryBudget(instanceMemoryMiB(host.instanceType), apps.length) };
}
