// Runs the real program for one stack file under `pulumi.runtime.setMocks` and returns every
// registered resource and the stack outputs. Tests, the cost estimate, the plan command and the
// offline policy run all start here: there is no second, hand-written model of the stack.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { TIER_DEFAULTS } from "../config/settings";
import { Tier } from "../config/tiers";
import { ACCOUNT_ID, callResult, computedState, MockContext, mockId, newMockContext, regionOfProvider, availabilityZonesOf } from "./mocks";
import { checkResource, checkStack, formatViolation, STRICT_MARK, StrictContext, StrictResource, StrictViolationError, Violation } from "./strict";
import { CapturedResource, StackCapture } from "./types";

export const REPO_ROOT = path.resolve(__dirname, "..");
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export interface RunOptions {
    /** Config values (keys without namespace) layered over the stack file's, e.g. `{ tier: "bogus" }`. */
    config?: Record<string, unknown>;
    /** Keys of `config` to mark secret, as `pulumi config set --secret` would. */
    secretKeys?: string[];
    /** Config keys to remove from the stack file's values. */
    removeKeys?: string[];
    /**
     * `services.<name>.imageTag` for every service that has neither `image` nor `imageTag`: the run
     * then shows the stack as it is once a release is deployed (the deploy pipeline sets the tag),
     * instead of services that await their first image.
     */
    imageTag?: string;
    /**
     * Runs this program instead of the real one (program.ts `main`), under exactly the same mocks and
     * strict checks: tests declare a resource AWS would refuse directly with @pulumi/aws.
     */
    program?: () => Promise<Record<string, unknown>>;
    /** Route 53 hosted zones that exist in the mocked account; absent: every zone getZone asks for exists. */
    hostedZones?: string[];
}

export interface StackFile {
    project: string;
    /** Full keys (`platform:tier`, `aws:region`) to config text, as the engine passes them. */
    config: Record<string, string>;
    secretKeys: string[];
}

export function projectName(): string {
    return parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")).name;
}

/** Stack names that have a `Pulumi.<stack>.yaml` in the repository. */
export function stackNames(): string[] {
    return fs
        .readdirSync(REPO_ROOT)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * Reads `Pulumi.<stack>.yaml` as the engine would: objects become JSON text, and `secure:` values
 * (which only the real CLI can decrypt) become a placeholder marked secret.
 */
export function readStackFile(stack: string, options: RunOptions = {}): StackFile {
    const project = projectName();
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new Error(`No stack file ${path.basename(file)}; stacks: ${stackNames().join(", ")}`);
    const document = parse(fs.readFileSync(file, "utf8")) ?? {};
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const put = (key: string, value: unknown, secret: boolean) => {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
        if (secret) secretKeys.push(fullKey);
    };
    for (const [key, value] of Object.entries<any>(document.config ?? {})) {
        const secure = value !== null && typeof value === "object" && "secure" in value;
        put(key, secure ? `decrypted-${key}` : value, secure);
    }
    for (const key of options.removeKeys ?? []) delete config[key.includes(":") ? key : `${project}:${key}`];
    for (const [key, value] of Object.entries(options.config ?? {})) put(key, value, (options.secretKeys ?? []).includes(key));
    if (options.imageTag !== undefined) withImageTag(config, project, options.imageTag);
    return { project, config, secretKeys };
}

/** Sets `imageTag` on every service (tier defaults and configured ones) that has no image yet. */
function withImageTag(config: Record<string, string>, project: string, tag: string): void {
    const key = `${project}:services`;
    const services: Record<string, Record<string, unknown>> = config[key] ? JSON.parse(config[key]) : {};
    const defaults = TIER_DEFAULTS[config[`${project}:tier`] as Tier]?.services ?? {};
    for (const name of new Set([...Object.keys(defaults), ...Object.keys(services)])) {
        const service = services[name] ?? {};
        if (service.image === undefined && service.imageTag === undefined) services[name] = { ...service, imageTag: tag };
    }
    config[key] = JSON.stringify(services);
}

/** Replaces the engine's secret wrappers with their values, collecting the paths that were secret. */
function unwrap(value: any, pathSoFar: string, secrets: string[]): any {
    if (value === null || typeof value !== "object") return value;
    if (value[SECRET_SIG] !== undefined) {
        secrets.push(pathSoFar);
        return unwrap(value.value, pathSoFar, secrets);
    }
    if (pulumi.Resource.isInstance(value)) return `resource:${(value as any).__name ?? "?"}`;
    if (Array.isArray(value)) return value.map((v, i) => unwrap(v, `${pathSoFar}[${i}]`, secrets));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, pathSoFar ? `${pathSoFar}.${k}` : k, secrets)]));
}

