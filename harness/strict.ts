// The strict layer: constraints the real provider and AWS enforce, checked against the inputs the
// mocked run captures, so that a test, the offline plan and the offline policies see a refusal
// wherever `pulumi preview` / `pulumi up` would refuse. One table of rules; each names its source.
// Per-resource rules run in the mock's newResource (the registration fails, as in a preview);
// stack rules run once after the program finished (harness/run.ts).
import {
    AZ_IDS_WITHOUT_FARGATE, ELB_SSL_POLICIES, EXAMPLE_ACCOUNT_IDS, fargateMemoryOptions, LOG_RETENTION_DAYS, parseArn,
} from "../config/aws-limits";
import { NAMING, physicalNameOf, AUTONAME_RANDOM_LENGTH } from "./naming";

/** A resource as the strict layer sees it: inputs with secrets unwrapped, references as ids/ARNs. */
export interface StrictResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** Region of the provider that creates it (the stack's unless an explicit provider says otherwise). */
    region: string;
    /** What the mock answered for it (stack rules only): lets a rule follow a value to its generator. */
    state?: Record<string, any>;
}

export interface StrictContext {
    /** The stack's `aws:region`. */
    stackRegion: string;
    /** Account of the deploying credentials (the mocked getCallerIdentity). */
    account: string;
    /** Zone id the mocked getAvailabilityZones answered for an AZ name, per region. */
    zoneIdOf(region: string, zoneName: string): string | undefined;
}

/** One offending input: what was given and what AWS accepts. */
export interface Finding {
    input: string;
    value: unknown;
    allowed: string;
}

interface RuleBase {
    id: string;
    /** Type tokens the rule applies to; "*" for every custom resource. */
    types: string[] | "*";
    /** What goes wrong in AWS, one phrase. */
    message: string;
    source: string;
}
export interface ResourceRule extends RuleBase {
    scope: "resource";
    check(resource: StrictResource, ctx: StrictContext): Finding[];
}
export interface StackRule extends RuleBase {
    scope: "stack";
    check(resources: StrictResource[], ctx: StrictContext): { resource: StrictResource; finding: Finding }[];
}
export type StrictRule = ResourceRule | StackRule;

export interface Violation {
    rule: string;
    type: string;
    name: string;
    input: string;
    value: unknown;
    allowed: string;
    message: string;
    source: string;
}

/** Marks every strict message, so the harness can tell its own refusals from other failures. */
export const STRICT_MARK = "[strict:";

export function formatViolation(v: Violation): string {
    return `${STRICT_MARK}${v.rule}] ${v.type} "${v.name}": ${v.input} = ${show(v.value)}: ${v.message}; allowed: ${v.allowed} (source: ${v.source})`;
}

/** What a failed mocked run throws: every violation, each with resource, input, value, allowed and source. */
export class StrictViolationError extends Error {
    constructor(readonly violations: Violation[]) {
        super(`The mocked run was refused where AWS or the provider would refuse it (${violations.length} problem${violations.length === 1 ? "" : "s"}):\n`
            + violations.map((v) => ` - ${formatViolation(v)}`).join("\n"));
        this.name = "StrictViolationError";
    }
}

function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Facts the rules use. Each list names where it comes from.

/**
 * Lambda runtimes that can still be created: the non-deprecated members of @pulumi/aws 7.48.0
 * `types/enums/lambda` Runtime (which links docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 * nodejs18.x is listed there but AWS blocked creating it from 2026-02-03 (lambda-runtimes page,
 * unconfirmed in this session), so it is left out.
 */
export const LAMBDA_RUNTIMES = [
    "dotnet8", "dotnet10", "java11", "java17", "java21", "java25", "java8.al2",
    "nodejs20.x", "nodejs22.x", "nodejs24.x", "provided.al2", "provided.al2023",
    "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "python3.9",
    "ruby3.2", "ruby3.3", "ruby3.4",
];

// ---------------------------------------------------------------------------------------------
// Helpers over captured inputs.

/** Every string inside a value, with its path (JSON documents inside strings are searched too). */
function strings(value: unknown, path: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
    if (typeof value === "string") out.push({ path, text: value });
    else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
    else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
    }
    return out;
}

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);

