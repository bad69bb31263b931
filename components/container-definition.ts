// A service's one container as ECS takes it (JSON-ready): image, ports, secrets by ARN, logs, the
// read-only root with its /tmp volume, the container health check and the scaling-metric names.
import { ServiceSettings } from "../config/types";
import { httpPortOf } from "./service-ports";

/** Container health check (seed 003 §10.2.1). */
export const CONTAINER_HEALTH_CHECK = { interval: 30, timeout: 5, retries: 3 } as const;

export interface SecretSourceArns {
    /** The stack's application secret (Secrets Manager). */
    app?: string;
    /** The application database user's secret (Secrets Manager; never the master user's). */
    database?: string;
    /** The New Relic license key (an SSM SecureString parameter ARN: ECS reads either kind). */
    newrelic?: string;
}

/**
 * ECS `valueFrom` for a Secrets Manager secret, optionally one JSON key of it:
 * `arn:...:secret:name:json-key:version-stage:version-id` (empty stage and id = current version).
 */
export function secretValueFrom(arn: string, jsonKey?: string): string {
    return jsonKey ? `${arn}:${jsonKey}::` : arn;
}

/** The service's secret environment variables by ARN; variables whose source does not exist (yet) are skipped. */
export function secretEnvironment(
    service: ServiceSettings,
    arns: SecretSourceArns,
): { secrets: { name: string; valueFrom: string }[]; secretArns: string[]; skipped: string[] } {
    const secrets: { name: string; valueFrom: string }[] = [];
    const skipped: string[] = [];
    const used = new Set<string>();
    for (const [name, ref] of Object.entries(service.secrets).sort(([a], [b]) => a.localeCompare(b))) {
        const arn = arns[ref.source];
        if (!arn) {
            skipped.push(name);
            continue;
        }
        secrets.push({ name, valueFrom: secretValueFrom(arn, ref.jsonKey) });
        used.add(arn);
    }
    return { secrets, secretArns: [...used].sort(), skipped };
}

export interface ContainerInputs {
    /** Undefined while the service awaits its first image: the definition then names a placeholder. */
    image: string;
    logGroupName: string;
    region: string;
    secretArns: SecretSourceArns;
    /** Added to the service's own environment; the service's config wins on a clash. */
    extraEnvironment?: Record<string, string>;
}

/** The writable scratch volume a read-only container gets at /tmp. */
export const TMP_VOLUME = "tmp";

/** The one container of a service's task (ECS container definition, JSON-ready). */
export function containerDefinition(service: ServiceSettings, inputs: ContainerInputs): Record<string, unknown> {
    const environment = { ...(inputs.extraEnvironment ?? {}), ...service.environment };
    const httpPort = httpPortOf(service);
    const definition: Record<string, unknown> = {
        name: service.name,
        image: inputs.image,
        essential: true,
        readonlyRootFilesystem: service.readOnlyRootFilesystem,
        portMappings: service.ports.map((p) => ({ containerPort: p.port, hostPort: p.port, protocol: "tcp", name: `${p.protocol}-${p.port}` })),
        environment: Object.keys(environment)
            .sort()
            .map((name) => ({ name, value: environment[name] })),
        secrets: secretEnvironment(service, inputs.secretArns).secrets,
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": inputs.logGroupName, "awslogs-region": inputs.region, "awslogs-stream-prefix": service.name },
        },
        mountPoints: service.readOnlyRootFilesystem ? [{ sourceVolume: TMP_VOLUME, containerPath: "/tmp", readOnly: false }] : [],
        volumesFrom: [],
    };
    const command = containerHealthCheckCommand(service, httpPort);
    if (command) {
        definition.healthCheck = {
            command,
            ...CONTAINER_HEALTH_CHECK,
            // ECS accepts a startPeriod of 0-300 s (ContainerDefinition HealthCheck).
            startPeriod: Math.min(300, Math.max(0, service.healthCheckGracePeriodSeconds)),
        };
    }
    return definition;
}

/**
 * The container health check command, or undefined for "none" (the target group's HTTP check then
 * watches the task). `curl` is seed 003's command and needs curl in the image; a missing tool makes
 * every task unhealthy and ECS replaces them in a loop, hence "none" by default.
 */
export function containerHealthCheckCommand(service: ServiceSettings, httpPort = httpPortOf(service)): string[] | undefined {
    const check = service.containerHealthCheck;
    const url = `http://localhost:${httpPort}${service.healthCheckPath}`;
    switch (check.kind) {
        case "none":
            return undefined;
        case "curl":
            return ["CMD-SHELL", `curl -f ${url} || exit 1`];
        case "wget":
            return ["CMD-SHELL", `wget -q -O /dev/null ${url} || exit 1`];
        case "command":
            return [...check.command];
    }
}

/**
 * Environment of a service scaled on a custom metric: what it publishes and the dimension values the
 * scaling policy reads (the contract in README "Custom scaling metric").
 */
export function scalingMetricEnvironment(service: ServiceSettings, clusterName: string, serviceName: string): Record<string, string> {
    const metric = service.scaling.customMetric;
    if (!metric) return {};
    return {
        SCALING_METRIC_NAMESPACE: metric.namespace,
        SCALING_METRIC_NAME: metric.metricName,
        SCALING_METRIC_CLUSTER_NAME: clusterName,
        SCALING_METRIC_SERVICE_NAME: serviceName,
    };
}
