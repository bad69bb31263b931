// Helpers for the data-tier specs: reading a capture by logical name, scanning for leaked secrets,
// and the secretness of stack outputs.
import * as assert from "assert";
import { find } from "../../harness/run";
import { computedState } from "../../harness/mocks";
import { CapturedResource, StackCapture } from "../../harness/types";

export const T = {
    rds: "aws:rds/instance:Instance",
    rdsParams: "aws:rds/parameterGroup:ParameterGroup",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    cacheParams: "aws:elasticache/parameterGroup:ParameterGroup",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    rotation: "aws:secretsmanager/secretRotation:SecretRotation",
    lambda: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    kmsKey: "aws:kms/key:Key",
    kmsAlias: "aws:kms/alias:Alias",
    password: "random:index/randomPassword:RandomPassword",
    randomString: "random:index/randomString:RandomString",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
} as const;

/** The value a mocked create returns for an attribute of a resource (ids, ARNs), as the program sees it. */
export function mocked(type: string, name: string, attribute: string, inputs: Record<string, any> = {}): any {
    return computedState(type, name, inputs, "us-east-1")[attribute];
}

export const rds = (c: StackCapture) => find(c, T.rds, "database-instance");
/**
 * What a final-snapshot name must be (REVIEW-2026-12 C4): `<base>-final-` and the 8 characters of
 * the RandomString `suffixName` (lowercase letters and digits), as its mocked create returns them.
 */
export function assertFinalSnapshotName(actual: unknown, base: string, suffixName: string): void {
    const suffix = mocked(T.randomString, suffixName, "result", { length: 8, special: false, upper: false });
    assert.strictEqual(actual, `${base}-final-${suffix}`);
    assert.match(String(actual), new RegExp(`^${base}-final-[a-z0-9]{8}$`), `${actual}: 8 lowercase letters or digits after -final-`);
}
export const replicationGroup = (c: StackCapture) => find(c, T.cache, "cache-group");

/** Every string in `value` containing `needle`, by path, skipping paths under `skip`. */
export function findStrings(value: unknown, needle: string, skip: string[], path = ""): string[] {
    if (skip.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`))) return [];
    if (typeof value === "string") return value.includes(needle) ? [path] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => findStrings(v, needle, skip, `${path}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => findStrings(v, needle, skip, path ? `${path}.${k}` : k));
    }
    return [];
}

/** Plain-text occurrences of mocked random-password values in resource inputs not marked secret. */
export function leaksInInputs(capture: StackCapture): string[] {
    return capture.resources.flatMap((r: CapturedResource) => findStrings(r.inputs, "MOCK-SECRET-", r.secretInputs).map((p) => `${r.type} ${r.name}: ${p}`));
}

/** Runs `action` with everything written to the console and stdout/stderr captured. */
export async function captureLogs<R>(action: () => Promise<R>): Promise<{ result: R; lines: string[] }> {
    const lines: string[] = [];
    const methods = ["log", "info", "warn", "error", "debug"] as const;
    const saved = methods.map((m) => console[m]);
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    for (const m of methods)
        console[m] = (...args: unknown[]) => {
            lines.push(args.map(String).join(" "));
        };
    process.stdout.write = ((chunk: any) => {
        lines.push(String(chunk));
        return true;
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: any) => {
        lines.push(String(chunk));
        return true;
    }) as typeof process.stderr.write;
    try {
        const result = await action();
        return { result, lines };
    } finally {
        methods.forEach((m, i) => {
            console[m] = saved[i];
        });
        process.stdout.write = out;
        process.stderr.write = err;
    }
}