function range(findings: Finding[], input: string, value: unknown, min: number, max: number): void {
    const n = num(value);
    if (value === undefined || value === null) return;
    if (n === undefined || !Number.isInteger(n) || n < min || n > max) findings.push({ input, value, allowed: `an integer from ${min} to ${max}` });
}

/** Container definitions as the task definition carries them (a JSON string), or [] when not known yet. */
function containers(inputs: Record<string, any>): any[] {
    const raw = inputs.containerDefinitions;
    if (typeof raw !== "string") return Array.isArray(raw) ? raw : [];
    try {
        const parsed = JSON.parse(raw);
        return Array.isArray(parsed) ? parsed : [];
    } catch {
        return [];
    }
}

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

const listenerRuleValues = (condition: Record<string, any>): number =>
    ["hostHeader", "pathPattern", "httpRequestMethod", "sourceIp", "httpHeader"]
        .reduce((n, key) => n + (condition[key]?.values?.length ?? 0), 0)
    + (condition.queryStrings?.length ?? 0);

// ---------------------------------------------------------------------------------------------
// The rules.

const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    listenerCert: "aws:lb/listenerCertificate:ListenerCertificate",
    rule: "aws:lb/listenerRule:ListenerRule",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    task: "aws:ecs/taskDefinition:TaskDefinition",
    lambda: "aws:lambda/function:Function",
    instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    subnet: "aws:ec2/subnet:Subnet",
    discovery: "aws:servicediscovery/service:Service",
    ssmParameter: "aws:ssm/parameter:Parameter",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    distribution: "aws:cloudfront/distribution:Distribution",
    password: "random:index/randomPassword:RandomPassword",
};

/** random_password's special characters when `overrideSpecial` is absent (terraform-provider-random docs; unconfirmed in this session). */
const RANDOM_DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

