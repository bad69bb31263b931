// The strict layer: constraints the real provider and AWS enforce, checked against the inputs the
// mocked run captures, so that a test, the offline plan and the offline policies see a refusal
// wherever `pulumi preview` / `pulumi up` would refuse. One table of rules; each names its source.
// Per-resource rules run in the mock's newResource (the registration fails, as in a preview);
// stack rules run once after the program finished (harness/run.ts). The rules live by area in
// harness/strict/<area>.ts; this file assembles them and runs them.
import { alarmActionRegionRule, alarmMetricMathSizeRule, logRetentionDaysRule } from "./strict/cloudwatch";
import { elasticacheAuthTokenGeneratorRule, elasticacheAuthTokenRule, ssmParameterSizeRule } from "./strict/data";
import { subnetZoneWithoutFargateRule, userDataSizeRule } from "./strict/ec2";
import { deprecatedInputRule, ecsContainerHealthCheckRule, ecsSecretValueFromRule, fargateTaskSizeRule } from "./strict/ecs";
import {
    albIdleTimeoutRule,
    certificateRegionAccountRule,
    elbSslPolicyRule,
    listenerRuleLimitsRule,
    listenerRulePriorityUniqueRule,
    targetGroupRangesRule,
} from "./strict/elb";
import { acmDomainNameRule, cloudFrontBehavioursRule, cloudFrontOriginRule, webAclRule } from "./strict/edge";
import { arnExampleAccountRule, iamRoleInlinePolicySizeRule } from "./strict/iam";
import { lambdaLimitsRule, lambdaRuntimeArchitectureRule } from "./strict/lambda";
import { physicalNameRule } from "./strict/names";
import { Finding, ResourceRule, StackRule, StrictContext, StrictResource, StrictRule } from "./strict/rule";

export type { Finding, ResourceRule, StackRule, StrictContext, StrictResource, StrictRule } from "./strict/rule";
export { LAMBDA_RUNTIMES } from "./strict/lambda";

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
        super(
            `The mocked run was refused where AWS or the provider would refuse it (${violations.length} problem${violations.length === 1 ? "" : "s"}):\n` +
                violations.map((v) => ` - ${formatViolation(v)}`).join("\n"),
        );
        this.name = "StrictViolationError";
    }
}

function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** Every rule, in the order violations are reported. */
export const RULES: StrictRule[] = [
    physicalNameRule,
    logRetentionDaysRule,
    elbSslPolicyRule,
    fargateTaskSizeRule,
    lambdaRuntimeArchitectureRule,
    lambdaLimitsRule,
    albIdleTimeoutRule,
    targetGroupRangesRule,
    ecsContainerHealthCheckRule,
    ecsSecretValueFromRule,
    arnExampleAccountRule,
    certificateRegionAccountRule,
    alarmMetricMathSizeRule,
    userDataSizeRule,
    subnetZoneWithoutFargateRule,
    listenerRuleLimitsRule,
    listenerRulePriorityUniqueRule,
    deprecatedInputRule,
    ssmParameterSizeRule,
    elasticacheAuthTokenRule,
    elasticacheAuthTokenGeneratorRule,
    iamRoleInlinePolicySizeRule,
    cloudFrontOriginRule,
    cloudFrontBehavioursRule,
    webAclRule,
    acmDomainNameRule,
    alarmActionRegionRule,
];

const applies = (rule: StrictRule, type: string) => rule.types === "*" || rule.types.includes(type);

function violation(rule: StrictRule, r: StrictResource, f: Finding): Violation {
    return { rule: rule.id, type: r.type, name: r.name, input: f.input, value: f.value, allowed: f.allowed, message: rule.message, source: rule.source };
}

/** Per-resource rules for one registration (component resources and providers are not checked). */
export function checkResource(r: StrictResource, ctx: StrictContext, rules: StrictRule[] = RULES): Violation[] {
    if (r.type.startsWith("pulumi:")) return [];
    return rules
        .filter((rule): rule is ResourceRule => rule.scope === "resource" && applies(rule, r.type))
        .flatMap((rule) => rule.check(r, ctx).map((f) => violation(rule, r, f)));
}

/** Cross-resource rules over everything the program registered. */
export function checkStack(resources: StrictResource[], ctx: StrictContext, rules: StrictRule[] = RULES): Violation[] {
    return rules
        .filter((rule): rule is StackRule => rule.scope === "stack")
        .flatMap((rule) =>
            rule
                .check(
                    resources.filter((r) => applies(rule, r.type)),
                    ctx,
                )
                .map(({ resource, finding }) => violation(rule, resource, finding)),
        );
}
