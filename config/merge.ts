// Merges a stack's overrides onto the tier table, refusing unknown keys and values of the wrong
// kind. The defaults themselves are the schema: every accepted key appears in them (optional ones in
// OPTIONAL_LEAVES), so adding a setting is one line in the table, not a second list to keep in sync.
import { OPTIONAL_LEAVES } from "./defaults";

/** Keys whose value is a free-form map of strings (names chosen by the user). */
const STRING_MAPS = ["services.*.environment", "services.*.secrets"];
/** Keys that take a string or a list; config/validate.ts checks which (e.g. "curl" or ["CMD", ...]). */
const STRING_OR_LIST = ["services.*.containerHealthCheck"];

export type Problems = string[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
    if (Array.isArray(value)) return "list";
    if (value === null) return "null";
    return typeof value === "object" ? "object" : typeof value;
}

/** `services.api.scaling.min` -> `services.*.scaling.min`, the form the tables use. */
function pattern(path: string): string {
    return path.replace(/^services\.[^.]+/, "services.*");
}

export function describe(value: unknown): string {
    return JSON.stringify(value);
}

/**
 * Returns `base` with `override` merged in: objects merge key by key, lists and scalars replace.
 * Problems name the full key (`platform:<path>`), the value and what is allowed.
 */
export function mergeChecked(path: string, base: unknown, override: unknown, problems: Problems): unknown {
    if (override === undefined) return base;
    const key = `platform:${path}`;
    const where = pattern(path);

    if (STRING_OR_LIST.includes(where)) return override;

    if (STRING_MAPS.includes(where)) {
        if (!isPlainObject(override) || Object.values(override).some((v) => typeof v !== "string")) {
            problems.push(`${key}: ${describe(override)} must be a map of names to strings`);
            return base;
        }
        return { ...(base as object), ...override };
    }

    if (base === undefined) {
        const optionalKind = OPTIONAL_LEAVES[where];
        if (optionalKind === undefined) return override; // caller already checked the key is known
        if (kindOf(override) !== optionalKind) {
            problems.push(`${key}: ${describe(override)} must be a ${optionalKind}`);
            return undefined;
        }
        return override;
    }

    if (isPlainObject(base)) {
        if (!isPlainObject(override)) {
            problems.push(`${key}: ${describe(override)} must be an object with keys ${Object.keys(base).join(", ")}`);
            return base;
        }
        const merged: Record<string, unknown> = { ...base };
        for (const [child, value] of Object.entries(override)) {
            const childPath = `${path}.${child}`;
            const known = child in base || OPTIONAL_LEAVES[pattern(childPath)] !== undefined;
            if (!known) {
                problems.push(`platform:${childPath} is not a known key; allowed under platform:${path}: ${Object.keys(base).join(", ")}`);
                continue;
            }
            merged[child] = mergeChecked(childPath, base[child], value, problems);
        }
        return merged;
    }

    if (kindOf(base) !== kindOf(override)) {
        const hint = typeof base === "string" && typeof override === "number" ? " (quote it in YAML)" : "";
        problems.push(`${key}: ${describe(override)} must be a ${kindOf(base)}${hint}`);
        return base;
    }
    return override;
}
