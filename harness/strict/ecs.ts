// ECS on Fargate: task sizes, container health checks and secrets, and the Cloud Map service discovery the
// services register in.
import { fargateMemoryOptions, parseArn } from "../../config/aws-limits";
import { num, range, containers } from "./inputs";
import { Finding, ResourceRule, T } from "./rule";

export const fargateTaskSizeRule: ResourceRule = {
    id: "fargate-task-size",
    scope: "resource",
    types: [T.task],
    message: 'Fargate has no configuration for this cpu/memory pair ("No Fargate configuration exists for given values")',
    source: "Amazon ECS developer guide, task-cpu-memory-error.html (Fargate cpu/memory table)",
    check(r) {
        if (!([] as string[]).concat(r.inputs.requiresCompatibilities ?? []).includes("FARGATE")) return [];
        const cpu = num(r.inputs.cpu);
        const memory = num(r.inputs.memory);
        if (cpu === undefined || fargateMemoryOptions(cpu).length === 0) {
            return [{ input: "cpu", value: r.inputs.cpu, allowed: "256, 512, 1024, 2048, 4096, 8192 or 16384" }];
        }
        const options = fargateMemoryOptions(cpu);
        return memory !== undefined && options.includes(memory)
            ? []
            : [
                  {
                      input: "memory",
                      value: r.inputs.memory,
                      allowed: `with cpu ${cpu}: ${options.length <= 4 ? options.join(", ") : `${options[0]}-${options[options.length - 1]} in steps of ${options[1] - options[0]}`}`,
                  },
              ];
    },
};

export const ecsContainerHealthCheckRule: ResourceRule = {
    id: "ecs-container-health-check",
    scope: "resource",
    types: [T.task],
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
};

export const ecsSecretValueFromRule: ResourceRule = {
    id: "ecs-secret-value-from",
    scope: "resource",
    types: [T.task],
    message: "ECS resolves container secrets only from Secrets Manager or SSM Parameter Store",
    source: "ECS API Secret.valueFrom (@aws-sdk/client-ecs 3.1127.0 models: full ARN of the Secrets Manager secret or of the SSM parameter; a parameter name only in the task's Region)",
    check(r) {
        const findings: Finding[] = [];
        containers(r.inputs).forEach((c, i) =>
            (c?.secrets ?? []).forEach((s: any, j: number) => {
                const from = s?.valueFrom;
                if (typeof from !== "string") return;
                const arn = parseArn(from);
                const ok = arn
                    ? (arn.service === "secretsmanager" && arn.resource.startsWith("secret:")) ||
                      (arn.service === "ssm" && arn.resource.startsWith("parameter/"))
                    : !from.startsWith("arn:") && /^[A-Za-z0-9_./-]+$/.test(from);
                if (!ok)
                    findings.push({
                        input: `containerDefinitions[${i}](${c.name}).secrets[${j}](${s.name}).valueFrom`,
                        value: from,
                        allowed:
                            "arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>:<stage>:<version>], arn:aws:ssm:<region>:<account>:parameter/<name>, or a parameter name in the task's Region",
                    });
            }),
        );
        return findings;
    },
};

export const deprecatedInputRule: ResourceRule = {
    id: "deprecated-input",
    scope: "resource",
    types: [T.discovery],
    message: "the provider deprecated this input and will remove it, or never stores it (a replacement on every update)",
    source: '@pulumi/aws 7.48.0 types/input.d.ts ServiceHealthCheckCustomConfig.failureThreshold ("@deprecated ... no longer supported by AWS and the value is always set to 1. The attribute will be removed in a future major version"); AWS-FACTS.md; REVIEW-2026-12.md C9; an empty block is never stored and the block is ForceNew: hashicorp/terraform-provider-aws#44285',
    check(r) {
        const config = r.inputs.healthCheckCustomConfig;
        if (config === undefined || config === null) return [];
        const v = config.failureThreshold;
        if (v !== undefined) return [{ input: "healthCheckCustomConfig.failureThreshold", value: v, allowed: "absent (AWS always uses 1)" }];
        return Object.keys(config).length === 0
            ? [{ input: "healthCheckCustomConfig", value: config, allowed: "absent: an empty block plans a replacement of the service on every update" }]
            : [];
    },
};
