// Reads the stack's Pulumi config into a ConfigSource and resolves it. The only config code that
// touches the Pulumi runtime; everything it calls is pure.
import * as pulumi from "@pulumi/pulumi";
import { ConfigSource, resolveSettings } from "./validate";
import { Settings } from "./types";

/** Scalars arrive as strings and objects as JSON text; parse both the way `getObject` would. */
function parseValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

// `isConfigSecret` is exported by the runtime but not in its typings; it reads the engine's list of
// keys that were set with `--secret`.
const isConfigSecret: (key: string) => boolean =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@pulumi/pulumi/runtime/config").isConfigSecret;

export function readConfigSource(): ConfigSource {
    const project = pulumi.getProject();
    const all = pulumi.runtime.allConfig();
    const values: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [fullKey, text] of Object.entries(all)) {
        if (!fullKey.startsWith(`${project}:`)) continue;
        const key = fullKey.slice(project.length + 1);
        values[key] = parseValue(text);
        if (isConfigSecret(fullKey)) secretKeys.push(key);
    }
    return { project, stack: pulumi.getStack(), region: all["aws:region"], values, secretKeys };
}

/** Validated settings of the current stack; throws ConfigError before any resource exists. */
export function loadSettings(): Settings {
    return resolveSettings(readConfigSource());
}
