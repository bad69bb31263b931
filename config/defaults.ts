// The tier table: what each tier runs when the stack file says nothing. A stack file overrides only
// what differs. Figures come from the seeds (003: production spec; 000: cost choices; 001: cache;
// 004: zero-cost), with cost choices (Graviton, Valkey, NAT instance) where the seed left it open.
import { Tier } from "./tiers";

/** A service as written in config (`platform:services`); merged over SERVICE_TEMPLATE. */
export interface ServiceConfig {
    enabled: boolean;
    cpu: number;
    memory: number;
    architecture: string;
    image?: string;
    imageTag?: string;
    ports: { port: number; protocol: string }[];
    healthCheckPath: string;
    /** "none" | "curl" | "wget" | an ECS healthCheck command list, e.g. ["CMD", "/app/healthcheck"]. */
    containerHealthCheck: string | string[];
    routing: { default: boolean; paths: string[]; hosts: string[]; priority?: number };
    environment: Record<string, string>;
    /** ENV_NAME: "app" | "app:<json key>" | "database:<json key>" */
    secrets: Record<string, string>;
    readOnlyRootFilesystem: boolean;
    publicTcp: boolean;
    healthCheckGracePeriodSeconds: number;
    scaling: {
        min: number;
        max: number;
        desired: number;
        cpuTarget: number;
        memoryTarget: number;
        requestsPerTarget?: number;
        customMetric?: { namespace: string; metricName: string; statistic: string; target: number; scaleIn?: boolean };
        scaleOutCooldownSeconds: number;
        scaleInCooldownSeconds: number;
    };
}

/**
 * Every key a service accepts, with the value a new (third) service gets when config leaves it out.
 * Only `ports` has no sensible default: a new service must declare them.
 */
export const SERVICE_TEMPLATE: ServiceConfig = {
    enabled: true,
    cpu: 256,
    memory: 512,
    architecture: "ARM64",
    image: undefined,
    // No default tag: the repositories are immutable, so a release is a tag the pipeline sets.
    imageTag: undefined,
    ports: [],
    healthCheckPath: "/health/readiness",
    // The target group's HTTP check already watches every HTTP service; a container check only
    // works when the image has the tool it runs (seed 003's curl is absent from distroless images).
    containerHealthCheck: "none",
    routing: { default: false, paths: [], hosts: [], priority: undefined },
    environment: {},
    secrets: {},
    readOnlyRootFilesystem: true,
    publicTcp: false,
    healthCheckGracePeriodSeconds: 60,
    scaling: {
        min: 1,
        max: 2,
        desired: 1,
        cpuTarget: 70,
        memoryTarget: 80,
        requestsPerTarget: undefined,
        customMetric: undefined,
        scaleOutCooldownSeconds: 60,
        scaleInCooldownSeconds: 300,
    },
};

/** The raw config document: every top-level key a stack file may set under `platform:`. */
export interface RawConfig {
    tier: Tier;
    costCenter: string;
    network: {
        vpcCidr: string;
        azCount: number;
        availabilityZoneIds?: string[];
        nat: string;
        natInstanceType: string;
        subnets?: { public: string[]; private: string[]; database: string[] };
        flowLogs: { enabled: boolean; retentionDays: number };
    };
    services: Record<string, Partial<ServiceConfig>>;
    loadBalancer?: {
        certificateArn?: string;
        domainName?: string;
        hostedZone?: string;
        idleTimeoutSeconds: number;
        deregistrationDelaySeconds: number;
        deletionProtection: boolean;
        accessLogExpireDays: number;
        sslPolicy: string;
    };
    cluster?: { containerInsights: boolean; spot: boolean; logRetentionDays: number; ecrKeepImages: number };
    database?: {
        engine: string;
        engineVersion: string;
        instanceClass: string;
        multiAz: boolean;
        allocatedStorageGb: number;
        maxAllocatedStorageGb: number;
        iops?: number;
        storageThroughput?: number;
        backupRetentionDays: number;
        deletionProtection: boolean;
        finalSnapshot: boolean;
        performanceInsights: boolean;
        monitoringIntervalSeconds: number;
        logExports: string[];
        customerManagedKey: boolean;
        passwordRotationDays: number;
        databaseName: string;
        masterUsername: string;
        maxConnections: number;
        workMemKb: number;
        preloadLibraries: string[];
    };
    cache?: {
        engine: string;
        engineVersion: string;
        nodeType: string;
        clusterMode: boolean;
        shards: number;
        replicasPerShard: number;
        automaticFailover: boolean;
        multiAz: boolean;
        snapshotRetentionDays: number;
        maintenanceWindow: string;
        snapshotWindow: string;
        transitEncryption: boolean;
        authToken: boolean;
        finalSnapshot: boolean;
        slowLogRetentionDays: number;
        customerManagedKey: boolean;
    };
    secrets?: { rotationDays: number; customerManagedKey: boolean; cloudTrail: string };
    host?: {
        instanceType: string;
        rootVolumeGb: number;
        dataVolumeGb: number;
        elasticIp: boolean;
        acceptCost: boolean;
        snapshots: { enabled: boolean; retainCount: number };
        tlsCertificatePath?: string;
        tlsKeyPath?: string;
        timescaleImage: string;
    };
    observability: {
        alarmEmail?: string;
        dashboard: boolean;
        thresholds: {
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
        };
    };
}