/**
 * The deploying account: the first of the stack's `aws:allowedAccountIds` (the provider refuses any
 * other account), else the mock's own account.
 */
export function callerAccount(stackFile: StackFile): string {
    const raw = stackFile.config["aws:allowedAccountIds"];
    if (raw === undefined) return ACCOUNT_ID;
    let ids: unknown;
    try {
        ids = JSON.parse(raw);
    } catch {
        ids = undefined;
    }
    const first = Array.isArray(ids) ? ids[0] : undefined;
    const id = typeof first === "number" ? String(first).padStart(12, "0") : first;
    if (typeof id !== "string" || !/^\d{12}$/.test(id)) throw new Error(`aws:allowedAccountIds must be a list of 12-digit account ids, got ${raw}`);
    return id;
}

/** The strict layer's view of the mocks: the caller account and the AZ mapping they answered. */
function strictContext(ctx: MockContext): StrictContext {
    return {
        stackRegion: ctx.region,
        account: ctx.account,
        zoneIdOf: (region, zone) => ctx.zoneAnswers.get(region)?.get(zone) ?? new Map(availabilityZonesOf(region)).get(zone),
    };
}

let strictRejectionsSwallowed = false;
/**
 * A refused registration rejects every output of that resource, and nothing awaits them: keep those
 * (runStack reports them) off the console. Installed at the first refusal only; from then on the
 * process no longer exits on an unhandled rejection by default (mocha never does anyway).
 */
function swallowStrictRejections(): void {
    if (strictRejectionsSwallowed) return;
    strictRejectionsSwallowed = true;
    process.on("unhandledRejection", (reason) => {
        if (String((reason as Error)?.message ?? reason).includes(STRICT_MARK)) return;
        // Not ours: leave it to the other listeners (mocha re-emits user rejections to them).
    });
}

interface Registration {
    type: string;
    name: string;
    parentKey?: string;
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    ignoreChanges: string[];
    dependsOn: string[];
}

async function resolveOutput(value: unknown): Promise<{ value: any; secret: boolean }> {
    const output = pulumi.output(value as any) as any;
    const [resolved, secret] = await Promise.all([output.promise(), output.isSecret]);
    return { value: resolved, secret: Boolean(secret) };
}

// The runtime's own "wait for outstanding RPCs" (internal, not in its typings): every resource the
// program declared has been registered once it resolves.
const waitForRPCs: () => Promise<void> = (pulumi.runtime as any).waitForRPCs ?? (async () => undefined);

/** Resolves once `count()` has not grown for `quietMs` (or after `maxMs`): registrations have settled. */
async function quiescence(count: () => number, quietMs = 100, maxMs = 10_000): Promise<void> {
    const start = Date.now();
    let last = -1;
    let since = Date.now();
    while (Date.now() - start < maxMs) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (count() !== last) {
            last = count();
            since = Date.now();
        } else if (Date.now() - since >= quietMs) return;
    }
}

/**
 * A stack transform (`registerResourceTransform`) as a stack transformation, as the engine would
 * call it: same type, name, props and options, `custom` from the resource's class. Offline only: mocks
 * never call registered transforms (pulumi/pulumi#17090; measured in tests/harness/run.test.ts).
 * A transformation is synchronous, so an asynchronous transform is refused, naming the resource.
 */
