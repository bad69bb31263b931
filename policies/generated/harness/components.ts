// GENERATED from harness/components.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Which top-level component a captured resource belongs to: the one home of that rule, read by the
// cost estimate (`byComponent`) and the plan (resources by component).

import type { CapturedResource } from "./types";

/** Parses the type token out of a URN: urn:pulumi:stack::project::parent$type::name. */
function urnType(urn: string): string | undefined {
    const parts = urn.split("::");
    if (parts.length < 4) return undefined;
    const chain = parts[2].split("$");
    return chain[chain.length - 1];
}

function urnName(urn: string): string {
    const parts = urn.split("::");
    return parts[parts.length - 1];
}

/**
 * Name of the top-level component above `r` ("stack" when it has none). A parent missing from the
 * capture still names the group by its URN.
 */
export function componentOf(r: CapturedResource, byUrn: Map<string, CapturedResource>): string {
    let current = r;
    let top: CapturedResource | undefined;
    let topUrn: string | undefined;
    const seen = new Set<string>();
    while (current.parent !== undefined && !seen.has(current.parent)) {
        seen.add(current.parent);
        if (urnType(current.parent) === "pulumi:pulumi:Stack") break;
        topUrn = current.parent;
        const parent = byUrn.get(current.parent);
        if (!parent) break;
        top = parent;
        current = parent;
    }
    if (top) return top.name;
    if (topUrn) return urnName(topUrn);
    return "stack";
}
