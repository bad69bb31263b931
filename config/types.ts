// The typed, validated settings components receive. Components read these, never the raw tier
// name, so a component does not branch on "production": the tier table decides, the stack overrides.
import { Tier } from "./tiers";

export type { Tier };

/** How private subnets reach the internet. */
export type NatStrategy = "none" | "single" | "per-az" | "instance";

export interface NetworkSettings {
    /** VPC CIDR block. @default "10.0.0.0/16" (seed 003 §10.2.5) */
    vpcCidr: string;
    /** Number of availability zones (2 or 3; zero-cost may use 1). @default 2 */
    azCount: number;
    /**
     * Zone ids to use (`use1-az1`...), pinned. Unset: the lowest-numbered regular zone ids of the
     * region without use1-az3, which never shift (see components/network.ts).
     */
    availabilityZoneIds?: string[];
    /** NAT choice: none | single | per-az | instance. @default zero-cost none, staging instance, production per-az */
    nat: NatStrategy;
    /** Instance type of the NAT instance when `nat` is `instance`. @default "t4g.nano" */
    natInstanceType: string;
    /** Whether the tier has private (app) and database subnets. Zero-cost has public subnets only. */
    privateSubnets: boolean;
    /** Subnet CIDRs per AZ, resolved (explicit config or derived from the VPC CIDR). */
    subnets: { public: string[]; private: string[]; database: string[] };
    /** VPC flow logs to CloudWatch. @default production on, 30 days */
    flowLogs: { enabled: boolean; retentionDays: number };
}

export type PortProtocol = "http" | "grpc" | "tcp";

export interface ServicePort {
    port: number;
    protocol: PortProtocol;
}

export interface CustomMetricTarget {
    /** CloudWatch namespace the service publishes to, e.g. `Platform/Devices`. */
    namespace: string;
    /** Metric name, e.g. `ActiveConnections`. */
    metricName: string;
    /** Statistic the scaling policy tracks. @default "Average" */
    statistic: "Average" | "Sum" | "Maximum" | "Minimum";
    /** Target value per task, e.g. 1000 connections. */
    target: number;
    /**
     * Whether the policy may scale in. A target-tracking policy without data blocks scale-in of the
     * whole service, so keep false until the app publishes the metric. @default false
     */
    scaleIn: boolean;
}

export interface ServiceScaling {
    min: number;
    max: number;
    desired: number;
    /** Target average CPU %, seed 70. */
    cpuTarget: number;
    /** Target average memory %, seed 80. */
    memoryTarget: number;
    /** ALB requests per target per minute; scaling on it only when set. */
    requestsPerTarget?: number;
    /** Custom metric target tracking (seed: devices active connections, 1000). */
    customMetric?: CustomMetricTarget;
    scaleOutCooldownSeconds: number;
    scaleInCooldownSeconds: number;
}

export interface ServiceRouting {
    /** The service the ALB forwards to when no rule matches. Exactly one HTTP service is default. */
    default: boolean;
    /** Path patterns routed to this service, e.g. `/devices/*`. */
    paths: string[];
    /** Host headers routed to this service, e.g. `devices.example.com`. */
    hosts: string[];
    /**
     * The service's block of listener-rule priorities: rules get `priority * 100 + n`. Lower blocks
     * are evaluated first. @default derived from the service name (stable whatever else changes)
     */
    priority: number;
}

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

export interface ServiceSettings {
    name: string;
    /** Task CPU units (1024 = 1 vCPU); must be a Fargate cpu/memory pair. */
    cpu: number;
    /** Task memory in MiB. */
    memory: number;
    /** CPU architecture; ARM64 (Graviton) is about 20% cheaper (seed 000). @default "ARM64" */
    architecture: "ARM64" | "X86_64";
    /** Container image; when unset, this stack's ECR repository for the service at `imageTag`. */
    image?: string;
    /** Release tag in this stack's ECR repository; unset until the first image is pushed. */
    imageTag?: string;
    ports: ServicePort[];
    /** HTTP health-check path for the target group and the container. */
    healthCheckPath: string;
    /** @default { kind: "none" } */
    containerHealthCheck: ContainerHealthCheck;
    routing: ServiceRouting;
    /** Plain environment variables (never secrets: those go in `secrets`). */
    environment: Record<string, string>;
    /** Secret environment variables, passed to ECS by ARN (`valueFrom`). */
    secrets: Record<string, SecretReference>;
    /** Read-only root filesystem for the container (ECS.5). @default true */
    readOnlyRootFilesystem: boolean;
    /** Expose the service's raw TCP ports through a Network Load Balancer. @default false */
    publicTcp: boolean;
    healthCheckGracePeriodSeconds: number;
    scaling: ServiceScaling;
}