/** Config keys whose value must be a Pulumi secret (`pulumi config set --secret`). */
export const SECRET_KEYS = ["newRelicLicenseKey"] as const;

/** Optional leaves: absent from the defaults but accepted, with the kind of value they take. */
export const OPTIONAL_LEAVES: Record<string, "string" | "number" | "object" | "list"> = {
    "network.subnets": "object",
    "network.availabilityZoneIds": "list",
    "loadBalancer.certificateArn": "string",
    "loadBalancer.domainName": "string",
    "loadBalancer.hostedZone": "string",
    "database.iops": "number",
    "database.storageThroughput": "number",
    "host.tlsCertificatePath": "string",
    "host.tlsKeyPath": "string",
    "observability.alarmEmail": "string",
    "services.*.image": "string",
    "services.*.imageTag": "string",
    "services.*.routing.priority": "number",
    "services.*.scaling.requestsPerTarget": "number",
    "services.*.scaling.customMetric": "object",
};

const network = (nat: string, flowLogs: boolean): RawConfig["network"] => ({
    vpcCidr: "10.0.0.0/16",
    azCount: 2,
    nat,
    natInstanceType: "t4g.nano",
    flowLogs: { enabled: flowLogs, retentionDays: 30 },
});

const thresholds: RawConfig["observability"]["thresholds"] = {
    alb5xxPercent: 1,
    p95LatencyMs: 300,
    serviceCpuPercent: 85,
    serviceMemoryPercent: 85,
    rdsCpuPercent: 80,
    rdsFreeStorageGb: 20,
    rdsConnections: 180,
    cacheCpuPercent: 75,
    cacheMemoryPercent: 80,
    cacheEvictions: 100,
    cacheHitRatePercent: 80,
};

/** The two seed services (seed 003 §10.2.1), with per-tier task counts. */
function seedServices(tier: Tier): Record<string, Partial<ServiceConfig>> {
    const production = tier === "production";
    const environmentName = tier === "zero-cost" ? "development" : tier;
    return {
        api: {
            cpu: 1024,
            memory: 2048,
            ports: [{ port: 8080, protocol: "http" }],
            healthCheckPath: "/health/readiness",
            routing: { default: true, paths: [], hosts: [] },
            environment: { NODE_ENV: environmentName },
            // Only the keys each service needs (not the whole application secret): api issues and
            // verifies tokens, both use the cache; database credentials are the app user's.
            secrets: { APP_SECRET_JWT: "app:jwt", APP_SECRET_REDIS: "app:redis", DATABASE_USERNAME: "database:username", DATABASE_PASSWORD: "database:password" },
            scaling: { ...SERVICE_TEMPLATE.scaling, min: production ? 2 : 1, max: production ? 10 : 2, desired: production ? 2 : 1 },
        },
        devices: {
            cpu: 2048,
            memory: 4096,
            ports: [
                { port: 8080, protocol: "http" },
                { port: 50051, protocol: "grpc" },
                { port: 5000, protocol: "tcp" },
            ],
            healthCheckPath: "/health/readiness",
            // `/devices/*` does not match `/devices` itself (ALB path patterns).
            routing: { default: false, paths: ["/devices", "/devices/*"], hosts: [] },
            environment: { ENVIRONMENT: environmentName },
            secrets: { APP_SECRET_REDIS: "app:redis", DATABASE_USERNAME: "database:username", DATABASE_PASSWORD: "database:password" },
            scaling: {
                ...SERVICE_TEMPLATE.scaling,
                min: production ? 2 : 1,
                max: production ? 8 : 2,
                desired: production ? 2 : 1,
                // Scale-in on this metric only once the app publishes it (see README: custom metric).
                customMetric: { namespace: "Platform/Devices", metricName: "ActiveConnections", statistic: "Average", target: 1000, scaleIn: false },
            },
        },
    };
}

