// The security control table (issue 7), derived from the policies themselves: every policy whose
// description opens with "[<control id>] " is a row, so the README table cannot drift from the code.
// Render it with `renderControlTable()` or read CONTROLS.

import { Policies } from "@pulumi/policy";
import { logRetention } from "./rules/cost";
import { securityPolicies } from "./rules/index";
import type { SecurityControl } from "./rules/security";

export type { SecurityControl };

/** Rows for the policies that carry a control id, in pack order. */
export function controlsOf(policies: Policies): SecurityControl[] {
    const rows: SecurityControl[] = [];
    for (const p of policies) {
        const m = /^\[([^\]]+)\]\s+(.*)$/.exec(p.description);
        if (m) {
            rows.push({ id: m[1], title: m[2], policy: p.name });
        }
    }
    return rows;
}

/**
 * AWS Security Hub control ids (AWS Foundational Security Best Practices, except CloudWatch.16,
 * which Security Hub runs for NIST 800-53 and whose 365-day minimum our tier bounds replace).
 */
export const CONTROLS: readonly SecurityControl[] = controlsOf([...securityPolicies(), logRetention()]);

/** The table as Markdown, for the README. */
export function renderControlTable(rows: readonly SecurityControl[] = CONTROLS): string {
    const lines = ["| Control | Requirement | Policy |", "|---|---|---|"];
    for (const r of rows) {
        lines.push(`| ${r.id} | ${r.title.replace(/\|/g, "\\|")} | \`${r.policy}\` |`);
    }
    return lines.join("\n");
}