export interface LoadBalancerSettings {
    /** ACM certificate ARN for the HTTPS listener; required in production. */
    certificateArn?: string;
    /** Public DNS name the stack serves; with `hostedZone`, the stack issues its certificate and record. */
    domainName?: string;
    /** Route 53 public hosted zone (name) holding `domainName`. */
    hostedZone?: string;
    idleTimeoutSeconds: number;
    /** Seconds a target drains before deregistration. @default 30 */
    deregistrationDelaySeconds: number;
    deletionProtection: boolean;
    /** Days before ALB access logs expire from the log bucket. */
    accessLogExpireDays: number;
    /** TLS policy of the HTTPS listener. */
    sslPolicy: string;
}

export interface ClusterSettings {
    /** CloudWatch Container Insights (billed per metric; on in production). */
    containerInsights: boolean;
    /** Run part of each service on FARGATE_SPOT (keeps one on-demand task). */
    spot: boolean;
    /** Retention of service log groups (seed 000: 3 days outside production). */
    logRetentionDays: number;
    /** ECR images kept per repository by the lifecycle policy. */
    ecrKeepImages: number;
}

export interface DatabaseSettings {
    engineVersion: string;
    instanceClass: string;
    multiAz: boolean;
    allocatedStorageGb: number;
    /** Storage autoscaling ceiling. */
    maxAllocatedStorageGb: number;
    /** gp3 IOPS; only settable from 400 GiB, never below the 12,000 baseline. */
    iops?: number;
    /** gp3 throughput MiB/s; only with `iops`. */
    storageThroughput?: number;
    backupRetentionDays: number;
    deletionProtection: boolean;
    /** Keep a final snapshot when the instance is deleted. */
    finalSnapshot: boolean;
    performanceInsights: boolean;
    /** Enhanced monitoring interval; 0 disables it. */
    monitoringIntervalSeconds: number;
    logExports: string[];
    /** Encrypt with this stack's own KMS key instead of the AWS-managed key. */
    customerManagedKey: boolean;
    /** Rotation schedule of the RDS-managed master password secret. */
    passwordRotationDays: number;
    databaseName: string;
    masterUsername: string;
    maxConnections: number;
    /** work_mem in kB (seed: 16MB). */
    workMemKb: number;
    /** Libraries preloaded by the parameter group; `timescaledb` is refused (not on RDS). */
    preloadLibraries: string[];
}

export interface CacheSettings {
    engine: "valkey" | "redis";
    engineVersion: string;
    nodeType: string;
    clusterMode: boolean;
    /** Shards (node groups) in cluster mode. */
    shards: number;
    /** Replicas per shard (cluster mode) or read replicas (cluster mode off), 0-5. */
    replicasPerShard: number;
    automaticFailover: boolean;
    multiAz: boolean;
    snapshotRetentionDays: number;
    maintenanceWindow: string;
    snapshotWindow: string;
    transitEncryption: boolean;
    /** AUTH token (requires transit encryption). */
    authToken: boolean;
    finalSnapshot: boolean;
    slowLogRetentionDays: number;
    /** Encrypt at rest with the stack's KMS key (changing it replaces the cache). */
    customerManagedKey: boolean;
}

export interface SecretsSettings {
    /** Rotation interval of the application secret (seed: 30 days). */
    rotationDays: number;
    customerManagedKey: boolean;
    /**
     * `create`: a CloudTrail trail for this region, without which EventBridge never receives the
     * rotation events; `existing`: the account already has one logging management events here.
     */
    cloudTrail: "create" | "existing";
}

export interface HostSettings {
    instanceType: string;
    /** Root volume: OS, Docker images, swap. Disposable (deleted with the instance). */
    rootVolumeGb: number;
    /** TimescaleDB's own EBS volume (gp3, encrypted, protected): outlives instance replacements. */
    dataVolumeGb: number;
    /** Allocate an Elastic IP (not free when the instance stops). */
    elasticIp: boolean;
    /** Daily EBS snapshots through Data Lifecycle Manager; snapshots are not free. */
    snapshots: { enabled: boolean; retainCount: number };
    tlsCertificatePath?: string;
    tlsKeyPath?: string;
    /** TimescaleDB image run on the host. */
    timescaleImage: string;
}

export interface AlarmThresholds {
    alb5xxPercent: number;
    p95LatencyMs: number;
    serviceCpuPercent: number;
    serviceMemoryPercent: number;
    rdsCpuPercent: number;
    rdsFreeStorageGb: number;
    rdsConnections: number;
    cacheCpuPercent: number;
    cacheMemoryPercent: number;
    cacheEvictions: number;
    cacheHitRatePercent: number;
}

export interface ObservabilitySettings {
    /** Email subscribed to the alarm topic; no subscription when unset. */
    alarmEmail?: string;
    thresholds: AlarmThresholds;
    dashboard: boolean;
}

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