export function asStackTransformation(transform: pulumi.ResourceTransform): pulumi.ResourceTransformation {
    return (args) => {
        // instanceof, not CustomResource.isInstance: the SDK calls transformations from inside the
        // Resource constructor, before the subclass sets the flag isInstance reads.
        const custom = args.resource instanceof pulumi.CustomResource;
        const result = transform({ custom, type: args.type, name: args.name, props: args.props, opts: args.opts });
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
            throw new Error(`resource transform for ${args.type} ${args.name} returned a promise: the offline harness applies synchronous transforms only`);
        }
        return result as pulumi.ResourceTransformResult | undefined;
    };
}

/**
 * While the program runs, `registerResourceTransform` adds to `transforms` (as stack transformations,
 * asStackTransformation), which the capture applies to every later resource, so the capture shows
 * what the engine's transform makes of it; under mocks the SDK's own would register a transform
 * nothing calls. Returns the undo.
 */
function emulateResourceTransforms(transforms: pulumi.ResourceTransformation[]): () => void {
    const runtime = pulumi.runtime as { registerResourceTransform: typeof pulumi.runtime.registerResourceTransform };
    const sdkRegister = runtime.registerResourceTransform;
    runtime.registerResourceTransform = (transform) => {
        transforms.push(asStackTransformation(transform));
    };
    return () => {
        runtime.registerResourceTransform = sdkRegister;
    };
}

let fastStacksDepth = 0;
/**
 * Runs `action` without the stack traces the Pulumi SDK takes for every promise it tracks
 * (`new Error().stack` in @pulumi/pulumi runtime/debuggable.js, only read by its leak report at
 * exit, which a mocked run never reaches) and without mapping any stack through source maps (tsx
 * turns them on). Measured on a warm production run (npx tsx, 6 runs): 600 ms with them, 230 ms
 * without. Errors raised meanwhile keep their messages; PLATFORM_STACK_TRACES=1 keeps their stacks
 * too, for debugging the program.
 */
async function withoutPromiseStacks<T>(action: () => Promise<T>): Promise<T> {
    if (process.env.PLATFORM_STACK_TRACES === "1") return action();
    const { stackTraceLimit } = Error;
    const sourceMaps = process.sourceMapsEnabled;
    if (fastStacksDepth++ === 0) {
        Error.stackTraceLimit = 0;
        if (sourceMaps) process.setSourceMapsEnabled(false);
    }
    try {
        return await action();
    } finally {
        if (--fastStacksDepth === 0) {
            Error.stackTraceLimit = stackTraceLimit;
            if (sourceMaps) process.setSourceMapsEnabled(true);
        }
    }
}

/** Runs the program for `stack` under mocks and captures everything it declared. */
export function runStack(stack: string, options: RunOptions = {}): Promise<StackCapture> {
    return withoutPromiseStacks(() => runUnderMocks(stack, options));
}

