// Pure decisions of the compute tier (no Pulumi resources): listener-rule priorities, container
// definitions, secret references, IAM documents, scaling policies, names. The load balancer, cluster
// and Fargate service components only wire these results to resources; tests call them directly.
import { ServiceSettings } from "../config/types";
import { routingPatternProblem } from "../config/routing";
import { rulePriority, RULES_PER_KIND } from "../config/priorities";

/** Target-group health check (seed 003 §10.2.4). */
export const TARGET_GROUP_HEALTH_CHECK = { interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200" } as const;
/** Container health check (seed 003 §10.2.1). */
export const CONTAINER_HEALTH_CHECK = { interval: 30, timeout: 5, retries: 3 } as const;
/** Cloud Map registration: short TTL so replaced tasks drop out of DNS quickly. */
export const DISCOVERY_RECORD = { type: "A", ttl: 10, routingPolicy: "MULTIVALUE" } as const;
/** ALB limit: at most 5 values across a rule's conditions. */
export const MAX_RULE_VALUES = 5;
/** Deployment knobs: never below desired capacity during a deploy, at most double. */
export const DEPLOYMENT = { minimumHealthyPercent: 100, maximumPercent: 200 } as const;

export const httpPortOf = (s: ServiceSettings): number | undefined => s.ports.find((p) => p.protocol === "http")?.port;
export const grpcPortOf = (s: ServiceSettings): number | undefined => s.ports.find((p) => p.protocol === "grpc")?.port;
/** TCP ports published on the Network Load Balancer (only for `publicTcp` services). */
export const publicTcpPortsOf = (s: ServiceSettings): number[] => (s.publicTcp ? s.ports.filter((p) => p.protocol === "tcp").map((p) => p.port) : []);

/** DNS-safe label: lowercase letters, digits and dashes. */
function dnsLabel(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

/**
 * Cloud Map private namespace: `<stack>.<project>.internal` (e.g. `staging.platform.internal`).
 * `.internal` is reserved for private use (ICANN, 2024), unlike `.local` which mDNS resolvers claim.
 */
export function namespaceName(project: string, stack: string): string {
    return `${dnsLabel(stack)}.${dnsLabel(project)}.internal`;
}

/** ECR repository `<namePrefix>/<service>`, lowercased as ECR requires. */
export function ecrRepositoryName(namePrefix: string, service: string): string {
    return `${dnsLabel(namePrefix)}/${dnsLabel(service)}`;
}

/**
 * The configured image, or this stack's ECR repository at the configured tag; undefined while the
 * service has neither (its repository is still empty: the service waits with no tasks).
 */
export function imageReference(service: ServiceSettings, repositoryUrl: string): string | undefined {
    if (service.image !== undefined) return service.image;
    return service.imageTag !== undefined ? `${repositoryUrl}:${service.imageTag}` : undefined;
}

/** True while a service has no image to run yet (no `image`, no `imageTag`). */
export function awaitingImage(service: ServiceSettings): boolean {
    return service.image === undefined && service.imageTag === undefined;
}

/** The ECR repository ARN of an image reference in a private ECR registry, else undefined. */
export function ecrRepositoryArnOf(image: string): string | undefined {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(image);
    return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/** `<service>.<namespace>:<grpc port>` for each service that registers in Cloud Map. */
export function grpcAddresses(services: ServiceSettings[], namespace: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const s of services) {
        const port = grpcPortOf(s);
        if (port !== undefined) result[s.name] = `${dnsLabel(s.name)}.${namespace}:${port}`;
    }
    return result;
}

/** Environment every container gets: `<SERVICE>_GRPC_ADDRESS` for each gRPC service (config wins on a clash). */
export function discoveryEnvironment(services: ServiceSettings[], namespace: string): Record<string, string> {
    return Object.fromEntries(Object.entries(grpcAddresses(services, namespace))
        .map(([name, address]) => [`${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_GRPC_ADDRESS`, address]));
}

// ---------------------------------------------------------------------------------------------
// Load balancer routing

export interface ListenerRuleSpec {
    service: string;
    /** Stable suffix of the rule's logical name, e.g. `host-1`, `path-1`. */
    suffix: string;
    priority: number;
    condition: { kind: "host" | "path"; values: string[] };
}


/**
 * Listener rules for path and host routing, 5 values per rule (the ALB limit). Priorities come from
 * the service's own block (`routing.priority`, config/priorities.ts), never from its position in
 * config: adding, disabling or reordering services leaves every other rule where it is. Host rules
 * come before path rules inside a block; rules are evaluated lowest priority first.
 */
export function listenerRules(services: ServiceSettings[]): ListenerRuleSpec[] {
    const rules: ListenerRuleSpec[] = [];
    for (const service of services) {
        if (httpPortOf(service) === undefined) continue;
        const chunks = (values: string[]) => Array.from({ length: Math.ceil(values.length / MAX_RULE_VALUES) }, (_, i) => values.slice(i * MAX_RULE_VALUES, (i + 1) * MAX_RULE_VALUES));
        for (const kind of ["host", "path"] as const) {
            const values = kind === "host" ? service.routing.hosts : service.routing.paths;
            values.forEach((value, i) => {
                const problem = routingPatternProblem(kind, value);
                if (problem) throw new Error(`platform:services.${service.name}.routing.${kind === "path" ? "paths" : "hosts"}[${i}]: ${JSON.stringify(value)} ${problem}`);
            });
            const kindChunks = chunks(values);
            if (kindChunks.length > RULES_PER_KIND) throw new Error(`platform:services.${service.name}.routing.${kind}s: more than ${RULES_PER_KIND * MAX_RULE_VALUES} values (${MAX_RULE_VALUES} per rule, ${RULES_PER_KIND} rules)`);
            kindChunks.forEach((chunk, i) => {
                rules.push({ service: service.name, suffix: `${kind}-${i + 1}`, priority: rulePriority(service.routing.priority, kind, i), condition: { kind, values: chunk } });
            });
        }
    }
    return rules;
}

/** The service behind the listener's default action (validate.ts guarantees exactly one). */
export function defaultService(services: ServiceSettings[]): ServiceSettings {
    const defaults = services.filter((s) => s.routing.default && httpPortOf(s) !== undefined);
    if (defaults.length !== 1) throw new Error(`platform:services.*.routing.default: exactly one http service must be the load balancer's default, found ${defaults.length}`);
    return defaults[0];
}

/** Public TCP listeners of the NLB (config validation guarantees a port is published once). */
export function publicTcpListeners(services: ServiceSettings[]): { service: string; port: number }[] {
    return services.flatMap((s) => publicTcpPortsOf(s).map((port) => ({ service: s.name, port })));
}

// ---------------------------------------------------------------------------------------------
// Containers

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
export function secretEnvironment(service: ServiceSettings, arns: SecretSourceArns): { secrets: { name: string; valueFrom: string }[]; secretArns: string[]; skipped: string[] } {
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
        environment: Object.keys(environment).sort().map((name) => ({ name, value: environment[name] })),
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
        case "none": return undefined;
        case "curl": return ["CMD-SHELL", `curl -f ${url} || exit 1`];
        case "wget": return ["CMD-SHELL", `wget -q -O /dev/null ${url} || exit 1`];
        case "command": return [...check.command];
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

// ---------------------------------------------------------------------------------------------
// IAM

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string>>;
}

/**
 * The execution role's permissions: pull this service's image, write its log group, read exactly the
 * secrets it is given (and decrypt them with the stack's key when there is one). Only
 * `ecr:GetAuthorizationToken` has `*`: that action has no resource.
 */
export function executionRolePolicy(args: { repositoryArns: string[]; logGroupArn: string; secretArns: string[]; kmsKeyArn?: string; region: string }): { Version: string; Statement: PolicyStatement[] } {
    const repositories = [...new Set(args.repositoryArns)];
    const secrets = args.secretArns.filter((arn) => arn.startsWith("arn:aws:secretsmanager:") || /^arn:aws[a-z-]*:secretsmanager:/.test(arn));
    const parameters = args.secretArns.filter((arn) => /^arn:aws[a-z-]*:ssm:/.test(arn));
    const statements: PolicyStatement[] = [
        { Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
        // This stack's repository, and the repository of a configured ECR image (another repository
        // or account: a cross-account pull also needs that repository's policy to allow this role).
        { Sid: "PullImage", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: repositories.length === 1 ? repositories[0] : repositories },
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${args.logGroupArn}:*` },
    ];
    if (parameters.length > 0) {
        // SecureString with the AWS-managed aws/ssm key: no kms statement needed (ECS "Pass sensitive data").
        statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: parameters });
    }
    if (secrets.length > 0) {
        statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secrets });
        if (args.kmsKeyArn) {
            statements.push({
                Sid: "DecryptSecrets", Effect: "Allow", Action: ["kms:Decrypt"], Resource: args.kmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
            });
        }
    }
    return { Version: "2012-10-17", Statement: statements };
}

// ---------------------------------------------------------------------------------------------
// Capacity and scaling

export interface CapacityProviderStrategyItem {
    capacityProvider: "FARGATE" | "FARGATE_SPOT";
    base?: number;
    weight: number;
}

/**
 * With spot: the first task always on FARGATE (base 1), the rest 1:3 FARGATE:FARGATE_SPOT, so a
 * service keeps an on-demand task through a Spot interruption and ~75% of the extra tasks cost ~70%
 * less. Without: FARGATE only.
 */
export function capacityProviderStrategy(spot: boolean): CapacityProviderStrategyItem[] {
    return spot
        ? [{ capacityProvider: "FARGATE", base: 1, weight: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }]
        : [{ capacityProvider: "FARGATE", weight: 1 }];
}

export interface ScalingPolicySpec {
    /** Logical-name suffix: cpu, memory, requests, custom. */
    suffix: string;
    targetValue: number;
    scaleOutCooldown: number;
    scaleInCooldown: number;
    /** Scale-out only: a policy whose metric has no data would otherwise block scale-in of the service. */
    disableScaleIn: boolean;
    predefined?: { metricType: "ECSServiceAverageCPUUtilization" | "ECSServiceAverageMemoryUtilization" | "ALBRequestCountPerTarget" };
    customized?: { namespace: string; metricName: string; statistic: string };
}

/** Target-tracking policies of a service: CPU and memory always, request count and a custom metric when configured. */
export function scalingPolicies(service: ServiceSettings, hasTargetGroup: boolean): ScalingPolicySpec[] {
    const s = service.scaling;
    const cooldowns = { scaleOutCooldown: s.scaleOutCooldownSeconds, scaleInCooldown: s.scaleInCooldownSeconds };
    const specs: ScalingPolicySpec[] = [
        { suffix: "cpu", targetValue: s.cpuTarget, ...cooldowns, disableScaleIn: false, predefined: { metricType: "ECSServiceAverageCPUUtilization" } },
        { suffix: "memory", targetValue: s.memoryTarget, ...cooldowns, disableScaleIn: false, predefined: { metricType: "ECSServiceAverageMemoryUtilization" } },
    ];
    if (s.requestsPerTarget !== undefined) {
        if (!hasTargetGroup) throw new Error(`platform:services.${service.name}.scaling.requestsPerTarget: service ${service.name} publishes no ALB request count (no target group)`);
        specs.push({ suffix: "requests", targetValue: s.requestsPerTarget, ...cooldowns, disableScaleIn: false, predefined: { metricType: "ALBRequestCountPerTarget" } });
    }
    if (s.customMetric) {
        specs.push({
            suffix: "custom", targetValue: s.customMetric.target, ...cooldowns,
            // "ECS will scale in only if all of the target tracking policies are ready to scale in"
            // (AWS-FACTS): until the app publishes the metric, this policy may only scale out.
            disableScaleIn: !s.customMetric.scaleIn,
            customized: { namespace: s.customMetric.namespace, metricName: s.customMetric.metricName, statistic: s.customMetric.statistic },
        });
    }
    return specs;
}

/**
 * ECR lifecycle: of the tagged images (releases), the newest `keep` stay. Only tagged images count:
 * a `tagStatus: any` rule also counts the untagged children of image indexes and attestations, so it
 * keeps fewer releases than it says (aws/containers-roadmap#2613), and an untagged rule could expire
 * the platform images of a multi-arch index still in use (containers-roadmap#1466), so untagged
 * manifests are left alone. ECR cannot see which image a task definition runs (rules select by tag,
 * count and age only), so `keep` must cover every release that could still run or be rolled back to.
 */
export function ecrLifecyclePolicy(keep: number): string {
    return JSON.stringify({
        rules: [{
            rulePriority: 1,
            description: `Keep the last ${keep} tagged images`,
            // tagStatus tagged needs a pattern list (ECR lifecycle policy parameters); "*" is any tag.
            selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keep },
            action: { type: "expire" },
        }],
    });
}
