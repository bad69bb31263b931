// `platform:loadBalancer` and `platform:cluster`: the ALB in front of the Fargate services, and the
// ECS cluster and image repositories they run from.
import { ALB_IDLE_TIMEOUT_SECONDS, ALB_TLS12_POLICIES, DEREGISTRATION_DELAY_SECONDS } from "../aws-limits";
import { flag, integer, matches, number, oneOf, optional, section, text } from "./dsl";
import { dnsName, onFargate, retention } from "./common";

export const loadBalancer = section("The Application Load Balancer.", onFargate, {
    certificateArn: optional(
        text({
            doc: "ACM certificate (of the stack's region) for the HTTPS listener; or set `domainName` and `hostedZone` to have the stack issue one.",
            example: "arn:aws:acm:us-east-1:<account>:certificate/<id>",
        }),
    ),
    domainName: optional(
        text({
            doc: "Public DNS name the stack serves; with `hostedZone`, the stack issues its DNS-validated certificate and the alias record.",
            example: "api.example.com",
            check: matches(dnsName, "is not a lowercase DNS name like api.example.com"),
        }),
    ),
    hostedZone: optional(
        text({
            doc: "Route 53 public hosted zone (its name) holding `domainName`.",
            example: "example.com",
            check: matches(dnsName, "is not a lowercase DNS zone name like example.com"),
        }),
    ),
    idleTimeoutSeconds: number({
        doc: "Seconds an idle connection stays open.",
        default: 60,
        check: integer(ALB_IDLE_TIMEOUT_SECONDS.min, ALB_IDLE_TIMEOUT_SECONDS.max),
    }),
    clientKeepAliveSeconds: number({
        doc: "Longest a client's HTTP connection stays open, active or not; the ALB then closes it and the client reconnects (devices that hold connections for hours see a reconnect this often).",
        // ALB attribute client_keep_alive.seconds: 60-604800, default 3600 (provider docs, aws.lb.LoadBalancer clientKeepAlive).
        default: 3600,
        check: integer(60, 604800),
    }),
    deregistrationDelaySeconds: number({
        doc: "Seconds a target drains before deregistration.",
        default: 30,
        check: integer(DEREGISTRATION_DELAY_SECONDS.min, DEREGISTRATION_DELAY_SECONDS.max),
    }),
    deletionProtection: flag({ doc: "ALB deletion protection.", default: (t) => t.protectData }),
    accessLogExpireDays: number({
        doc: "Days before ALB access logs expire from the log bucket.",
        default: (t) => (t.protectData ? 90 : 14),
        check: integer(1, 3650),
    }),
    sslPolicy: text({
        doc: "TLS policy of the HTTPS listener; only policies that negotiate TLS 1.2 or newer.",
        // AWS's recommended policy: TLS 1.3 and 1.2, restricted ciphers, post-quantum key exchange.
        default: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        check: oneOf(ALB_TLS12_POLICIES, "is not accepted (ALB TLS policies that negotiate TLS 1.2 or newer)"),
    }),
});

export const cluster = section("The ECS cluster and the services' log groups and image repositories.", onFargate, {
    containerInsights: flag({ doc: "CloudWatch Container Insights (billed per metric).", default: (t) => t.detailedMonitoring }),
    spot: flag({ doc: "Run part of each service on FARGATE_SPOT (one task stays on demand).", default: (t) => t.spotCapacity }),
    logRetentionDays: number({
        doc: "Retention of the services' log groups, days (seed 000: 3 outside production).",
        default: (t) => t.logRetention.default,
        check: retention,
    }),
    ecrKeepImages: number({
        doc: "Tagged images each repository keeps (how far back a rollback can go).",
        default: (t) => (t.protectData ? 30 : 10),
        // The lifecycle policy's countNumber: at least 1 (ECR lifecycle policy rules).
        check: integer(1, 1000),
    }),
});
