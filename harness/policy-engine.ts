// Offline policy engine: runs policy objects over captured resources the way the Pulumi CLI and
// @pulumi/policy's analyzer server do (policy config reconciliation, enforcement levels, argument
// shapes, notApplicable, unknown values), without a CLI, a gRPC server or `new PolicyPack`.
// Generic: harness/policies.ts binds it to the pack's rules; tests may pass their own list. Lives
// beside the harness, outside policies/, which ships only what `pulumi policy publish` needs.

import {
    EnforcementLevel,
    Policies,
    PolicyConfigSchema,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { CapturedResource } from "./types";
// The pack's own @pulumi/policy instance (policies/node_modules when installed there): the error
// class the rules' proxies throw must be the one `instanceof` checks here.
import { UnknownValueError, unknownCheckingProxy } from "../policies/rules/common";

/** One reported violation. */
export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** The policy's own message (the CLI shows the description above it). */
    message: string;
    /** URN of the resource in violation; absent for a stack-wide violation. */
    resource?: string;
    /** Logical name of that resource, when it is in the evaluated set. */
    resourceName?: string;
}

/** A `--policy-pack-config` file: `all` and per-policy levels or objects. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Thrown by `notApplicable`, as the analyzer server's NotApplicableError. */
export class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
};

// ---------------------------------------------------------------------------------------------
// Config: mirrors the CLI's ReconcilePolicyPackConfig (schema defaults, then `all`, then each
// policy's entry) and its JSON-schema validation.

/** Minimal JSON-schema check of the keywords the pack's schemas use; returns error messages. */
export function schemaErrors(schema: any, value: unknown, path: string): string[] {
    if (schema === undefined || schema === true) {
        return [];
    }
    const errors: string[] = [];
    const types: string[] = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const typeOk = (t: string) =>
        t === "integer"
            ? Number.isInteger(value)
            : t === "number"
              ? typeof value === "number"
              : t === "array"
                ? Array.isArray(value)
                : t === "object"
                  ? value !== null && typeof value === "object" && !Array.isArray(value)
                  : t === "null"
                    ? value === null
                    : typeof value === t;
    if (types.length > 0 && !types.some(typeOk)) {
        return [`${path}: ${JSON.stringify(value)} is not of type ${types.join("|")}`];
    }
    if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) {
        errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) {
            errors.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
        }
        if (schema.maximum !== undefined && value > schema.maximum) {
            errors.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
        }
    }
    if (Array.isArray(value) && schema.items && !Array.isArray(schema.items)) {
        value.forEach((v, i) => errors.push(...schemaErrors(schema.items, v, `${path}[${i}]`)));
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        for (const key of schema.required ?? []) {
            if (!(key in obj)) {
                errors.push(`${path}: ${key} is required`);
            }
        }
        for (const [key, sub] of Object.entries<any>(schema.properties ?? {})) {
            if (key in obj) {
                errors.push(...schemaErrors(sub, obj[key], path ? `${path}.${key}` : key));
            }
        }
    }
    return errors;
}

function configSchemaOf(p: ResourceValidationPolicy | StackValidationPolicy): PolicyConfigSchema | undefined {
    return p.configSchema;
}

/**
 * Each policy's effective level and properties for a pack config, as the CLI computes them before
 * it configures the analyzer. Throws on an invalid level or a config that fails a policy's schema,
 * as `pulumi preview` would.
 */
