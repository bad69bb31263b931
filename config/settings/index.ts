// Every setting a stack file may write under `platform:`, declared once (see ./dsl.ts). What the
// rest of the program needs is derived here: the raw config type, each tier's defaults, the secret
// keys, and the walk that runs each declaration's checks.
import { Tier, TIERS, traitsOf } from "../tiers";
import { CheckContext, Children, DeepPartial, Group, Leaf, SettingNode, ShapeOf, ServiceMap, ValueOf, choice, group, optional, secret, text } from "./dsl";
import { network } from "./network";
import { services } from "./services";
import { cluster, loadBalancer } from "./edge";
import { edge } from "./cdn";
import { cache, database, secrets } from "./data";
import { host } from "./host";
import { observability } from "./observability";

export const SETTINGS = group("A stack's `platform:` config.", {
    tier: choice(TIERS, { doc: "The column of the tier table (config/tiers.ts) the stack starts from.", phrase: "is not a tier" }),
    costCenter: text({ doc: "The `CostCenter` cost-allocation tag.", default: "platform" }),
    network,
    services,
    loadBalancer,
    edge,
    cluster,
    database,
    cache,
    secrets,
    host,
    observability,
    newRelicLicenseKey: secret(
        optional(text({ doc: "New Relic license key: fills the application secret's `newrelic` key and the `newrelic` secret source." })),
    ),
});

/** The raw config document, merged over the tier's defaults. */
export type RawConfig = ValueOf<typeof SETTINGS>;
/** A service as written in config, merged over the template. */
export type ServiceConfig = ShapeOf<typeof services.template.children>;
export type ServiceOverrides = DeepPartial<ServiceConfig>;

/** Top-level keys whose value must be a Pulumi secret (`pulumi config set --secret`). */
export const SECRET_KEYS = Object.entries(SETTINGS.children)
    .filter(([, node]) => node.node === "leaf" && node.secret)
    .map(([key]) => key);

/** Whether a tier has a section (a group declared for some runtimes only). */
export function tierHas(node: SettingNode, tier: Tier): boolean {
    return node.node !== "group" || node.when === undefined || node.when(traitsOf(tier));
}

function defaultOf(node: SettingNode, tier: Tier): unknown {
    const traits = traitsOf(tier);
    if (node.node === "leaf") return typeof node.default === "function" ? (node.default as (t: typeof traits) => unknown)(traits) : node.default;
    if (node.node === "services") return node.seeds(traits);
    if (!tierHas(node, tier) || (node.optional && node.when === undefined)) return undefined;
    return Object.fromEntries(Object.entries(node.children).map(([key, child]) => [key, defaultOf(child, tier)]));
}

/** What a tier runs when the stack file says nothing (`tier` included; optional leaves undefined). */
export function tierDefaults(tier: Tier): RawConfig {
    return { ...(defaultOf(SETTINGS, tier) as RawConfig), tier };
}

/** The template's values: what a new (third) service gets when config leaves a key out. */
export const SERVICE_TEMPLATE = defaultOf(services.template, TIERS[0]) as ServiceConfig;

/** Every tier's defaults, by tier. */
export const TIER_DEFAULTS = Object.fromEntries(TIERS.map((tier) => [tier, tierDefaults(tier)])) as Record<Tier, RawConfig>;

/**
 * Runs every declaration's checks over `value` (already merged, so each value has its declared
 * kind), pushing problems that name `platform:<path>`.
 */
export function runChecks(path: string, node: SettingNode, value: unknown, context: CheckContext, problems: string[]): void {
    if (value === undefined) {
        if (node.node === "leaf" && !node.optional) problems.push(`platform:${path} is required`);
        return;
    }
    if (node.node === "leaf") {
        for (const check of node.checks) {
            const problem = check(path, value as never, context);
            if (problem !== undefined) problems.push(problem);
        }
        return;
    }
    if (node.node === "services") {
        for (const [name, service] of Object.entries(value as Record<string, unknown>)) runChecks(`${path}.${name}`, node.template, service, context, problems);
        return;
    }
    for (const [key, child] of Object.entries(node.children)) {
        runChecks(path === "" ? key : `${path}.${key}`, child, (value as Record<string, unknown>)[key], context, problems);
    }
}

export type { Children, Group, Leaf, ServiceMap, SettingNode };
