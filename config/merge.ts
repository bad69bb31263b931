// Merges a stack's overrides onto the tier's defaults, walking the setting declarations
// (config/settings): unknown keys and values of the wrong kind are refused, each problem naming the
// key, the value and what is allowed. The declarations are the schema; there is no second list.
import { describe, SettingNode } from "./settings/dsl";

export { describe };
export type Problems = string[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
    if (Array.isArray(value)) return "list";
    if (value === null) return "null";
    return typeof value === "object" ? "object" : typeof value;
}

/**
 * Returns `base` with `override` merged in: groups merge key by key, leaves replace (maps of
 * strings merge). A value of the wrong kind is reported and the base kept.
 */
export function mergeChecked(path: string, node: SettingNode, base: unknown, override: unknown, problems: Problems): unknown {
    if (override === undefined) return base;
    const key = `platform:${path}`;

    if (node.node === "group") {
        const keys = Object.keys(node.children).join(", ");
        if (!isPlainObject(override)) {
            problems.push(`${key}: ${describe(override)} must be an object with keys ${keys}`);
            return base;
        }
        // An optional group set for the first time starts from its children's (plain) defaults.
        const start =
            base ??
            Object.fromEntries(
                Object.entries(node.children).map(([k, c]) => [k, c.node === "leaf" && typeof c.default !== "function" ? c.default : undefined]),
            );
        const merged: Record<string, unknown> = { ...(start as object) };
        for (const [child, value] of Object.entries(override)) {
            const childNode = node.children[child];
            if (childNode === undefined) {
                problems.push(`platform:${path}.${child} is not a known key; allowed under platform:${path}: ${keys}`);
                continue;
            }
            merged[child] = mergeChecked(`${path}.${child}`, childNode, merged[child], value, problems);
        }
        return merged;
    }
    if (node.node === "services") return base; // config/resolve/services.ts merges each service

    switch (node.kind) {
        case "string-or-list":
            return override;
        case "map":
            if (!isPlainObject(override) || Object.values(override).some((v) => typeof v !== "string")) {
                problems.push(`${key}: ${describe(override)} must be a map of names to strings`);
                return base;
            }
            return { ...(base as object), ...override };
        default:
            if (kindOf(override) !== node.kind) {
                const hint = node.kind === "string" && typeof override === "number" ? " (quote it in YAML)" : "";
                problems.push(`${key}: ${describe(override)} must be ${node.kind === "object" ? "an" : "a"} ${node.kind}${hint}`);
                return base;
            }
            return override;
    }
}
