// Lambda: runtimes, architectures and limits of a function.
import { range } from "./inputs";
import { Finding, ResourceRule, T } from "./rule";

/**
 * Lambda runtimes that can still be created: the non-deprecated members of @pulumi/aws 7.48.0
 * `types/enums/lambda` Runtime (which links docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 * nodejs18.x is listed there but AWS blocked creating it from 2026-02-03 (lambda-runtimes page,
 * unconfirmed in this session), so it is left out.
 */
export const LAMBDA_RUNTIMES = [
    "dotnet8",
    "dotnet10",
    "java11",
    "java17",
    "java21",
    "java25",
    "java8.al2",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "provided.al2",
    "provided.al2023",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "python3.9",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
];

export const lambdaRuntimeArchitectureRule: ResourceRule = {
    id: "lambda-runtime-architecture",
    scope: "resource",
    types: [T.lambda],
    message: "Lambda does not create functions with this runtime or architecture",
    source: "@pulumi/aws 7.48.0 types/enums/lambda Runtime (non-deprecated); Lambda API CreateFunction Architectures (one of x86_64, arm64)",
    check(r) {
        const findings: Finding[] = [];
        if (r.inputs.runtime !== undefined && !LAMBDA_RUNTIMES.includes(r.inputs.runtime))
            findings.push({ input: "runtime", value: r.inputs.runtime, allowed: `one of ${LAMBDA_RUNTIMES.join(", ")}` });
        const arch = r.inputs.architectures;
        if (arch !== undefined && !(Array.isArray(arch) && arch.length === 1 && ["x86_64", "arm64"].includes(arch[0]))) {
            findings.push({ input: "architectures", value: arch, allowed: "exactly one of x86_64, arm64" });
        }
        return findings;
    },
};

export const lambdaLimitsRule: ResourceRule = {
    id: "lambda-limits",
    scope: "resource",
    types: [T.lambda],
    message: "outside Lambda's limits",
    source: '@pulumi/aws 7.48.0 lambda/function.d.ts (timeout "Valid between 1 and 900"; memorySize "between 128 MB to 32,768 MB")',
    check(r) {
        const findings: Finding[] = [];
        range(findings, "timeout", r.inputs.timeout, 1, 900);
        range(findings, "memorySize", r.inputs.memorySize, 128, 32768);
        return findings;
    },
};
