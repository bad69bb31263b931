// The edge: an internet-facing Application Load Balancer in the public subnets with HTTPS (TLS 1.3
// policy) and an HTTP->HTTPS redirect, one `ip` target group per HTTP service, path/host listener
// rules, access logs to a bucket this component owns, and, only for services with `publicTcp`, a
// Network Load Balancer for their raw TCP ports (seed 003 §10.2.4).
//
// Cost: the ALB is $16.43/month + $5.84 per LCU-month (us-east-1); target groups, listeners and rules
// are free; access logs are S3 storage only (expired after `accessLogExpireDays`). An NLB (publicTcp
// only) is another ~$16.43/month + NLCUs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerSettings, ServiceSettings } from "../config/types";
import { defaultService, EDGE_DEFAULT_RULE_PRIORITY, listenerRules, publicTcpListeners, TARGET_GROUP_HEALTH_CHECK } from "./listener-rules";
import { ORIGIN_SECRET_HEADER } from "./edge-behaviour";
import { httpPortOf } from "./service-ports";
import { logBucket } from "./log-bucket";
import { autonameBase, ELB_NAME_MAX } from "./naming";
import { dnsValidatedCertificate, publicZoneId } from "./hosted-zone";
import { generatedSecret } from "./generated-secret";

export interface LoadBalancerArgs {
    settings: LoadBalancerSettings;
    /** Every service of the stack, in config order (rule priorities derive from it). */
    services: ServiceSettings[];
    namePrefix: string;
    /** Keep the log bucket's objects when the stack is destroyed (no `forceDestroy`). */
    protectData: boolean;
    vpcId: pulumi.Input<string>;
    publicSubnetIds: pulumi.Input<string>[];
    /** CIDRs of the public subnets: where NLB traffic to the tasks comes from. */
    publicSubnetCidrs: string[];
    /** The network's load-balancer security group (80/443 from the internet, marked PublicIngress). */
    securityGroupId: pulumi.Input<string>;
    /** The network's services security group: gets the NLB's TCP ports from the public subnets. */
    servicesSecurityGroupId: pulumi.Input<string>;
    /**
     * Behind the edge: the load balancer makes the value of the header CloudFront adds
     * (ORIGIN_SECRET_HEADER, `edgeSecret`) and answers 403 to requests without it, a second lock
     * besides the security group's CloudFront-only rule.
     */
    behindEdge: boolean;
}

/** Whether the load balancer serves HTTPS: a certificate ARN, or a domain and zone to issue one for. */
export function loadBalancerServesHttps(settings: LoadBalancerSettings): boolean {
    return settings.certificateArn !== undefined || (settings.domainName !== undefined && settings.hostedZone !== undefined);
}

/** A target group a service's tasks register in. */
export interface ServiceTarget {
    kind: "alb" | "nlb";
    containerPort: number;
    targetGroupArn: pulumi.Output<string>;
    targetGroupArnSuffix: pulumi.Output<string>;
}

/** Access-log objects go under this prefix (`<prefix>/AWSLogs/<account>/...`). */
export const ACCESS_LOG_PREFIX = "alb";

export class LoadBalancer extends pulumi.ComponentResource {
    readonly arn: pulumi.Output<string>;
    readonly arnSuffix: pulumi.Output<string>;
    readonly dnsName: pulumi.Output<string>;
    readonly httpsEnabled: boolean;
    /** `https://<domain or ALB DNS>`, `http://` when no certificate is configured. */
    readonly url: pulumi.Output<string>;
    readonly logBucketName: pulumi.Output<string>;
    /** Target groups per service name. */
    readonly targets: Record<string, ServiceTarget[]>;
    /** Listeners and rules: a service attaching to a target group must wait for them. */
    readonly routing: pulumi.Resource[];
    readonly nlbDnsName?: pulumi.Output<string>;
    /** The value CloudFront must send in ORIGIN_SECRET_HEADER (behindEdge only). */
    readonly edgeSecret?: pulumi.Output<string>;

    constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:compute:LoadBalancer", name, {}, opts);
        const parent = { parent: this };
        const { settings, services, namePrefix } = args;
        // Validated before anything is created (config/validate.ts covers the rest).
        const rules = listenerRules(services, args.behindEdge ? 1 : 0);
        // Kept in state as a secret; replacing this resource changes both sides in one deployment.
        this.edgeSecret = args.behindEdge ? pulumi.secret(generatedSecret(`${name}-edge-secret`, 40, parent).result) : undefined;
        const fromEdge = this.edgeSecret && { httpHeader: { httpHeaderName: ORIGIN_SECRET_HEADER, values: [this.edgeSecret] } };
        const fallback = defaultService(services);
        const tcpListeners = publicTcpListeners(services);