async function runUnderMocks(stack: string, options: RunOptions): Promise<StackCapture> {
    const stackFile = readStackFile(stack, options);
    const region = stackFile.config["aws:region"] ?? "us-east-1";
    const ctx = newMockContext(region, callerAccount(stackFile), options.hostedZones);
    const strict = strictContext(ctx);
    const captured: CapturedResource[] = [];
    const violations: Violation[] = [];
    const states = new Map<string, Record<string, any>>();
    const registrations = new Map<string, Registration>();
    const key = (type: string, name: string) => `${type}::${name}`;
    let signalRefusal: () => void = () => undefined;
    const refusal = new Promise<void>((resolve) => {
        signalRefusal = resolve;
    });
    // An error the program raises while a resource's inputs resolve (e.g. a lookup that names its
    // config key) fails that registration, and a preview reports it; under mocks nothing awaits the
    // rejected input, so it surfaces as an unhandled rejection: collect it and fail the run with it.
    const programErrors: unknown[] = [];
    let signalProgramError: () => void = () => undefined;
    const programError = new Promise<void>((resolve) => {
        signalProgramError = resolve;
    });
    const onRejection = (reason: unknown) => {
        if (String((reason as Error)?.message ?? reason).includes(STRICT_MARK)) return;
        programErrors.push(reason);
        signalProgramError();
    };
    process.on("unhandledRejection", onRejection);

    pulumi.runtime.setAllConfig(stackFile.config, stackFile.secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const secretInputs: string[] = [];
                const inputs = unwrap(args.inputs, "", secretInputs);
                if (args.type === "pulumi:providers:aws") {
                    const id = mockId(args.type, args.name);
                    ctx.providerRegions.set(id, inputs.region ?? region);
                    return { id, state: inputs };
                }
                const resourceRegion = regionOfProvider(ctx, args.provider);
                captured.push({
                    type: args.type,
                    name: args.name,
                    inputs,
                    secretInputs,
                    urn: "",
                    custom: args.custom ?? true,
                    protect: false,
                    retainOnDelete: false,
                    deleteBeforeReplace: false,
                    replaceOnChanges: [],
                    ignoreChanges: [],
                    dependsOn: [],
                    region: resourceRegion,
                });
                // As a preview would: the provider refuses the resource, so its registration fails.
                const refused = checkResource({ type: args.type, name: args.name, inputs, region: resourceRegion }, strict);
                if (refused.length > 0) {
                    violations.push(...refused);
                    swallowStrictRejections();
                    signalRefusal();
                    throw new Error(refused.map(formatViolation).join("\n"));
                }
                const state = computedState(args.type, args.name, inputs, resourceRegion, ctx.account, ctx);
                states.set(key(args.type, args.name), state);
                return { id: state.id, state: { ...inputs, ...state, ...pickInputsOverState(inputs) } };
            },
            call(args) {
                return callResult(args.token, unwrap(args.inputs, "", []), regionOfProvider(ctx, args.provider), ctx);
            },
        },
        stackFile.project,
        stack,
        false,
    );

    // Imported after the mocks are set, as Pulumi's testing guide requires.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = options.program ?? (require("../program") as typeof import("../program")).main;
    // main()'s own return value: runInPulumiStack resolves outputs to plain values and loses secretness.
    let outputs: Record<string, unknown> = {};
    const run = pulumi.runtime
        .runInPulumiStack(async () => {
            // The program's resource transforms (registerResourceTransform) run here, before the capture
            // records the options, as the engine applies them before it registers a resource.
            const transforms: pulumi.ResourceTransformation[] = [];
            pulumi.runtime.registerStackTransformation((original) => {
                let result: pulumi.ResourceTransformationResult = { props: original.props, opts: original.opts };
                for (const transform of transforms) result = transform({ ...original, ...result }) ?? result;
                const args = { ...original, ...result };
                const parent = args.opts.parent;
                registrations.set(key(args.type, args.name), {
                    type: args.type,
                    name: args.name,
                    parentKey: parent ? key((parent as any).__pulumiType, (parent as any).__name) : undefined,
                    protect: Boolean(args.opts.protect),
                    retainOnDelete: Boolean(args.opts.retainOnDelete),
                    deleteBeforeReplace: Boolean((args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace),
                    replaceOnChanges: args.opts.replaceOnChanges ?? [],
                    ignoreChanges: args.opts.ignoreChanges ?? [],
                    dependsOn: ([] as unknown[]).concat(args.opts.dependsOn ?? []).map((r) => key((r as any).__pulumiType, (r as any).__name)),
                });
                return transforms.length > 0 ? result : undefined;
            });
            const restore = emulateResourceTransforms(transforms);
            try {
                outputs = await program();
            } finally {
                restore();
            }
            return outputs;
        })
        .then(() => waitForRPCs());
    // A refused registration can leave the runtime waiting forever on outputs that never resolve
    // (what depends on the refused resource): once one is refused, let the rest of the program register
    // what it still can, then report every refusal.
    try {
        await Promise.race([
            run.catch((error) => {
                if (violations.length === 0) throw error;
            }),
            refusal.then(() => quiescence(() => captured.length)),
            programError.then(() => quiescence(() => captured.length)),
        ]);
    } finally {
        process.off("unhandledRejection", onRejection);
    }
    if (programErrors.length > 0 && violations.length === 0) {
        const first = programErrors[0];
        throw first instanceof Error ? first : new Error(String(first));
    }

    // Cross-resource rules, once the whole program is known; then every refusal at once, as a preview lists them.
    const custom: StrictResource[] = captured
        .filter((r) => r.custom)
        .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, region: r.region ?? region, state: states.get(key(r.type, r.name)) }));
    violations.push(...checkStack(custom, strict));
    if (violations.length > 0) throw new StrictViolationError(violations);

    const urnOf = (k: string | undefined, seen = new Set<string>()): string => {
        const reg = k ? registrations.get(k) : undefined;
        if (!reg || seen.has(k!)) return "";
        seen.add(k!);
        const parentUrn = urnOf(reg.parentKey, seen);
        const typeChain = parentUrn ? `${parentUrn.split("::")[2]}$${reg.type}` : reg.type;
        return `urn:pulumi:${stack}::${stackFile.project}::${typeChain}::${reg.name}`;
    };
    // Components register with the engine too (not through newResource): add them from the transformation's view.
    for (const reg of registrations.values()) {
        if (!captured.some((c) => c.type === reg.type && c.name === reg.name)) {
            const { parentKey: _parentKey, ...options } = reg;
            captured.push({ ...options, inputs: {}, secretInputs: [], urn: "", custom: false });
        }
    }
    for (const resource of captured) {
        const reg = registrations.get(key(resource.type, resource.name));
        resource.urn = urnOf(key(resource.type, resource.name)) || `urn:pulumi:${stack}::${stackFile.project}::${resource.type}::${resource.name}`;
        resource.parent = reg?.parentKey ? urnOf(reg.parentKey) : undefined;
        resource.protect = reg?.protect ?? false;
        resource.retainOnDelete = reg?.retainOnDelete ?? false;
        resource.deleteBeforeReplace = reg?.deleteBeforeReplace ?? false;
        resource.replaceOnChanges = reg?.replaceOnChanges ?? [];
        resource.ignoreChanges = reg?.ignoreChanges ?? [];
        resource.dependsOn = reg?.dependsOn ?? [];
    }

    const resolvedOutputs: Record<string, any> = {};
    const secretOutputs: string[] = [];
    for (const [name, value] of Object.entries(outputs)) {
        const resolved = await resolveOutput(value);
        resolvedOutputs[name] = resolved.value;
        if (resolved.secret) secretOutputs.push(name);
    }
    return { project: stackFile.project, stack, resources: captured, outputs: resolvedOutputs, secretOutputs };
}

/** Inputs the program set win over mock defaults (e.g. an explicit `name` or `arn`-like input). */
function pickInputsOverState(inputs: Record<string, any>): Record<string, any> {
    return inputs.name !== undefined ? { name: inputs.name } : {};
}

/** Resources of one type, in registration order. */
export function ofType(capture: StackCapture, type: string): CapturedResource[] {
    return capture.resources.filter((r) => r.type === type);
}

/** The one resource of a type and name, or a clear failure listing what exists. */
export function find(capture: StackCapture, type: string, name: string): CapturedResource {
    const match = capture.resources.find((r) => r.type === type && r.name === name);
    if (!match)
        throw new Error(
            `No ${type} named ${name}; have: ${
                ofType(capture, type)
                    .map((r) => r.name)
                    .join(", ") || "none"
            }`,
        );
    return match;
}
