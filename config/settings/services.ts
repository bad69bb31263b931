// `platform:services`: a map of service name to its task, ports, routing, secrets and scaling.
// Every service gets the template's values; the two seed services (seed 003 §10.2.1) add their own.
import { PRIORITY_BLOCKS } from "../priorities";
import { FARGATE_CPU_VALUES } from "../aws-limits";
import {
    choice,
    DeepPartial,
    flag,
    group,
    integer,
    list,
    matches,
    number,
    oneOf,
    optional,
    optionalGroup,
    satisfies,
    serviceMap,
    ShapeOf,
    stringMap,
    stringOrList,
    text,
} from "./dsl";

export type PortProtocol = "http" | "grpc" | "tcp";

export interface ServicePort {
    port: number;
    protocol: PortProtocol;
}

const percentage = satisfies((v: number) => v > 0 && v <= 100, "must be a percentage from 1 to 100");

const service = group("One service: an ECS Fargate service (or a container on the zero-cost host).", {
    enabled: flag({ doc: "Deploy the service; false keeps its config but declares nothing.", default: true }),
    cpu: number({
        doc: "Task CPU units (1024 = 1 vCPU); with `memory`, a pair Fargate accepts.",
        default: 256,
        check: oneOf(FARGATE_CPU_VALUES, "is not a Fargate CPU value"),
    }),
    memory: number({ doc: "Task memory, MiB.", default: 512 }),
    architecture: choice(["ARM64", "X86_64"], {
        doc: "CPU architecture; ARM64 (Graviton) is about 20% cheaper (seed 000).",
        default: "ARM64",
        phrase: "is not a Fargate architecture",
    }),
    image: optional(
        text({ doc: "A full image reference; unset: this stack's ECR repository for the service at `imageTag`.", example: "public.ecr.aws/nginx/nginx:1.27" }),
    ),
    imageTag: optional(
        text({
            doc: "The release: a tag in this stack's (immutable) ECR repository, set by the pipeline. No default.",
            example: "v1.4.2",
            // ECR image tags: up to 128 of letters, digits, _ . - not starting with . or - (ECR PutImage).
            check: matches(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "is not an image tag (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -)"),
        }),
    ),
    ports: list<ServicePort>({
        doc: "Container ports with their protocol: `http` (ALB), `grpc` (ALB, HTTP/2), `tcp` (internal, or the NLB with `publicTcp`). No default: a new service declares them.",
        default: [],
        example: "[{ port: 8080, protocol: http }]",
    }),
    healthCheckPath: text({ doc: "HTTP path of the target group's health check.", default: "/health/readiness", check: matches(/^\//, "must start with /") }),
    // The target group's HTTP check already watches every HTTP service; a container check only
    // works when the image has the tool it runs (seed 003's curl is absent from distroless images).
    containerHealthCheck: stringOrList({
        doc: "The container's own check: `none`, `curl` or `wget` (probe the http port; the image must have the tool), or an ECS command list.",
        default: "none",
        example: '["CMD", "/app/healthcheck"]',
    }),
    routing: group("How the load balancer reaches the service.", {
        default: flag({ doc: "The service the ALB forwards to when no rule matches; exactly one http service.", default: false }),
        paths: list({
            doc: "Path patterns routed to the service (`/devices/*` does not match `/devices`).",
            default: [],
            example: '["/devices", "/devices/*"]',
        }),
        hosts: list({ doc: "Host headers routed to the service.", default: [], example: '["devices.example.com"]' }),
        priority: optional(
            number({
                doc: "The service's block of listener-rule priorities (rules get `priority * 100 + n`). Unset: derived from the service name, so adding, disabling or reordering services never moves another's rules.",
                check: integer(1, PRIORITY_BLOCKS),
            }),
        ),
    }),
    environment: stringMap({ doc: "Plain environment variables (never secrets: those go in `secrets`).", default: {} }),
    secrets: stringMap({
        doc: "Secret environment variables by source: `app` or `app:<key>` (the application secret), `database:<key>` (the service's database user), `newrelic`.",
        default: {},
        example: "{ DATABASE_PASSWORD: database:password }",
    }),
    readOnlyRootFilesystem: flag({ doc: "Read-only root filesystem for the container (ECS.5).", default: true }),
    publicTcp: flag({ doc: "Publish the service's tcp ports on a Network Load Balancer.", default: false }),
    healthCheckGracePeriodSeconds: number({
        doc: "Seconds ECS ignores failing checks after a task starts.",
        default: 60,
        // ECS: startPeriod 0-300 s comes from the grace period (containerDefinition).
        check: integer(0, 3600),
    }),
    scaling: group("Task count and target tracking.", {
        min: number({ doc: "Fewest tasks.", default: 1, check: integer(0, 1000) }),
        max: number({ doc: "Most tasks.", default: 2, check: integer(1, 1000) }),
        desired: number({ doc: "Tasks at creation, within [min, max].", default: 1 }),
        cpuTarget: number({ doc: "Target average CPU % (seed 70).", default: 70, check: percentage }),
        memoryTarget: number({ doc: "Target average memory % (seed 80).", default: 80, check: percentage }),
        requestsPerTarget: optional(number({ doc: "ALB requests per target per minute; scaling on it only when set.", example: "1000" })),
        customMetric: optionalGroup("Target tracking on a metric the service publishes (seed: the devices' active connections, 1000 per task).", {
            namespace: text({
                doc: "CloudWatch namespace the service publishes to (not an `AWS/` one).",
                example: "Platform/Devices",
                check: satisfies((v: string) => v !== "" && !v.startsWith("AWS/"), "must name the namespace the service publishes (not an AWS/ namespace)"),
            }),
            metricName: text({ doc: "Metric name.", example: "ActiveConnections", check: matches(/./, "must not be empty") }),
            statistic: choice(["Average", "Sum", "Maximum", "Minimum"], { doc: "Statistic the policy tracks.", default: "Average", phrase: "" }),
            target: number({ doc: "Target value per task.", example: "1000", check: satisfies((v: number) => v > 0, "must be a number > 0") }),
            scaleIn: flag({
                doc: "Whether the policy may scale in. A target-tracking policy without data blocks scale-in of the whole service: keep false until the app publishes the metric.",
                default: false,
            }),
        }),
        scaleOutCooldownSeconds: number({ doc: "Seconds between scale-outs.", default: 60 }),
        scaleInCooldownSeconds: number({ doc: "Seconds between scale-ins.", default: 300 }),
    }),
});

type SeedService = DeepPartial<ShapeOf<typeof service.children>>;

export const services = serviceMap("Service name to settings; a new name is a new service.", service, (t): Record<string, SeedService> => {
    const tasks = (max: number) => ({ min: t.highAvailability ? 2 : 1, desired: t.highAvailability ? 2 : 1, max: t.highAvailability ? max : 2 });
    return {
        api: {
            cpu: 1024,
            memory: 2048,
            ports: [{ port: 8080, protocol: "http" }],
            routing: { default: true },
            environment: { NODE_ENV: t.environmentName },
            // Only the keys each service needs (not the whole application secret): api issues and
            // verifies tokens, both use the cache; database credentials are the app user's.
            secrets: {
                APP_SECRET_JWT: "app:jwt",
                APP_SECRET_REDIS: "app:redis",
                DATABASE_USERNAME: "database:username",
                DATABASE_PASSWORD: "database:password",
            },
            scaling: tasks(10),
        },
        devices: {
            cpu: 2048,
            memory: 4096,
            ports: [
                { port: 8080, protocol: "http" },
                { port: 50051, protocol: "grpc" },
                { port: 5000, protocol: "tcp" },
            ],
            // `/devices/*` does not match `/devices` itself (ALB path patterns).
            routing: { paths: ["/devices", "/devices/*"] },
            environment: { ENVIRONMENT: t.environmentName },
            secrets: { APP_SECRET_REDIS: "app:redis", DATABASE_USERNAME: "database:username", DATABASE_PASSWORD: "database:password" },
            scaling: {
                ...tasks(8),
                // Scale-in on this metric only once the app publishes it (see README: custom metric).
                customMetric: { namespace: "Platform/Devices", metricName: "ActiveConnections", statistic: "Average", target: 1000, scaleIn: false },
            },
        },
    };
});
