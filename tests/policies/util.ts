// AwsGuard-style helpers (pulumi-policy-aws src/tests/util.ts): build the args a policy receives
// for a hand-made resource, collect its violations, assert on them. Args come from the offline
// evaluator's own builders, so tests exercise the exact shapes the offline run uses.

import * as assert from "assert";
import { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Tier } from "../../config/tiers";
import { CapturedResource } from "../../harness/types";
import {
    evaluatePolicyList,
    inferLinks,
    NotApplicableError,
    PackConfig,
    resourceValidationArgs,
    stackPolicyResources,
    Violation,
} from "../../harness/policy-engine";
import { UnknownValueError } from "../../policies/rules/common";

export const STACK = "staging";
export const PROJECT = "platform";

/** The four cost-allocation tags for a tier (Environment = the test stack). */
export function tags(tier: Tier, extra: Record<string, string> = {}): Record<string, string> {
    return { Project: PROJECT, Environment: STACK, Tier: tier, CostCenter: "platform-eng", ...extra };
}

/** A captured resource with sensible defaults. */
export function res(type: string, name: string, inputs: Record<string, any> = {}, extra: Partial<CapturedResource> = {}): CapturedResource {
    return {
        type,
        name,
        inputs,
        secretInputs: [],
        urn: `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`,
        custom: true,
        protect: false,
        retainOnDelete: false,
        ...extra,
    };
}

export interface Run {
    messages: string[];
    /** URNs passed to reportViolation (stack policies). */
    urns: (string | undefined)[];
    notApplicable: boolean;
    unknown: boolean;
}

/** Runs one resource policy on one resource with a policy config. */
export function runResourcePolicy(policy: ResourceValidationPolicy, resource: CapturedResource, config: Record<string, unknown> = {}): Run {
    const run: Run = { messages: [], urns: [], notApplicable: false, unknown: false };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const v of validations) {
        try {
            const result = v(resourceValidationArgs(resource, config), (m, urn) => {
                run.messages.push(m);
                run.urns.push(urn);
            });
            assert.ok(!(result instanceof Promise), "policies are synchronous");
        } catch (e) {
            if (e instanceof NotApplicableError) run.notApplicable = true;
            else if (e instanceof UnknownValueError) run.unknown = true;
            else throw e;
        }
    }
    return run;
}

/** Runs one stack policy over resources (links inferred from URNs in inputs). */
export function runStackPolicy(
    policy: StackValidationPolicy,
    resources: CapturedResource[],
    config: Record<string, unknown> = {},
    identify: (r: CapturedResource) => string[] = () => [],
): Run {
    const run: Run = { messages: [], urns: [], notApplicable: false, unknown: false };
    try {
        policy.validateStack(
            {
                resources: stackPolicyResources(resources, inferLinks(resources, identify)),
                stackTags: new Map(),
                getConfig: <T extends object>() => ({ ...config }) as T,
                notApplicable: (reason?: string): never => {
                    throw new NotApplicableError(reason);
                },
            },
            (m, urn) => {
                run.messages.push(m);
                run.urns.push(urn);
            },
        );
    } catch (e) {
        if (e instanceof NotApplicableError) run.notApplicable = true;
        else throw e;
    }
    return run;
}

type Expect = { message?: string | RegExp };

function matches(messages: string[], expected: string | RegExp | undefined): boolean {
    if (expected === undefined) return messages.length > 0;
    return messages.some((m) => (typeof expected === "string" ? m.includes(expected) : expected.test(m)));
}

export function assertHasResourceViolation(
    policy: ResourceValidationPolicy,
    resource: CapturedResource,
    expected: Expect = {},
    config: Record<string, unknown> = {},
): void {
    const run = runResourcePolicy(policy, resource, config);
    assert.ok(
        matches(run.messages, expected.message),
        `${policy.name} on ${resource.name}: expected a violation${expected.message ? ` matching ${String(expected.message)}` : ""}, got ${JSON.stringify(run.messages)}`,
    );
}

export function assertNoResourceViolations(policy: ResourceValidationPolicy, resource: CapturedResource, config: Record<string, unknown> = {}): void {
    const run = runResourcePolicy(policy, resource, config);
    assert.deepStrictEqual(run.messages, [], `${policy.name} on ${resource.name}: expected no violation`);
}

export function assertHasStackViolation(
    policy: StackValidationPolicy,
    resources: CapturedResource[],
    expected: Expect & { urn?: string } = {},
    config: Record<string, unknown> = {},
): Run {
    const run = runStackPolicy(policy, resources, config);
    assert.ok(
        matches(run.messages, expected.message),
        `${policy.name}: expected a violation${expected.message ? ` matching ${String(expected.message)}` : ""}, got ${JSON.stringify(run.messages)}`,
    );
    if (expected.urn !== undefined) {
        assert.ok(run.urns.includes(expected.urn), `${policy.name}: expected a violation on ${expected.urn}, got ${JSON.stringify(run.urns)}`);
    }
    return run;
}

export function assertNoStackViolations(policy: StackValidationPolicy, resources: CapturedResource[], config: Record<string, unknown> = {}): void {
    const run = runStackPolicy(policy, resources, config);
    assert.deepStrictEqual(run.messages, [], `${policy.name}: expected no violation`);
}

/** Whole-list evaluation, for tests of the evaluator itself. */
export function evaluate(policies: Policies, resources: CapturedResource[], config: PackConfig = {}): Violation[] {
    return evaluatePolicyList(policies, resources, config);
}
