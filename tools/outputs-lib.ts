// The pure logic of `npm run outputs`: `pulumi stack output --json` in, a dotenv file or app JSON
// out, checked against the stack output contract (tools/output-contract.ts, re-exported here).
// No I/O here: tools/outputs.ts runs the CLI and writes files; tests call these functions directly.
import { isContractTier, outputNamesForTier, outputSpec, STACK_OUTPUTS, Tier, toEnvName } from "./output-contract";

export * from "./output-contract";

/** What `pulumi stack output --json` prints in place of a secret value without `--show-secrets`. */
export const SECRET_PLACEHOLDER = "[secret]";

export type OutputFormat = "env" | "json";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["env", "json"];

export interface OutputsOptions {
    /** Stack name, e.g. `staging` or `<org>/platform/staging`. Required unless `from` is given. */
    stack?: string;
    format: OutputFormat;
    /** Include secret outputs (and ask the CLI for them with `--show-secrets`). @default false */
    showSecrets: boolean;
    /** Read recorded `pulumi stack output --json` from this file instead of running the CLI. */
    from?: string;
    /** Write the result here (mode 0600) instead of stdout. */
    out?: string;
    /** Treat contract mismatches (missing or unknown outputs) as errors. @default false */
    strict: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: npm run outputs -- --stack <stack> [--format env|json] [--show-secrets] [--from file.json] [--out file] [--strict]