export const TIER_DEFAULTS: Record<Tier, RawConfig> = {
    "zero-cost": {
        tier: "zero-cost",
        costCenter: "platform",
        // Public subnets only: a VPC, subnets, an internet gateway and route tables cost nothing.
        network: network("none", false),
        services: seedServices("zero-cost"),
        host: {
            instanceType: "t3.micro",
            // Root 8 (the AL2023 image's size) + data 12: 20 of the free tier's 30 GB of EBS.
            rootVolumeGb: 8,
            dataVolumeGb: 12,
            elasticIp: false,
            acceptCost: false,
            snapshots: { enabled: false, retainCount: 7 },
            tlsCertificatePath: undefined,
            tlsKeyPath: undefined,
            timescaleImage: "timescale/timescaledb:2.17.2-pg16",
        },
        observability: { alarmEmail: undefined, dashboard: false, thresholds },
    },
    staging: {
        tier: "staging",
        costCenter: "platform",
        network: network("instance", false),
        services: seedServices("staging"),
        loadBalancer: {
            certificateArn: undefined,
            domainName: undefined,
            hostedZone: undefined,
            idleTimeoutSeconds: 60,
            deregistrationDelaySeconds: 30,
            deletionProtection: false,
            accessLogExpireDays: 14,
            // AWS's recommended policy: TLS 1.3 and 1.2, restricted ciphers, post-quantum key exchange.
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        },
        cluster: { containerInsights: false, spot: true, logRetentionDays: 3, ecrKeepImages: 10 },
        database: {
            engine: "postgres",
            engineVersion: "17",
            instanceClass: "db.t4g.medium",
            multiAz: false,
            allocatedStorageGb: 100,
            maxAllocatedStorageGb: 500,
            iops: undefined,
            storageThroughput: undefined,
            backupRetentionDays: 7,
            deletionProtection: false,
            // Data stores keep a final snapshot in every tier (paid only once one exists, after a delete).
            finalSnapshot: true,
            performanceInsights: false,
            monitoringIntervalSeconds: 0,
            logExports: [],
            customerManagedKey: false,
            passwordRotationDays: 30,
            databaseName: "platform",
            masterUsername: "platform_admin",
            maxConnections: 200,
            workMemKb: 16384,
            preloadLibraries: ["pg_stat_statements", "pg_cron"],
        },
        cache: {
            engine: "valkey",
            engineVersion: "8.0",
            nodeType: "cache.t4g.small",
            clusterMode: false,
            shards: 1,
            replicasPerShard: 0,
            automaticFailover: false,
            multiAz: false,
            snapshotRetentionDays: 7,
            maintenanceWindow: "sun:03:00-sun:04:00",
            snapshotWindow: "01:00-02:00",
            transitEncryption: true,
            authToken: true,
            finalSnapshot: true,
            slowLogRetentionDays: 3,
            customerManagedKey: false,
        },
        secrets: { rotationDays: 30, customerManagedKey: false, cloudTrail: "create" },
        observability: { alarmEmail: undefined, dashboard: true, thresholds },
    },
    production: {
        tier: "production",
        costCenter: "platform",
        network: network("per-az", true),
        services: seedServices("production"),
        loadBalancer: {
            certificateArn: undefined,
            domainName: undefined,
            hostedZone: undefined,
            idleTimeoutSeconds: 60,
            deregistrationDelaySeconds: 30,
            deletionProtection: true,
            accessLogExpireDays: 90,
            // AWS's recommended policy: TLS 1.3 and 1.2, restricted ciphers, post-quantum key exchange.
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        },
        cluster: { containerInsights: true, spot: false, logRetentionDays: 30, ecrKeepImages: 30 },
        database: {
            engine: "postgres",
            engineVersion: "17",
            instanceClass: "db.r6g.xlarge",
            multiAz: true,
            allocatedStorageGb: 500,
            maxAllocatedStorageGb: 1000,
            // The gp3 baseline from 400 GiB: stated explicitly, costs nothing extra (AWS-FACTS).
            iops: 12000,
            storageThroughput: 500,
            backupRetentionDays: 30,
            deletionProtection: true,
            finalSnapshot: true,
            performanceInsights: true,
            monitoringIntervalSeconds: 60,
            logExports: ["postgresql", "upgrade"],
            customerManagedKey: true,
            passwordRotationDays: 30,
            databaseName: "platform",
            masterUsername: "platform_admin",
            maxConnections: 200,
            workMemKb: 16384,
            preloadLibraries: ["pg_stat_statements", "pg_cron"],
        },
        cache: {
            engine: "valkey",
            engineVersion: "8.0",
            nodeType: "cache.r6g.large",
            clusterMode: true,
            shards: 2,
            replicasPerShard: 2,
            automaticFailover: true,
            multiAz: true,
            snapshotRetentionDays: 7,
            maintenanceWindow: "sun:03:00-sun:04:00",
            snapshotWindow: "01:00-02:00",
            transitEncryption: true,
            authToken: true,
            finalSnapshot: true,
            slowLogRetentionDays: 30,
            customerManagedKey: true,
        },
        secrets: { rotationDays: 30, customerManagedKey: true, cloudTrail: "create" },
        observability: { alarmEmail: undefined, dashboard: true, thresholds },
    },
};
