// The README's configuration reference, rendered from the declarations: one table per section,
// one row per setting, with each tier's default (tools/readme-blocks.ts writes it into README.md).
import { Tier, TIERS } from "../tiers";
import { Leaf, SettingNode } from "./dsl";
import { SERVICE_TEMPLATE, SETTINGS, tierDefaults, tierHas } from ".";

function cell(value: unknown): string {
    if (value === undefined) return "unset";
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return `\`${text.replace(/\|/g, "\\|")}\``;
}

const escape = (text: string) => text.replace(/\|/g, "\\|");

function docOf(leaf: Leaf): string {
    const parts = [escape(leaf.doc)];
    if (leaf.example !== undefined) parts.push(`e.g. \`${escape(leaf.example)}\``);
    if (leaf.secret) parts.push("**Secret**: `pulumi config set --secret`.");
    return parts.join(" ");
}

function valueAt(tree: unknown, path: string[]): unknown {
    return path.reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), tree);
}

/** Rows `| key | what it sets | default per tier |` for every leaf under `node`. */
function rows(node: SettingNode, path: string[], defaultsOf: (tier: Tier, path: string[]) => unknown, has: (tier: Tier) => boolean): string[] {
    if (node.node === "leaf") {
        const defaults = TIERS.map((tier) => (has(tier) ? cell(defaultsOf(tier, path)) : "-"));
        const same = defaults.every((d) => d === defaults[0]);
        return [`| \`${path.join(".")}\` | ${docOf(node)} | ${same ? `${defaults[0]} (every tier)` : defaults.join(" / ")} |`];
    }
    const children = node.node === "group" ? node.children : node.template.children;
    return Object.entries(children).flatMap(([key, child]) => rows(child, [...path, key], defaultsOf, has));
}

function seedSummary(tier: Tier): string {
    return Object.entries(tierDefaults(tier).services)
        .map(([name, s]) => `${name} ${s.cpu}/${s.memory}, ${s.scaling?.min}-${s.scaling?.max} tasks`)
        .join("; ");
}

export function renderSettingsReference(): string {
    const header = ["| key | what it sets | default (" + TIERS.join(" / ") + ") |", "|---|---|---|"];
    const fromTier = (tier: Tier, path: string[]) => valueAt(tierDefaults(tier), path);
    const out: string[] = [];
    for (const [key, node] of Object.entries(SETTINGS.children)) {
        if (node.node === "leaf") continue;
        out.push(`**\`${key}\`**: ${node.doc}${node.node === "group" && node.when ? ` Tiers: ${TIERS.filter((t) => tierHas(node, t)).join(", ")}.` : ""}`, "");
        if (node.node === "services") {
            out.push(
                `Seed services by tier: ${TIERS.map((t) => `${t}: ${seedSummary(t)}`).join(" · ")}. A new service starts from the defaults below (\`platform:services.<name>.<key>\`).`,
                "",
            );
            out.push(
                ...header,
                ...rows(
                    node.template,
                    ["services", "<name>"],
                    (_tier, path) => valueAt(SERVICE_TEMPLATE, path.slice(2)),
                    () => true,
                ),
                "",
            );
            continue;
        }
        out.push(...header, ...rows(node, [key], fromTier, (tier) => tierHas(node, tier)), "");
    }
    const leaves = Object.entries(SETTINGS.children).filter(([, node]) => node.node === "leaf");
    out.push("**Top-level keys**", "", ...header, ...leaves.flatMap(([key, node]) => rows(node, [key], fromTier, () => true)));
    return out.join("\n");
}