  --stack <stack>   stack to read (e.g. staging or <org>/platform/staging); required unless --from
  --format env|json env: a .env file (UPPER_SNAKE_CASE keys, maps flattened); json: the outputs as JSON
                    (default: env)
  --show-secrets    include secret outputs (the contract has none today); without it they are left out
  --from <file>     read recorded 'pulumi stack output --json' output instead of running pulumi
  --out <file>      write to this file (created with mode 0600) instead of stdout
  --strict          fail when the stack's outputs differ from the contract for its tier`;

/** Stack names the CLI accepts: `name`, `org/name` or `org/project/name`; never something that looks like a flag. */
const STACK_NAME = /^\w[\w.-]*(\/\w[\w.-]*){0,2}$/;

/** Parses the arguments after `tsx tools/outputs.ts`; throws UsageError naming the bad argument. */
export function parseOutputsArgs(argv: readonly string[]): OutputsOptions {
    const options: OutputsOptions = { format: "env", showSecrets: false, strict: false };
    const valueOf = (i: number, flag: string): string => {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
        return value;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
        const take = (): string => {
            if (inline !== undefined) return inline;
            const value = valueOf(i, flag);
            i++;
            return value;
        };
        switch (flag) {
            case "--stack":
            case "-s":
                options.stack = take();
                break;
            case "--format":
            case "-f": {
                const format = take();
                if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
                    throw new UsageError(`unknown format ${JSON.stringify(format)}: use one of ${OUTPUT_FORMATS.join(", ")}`);
                }
                options.format = format as OutputFormat;
                break;
            }
            case "--show-secrets":
                options.showSecrets = true;
                break;
            case "--strict":
                options.strict = true;
                break;
            case "--from":
                options.from = take();
                break;
            case "--out":
            case "-o":
                options.out = take();
                break;
            default:
                throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
    }
    if (options.stack === undefined && options.from === undefined) {
        throw new UsageError("--stack is required (or --from <file> to read recorded outputs)");
    }
    if (options.stack !== undefined && !STACK_NAME.test(options.stack)) {
        throw new UsageError(`invalid stack name ${JSON.stringify(options.stack)}: expected name, org/name or org/project/name`);
    }
    return options;
}

/** The `pulumi` arguments that print a stack's outputs (passed to execFile, never a shell). */
export function pulumiOutputArgs(stack: string, showSecrets: boolean): string[] {
    return ["stack", "output", "--json", "--stack", stack, ...(showSecrets ? ["--show-secrets"] : [])];
}

export type OutputValues = Record<string, unknown>;

/** Parses `pulumi stack output --json` text; the result must be a JSON object. */
export function parseStackOutputJson(text: string, source = "pulumi stack output"): OutputValues {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        throw new Error(`${source}: not JSON (${(e as Error).message})`, { cause: e });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error(`${source}: expected a JSON object of outputs, got ${Array.isArray(parsed) ? "an array" : typeof parsed}`);
    }
    return parsed as OutputValues;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function containsPlaceholder(value: unknown): boolean {
    if (value === SECRET_PLACEHOLDER) return true;
    if (Array.isArray(value)) return value.some(containsPlaceholder);
    if (isPlainObject(value)) return Object.values(value).some(containsPlaceholder);
    return false;
}

export interface SelectedOutputs {
    /** Outputs to write, in contract order then any others alphabetically. */
    values: OutputValues;
    /** Names left out because they are secret and `showSecrets` was not given. */
    omittedSecrets: string[];
    /** Contract mismatches: outputs missing for the stack's tier, outputs not in the contract. */
    warnings: string[];
}

/**
 * Chooses what to write. Secret outputs (by the contract, or printed as `[secret]`) are left out
 * unless `showSecrets`; with `showSecrets`, a `[secret]` placeholder is an error, never a value.
 */
export function selectOutputs(raw: OutputValues, showSecrets: boolean): SelectedOutputs {
    const values: OutputValues = {};
    const omittedSecrets: string[] = [];
    const warnings: string[] = [];

    const contractNames = STACK_OUTPUTS.map((o) => o.name);
    const others = Object.keys(raw)
        .filter((n) => !contractNames.includes(n))
        .sort();
    for (const name of [...contractNames.filter((n) => n in raw), ...others]) {
        const value = raw[name];
        const secret = outputSpec(name)?.secret === true || containsPlaceholder(value);
        if (secret && !showSecrets) {
            omittedSecrets.push(name);
            continue;
        }
        if (containsPlaceholder(value)) {
            throw new Error(
                `output ${name} is ${JSON.stringify(SECRET_PLACEHOLDER)}: the outputs were read without --show-secrets ` +
                    `(record them with 'pulumi stack output --json --show-secrets'), refusing to write the placeholder`,
            );
        }
        values[name] = value;
    }

    for (const name of others) warnings.push(`output ${name} is not in the stack output contract (tools/output-contract.ts)`);
    const tier = raw.tier;
    if (typeof tier === "string" && isContractTier(tier)) {
        for (const name of outputNamesForTier(tier as Tier)) {
            if (!(name in raw)) warnings.push(`output ${name} is missing: the contract says ${tier} stacks export it`);
        }
        for (const name of contractNames) {
            if (name in raw && !outputSpec(name)!.tiers.includes(tier as Tier)) {
                warnings.push(`output ${name} is exported, but the contract does not list it for ${tier} stacks`);
            }
        }
    } else {
        warnings.push(`output tier is ${tier === undefined ? "missing" : JSON.stringify(tier)}: cannot check the outputs against the contract`);
    }
    return { values, omittedSecrets, warnings };
}

/** Flattens outputs to `[ENV_NAME, string value]` pairs: maps become `NAME_KEY`, lists become JSON. */
export function flattenForEnv(values: OutputValues): [string, string][] {
    const pairs: [string, string][] = [];
    const seen = new Map<string, string>();
    const add = (envName: string, path: string, value: string) => {
        const previous = seen.get(envName);
        if (previous !== undefined) {
            throw new Error(`outputs ${previous} and ${path} both map to the environment variable ${envName}`);
        }
        seen.set(envName, path);
        pairs.push([envName, value]);
    };
    const visit = (envName: string, path: string, value: unknown) => {
        if (isPlainObject(value)) {
            for (const key of Object.keys(value)) visit(`${envName}_${toEnvName(key)}`, `${path}.${key}`, value[key]);
        } else if (Array.isArray(value)) {
            add(envName, path, JSON.stringify(value));
        } else if (value === null || value === undefined) {
            add(envName, path, "");
        } else {
            add(envName, path, String(value));
        }
    };
    for (const [name, value] of Object.entries(values)) visit(toEnvName(name), name, value);
    return pairs;
}

/**
 * Quotes a value for a .env file: always double quotes, one line, with `\`, `"`, `$`, newline and
 * carriage return backslash-escaped (`$` so that no reader interpolates). `parseEnv` reads this
 * dialect back exactly. Readers that only decode `\n` in double quotes (the npm `dotenv` package)
 * keep the other backslashes: apps needing exact values with `"`, `\` or `$` use `--format json`.
 */
export function quoteEnvValue(value: string): string {
    const escaped = value.replace(/[\\"$\n\r]/g, (c) => {
        switch (c) {
            case "\n":
                return "\\n";
            case "\r":
                return "\\r";
            default:
                return `\\${c}`;
        }
    });
    return `"${escaped}"`;
}

export interface RenderContext {
    stack?: string;
    omittedSecrets: string[];
}

/** A .env file: a header comment, then `KEY="value"` lines in contract order. */
export function renderEnv(values: OutputValues, context: RenderContext): string {
    const lines = [`# Generated by 'npm run outputs'${context.stack ? ` for stack ${context.stack}` : ""}. Do not edit.`];
    if (context.omittedSecrets.length > 0) {
        lines.push(`# Secret outputs left out (use --show-secrets): ${context.omittedSecrets.join(", ")}`);
    }
    for (const [key, value] of flattenForEnv(values)) lines.push(`${key}=${quoteEnvValue(value)}`);
    return lines.join("\n") + "\n";
}

/** The outputs as a JSON object (contract names, structured values), for apps that read JSON. */
export function renderJson(values: OutputValues): string {
    return JSON.stringify(values, null, 2) + "\n";
}

/** Reads back the dialect `renderEnv` writes (used by tests and by apps without a dotenv library). */
export function parseEnv(text: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [index, line] of text.split("\n").entries()) {
        if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
        const match = /^([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(line);
        if (!match) throw new Error(`line ${index + 1}: not KEY="value": ${JSON.stringify(line)}`);
        result[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c));
    }
    return result;
}

export interface OutputsResult {
    /** The file content to write. */
    text: string;
    omittedSecrets: string[];
    warnings: string[];
}

/** Everything between the CLI's JSON and the file: select, render. Throws in strict mode on mismatches. */
export function convertOutputs(raw: OutputValues, options: Pick<OutputsOptions, "format" | "showSecrets" | "strict" | "stack">): OutputsResult {
    const selected = selectOutputs(raw, options.showSecrets);
    if (options.strict && selected.warnings.length > 0) {
        throw new Error(`outputs do not match the contract:\n  ${selected.warnings.join("\n  ")}`);
    }
    const text =
        options.format === "env" ? renderEnv(selected.values, { stack: options.stack, omittedSecrets: selected.omittedSecrets }) : renderJson(selected.values);
    return { text, omittedSecrets: selected.omittedSecrets, warnings: selected.warnings };
}
