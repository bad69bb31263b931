// What every security control shares: its AWS Foundational Security Best Practices (FSBP) id opens
// the policy's description, so a violation names the control and policies/controls.ts can list
// them; and the tier traits that decide where a control applies.

import { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { TierTable, TierTraits, tierOf } from "../tiers";

/** One row of the control table. */
export interface SecurityControl {
    /** FSBP control id(s), e.g. "RDS.7 / RDS.8". */
    id: string;
    /** What the control requires, in our terms. */
    title: string;
    /** Name of the policy that enforces it. */
    policy: string;
}

export function control(id: string, title: string): string {
    return `[${id}] ${title}`;
}

/**
 * Whether the resource's tier (tag, else config) has `trait`; reports when the tier is unknown
 * (fail closed). The program sets the same settings from the same traits (config/settings).
 */
export function tierHas(args: ResourceValidationArgs, report: ReportViolation, tiers: TierTable, trait: "highAvailability" | "protectData"): boolean {
    const tier = tierOf(args, report, tiers);
    return tier !== undefined && (tier.traits as TierTraits)[trait] === true;
}
