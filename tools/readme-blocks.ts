// Generated blocks of README.md: the outputs contract, the settings reference, the security-control table and the cost
// figures, each rendered from the code that defines it so the README cannot drift.
// `npx tsx tools/readme-blocks.ts` rewrites them; tests/readme.test.ts fails when they are stale.
import * as fs from "fs";
import * as path from "path";
import { formatMoney } from "../cost/estimate";
import { renderControlTable } from "../policies/controls";
import { renderSettingsReference } from "../config/settings/docs";
import { renderOutputsMarkdownTable } from "./outputs-lib";
import { makePlan, parseTarget, Plan } from "./plan-lib";

export const README = path.join(__dirname, "..", "README.md");

/** Seed 003 §10.4's own monthly totals (production includes $99 of New Relic, not AWS). */
const SEED_FIGURES: Record<string, string> = { staging: "~$347", production: "~$1,944 ($1,845 without New Relic)" };

async function costBlock(): Promise<string> {
    const plans: Record<string, Plan> = {};
    for (const target of ["dev", "staging", "staging@seed-choices", "production", "production@seed-choices"]) {
        plans[target] = await makePlan(parseTarget(target));
    }
    const dev = plans.dev.estimate;
    const row = (stack: string) => {
        const ours = plans[stack].estimate.total;
        const seeds = plans[`${stack}@seed-choices`].estimate.total;
        return `| ${stack} | ${formatMoney(ours)} | ${formatMoney(seeds)} | ${((1 - ours / seeds) * 100).toFixed(1)}% | ${SEED_FIGURES[stack]} |`;
    };
    return [
        "| stack | this program | same capacity, seed's choices | saving | seed 003 says |",
        "|---|---:|---:|---:|---:|",
        `| dev (zero-cost) | ${formatMoney(dev.totalInsideFreeTier)} inside the free tier, ${formatMoney(dev.totalAfterFreeTier)} after | | | $0 (seed 004) |`,
        row("staging"),
        row("production"),
        "",
        `Prices of ${dev.catalogueDate} (${dev.region}, \`cost/price-catalogue.json\`); generated from \`npm run plan\` by \`npx tsx tools/readme-blocks.ts\`.`,
    ].join("\n");
}

export async function renderBlocks(): Promise<Record<string, string>> {
    return {
        "outputs table": renderOutputsMarkdownTable(),
        "settings reference": renderSettingsReference(),
        "controls table": renderControlTable(),
        "cost figures": await costBlock(),
    };
}

/** README text with every `<!-- name -->...<!-- /name -->` block replaced. */
export function applyBlocks(readme: string, blocks: Record<string, string>): string {
    let text = readme;
    for (const [name, content] of Object.entries(blocks)) {
        const open = `<!-- ${name} -->`;
        const close = `<!-- /${name} -->`;
        const start = text.indexOf(open);
        if (start < 0) throw new Error(`README.md has no ${open} marker`);
        const end = text.indexOf(close, start);
        const after = end < 0 ? start + open.length : end + close.length;
        text = `${text.slice(0, start)}${open}\n${content}\n${close}${text.slice(after)}`;
    }
    return text;
}

if (require.main === module) {
    renderBlocks().then(
        (blocks) => {
            fs.writeFileSync(README, applyBlocks(fs.readFileSync(README, "utf8"), blocks));
        },
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}