export function reconcileConfig(
    policies: Policies,
    packConfig: PackConfig = {},
    packEnforcementLevel: EnforcementLevel = "mandatory",
): Map<string, ResolvedPolicyConfig> {
    const normalized = new Map<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>();
    for (const [key, value] of Object.entries(packConfig)) {
        if (typeof value === "string") {
            if (!LEVELS.includes(value)) {
                throw new Error(`parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`);
            }
            normalized.set(key, { enforcementLevel: value, properties: {} });
        } else if (value !== null && typeof value === "object") {
            const { enforcementLevel, ...properties } = value;
            if (enforcementLevel !== undefined && !LEVELS.includes(enforcementLevel)) {
                throw new Error(`parsing enforcement level for "${key}": "${String(enforcementLevel)}" is not a valid enforcement level`);
            }
            normalized.set(key, { enforcementLevel, properties });
        } else {
            throw new Error(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    const all = normalized.get("all")?.enforcementLevel;
    const result = new Map<string, ResolvedPolicyConfig>();
    const errors: string[] = [];
    for (const p of policies) {
        const schema = configSchemaOf(p);
        const defaults: Record<string, unknown> = {};
        for (const [k, v] of Object.entries<any>(schema?.properties ?? {})) {
            if (v && typeof v === "object" && "default" in v) {
                defaults[k] = structuredClone(v.default);
            }
        }
        const given = normalized.get(p.name);
        const properties = { ...defaults, ...given?.properties };
        const enforcementLevel = given?.enforcementLevel ?? all ?? p.enforcementLevel ?? packEnforcementLevel;
        if (schema) {
            const schemaObject = { type: "object", properties: schema.properties, required: schema.required };
            errors.push(...schemaErrors(schemaObject, properties, "").map((e) => `${p.name}: ${e.replace(/^: /, "")}`));
        }
        result.set(p.name, { enforcementLevel, properties });
    }
    if (errors.length > 0) {
        throw new Error(`Invalid policy pack config:\n  ${errors.join("\n  ")}`);
    }
    return result;
}

// ---------------------------------------------------------------------------------------------
// Argument shapes

/** Links of one resource to others, as the engine's dependencies / propertyDependencies carry. */
export interface ResourceLinks {
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

function typeOfClass(cls: unknown): string | undefined {
    const t = (cls as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof t === "string" && t !== "" ? t : undefined;
}

function resourceOptions(r: CapturedResource): PolicyResourceOptions {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges ?? [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

/** `validateResource` args for one captured resource, as the analyzer server builds them. */
export function resourceValidationArgs(
    r: CapturedResource,
    config: Record<string, unknown> = {},
    stackTags: ReadonlyMap<string, string> = new Map(),
): ResourceValidationArgs {
    const view = policyView(r);
    return {
        ...view,
        // Same function; the two arg types declare asType's result differently.
        asType: view.asType as unknown as ResourceValidationArgs["asType"],
        stackTags,
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable: throwNotApplicable,
    };
}

/** What a policy sees of a resource in both kinds of args: identity, props (unknowns checked), options, type tests. */
function policyView(r: CapturedResource): Pick<PolicyResource, "type" | "props" | "urn" | "name" | "opts" | "isType" | "asType"> {
    const props = unknownCheckingProxy(r.inputs ?? {});
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: resourceOptions(r),
        isType: (cls) => typeOfClass(cls) === r.type,
        asType: ((cls: unknown) => (typeOfClass(cls) === r.type ? props : undefined)) as PolicyResource["asType"],
    };
}

/**
 * The `resources` of `validateStack` args: one PolicyResource per captured resource, with parent,
 * dependencies and propertyDependencies as object references.
 */
export function stackPolicyResources(resources: CapturedResource[], links?: Map<string, ResourceLinks>): PolicyResource[] {
    const out = resources.map((r): PolicyResource => ({ ...policyView(r), dependencies: [], propertyDependencies: {} }));
    const byUrn = new Map(out.map((r) => [r.urn, r] as const));
    resources.forEach((r, i) => {
        const pr = out[i];
        if (r.parent && byUrn.has(r.parent)) {
            pr.parent = byUrn.get(r.parent);
        }
        const l = links?.get(r.urn);
        if (l) {
            pr.dependencies = l.dependencies.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
            for (const [k, urns] of Object.entries(l.propertyDependencies)) {
                pr.propertyDependencies[k] = urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
            }
        }
    });
    return out;
}

function collectStrings(value: unknown, out: Set<string>, depth = 0): void {
    if (depth > 8 || value === null || value === undefined) {
        return;
    }
    if (typeof value === "string") {
        out.add(value);
    } else if (Array.isArray(value)) {
        value.forEach((v) => collectStrings(v, out, depth + 1));
    } else if (typeof value === "object") {
        Object.values(value as object).forEach((v) => collectStrings(v, out, depth + 1));
    }
}

/**
 * Infers dependencies from input values: an input that holds another resource's URN or one of its
 * identifiers (`identify`, e.g. the id and ARN the mocks gave it) depends on that resource. The
 * engine knows these exactly; a mocked run only keeps the values.
 */
export function inferLinks(resources: CapturedResource[], identify: (r: CapturedResource) => string[]): Map<string, ResourceLinks> {
    const owners = new Map<string, string>();
    for (const r of resources) {
        for (const id of [r.urn, ...identify(r)]) {
            if (id && !owners.has(id)) {
                owners.set(id, r.urn);
            }
        }
    }
    const byTypeName = new Map<string, string>(resources.map((r) => [`${r.type}::${r.name}`, r.urn]));
    const links = new Map<string, ResourceLinks>();
    for (const r of resources) {
        const propertyDependencies: Record<string, string[]> = {};
        // Explicit dependsOn (recorded by the harness as type::name) are dependencies too.
        const all = new Set<string>((r.dependsOn ?? []).map((d) => byTypeName.get(d)).filter((u): u is string => u !== undefined));
        for (const [key, value] of Object.entries(r.inputs ?? {})) {
            const strings = new Set<string>();
            collectStrings(value, strings);
            const deps = [...strings].map((s) => owners.get(s)).filter((u): u is string => u !== undefined && u !== r.urn);
            if (deps.length > 0) {
                propertyDependencies[key] = [...new Set(deps)];
                deps.forEach((d) => all.add(d));
            }
        }
        links.set(r.urn, { dependencies: [...all], propertyDependencies });
    }
    return links;
}

// ---------------------------------------------------------------------------------------------
// Running

export interface EvaluateOptions {
    /** Level for policies without one (the PolicyPack's `enforcementLevel`). */
    packEnforcementLevel?: EnforcementLevel;
    /** Identifiers other resources may use to refer to a resource (besides its URN). */
    identify?: (r: CapturedResource) => string[];
    stackTags?: ReadonlyMap<string, string>;
}

function isStackPolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

function runOne(policy: string, fn: () => unknown, out: Violation[]): void {
    try {
        const result = fn();
        if (result instanceof Promise) {
            throw new Error(`policy ${policy} returned a Promise; the offline evaluator runs synchronous policies only`);
        }
    } catch (e) {
        if (e instanceof NotApplicableError) {
            return;
        }
        if (e instanceof UnknownValueError) {
            out.push({ policy, enforcementLevel: "advisory", message: `can't run policy '${policy}' during preview: ${e.message}` });
            return;
        }
        throw new Error(`Error validating resource with policy '${policy}': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
}

/**
 * Runs `policies` over `resources` with `packConfig`: every resource policy on every resource,
 * then every stack policy on the whole list. Disabled policies are skipped; `remediate` reports
 * as mandatory (the analyzer server does the same when a violation remains).
 */
export function evaluatePolicyList(policies: Policies, resources: CapturedResource[], packConfig: PackConfig = {}, options: EvaluateOptions = {}): Violation[] {
    const configs = reconcileConfig(policies, packConfig, options.packEnforcementLevel ?? "mandatory");
    const names = new Map(resources.map((r) => [r.urn, r.name] as const));
    const stackTags = options.stackTags ?? new Map<string, string>();
    const violations: Violation[] = [];
    let stackResources: PolicyResource[] | undefined;
    for (const p of policies) {
        const c = configs.get(p.name)!;
        if (c.enforcementLevel === "disabled") {
            continue;
        }
        const level: EnforcementLevel = c.enforcementLevel === "remediate" ? "mandatory" : c.enforcementLevel;
        const reporter =
            (defaultUrn?: string): ReportViolation =>
            (message: string, urn?: string) => {
                const resource = urn ?? defaultUrn;
                violations.push({
                    policy: p.name,
                    enforcementLevel: level,
                    message,
                    ...(resource ? { resource, resourceName: names.get(resource) } : {}),
                });
            };
        if (isStackPolicy(p)) {
            stackResources ??= stackPolicyResources(resources, inferLinks(resources, options.identify ?? (() => [])));
            const args: StackValidationArgs = {
                resources: stackResources,
                stackTags,
                getConfig: <T extends object>() => ({ ...c.properties }) as T,
                notApplicable: throwNotApplicable,
            };
            runOne(p.name, () => p.validateStack(args, reporter()), violations);
            continue;
        }
        const validations = p.validateResource === undefined ? [] : Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
        for (const r of resources) {
            for (const validate of validations) {
                const args = resourceValidationArgs(r, c.properties, stackTags);
                runOne(p.name, () => validate(args, reporter(r.urn)), violations);
            }
        }
    }
    return violations;
}

/** True when any violation would block `pulumi preview` / `pulumi up`. */
export function hasMandatoryFailure(violations: readonly Violation[]): boolean {
    return violations.some((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate");
}

/** Violations as readable lines (policy, level, resource, message). */
export function formatViolations(violations: readonly Violation[]): string {
    return violations.map((v) => `[${v.enforcementLevel}] ${v.policy}${v.resourceName ? ` (${v.resourceName})` : ""}: ${v.message}`).join("\n");
}
