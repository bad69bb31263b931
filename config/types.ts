// The typed, validated settings components receive. Components read these, never the raw tier
// name, so a component does not branch on a tier: the tier table decides, the stack overrides. The
// section types are derived from the setting declarations (config/settings), where each is documented.
import { Tier } from "./tiers";
import { RawConfig, ServiceConfig } from "./settings";
import { PortProtocol, ServicePort } from "./settings/services";

export type { Tier };

type Section<K extends keyof RawConfig> = NonNullable<RawConfig[K]>;

/** How private subnets reach the internet. */
export type NatStrategy = RawConfig["network"]["nat"];

export interface NetworkSettings extends Omit<RawConfig["network"], "subnets"> {
    /** Whether the tier has private (app) and database subnets; host tiers have public subnets only. */
    privateSubnets: boolean;
    /** Subnet CIDRs per AZ, resolved (explicit config or derived from the VPC CIDR). */
    subnets: { public: string[]; private: string[]; database: string[] };
}

export type { PortProtocol, ServicePort };
export type CustomMetricTarget = NonNullable<ServiceConfig["scaling"]["customMetric"]>;

/**
 * Where a secret environment variable comes from. `app` is the stack's application secret,
 * `database` the RDS-managed master secret; an optional `:key` selects a top-level JSON key.
 */
export interface SecretReference {
    source: "app" | "database" | "newrelic";
    jsonKey?: string;
}

/** How ECS checks a container itself (beyond the target group's HTTP check). */
export type ContainerHealthCheck = { kind: "none" } | { kind: "curl" | "wget" } | { kind: "command"; command: string[] };

export type ServiceScaling = ServiceConfig["scaling"];
export type ServiceRouting = Required<ServiceConfig["routing"]>;

/** A service as the components receive it: its config, with references parsed and defaults filled. */
export interface ServiceSettings extends Omit<ServiceConfig, "enabled" | "containerHealthCheck" | "routing" | "secrets"> {
    name: string;
    containerHealthCheck: ContainerHealthCheck;
    routing: ServiceRouting;
    /** Secret environment variables, passed to ECS by ARN (`valueFrom`). */
    secrets: Record<string, SecretReference>;
}

export type LoadBalancerSettings = Section<"loadBalancer">;
export type EdgeSettings = Section<"edge">;
export type ClusterSettings = Section<"cluster">;
export type DatabaseSettings = Omit<Section<"database">, "engine">;
export type CacheSettings = Section<"cache">;
export type SecretsSettings = Section<"secrets">;
export type HostSettings = Omit<Section<"host">, "acceptCost">;
export type ObservabilitySettings = RawConfig["observability"];
export type AlarmThresholds = ObservabilitySettings["thresholds"];

export interface Settings {
    project: string;
    stack: string;
    tier: Tier;
    region: string;
    /** Prefix for physical names: project and stack, so two stacks can share an account. */
    namePrefix: string;
    /** Cost-allocation tags applied to every taggable resource. */
    tags: { Project: string; Environment: string; Tier: Tier; CostCenter: string };
    /** Protect data stores from deletion (Pulumi `protect`, deletion protection, final snapshots). */
    protectData: boolean;
    network: NetworkSettings;
    services: ServiceSettings[];
    loadBalancer?: LoadBalancerSettings;
    edge?: EdgeSettings;
    cluster?: ClusterSettings;
    database?: DatabaseSettings;
    cache?: CacheSettings;
    secrets?: SecretsSettings;
    host?: HostSettings;
    observability: ObservabilitySettings;
    /**
     * New Relic license key (`newRelicLicenseKey`, validated to be a Pulumi secret). Plain here:
     * whoever uses it wraps it in `pulumi.secret` at once.
     */
    newRelicLicenseKey?: string;
    /** Names of config keys given as secrets (for values that must never be plain text). */
    secretConfigKeys: string[];
}
