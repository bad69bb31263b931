// What the strict-layer specs share: a run expected refused by one rule (the message names the
// resource and the rule's source) or accepted, and resources declared at a rule's boundary.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { runStack, RunOptions } from "../../harness/run";
import { ACCOUNT_ID } from "../../harness/mocks";
import { RULES, StrictViolationError } from "../../harness/strict";
import { StackCapture } from "../../harness/types";

export type Program = NonNullable<RunOptions["program"]>;

export const sourceOf = (id: string) => {
    const rule = RULES.find((r) => r.id === id);
    if (!rule) throw new Error(`no rule ${id}`);
    return rule.source;
};

/** Runs `program` under the harness (stack dev: us-east-1) and expects the run refused by `rule` for `type` "`name`". */
export async function refused(program: Program, rule: string, type: string, name: string, ...phrases: string[]): Promise<StrictViolationError> {
    let failure: unknown;
    try {
        await runStack("dev", { program });
    } catch (error) {
        failure = error;
    }
    assert.ok(failure instanceof StrictViolationError, `expected a strict refusal, got ${failure}`);
    const hit = failure.violations.find((v) => v.rule === rule && v.type === type && v.name === name);
    assert.ok(hit, `no ${rule} violation for ${type} "${name}" in:\n${failure.message}`);
    for (const text of [`${type} "${name}"`, sourceOf(rule), ...phrases])
        assert.ok(failure.message.includes(text), `message lacks ${JSON.stringify(text)}:\n${failure.message}`);
    return failure;
}

export const accepted = (program: Program, options: RunOptions = {}): Promise<StackCapture> => runStack("dev", { ...options, program });

export const vpcId = "vpc-0123456789abcdef0";
export const CERT = `arn:aws:acm:us-east-1:${ACCOUNT_ID}:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
export const targetGroup = (name: string, args: Partial<aws.lb.TargetGroupArgs> = {}) =>
    new aws.lb.TargetGroup(name, { port: 80, protocol: "HTTP", vpcId, targetType: "ip", ...args });
export const listener = (name: string, args: Partial<aws.lb.ListenerArgs> = {}) =>
    new aws.lb.Listener(name, {
        loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT_ID}:loadbalancer/app/x/0123456789abcdef`,
        port: 443,
        protocol: "HTTPS",
        certificateArn: CERT,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
        ...args,
    });
export const task = (name: string, cpu: string, memory: string, containers: unknown[] = [{ name: "app", image: "nginx", essential: true }]) =>
    new aws.ecs.TaskDefinition(name, {
        family: name,
        cpu,
        memory,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        containerDefinitions: JSON.stringify(containers),
    });
export const lambda = (name: string, args: Partial<aws.lambda.FunctionArgs> = {}) =>
    new aws.lambda.Function(name, {
        role: `arn:aws:iam::${ACCOUNT_ID}:role/fn`,
        runtime: "nodejs22.x",
        handler: "index.handler",
        architectures: ["arm64"],
        ...args,
    });
export const ok = async (declare: () => void): Promise<Record<string, unknown>> => {
    declare();
    return {};
};
