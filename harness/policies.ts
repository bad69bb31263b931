// Offline evaluation of the PolicyPack over one mocked run of the program (harness capture): the
// pack's rules (policies/rules/) bound to the live tier table and cost estimator (config/tiers.ts,
// cost/estimate), which policies/generated/ mirrors for the published pack; a test keeps the
// mirror current, so this verdict is the one `pulumi preview --policy-pack policies` gives.
//
//   const capture = await runStack(stack);
//   const violations = evaluatePolicies(capture);     // with policies/config/<stack>.json when it exists
//   assert.ok(!hasMandatoryFailure(violations), formatViolations(violations));

import * as fs from "fs";
import * as path from "path";
import { Policies } from "@pulumi/policy";
import { TIER_TABLE } from "../config/tiers";
import { assumptionsFor, estimate } from "../cost/estimate";
import { Estimator } from "../policies/rules/cost";
import { createPolicies } from "../policies/rules/index";
import { computedState } from "./mocks";
import { evaluatePolicyList, EvaluateOptions, formatViolations, hasMandatoryFailure, PackConfig, Violation } from "./policy-engine";
import { CapturedResource, StackCapture } from "./types";

export { formatViolations, hasMandatoryFailure };
export type { PackConfig, Violation };

/** The pack folder (`--policy-pack policies`). */
export const PACK_DIR = path.join(__dirname, "..", "policies");

/** cost/estimate with the tier's usage assumptions: what policies/pack.ts does with its copy. */
export const liveEstimator: Estimator = (resources, options) =>
    estimate(resources, { freeTier: options.freeTier, assumptions: assumptionsFor(options.traits) });

/** The pack's policies over the live tables (same objects, same order as the pack serves). */
export const offlinePolicies: Policies = createPolicies({ estimator: liveEstimator, tiers: TIER_TABLE });

/** policies/config/<stack>.json, the file given to `--policy-pack-config`. */
export function packConfigPath(stack: string): string {
    return path.join(PACK_DIR, "config", `${stack}.json`);
}

/**
 * A stack's pack config; none (`{}`: every policy at its own level and defaults) when the stack has
 * no file, since the tier comes from the resources' Tier tags and its traits from the table.
 */
export function loadPackConfig(stack: string): PackConfig {
    const file = packConfigPath(stack);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PackConfig) : {};
}

function regionOf(capture: StackCapture): string {
    const text = JSON.stringify(capture.resources.map((r) => r.inputs));
    return /arn:aws:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d):/.exec(text)?.[1] ?? "us-east-1";
}

/**
 * Identifiers the mocked engine gave a resource (id, ARN, physical name), so an input holding one
 * of them links back to the resource. A capture that records ids/outputs itself is used first.
 */
export function mockIdentifiers(region: string): (r: CapturedResource) => string[] {
    return (r) => {
        const ids: string[] = [];
        const extra = r as CapturedResource & { id?: unknown; outputs?: Record<string, unknown> };
        for (const v of [extra.id, extra.outputs?.id, extra.outputs?.arn]) {
            if (typeof v === "string") ids.push(v);
        }
        if (r.custom) {
            try {
                const state = computedState(r.type, r.name, r.inputs ?? {}, region);
                for (const key of ["id", "arn"]) {
                    if (typeof state[key] === "string") ids.push(state[key]);
                }
            } catch {
                // a type the mocks cannot compute: URN links still work.
            }
        }
        return ids;
    };
}

/**
 * Runs every policy of the pack over a mocked run with a pack config (default: the stack's
 * policies/config/<stack>.json, or none). Returns all violations, advisory ones included.
 * `policies` defaults to the pack's rules over the live tables.
 */
export function evaluatePolicies(
    capture: StackCapture,
    packConfig: PackConfig = loadPackConfig(capture.stack),
    options: EvaluateOptions & { policies?: Policies } = {},
): Violation[] {
    const { policies = offlinePolicies, ...rest } = options;
    return evaluatePolicyList(policies, capture.resources, packConfig, {
        identify: mockIdentifiers(regionOf(capture)),
        ...rest,
    });
}
