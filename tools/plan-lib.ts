// The offline plan: one mocked run of the program for a stack (optionally with a config variant),
// its resources grouped by component, the monthly cost estimate and the policy verdicts; plus a
// comparison of two plans. Rendering is pure so it is tested on its own.
import { Tier, traitsOf } from "../config/tiers";
import { TIER_DEFAULTS } from "../config/settings";
import { assumptionsFor, CostEstimate, estimate, formatMoney } from "../cost/estimate";
import { componentOf } from "../harness/components";
import { readStackFile, runStack } from "../harness/run";
import { StackCapture } from "../harness/types";
import { evaluatePolicies, hasMandatoryFailure, Violation } from "../harness/policies";

/** Seed 003 chose x86 burstable classes where this program picks Graviton (db.t3.medium for db.t4g.medium). */
const seedClass = (type: string) => type.replace(/\.t4g\./, ".t3.");

/**
 * Config variants a plan can apply on top of a stack file, to price alternatives at the same
 * capacity. `seed-choices` is the platform as seed 003 chose it: x86 Fargate, Redis OSS, on-demand
 * tasks only, 30-day logs, x86 burstable classes where this program picks t4g, and a NAT gateway
 * where this program's default is a NAT instance.
 */
export const VARIANTS: Record<string, (tier: Tier, services: string[]) => Record<string, unknown>> = {
    "seed-choices": (tier, services) => {
        const traits = traitsOf(tier);
        const defaults = TIER_DEFAULTS[tier];
        return {
            services: Object.fromEntries(services.map((s) => [s, { architecture: "X86_64" }])),
            ...(defaults.cache && defaults.database && defaults.cluster
                ? {
                      cache: { engine: "redis", engineVersion: "7.1", nodeType: seedClass(defaults.cache.nodeType) },
                      cluster: { spot: false, logRetentionDays: 30 },
                      database: { instanceClass: seedClass(defaults.database.instanceClass) },
                      ...(traits.natChoices[0] === "instance" ? { network: { nat: "single" } } : {}),
                  }
                : {}),
        };
    },
};

export interface PlanTarget {
    stack: string;
    variant?: string;
}

/**
 * The release tag a plan assumes for services whose stack file names no image: the deploy pipeline
 * sets `services.<name>.imageTag` before every `pulumi up`, so the plan prices and checks the stack
 * as it runs with a release (a `pulumi up` without any tag creates those services' repositories only).
 */
export const PLANNED_RELEASE_TAG = "planned-release";

/** `production` or `production@seed-choices`. */
export function parseTarget(text: string): PlanTarget {
    const [stack, variant] = text.split("@");
    if (variant !== undefined && !(variant in VARIANTS)) {
        throw new Error(`unknown variant "${variant}" in "${text}"; variants: ${Object.keys(VARIANTS).join(", ")}`);
    }
    return { stack, variant };
}

export function targetLabel(target: PlanTarget): string {
    return target.variant ? `${target.stack}@${target.variant}` : target.stack;
}

export interface Plan {
    target: PlanTarget;
    tier: Tier;
    capture: StackCapture;
    estimate: CostEstimate;
    violations: Violation[];
    passed: boolean;
}

/** Tier and service names of a stack file, for building variants. */
function stackShape(stack: string): { tier: Tier; services: string[] } {
    const file = readStackFile(stack);
    const project = file.project;
    const tier = file.config[`${project}:tier`] as Tier;
    const configured = file.config[`${project}:services`];
    const names = new Set(Object.keys(TIER_DEFAULTS[tier]?.services ?? {}));
    if (configured) Object.keys(JSON.parse(configured)).forEach((s) => names.add(s));
    return { tier, services: [...names] };
}

/** Runs the program for the target under mocks, prices it and evaluates the policy pack. */
export async function makePlan(
    target: PlanTarget,
    progress: (line: string) => void = () => undefined,
    extraConfig: Record<string, unknown> = {},
): Promise<Plan> {
    const label = targetLabel(target);
    const shape = stackShape(target.stack);
    progress(`${label}: running the program under mocks`);
    const variant = target.variant ? VARIANTS[target.variant](shape.tier, shape.services) : {};
    const capture = await runStack(target.stack, { config: { ...variant, ...extraConfig }, imageTag: PLANNED_RELEASE_TAG });
    const tier = (capture.outputs.tier ?? shape.tier) as Tier;
    progress(`${label}: pricing ${capture.resources.length} resources`);
    const traits = traitsOf(tier);
    // The tier's traits say whether it is priced inside the free tier and what usage it assumes.
    const costs = estimate(capture.resources, { freeTier: traits.freeTierPricing, assumptions: assumptionsFor(traits) });
    progress(`${label}: evaluating the policy pack`);
    const violations = evaluatePolicies(capture);
    return { target, tier, capture, estimate: costs, violations, passed: !hasMandatoryFailure(violations) };
}