        const logs = this.logBucket(name, args);

        // Autonamed (`alb-<7 chars>`): a change that replaces the load balancer (internal, type)
        // creates the new one under a new name instead of colliding with the old; tags carry the stack.
        const alb = new aws.lb.LoadBalancer(
            `${name}`,
            {
                loadBalancerType: "application",
                internal: false,
                ipAddressType: "ipv4",
                subnets: args.publicSubnetIds,
                securityGroups: [args.securityGroupId],
                idleTimeout: settings.idleTimeoutSeconds,
                clientKeepAlive: settings.clientKeepAliveSeconds,
                // Always on for ALBs; stated so the intent is visible.
                enableCrossZoneLoadBalancing: true,
                dropInvalidHeaderFields: true,
                enableDeletionProtection: settings.deletionProtection,
                accessLogs: { bucket: logs.bucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
                tags: { Name: `${namePrefix}-alb` },
            },
            { parent: this, dependsOn: [logs.policy] },
        ); // AWS checks the bucket policy when logging is enabled
        this.arn = alb.arn;
        this.arnSuffix = alb.arnSuffix;
        this.dnsName = alb.dnsName;

        this.targets = {};
        const targetGroups = new Map<string, aws.lb.TargetGroup>();
        for (const service of services) {
            const port = httpPortOf(service);
            if (port === undefined) continue;
            // Autonamed from a logical name that fits ELB's 32 characters with Pulumi's 8-character
            // suffix (AWS-FACTS), whatever the service name's length.
            const tg = new aws.lb.TargetGroup(
                autonameBase(["tg", service.name], ELB_NAME_MAX),
                {
                    targetType: "ip",
                    protocol: "HTTP",
                    port,
                    vpcId: args.vpcId,
                    // Draining after a deploy: the default 300 s would hold every rollout 5 minutes.
                    deregistrationDelay: settings.deregistrationDelaySeconds,
                    healthCheck: {
                        enabled: true,
                        protocol: "HTTP",
                        port: "traffic-port",
                        path: service.healthCheckPath,
                        interval: TARGET_GROUP_HEALTH_CHECK.interval,
                        timeout: TARGET_GROUP_HEALTH_CHECK.timeout,
                        healthyThreshold: TARGET_GROUP_HEALTH_CHECK.healthyThreshold,
                        unhealthyThreshold: TARGET_GROUP_HEALTH_CHECK.unhealthyThreshold,
                        matcher: TARGET_GROUP_HEALTH_CHECK.matcher,
                    },
                    tags: { Name: `${namePrefix}-${service.name}`, Service: service.name },
                },
                parent,
            );
            targetGroups.set(service.name, tg);
            this.targets[service.name] = [{ kind: "alb", containerPort: port, targetGroupArn: tg.arn, targetGroupArnSuffix: tg.arnSuffix }];
        }

        const certificateArn = this.certificate(name, settings);
        this.httpsEnabled = certificateArn !== undefined;
        const forwardDefault = [{ type: "forward", targetGroupArn: targetGroups.get(fallback.name)!.arn }];
        const forbidden = [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "403", messageBody: "Forbidden" } }];
        // Behind the edge the serving listener's default refuses; a last rule forwards what carries the header.
        const servingDefault = fromEdge ? forbidden : forwardDefault;
        const http = new aws.lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: alb.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: this.httpsEnabled
                    ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
                    : // HTTP-only (staging without a certificate): port 80 serves the services directly.
                      servingDefault,
            },
            parent,
        );
        const https = this.httpsEnabled
            ? new aws.lb.Listener(
                  `${name}-https`,
                  {
                      loadBalancerArn: alb.arn,
                      port: 443,
                      protocol: "HTTPS",
                      certificateArn,
                      sslPolicy: settings.sslPolicy,
                      defaultActions: servingDefault,
                  },
                  parent,
              )
            : undefined;
        const serving = https ?? http;
        this.routing = [http, ...(https ? [https] : [])];
        for (const rule of rules) {
            this.routing.push(
                new aws.lb.ListenerRule(
                    `${name}-${rule.service}-${rule.suffix}`,
                    {
                        listenerArn: serving.arn,
                        priority: rule.priority,
                        actions: [{ type: "forward", targetGroupArn: targetGroups.get(rule.service)!.arn }],
                        conditions: [
                            rule.condition.kind === "path"
                                ? { pathPattern: { values: rule.condition.values } }
                                : { hostHeader: { values: rule.condition.values } },
                            ...(fromEdge ? [fromEdge] : []),
                        ],
                        tags: { Name: `${namePrefix}-${rule.service}-${rule.suffix}` },
                    },
                    parent,
                ),
            );
        }

        if (fromEdge) {
            this.routing.push(
                new aws.lb.ListenerRule(
                    `${name}-edge-default`,
                    {
                        listenerArn: serving.arn,
                        priority: EDGE_DEFAULT_RULE_PRIORITY,
                        actions: forwardDefault,
                        conditions: [fromEdge],
                        tags: { Name: `${namePrefix}-edge-default` },
                    },
                    parent,
                ),
            );
        }

        if (tcpListeners.length > 0) this.nlbDnsName = this.networkLoadBalancer(name, args, tcpListeners);

        if (settings.domainName && settings.hostedZone) {
            new aws.route53.Record(
                `${name}-alias`,
                {
                    zoneId: this.zoneId(settings),
                    name: settings.domainName,
                    type: "A",
                    aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }],
                },
                parent,
            );
        }
        const host = settings.domainName ? pulumi.output(settings.domainName) : alb.dnsName;
        this.url = pulumi.interpolate`${this.httpsEnabled ? "https" : "http"}://${host}`;
        this.logBucketName = logs.bucket.bucket;
        this.registerOutputs({ dnsName: this.dnsName, url: this.url, httpsEnabled: this.httpsEnabled });
    }

    private hostedZoneId?: pulumi.Output<string>;

    /** The public hosted zone of `hostedZone`, looked up once. */
    private zoneId(settings: LoadBalancerSettings): pulumi.Output<string> {
        this.hostedZoneId ??= publicZoneId(settings.hostedZone!, "loadBalancer.hostedZone", this);
        return this.hostedZoneId;
    }

    /**
     * The HTTPS listener's certificate: the configured ARN, or one the stack issues for `domainName`
     * and validates through a record in `hostedZone` (ACM DNS validation: one CNAME per
     * domainValidationOptions entry, then CertificateValidation waits until ACM has issued it).
     */
    private certificate(name: string, settings: LoadBalancerSettings): pulumi.Input<string> | undefined {
        if (settings.certificateArn) return settings.certificateArn;
        if (!settings.domainName || !settings.hostedZone) return undefined;
        return dnsValidatedCertificate(`${name}-certificate`, settings.domainName, this.zoneId(settings), this);
    }

    /**
     * The access-log bucket: SSE-S3 (ALB log delivery does not support SSE-KMS), public access fully
     * blocked, BucketOwnerEnforced, expiry after `accessLogExpireDays`, TLS-only, and a policy letting
     * the regional ELB account (regions opened before August 2022) and the
     * `logdelivery.elasticloadbalancing.amazonaws.com` principal (newer regions) write under the prefix.
     */
    private logBucket(name: string, args: LoadBalancerArgs): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
        const parent = { parent: this };
        const { bucket, configured } = logBucket(
            `${name}-logs`,
            {
                protectData: args.protectData,
                expireDays: args.settings.accessLogExpireDays,
                ruleId: "expire-access-logs",
                tags: { Name: `${args.namePrefix}-alb-logs` },
            },
            this,
        );
        const elbAccount = aws.elb.getServiceAccountOutput({}, parent);
        const caller = aws.getCallerIdentityOutput({}, parent);
        const logObjects = pulumi.interpolate`${bucket.arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${caller.accountId}/*`;
        const policy = new aws.s3.BucketPolicy(
            `${name}-logs`,
            {
                bucket: bucket.id,
                policy: aws.iam.getPolicyDocumentOutput(
                    {
                        statements: [
                            {
                                sid: "ElbAccountWritesLogs",
                                actions: ["s3:PutObject"],
                                resources: [logObjects],
                                principals: [{ type: "AWS", identifiers: [elbAccount.arn] }],
                            },
                            {
                                sid: "ElbLogDeliveryWritesLogs",
                                actions: ["s3:PutObject"],
                                resources: [logObjects],
                                principals: [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }],
                            },
                            {
                                sid: "DenyInsecureTransport",
                                effect: "Deny",
                                actions: ["s3:*"],
                                resources: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                                principals: [{ type: "*", identifiers: ["*"] }],
                                conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
                            },
                        ],
                    },
                    parent,
                ).json,
            },
            { parent: this, dependsOn: [configured] },
        );
        return { bucket, policy };
    }

    /**
     * Raw TCP ports of `publicTcp` services: an internet-facing NLB without a security group (it
     * cannot take one after creation, and any SG here would need 0.0.0.0/0 on a non-web port, which
     * the policy pack forbids). Client IP preservation is off, so tasks see the NLB's private
     * addresses: the services SG admits the port from the public subnets' CIDRs only.
     */
    private networkLoadBalancer(name: string, args: LoadBalancerArgs, listeners: { service: string; port: number }[]): pulumi.Output<string> {
        // NLB access logs cover TLS listeners only: there is nothing to log for plain TCP.
        const parent = { parent: this };
        const nlb = new aws.lb.LoadBalancer(
            `${name}-nlb`,
            {
                loadBalancerType: "network",
                internal: false,
                subnets: args.publicSubnetIds,
                enableCrossZoneLoadBalancing: true,
                enableDeletionProtection: args.settings.deletionProtection,
                tags: { Name: `${args.namePrefix}-nlb` },
            },
            parent,
        );
        const ingressPorts = new Set<number>();
        for (const { service, port } of listeners) {
            const settings = args.services.find((s) => s.name === service)!;
            const httpPort = httpPortOf(settings);
            const tg = new aws.lb.TargetGroup(
                autonameBase(["tg", service, "tcp", String(port)], ELB_NAME_MAX),
                {
                    targetType: "ip",
                    protocol: "TCP",
                    port,
                    vpcId: args.vpcId,
                    deregistrationDelay: args.settings.deregistrationDelaySeconds,
                    preserveClientIp: "false",
                    healthCheck:
                        httpPort !== undefined
                            ? {
                                  enabled: true,
                                  protocol: "HTTP",
                                  port: String(httpPort),
                                  path: settings.healthCheckPath,
                                  interval: TARGET_GROUP_HEALTH_CHECK.interval,
                                  timeout: TARGET_GROUP_HEALTH_CHECK.timeout,
                                  healthyThreshold: TARGET_GROUP_HEALTH_CHECK.healthyThreshold,
                                  unhealthyThreshold: TARGET_GROUP_HEALTH_CHECK.unhealthyThreshold,
                                  matcher: TARGET_GROUP_HEALTH_CHECK.matcher,
                              }
                            : {
                                  enabled: true,
                                  protocol: "TCP",
                                  port: "traffic-port",
                                  interval: TARGET_GROUP_HEALTH_CHECK.interval,
                                  healthyThreshold: TARGET_GROUP_HEALTH_CHECK.healthyThreshold,
                                  unhealthyThreshold: TARGET_GROUP_HEALTH_CHECK.unhealthyThreshold,
                              },
                    tags: { Name: `${args.namePrefix}-${service}-tcp-${port}`, Service: service },
                },
                parent,
            );
            this.routing.push(
                new aws.lb.Listener(
                    `${name}-nlb-tcp-${port}`,
                    {
                        loadBalancerArn: nlb.arn,
                        port,
                        protocol: "TCP",
                        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
                    },
                    parent,
                ),
            );
            (this.targets[service] ??= []).push({ kind: "nlb", containerPort: port, targetGroupArn: tg.arn, targetGroupArnSuffix: tg.arnSuffix });
            ingressPorts.add(port);
            if (httpPort !== undefined) ingressPorts.add(httpPort); // the NLB's HTTP health checks
        }
        for (const port of [...ingressPorts].sort((a, b) => a - b)) {
            args.publicSubnetCidrs.forEach(
                (cidr, i) =>
                    new aws.vpc.SecurityGroupIngressRule(
                        `${name}-nlb-${port}-from-public-${i + 1}`,
                        {
                            securityGroupId: args.servicesSecurityGroupId,
                            description: `Port ${port} from the network load balancer in public subnet ${i + 1}`,
                            ipProtocol: "tcp",
                            fromPort: port,
                            toPort: port,
                            cidrIpv4: cidr,
                        },
                        parent,
                    ),
            );
        }
        return nlb.dnsName;
    }
}