export const RULES: StrictRule[] = [
    {
        id: "physical-name", scope: "resource", types: Object.keys(NAMING),
        message: "the physical name is refused",
        source: "per type, harness/naming.ts NAMING",
        check(r) {
            const rule = NAMING[r.type];
            const name = physicalNameOf(r.type, r.name, r.inputs);
            if (!name) return [];
            const findings: Finding[] = [];
            const where = (why: string) => ({ input: `${name.property} (${why})`, value: name.value });
            if (name.origin === "autoname" && rule.autoname && r.name.length + 1 + AUTONAME_RANDOM_LENGTH > rule.autoname.max) {
                findings.push({
                    ...where(`autonamed from logical name "${r.name}"`),
                    allowed: `a logical name of at most ${rule.autoname.max - 1 - AUTONAME_RANDOM_LENGTH} characters: Pulumi refuses "name '${r.name}-' plus ${AUTONAME_RANDOM_LENGTH} random chars is longer than maximum length ${rule.autoname.max}" (${rule.source})`,
                });
                return findings;
            }
            if (name.origin === "prefix" && rule.prefix) {
                const prefix = r.inputs[rule.prefix.property] as string;
                if (prefix.length > rule.prefix.max) findings.push({ input: rule.prefix.property, value: prefix, allowed: `at most ${rule.prefix.max} characters (the provider appends a 26-character suffix) (${rule.source})` });
            }
            const tooLong = name.value.length > rule.max || name.value.length < (rule.min ?? 1);
            if (tooLong || (rule.valid && !rule.valid(name.value))) {
                const why = name.origin === "explicit" ? "explicit" : name.origin === "prefix" ? "prefix + generated suffix" : `autonamed from logical name "${r.name}"`;
                findings.push({ ...where(why), allowed: `${rule.allowed} (${rule.source})` });
            }
            return findings;
        },
    },
    {
        id: "log-retention-days", scope: "resource", types: [T.logGroup],
        message: "CloudWatch Logs accepts only fixed retention values",
        source: "CloudWatch Logs API PutRetentionPolicy retentionInDays; AWS-FACTS.md (pre-deploy review)",
        check(r) {
            const days = r.inputs.retentionInDays;
            return days === undefined || days === 0 || LOG_RETENTION_DAYS.includes(days)
                ? [] : [{ input: "retentionInDays", value: days, allowed: `one of ${LOG_RETENTION_DAYS.join(", ")} (0 or absent: never expire)` }];
        },
    },
    {
        id: "elb-ssl-policy", scope: "resource", types: [T.listener],
        message: "not a predefined ELB security policy",
        source: "Elastic Load Balancing, \"Security policies for your Application Load Balancer\" (describe-ssl-policies.html)",
        check(r) {
            const policy = r.inputs.sslPolicy;
            return policy === undefined || ELB_SSL_POLICIES.includes(policy) ? [] : [{ input: "sslPolicy", value: policy, allowed: `one of ${ELB_SSL_POLICIES.join(", ")}` }];
        },
    },
    {
        id: "fargate-task-size", scope: "resource", types: [T.task],
        message: "Fargate has no configuration for this cpu/memory pair (\"No Fargate configuration exists for given values\")",
        source: "Amazon ECS developer guide, task-cpu-memory-error.html (Fargate cpu/memory table)",
        check(r) {
            if (!([] as string[]).concat(r.inputs.requiresCompatibilities ?? []).includes("FARGATE")) return [];
            const cpu = num(r.inputs.cpu);
            const memory = num(r.inputs.memory);
            if (cpu === undefined || fargateMemoryOptions(cpu).length === 0) {
                return [{ input: "cpu", value: r.inputs.cpu, allowed: "256, 512, 1024, 2048, 4096, 8192 or 16384" }];
            }
            const options = fargateMemoryOptions(cpu);
            return memory !== undefined && options.includes(memory) ? [] : [{
                input: "memory", value: r.inputs.memory,
                allowed: `with cpu ${cpu}: ${options.length <= 4 ? options.join(", ") : `${options[0]}-${options[options.length - 1]} in steps of ${options[1] - options[0]}`}`,
            }];
        },
    },
    {
        id: "lambda-runtime-architecture", scope: "resource", types: [T.lambda],
        message: "Lambda does not create functions with this runtime or architecture",
        source: "@pulumi/aws 7.48.0 types/enums/lambda Runtime (non-deprecated); Lambda API CreateFunction Architectures (one of x86_64, arm64)",
        check(r) {
            const findings: Finding[] = [];
            if (r.inputs.runtime !== undefined && !LAMBDA_RUNTIMES.includes(r.inputs.runtime)) findings.push({ input: "runtime", value: r.inputs.runtime, allowed: `one of ${LAMBDA_RUNTIMES.join(", ")}` });
            const arch = r.inputs.architectures;
            if (arch !== undefined && !(Array.isArray(arch) && arch.length === 1 && ["x86_64", "arm64"].includes(arch[0]))) {
                findings.push({ input: "architectures", value: arch, allowed: "exactly one of x86_64, arm64" });
            }
            return findings;
        },
    },
    {
        id: "lambda-limits", scope: "resource", types: [T.lambda],
        message: "outside Lambda's limits",
        source: "@pulumi/aws 7.48.0 lambda/function.d.ts (timeout \"Valid between 1 and 900\"; memorySize \"between 128 MB to 32,768 MB\")",
        check(r) {
            const findings: Finding[] = [];
            range(findings, "timeout", r.inputs.timeout, 1, 900);
            range(findings, "memorySize", r.inputs.memorySize, 128, 32768);
            return findings;
        },
    },
    {
        id: "alb-idle-timeout", scope: "resource", types: [T.lb],
        message: "outside the ALB connection idle timeout range",
        source: "Elastic Load Balancing, Application Load Balancers \"Connection idle timeout\" (1-4000 seconds; unconfirmed in this session)",
        check(r) {
            const findings: Finding[] = [];
            if ((r.inputs.loadBalancerType ?? "application") === "application") range(findings, "idleTimeout", r.inputs.idleTimeout, 1, 4000);
            return findings;
        },
    },
    {
        id: "target-group-ranges", scope: "resource", types: [T.tg],
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
    },
    {
        id: "ecs-container-health-check", scope: "resource", types: [T.task],
        message: "outside the ECS container health check ranges",
        source: "ECS API HealthCheck (@aws-sdk/client-ecs 3.1127.0 models: interval 5-300, timeout 2-60, retries 1-10, startPeriod 0-300)",
        check(r) {
            const findings: Finding[] = [];
            containers(r.inputs).forEach((c, i) => {
                const hc = c?.healthCheck;
                if (!hc) return;
                const at = `containerDefinitions[${i}](${c.name}).healthCheck`;
                range(findings, `${at}.interval`, hc.interval, 5, 300);
                range(findings, `${at}.timeout`, hc.timeout, 2, 60);
                range(findings, `${at}.retries`, hc.retries, 1, 10);
                range(findings, `${at}.startPeriod`, hc.startPeriod, 0, 300);
            });
            return findings;
        },
    },
    {
        id: "ecs-secret-value-from", scope: "resource", types: [T.task],
        message: "ECS resolves container secrets only from Secrets Manager or SSM Parameter Store",
        source: "ECS API Secret.valueFrom (@aws-sdk/client-ecs 3.1127.0 models: full ARN of the Secrets Manager secret or of the SSM parameter; a parameter name only in the task's Region)",
        check(r) {
            const findings: Finding[] = [];
            containers(r.inputs).forEach((c, i) => (c?.secrets ?? []).forEach((s: any, j: number) => {
                const from = s?.valueFrom;
                if (typeof from !== "string") return;
                const arn = parseArn(from);
                const ok = arn
                    ? (arn.service === "secretsmanager" && arn.resource.startsWith("secret:")) || (arn.service === "ssm" && arn.resource.startsWith("parameter/"))
                    : !from.startsWith("arn:") && /^[A-Za-z0-9_./-]+$/.test(from);
                if (!ok) findings.push({ input: `containerDefinitions[${i}](${c.name}).secrets[${j}](${s.name}).valueFrom`, value: from, allowed: "arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<stage>:<version>], arn:aws:ssm:<region>:<account>:parameter/<name>, or a parameter name in the task's Region" });
            }));
            return findings;
        },
    },
    {
        id: "arn-example-account", scope: "resource", types: "*",
        message: "the ARN names an AWS documentation example account, which no real resource lives in",
        source: "AWS documentation example account ids (123456789012 in API references, 111122223333 / 444455556666 in the IAM User Guide); REVIEW-2026-12.md A1",
        check(r) {
            return strings(r.inputs, "").flatMap(({ path, text }) =>
                [...text.matchAll(/arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):[^\s"',]*/g)]
                    .filter((m) => EXAMPLE_ACCOUNT_IDS.includes(m[1]))
                    .map((m) => ({ input: path || "(input)", value: m[0], allowed: "an ARN in a real account (the deploying account, or another account you actually use)" })));
        },
    },
    {
        id: "certificate-region-account", scope: "resource", types: [T.listener, T.listenerCert, T.distribution],
        message: "the certificate cannot be attached from this region or account",
        source: "ACM User Guide \"Supported Regions\" (certificates are regional: ELB needs one in its own Region, CloudFront one in us-east-1); ELB CreateListener Certificates (a certificate of the load balancer's account; unconfirmed in this session); AWS-FACTS.md \"CloudFront, certificates and DNS\"",
        check(r, ctx) {
            const cert = r.type === T.distribution ? r.inputs.viewerCertificate?.acmCertificateArn : r.inputs.certificateArn;
            const input = r.type === T.distribution ? "viewerCertificate.acmCertificateArn" : "certificateArn";
            if (typeof cert !== "string") return [];
            const arn = parseArn(cert);
            const region = r.type === T.distribution ? "us-east-1" : r.region;
            if (!arn || arn.service !== "acm") return [{ input, value: cert, allowed: "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)" }];
            const findings: Finding[] = [];
            if (arn.region !== region) findings.push({ input, value: cert, allowed: `a certificate in ${region}${r.type === T.distribution ? " (CloudFront)" : " (the load balancer's region)"}` });
            if (arn.account !== ctx.account) findings.push({ input, value: cert, allowed: `a certificate in the deploying account ${ctx.account}` });
            return findings;
        },
    },
    {
        id: "alarm-metric-math-size", scope: "resource", types: [T.alarm],
        message: "a metric-math alarm exceeds CloudWatch's hard limits",
        source: "CloudWatch \"Limits that apply to alarms based on metric math expressions\" (alarm-limits: at most 10 metrics, hard limit); PutMetricAlarm Metrics (at most 20 MetricDataQuery, 10 with MetricStat, 10 expressions)",
        check(r) {
            const queries: any[] = r.inputs.metricQueries ?? [];
            const metrics = queries.filter((q) => q?.metric !== undefined).length;
            const expressions = queries.filter((q) => q?.expression !== undefined).length;
            const findings: Finding[] = [];
            if (metrics > 10) findings.push({ input: "metricQueries (with metric)", value: metrics, allowed: "at most 10 metrics per alarm (use a Metrics Insights query or several alarms)" });
            if (expressions > 10) findings.push({ input: "metricQueries (with expression)", value: expressions, allowed: "at most 10 expressions" });
            if (queries.length > 20) findings.push({ input: "metricQueries", value: queries.length, allowed: "at most 20 entries" });
            return findings;
        },
    },
    {
        id: "user-data-size", scope: "resource", types: [T.instance, T.launchTemplate],
        message: "EC2 user data is limited to 16 KB before base64 encoding",
        source: "EC2 User Guide \"Run commands when you launch an EC2 instance with user data input\" (16 KB raw); AWS-FACTS.md (pre-deploy review)",
        check(r) {
            const raw: { input: string; size: number }[] = [];
            if (typeof r.inputs.userData === "string") {
                // LaunchTemplate.userData is already base64 (provider docs); Instance.userData is plain text.
                raw.push({ input: "userData", size: r.type === T.launchTemplate ? Buffer.from(r.inputs.userData, "base64").length : bytes(r.inputs.userData) });
            }
            if (typeof r.inputs.userDataBase64 === "string") raw.push({ input: "userDataBase64 (decoded)", size: Buffer.from(r.inputs.userDataBase64, "base64").length });
            return raw.filter((u) => u.size > 16384).map((u) => ({ input: u.input, value: `${u.size} bytes`, allowed: "at most 16384 bytes" }));
        },
    },
    {
        id: "subnet-zone-without-fargate", scope: "resource", types: [T.subnet],
        message: "the subnet lands in a zone without Fargate and current Graviton families",
        source: "AWS-FACTS.md (us-east-1's use1-az3 has no Fargate and no current Graviton families; exclude it by zone id); REVIEW-2026-12.md A3",
        check(r, ctx) {
            const byName = typeof r.inputs.availabilityZone === "string" ? ctx.zoneIdOf(r.region, r.inputs.availabilityZone) : undefined;
            const zoneId = r.inputs.availabilityZoneId ?? byName;
            if (!AZ_IDS_WITHOUT_FARGATE.includes(zoneId)) return [];
            const input = r.inputs.availabilityZoneId !== undefined ? "availabilityZoneId" : `availabilityZone (zone id ${zoneId} in this account)`;
            return [{ input, value: r.inputs.availabilityZoneId ?? r.inputs.availabilityZone, allowed: `a zone other than ${AZ_IDS_WITHOUT_FARGATE.join(", ")} (getAvailabilityZones excludeZoneIds)` }];
        },
    },
    {
        id: "listener-rule-limits", scope: "resource", types: [T.rule],
        message: "outside the listener rule limits",
        source: "ELB API CreateRule Priority (1-50000); \"Quotas for your Application Load Balancers\" (condition values per rule: 5, not adjustable)",
        check(r) {
            const findings: Finding[] = [];
            range(findings, "priority", r.inputs.priority, 1, 50000);
            const values = (r.inputs.conditions ?? []).reduce((n: number, c: any) => n + listenerRuleValues(c ?? {}), 0);
            if (values > 5) findings.push({ input: "conditions (values)", value: values, allowed: "at most 5 condition values per rule" });
            return findings;
        },
    },
    {
        id: "listener-rule-priority-unique", scope: "stack", types: [T.rule],
        message: "two rules on one listener share a priority (PriorityInUse)",
        source: "ELB API CreateRule (PriorityInUse: \"The specified priority is in use\"); pulumi/pulumi-aws#175; AWS-FACTS.md",
        check(resources) {
            const seen = new Map<string, StrictResource>();
            const out: { resource: StrictResource; finding: Finding }[] = [];
            for (const r of resources.filter((x) => x.type === T.rule && x.inputs.priority !== undefined)) {
                const key = `${r.inputs.listenerArn}#${r.inputs.priority}`;
                const first = seen.get(key);
                if (first) out.push({ resource: r, finding: { input: "priority", value: r.inputs.priority, allowed: `a priority no other rule of listener ${r.inputs.listenerArn} holds (already held by "${first.name}")` } });
                else seen.set(key, r);
            }
            return out;
        },
    },
    {
        id: "deprecated-input", scope: "resource", types: [T.discovery],
        message: "the provider deprecated this input and will remove it, or never stores it (a replacement on every update)",
        source: "@pulumi/aws 7.48.0 types/input.d.ts ServiceHealthCheckCustomConfig.failureThreshold (\"@deprecated ... no longer supported by AWS and the value is always set to 1. The attribute will be removed in a future major version\"); AWS-FACTS.md; REVIEW-2026-12.md C9; an empty block is never stored and the block is ForceNew: hashicorp/terraform-provider-aws#44285",
        check(r) {
            const config = r.inputs.healthCheckCustomConfig;
            if (config === undefined || config === null) return [];
            const v = config.failureThreshold;
            if (v !== undefined) return [{ input: "healthCheckCustomConfig.failureThreshold", value: v, allowed: "absent (AWS always uses 1)" }];
            return Object.keys(config).length === 0 ? [{ input: "healthCheckCustomConfig", value: config, allowed: "absent: an empty block plans a replacement of the service on every update" }] : [];
        },
    },
    {
        id: "ssm-parameter-size", scope: "resource", types: [T.ssmParameter],
        message: "the value is too large for the parameter's tier",
        source: "SSM PutParameter ValidationException \"Standard tier parameters support a maximum parameter value of 4096 characters\"; Advanced 8 KB (parameter-store-advanced-parameters.html, unconfirmed in this session)",
        check(r) {
            const value = r.inputs.value;
            if (typeof value !== "string") return [];
            const tier = r.inputs.tier ?? "Standard";
            const max = tier === "Advanced" ? 8192 : tier === "Standard" ? 4096 : undefined;
            return max !== undefined && value.length > max ? [{ input: "value", value: `${value.length} characters`, allowed: `at most ${max} characters in tier ${tier}` }] : [];
        },
    },
    {
        id: "elasticache-auth-token", scope: "resource", types: [T.cache],
        message: "ElastiCache refuses this AUTH token",
        source: "ElastiCache API CreateReplicationGroup AuthToken (@aws-sdk/client-elasticache models: printable ASCII, 16-128 characters, none of / \" @ %); AWS-FACTS.md (authToken only with transitEncryptionEnabled)",
        check(r) {
            const token = r.inputs.authToken;
            if (typeof token !== "string") return [];
            const findings: Finding[] = [];
            if (token.length < 16 || token.length > 128 || !/^[\x20-\x7e]+$/.test(token) || /[/"@%]/.test(token)) {
                findings.push({ input: "authToken", value: `(${token.length} characters, not shown)`, allowed: "16-128 printable ASCII characters without / \" @ %" });
            }
            if (r.inputs.transitEncryptionEnabled !== true) findings.push({ input: "transitEncryptionEnabled", value: r.inputs.transitEncryptionEnabled, allowed: "true when authToken is set" });
            return findings;
        },
    },
    {
        id: "elasticache-auth-token-generator", scope: "stack", types: [T.cache, T.password],
        message: "a generated AUTH token may contain characters or a length ElastiCache refuses",
        source: "ElastiCache API CreateReplicationGroup AuthToken (@aws-sdk/client-elasticache models: 16-128 printable ASCII, none of / \" @ %); terraform-provider-random random_password (special defaults to true, default set !@#$%&*()-_=+[]{}<>:?; unconfirmed in this session)",
        check(resources) {
            const out: { resource: StrictResource; finding: Finding }[] = [];
            const passwords = resources.filter((r) => r.type === T.password);
            for (const group of resources.filter((r) => r.type === T.cache && typeof r.inputs.authToken === "string")) {
                const source = passwords.find((p) => p.state?.result !== undefined && p.state.result === group.inputs.authToken);
                if (!source) continue;
                const length = source.inputs.length;
                if (typeof length === "number" && (length < 16 || length > 128)) {
                    out.push({ resource: source, finding: { input: "length", value: length, allowed: `16-128 (it is ${group.name}'s authToken)` } });
                }
                if (source.inputs.special !== false) {
                    const set = typeof source.inputs.overrideSpecial === "string" ? source.inputs.overrideSpecial : RANDOM_DEFAULT_SPECIAL;
                    const bad = [...set].filter((c) => `/"@%`.includes(c));
                    if (bad.length > 0) out.push({ resource: source, finding: { input: source.inputs.overrideSpecial !== undefined ? "overrideSpecial" : "special (default true)", value: set, allowed: `special: false, or overrideSpecial without ${bad.join(" ")} (it is ${group.name}'s authToken)` } });
                }
            }
            return out;
        },
    },
    {
        id: "iam-role-inline-policy-size", scope: "stack", types: [T.role, T.rolePolicy],
        message: "a role's inline policies exceed IAM's aggregate size",
        source: "IAM and AWS STS quotas (\"Role policy size cannot exceed 10,240 characters\", whitespace not counted; unconfirmed in this session)",
        check(resources) {
            const size = (doc: unknown) => (typeof doc === "string" ? doc.replace(/\s/g, "").length : 0);
            const byRole = new Map<string, { role?: StrictResource; total: number; last?: StrictResource }>();
            for (const r of resources) {
                if (r.type === T.role) {
                    const key = String(r.inputs.name ?? physicalNameOf(r.type, r.name, r.inputs)?.value);
                    const entry = byRole.get(key) ?? { total: 0 };
                    entry.role = r;
                    entry.total += (r.inputs.inlinePolicies ?? []).reduce((n: number, p: any) => n + size(p?.policy), 0);
                    byRole.set(key, entry);
                } else if (r.type === T.rolePolicy) {
                    const key = String(r.inputs.role);
                    const entry = byRole.get(key) ?? { total: 0 };
                    entry.total += size(r.inputs.policy);
                    entry.last = r;
                    byRole.set(key, entry);
                }
            }
            return [...byRole.entries()].filter(([, e]) => e.total > 10240).map(([key, e]) => ({
                resource: e.last ?? e.role!,
                finding: { input: `inline policies of role ${key}`, value: `${e.total} characters`, allowed: "at most 10240 characters (without whitespace) per role" },
            }));
        },
    },
];

const applies = (rule: StrictRule, type: string) => rule.types === "*" || rule.types.includes(type);

function violation(rule: StrictRule, r: StrictResource, f: Finding): Violation {
    return { rule: rule.id, type: r.type, name: r.name, input: f.input, value: f.value, allowed: f.allowed, message: rule.message, source: rule.source };
}

/** Per-resource rules for one registration (component resources and providers are not checked). */
export function checkResource(r: StrictResource, ctx: StrictContext, rules: StrictRule[] = RULES): Violation[] {
    if (r.type.startsWith("pulumi:")) return [];
    return rules.filter((rule): rule is ResourceRule => rule.scope === "resource" && applies(rule, r.type))
        .flatMap((rule) => rule.check(r, ctx).map((f) => violation(rule, r, f)));
}

/** Cross-resource rules over everything the program registered. */
export function checkStack(resources: StrictResource[], ctx: StrictContext, rules: StrictRule[] = RULES): Violation[] {
    return rules.filter((rule): rule is StackRule => rule.scope === "stack")
        .flatMap((rule) => rule.check(resources.filter((r) => applies(rule, r.type)), ctx).map(({ resource, finding }) => violation(rule, resource, finding)));
}