/** Cloud resources per component, with a count per type. */
export function resourcesByComponent(capture: StackCapture): Record<string, Record<string, number>> {
    const byUrn = new Map(capture.resources.map((r) => [r.urn, r]));
    const groups: Record<string, Record<string, number>> = {};
    for (const r of capture.resources.filter((r) => r.custom && r.type !== "pulumi:pulumi:Stack")) {
        const group = (groups[componentOf(r, byUrn)] ??= {});
        group[r.type] = (group[r.type] ?? 0) + 1;
    }
    return groups;
}

/** `aws:ec2/subnet:Subnet` -> `ec2/Subnet`. */
const shortType = (type: string) => `${type.split(":")[1]?.split("/")[0]}/${type.split(":")[2] ?? type}`;

function verdict(plan: Plan): string {
    const mandatory = plan.violations.filter((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate").length;
    const advisory = plan.violations.filter((v) => v.enforcementLevel === "advisory").length;
    return `${plan.passed ? "PASS" : "FAIL"}: ${mandatory} mandatory, ${advisory} advisory violation${advisory === 1 ? "" : "s"}`;
}

function costHeadline(plan: Plan): string {
    const e = plan.estimate;
    return traitsOf(plan.tier).freeTierPricing
        ? `${formatMoney(e.totalInsideFreeTier)}/month inside the free tier, ${formatMoney(e.totalAfterFreeTier)}/month after it`
        : `${formatMoney(e.total)}/month`;
}

/** Plain-text plan for a terminal. */
export function renderText(plan: Plan): string {
    const out: string[] = [];
    const e = plan.estimate;
    out.push(`Plan for ${targetLabel(plan.target)} (tier ${plan.tier}, ${e.region}, prices of ${e.catalogueDate})`, "");
    const groups = resourcesByComponent(plan.capture);
    const total = Object.values(groups).reduce((n, g) => n + Object.values(g).reduce((a, b) => a + b, 0), 0);
    out.push(`Resources: ${total}`);
    for (const [component, types] of Object.entries(groups)) {
        out.push(
            `  ${component} (${Object.values(types).reduce((a, b) => a + b, 0)}): ${Object.entries(types)
                .map(([t, n]) => `${shortType(t)} x${n}`)
                .join(", ")}`,
        );
    }
    out.push("", `Monthly cost: ${costHeadline(plan)}`);
    const width = Math.max(...e.lines.map((l) => l.name.length), 10);
    for (const [component, amount] of Object.entries(e.byComponent).sort((a, b) => b[1] - a[1])) {
        out.push(`  ${component.padEnd(width + 2)} ${formatMoney(amount).padStart(11)}`);
        for (const line of e.lines.filter((l) => l.component === component && l.monthly > 0).sort((a, b) => b.monthly - a.monthly)) {
            out.push(`    ${line.name.padEnd(width)} ${formatMoney(line.monthly).padStart(11)}  ${line.formula}`);
        }
    }
    const assumptions = e.lines.flatMap((l) => l.parts.map((p) => p.assumption).filter((a): a is string => Boolean(a)));
    if (assumptions.length > 0) out.push("", "Assumptions:", ...[...new Set(assumptions)].map((a) => `  - ${a}`));
    if (e.unpriced.length > 0) out.push("", "Not priced (not counted as $0):", ...e.unpriced.map((u) => `  - ${u.type} ${u.name}: ${u.reason}`));
    out.push("", `Policies: ${verdict(plan)}`);
    for (const v of plan.violations) out.push(`  [${v.enforcementLevel}] ${v.policy}${v.resourceName ? ` (${v.resourceName})` : ""}: ${v.message}`);
    return out.join("\n");
}

/** Markdown for a pull-request comment. */
export function renderMarkdown(plan: Plan): string {
    const e = plan.estimate;
    const out: string[] = [];
    out.push(`### Plan: \`${targetLabel(plan.target)}\` (tier ${plan.tier})`, "");
    out.push(`**${plan.passed ? "✅" : "❌"} Policies ${verdict(plan)}** · **Cost ${costHeadline(plan)}** · prices of ${e.catalogueDate}, ${e.region}`, "");
    out.push("| component | resources | $/month |", "|---|---:|---:|");
    const groups = resourcesByComponent(plan.capture);
    const components = new Set([...Object.keys(groups), ...Object.keys(e.byComponent)]);
    for (const c of components) {
        out.push(`| ${c} | ${Object.values(groups[c] ?? {}).reduce((a, b) => a + b, 0)} | ${formatMoney(e.byComponent[c] ?? 0)} |`);
    }
    out.push(`| **total** | | **${formatMoney(e.total)}** |`, "");
    out.push("<details><summary>Cost lines</summary>", "", "| resource | $/month | formula |", "|---|---:|---|");
    for (const line of [...e.lines].filter((l) => l.monthly > 0).sort((a, b) => b.monthly - a.monthly)) {
        out.push(`| ${line.name} | ${formatMoney(line.monthly)} | ${line.formula.replace(/\|/g, "\\|")} |`);
    }
    out.push("", "</details>", "");
    if (e.unpriced.length > 0) out.push(`Not priced: ${e.unpriced.map((u) => `\`${u.name}\` (${u.reason})`).join(", ")}`, "");
    if (plan.violations.length > 0) {
        out.push("| level | policy | resource | message |", "|---|---|---|---|");
        for (const v of plan.violations) out.push(`| ${v.enforcementLevel} | ${v.policy} | ${v.resourceName ?? ""} | ${v.message.replace(/\|/g, "\\|")} |`);
    }
    return out.join("\n");
}

export interface Comparison {
    from: string;
    to: string;
    resources: { type: string; from: number; to: number }[];
    components: { component: string; from: number; to: number }[];
    total: { from: number; to: number };
}

/** Resource and cost difference from one plan to another (e.g. staging -> production). */
export function compare(from: Plan, to: Plan): Comparison {
    const count = (plan: Plan) => {
        const counts: Record<string, number> = {};
        for (const r of plan.capture.resources.filter((r) => r.custom && r.type !== "pulumi:pulumi:Stack")) counts[r.type] = (counts[r.type] ?? 0) + 1;
        return counts;
    };
    const a = count(from);
    const b = count(to);
    const types = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    const components = [...new Set([...Object.keys(from.estimate.byComponent), ...Object.keys(to.estimate.byComponent)])].sort();
    return {
        from: targetLabel(from.target),
        to: targetLabel(to.target),
        resources: types.map((type) => ({ type, from: a[type] ?? 0, to: b[type] ?? 0 })).filter((r) => r.from !== r.to),
        components: components.map((component) => ({
            component,
            from: from.estimate.byComponent[component] ?? 0,
            to: to.estimate.byComponent[component] ?? 0,
        })),
        total: { from: from.estimate.total, to: to.estimate.total },
    };
}

const signed = (n: number) => `${n >= 0 ? "+" : "-"}${formatMoney(Math.abs(n))}`;
const percent = (from: number, to: number) => (from === 0 ? "" : ` (${(((to - from) / from) * 100).toFixed(1)}%)`);

export function renderComparison(c: Comparison, markdown = false): string {
    const rows: string[][] = [
        ...c.components.map((x) => [x.component, formatMoney(x.from), formatMoney(x.to), signed(x.to - x.from)]),
        ["total", formatMoney(c.total.from), formatMoney(c.total.to), signed(c.total.to - c.total.from) + percent(c.total.from, c.total.to)],
    ];
    const resourceRows = c.resources.map((r) => [r.type, String(r.from), String(r.to), `${r.to - r.from >= 0 ? "+" : ""}${r.to - r.from}`]);
    if (markdown) {
        return [
            `### ${c.from} → ${c.to}`,
            "",
            `| component | ${c.from} | ${c.to} | difference |`,
            "|---|---:|---:|---:|",
            ...rows.map((r) => `| ${r.join(" | ")} |`),
            "",
            `| resource type | ${c.from} | ${c.to} | difference |`,
            "|---|---:|---:|---:|",
            ...resourceRows.map((r) => `| ${r.join(" | ")} |`),
        ].join("\n");
    }
    const width = Math.max(...rows.map((r) => r[0].length), ...resourceRows.map((r) => r[0].length));
    return [
        `Compare ${c.from} -> ${c.to}`,
        "",
        "Monthly cost by component:",
        ...rows.map((r) => `  ${r[0].padEnd(width)} ${r[1].padStart(11)} ${r[2].padStart(11)}  ${r[3]}`),
        "",
        "Resources that differ:",
        ...resourceRows.map((r) => `  ${r[0].padEnd(width)} ${r[1].padStart(4)} -> ${r[2].padStart(4)}  ${r[3]}`),
    ].join("\n");
}

/** The machine-readable plan (no captured inputs: they can be large, and `--json` is for CI). */
export function planJson(plan: Plan): object {
    return {
        stack: plan.target.stack,
        variant: plan.target.variant,
        tier: plan.tier,
        passed: plan.passed,
        resources: resourcesByComponent(plan.capture),
        cost: {
            currency: plan.estimate.currency,
            catalogueDate: plan.estimate.catalogueDate,
            total: plan.estimate.total,
            totalInsideFreeTier: plan.estimate.totalInsideFreeTier,
            totalAfterFreeTier: plan.estimate.totalAfterFreeTier,
            byComponent: plan.estimate.byComponent,
            lines: plan.estimate.lines.map((l) => ({
                name: l.name,
                type: l.type,
                component: l.component,
                monthly: l.monthly,
                formula: l.formula,
                inputs: l.inputs,
            })),
            unpriced: plan.estimate.unpriced,
            assumptions: plan.estimate.assumptions,
        },
        violations: plan.violations,
    };
}
