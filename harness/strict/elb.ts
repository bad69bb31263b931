// Elastic Load Balancing: listeners (security policy, certificate), load balancer and target group
// ranges, listener rules. The certificate rule also covers CloudFront distributions, whose
// certificate is regional too.
import { ELB_SSL_POLICIES, parseArn } from "../../config/aws-limits";
import { range } from "./inputs";
import { Finding, ResourceRule, StackRule, StrictResource, T } from "./rule";

/** Condition values one listener rule condition counts against the per-rule quota. */
const listenerRuleValues = (condition: Record<string, any>): number =>
    ["hostHeader", "pathPattern", "httpRequestMethod", "sourceIp", "httpHeader"].reduce((n, key) => n + (condition[key]?.values?.length ?? 0), 0) +
    (condition.queryStrings?.length ?? 0);

export const elbSslPolicyRule: ResourceRule = {
    id: "elb-ssl-policy",
    scope: "resource",
    types: [T.listener],
    message: "not a predefined ELB security policy",
    source: 'Elastic Load Balancing, "Security policies for your Application Load Balancer" (describe-ssl-policies.html)',
    check(r) {
        const policy = r.inputs.sslPolicy;
        return policy === undefined || ELB_SSL_POLICIES.includes(policy)
            ? []
            : [{ input: "sslPolicy", value: policy, allowed: `one of ${ELB_SSL_POLICIES.join(", ")}` }];
    },
};

export const albIdleTimeoutRule: ResourceRule = {
    id: "alb-idle-timeout",
    scope: "resource",
    types: [T.lb],
    message: "outside the ALB connection idle timeout range",
    source: 'Elastic Load Balancing, Application Load Balancers "Connection idle timeout" (1-4000 seconds; unconfirmed in this session)',
    check(r) {
        const findings: Finding[] = [];
        if ((r.inputs.loadBalancerType ?? "application") === "application") range(findings, "idleTimeout", r.inputs.idleTimeout, 1, 4000);
        return findings;
    },
};

export const targetGroupRangesRule: ResourceRule = {
    id: "target-group-ranges",
    scope: "resource",
    types: [T.tg],
    message: "outside the target group attribute ranges",
    source: "@pulumi/aws 7.48.0 lb/targetGroup.d.ts and types/input.d.ts TargetGroupHealthCheck (deregistrationDelay 0-3600; interval 5-300; timeout 2-120; healthy/unhealthy thresholds 2-10)",
    check(r) {
        const findings: Finding[] = [];
        range(findings, "deregistrationDelay", r.inputs.deregistrationDelay, 0, 3600);
        const hc = r.inputs.healthCheck ?? {};
        range(findings, "healthCheck.interval", hc.interval, 5, 300);
        range(findings, "healthCheck.timeout", hc.timeout, 2, 120);
        range(findings, "healthCheck.healthyThreshold", hc.healthyThreshold, 2, 10);
        range(findings, "healthCheck.unhealthyThreshold", hc.unhealthyThreshold, 2, 10);
        return findings;
    },
};

export const certificateRegionAccountRule: ResourceRule = {
    id: "certificate-region-account",
    scope: "resource",
    types: [T.listener, T.listenerCert, T.distribution],
    message: "the certificate cannot be attached from this region or account",
    source: 'ACM User Guide "Supported Regions" (certificates are regional: ELB needs one in its own Region, CloudFront one in us-east-1); ELB CreateListener Certificates (a certificate of the load balancer\'s account; unconfirmed in this session); AWS-FACTS.md "CloudFront, certificates and DNS"',
    check(r, ctx) {
        const cert = r.type === T.distribution ? r.inputs.viewerCertificate?.acmCertificateArn : r.inputs.certificateArn;
        const input = r.type === T.distribution ? "viewerCertificate.acmCertificateArn" : "certificateArn";
        if (typeof cert !== "string") return [];
        const arn = parseArn(cert);
        const region = r.type === T.distribution ? "us-east-1" : r.region;
        if (!arn || arn.service !== "acm") return [{ input, value: cert, allowed: "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)" }];
        const findings: Finding[] = [];
        if (arn.region !== region)
            findings.push({
                input,
                value: cert,
                allowed: `a certificate in ${region}${r.type === T.distribution ? " (CloudFront)" : " (the load balancer's region)"}`,
            });
        if (arn.account !== ctx.account) findings.push({ input, value: cert, allowed: `a certificate in the deploying account ${ctx.account}` });
        return findings;
    },
};

export const listenerRuleLimitsRule: ResourceRule = {
    id: "listener-rule-limits",
    scope: "resource",
    types: [T.rule],
    message: "outside the listener rule limits",
    source: 'ELB API CreateRule Priority (1-50000); "Quotas for your Application Load Balancers" (condition values per rule: 5, not adjustable; wildcards per rule: 5, unconfirmed in this session)',
    check(r) {
        const findings: Finding[] = [];
        range(findings, "priority", r.inputs.priority, 1, 50000);
        const values = (r.inputs.conditions ?? []).reduce((n: number, c: any) => n + listenerRuleValues(c ?? {}), 0);
        if (values > 5) findings.push({ input: "conditions (values)", value: values, allowed: "at most 5 condition values per rule" });
        const wildcards = (r.inputs.conditions ?? [])
            .flatMap((c: any) => ["hostHeader", "pathPattern", "httpHeader"].flatMap((key) => c?.[key]?.values ?? []))
            .reduce((n: number, v: unknown) => n + (String(v).match(/[*?]/g)?.length ?? 0), 0);
        if (wildcards > 5) findings.push({ input: "conditions (wildcards)", value: wildcards, allowed: "at most 5 wildcards (* or ?) per rule" });
        return findings;
    },
};

export const listenerRulePriorityUniqueRule: StackRule = {
    id: "listener-rule-priority-unique",
    scope: "stack",
    types: [T.rule],
    message: "two rules on one listener share a priority (PriorityInUse)",
    source: 'ELB API CreateRule (PriorityInUse: "The specified priority is in use"); pulumi/pulumi-aws#175; AWS-FACTS.md',
    check(resources) {
        const seen = new Map<string, StrictResource>();
        const out: { resource: StrictResource; finding: Finding }[] = [];
        for (const r of resources.filter((x) => x.type === T.rule && x.inputs.priority !== undefined)) {
            const key = `${r.inputs.listenerArn}#${r.inputs.priority}`;
            const first = seen.get(key);
            if (first)
                out.push({
                    resource: r,
                    finding: {
                        input: "priority",
                        value: r.inputs.priority,
                        allowed: `a priority no other rule of listener ${r.inputs.listenerArn} holds (already held by "${first.name}")`,
                    },
                });
            else seen.set(key, r);
        }
        return out;
    },
};
