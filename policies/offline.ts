// Offline evaluation of the pack: the SAME policy objects `pulumi preview --policy-pack policies`
// serves (policies/pack.ts), run over one mocked run of the program (harness capture).
//
//   const capture = await runStack("staging");
//   const violations = evaluatePolicies(capture);            // reads policies/config/staging.json
//   assert.ok(!hasMandatoryFailure(violations), formatViolations(violations));

import * as fs from "fs";
import * as path from "path";
import { computedState } from "../harness/mocks";
import { CapturedResource, StackCapture } from "../harness/types";
import { evaluatePolicyList, EvaluateOptions, formatViolations, hasMandatoryFailure, PackConfig, Violation } from "./evaluate";
import { policies as packPolicies } from "./pack";

export { formatViolations, hasMandatoryFailure };
export type { PackConfig, Violation };

export const PACK_DIR = __dirname;

/** policies/config/<stack>.json, the file given to `--policy-pack-config`. */
export function packConfigPath(stack: string): string {
    return path.join(PACK_DIR, "config", `${stack}.json`);
}

export function loadPackConfig(stack: string): PackConfig {
    return JSON.parse(fs.readFileSync(packConfigPath(stack), "utf8")) as PackConfig;
}

function regionOf(capture: StackCapture): string {
    const text = JSON.stringify(capture.resources.map(r => r.inputs));
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
 * policies/config/<stack>.json). Returns all violations, advisory ones included.
 */
export function evaluatePolicies(
    capture: StackCapture,
    packConfig: PackConfig = loadPackConfig(capture.stack),
    options: EvaluateOptions = {},
): Violation[] {
    return evaluatePolicyList(packPolicies, capture.resources, packConfig, {
        identify: mockIdentifiers(regionOf(capture)),
        ...options,
    });
}
