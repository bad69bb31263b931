// GENERATED from cost/pricers/ecs-tasks.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// How many tasks an ECS service runs on average over the month, and how many of them on Spot. The
// average is an assumption: the scaling target's minimum by default, or a figure per service keyed
// by the service's name as its `Service` tag says, never by a resource's logical name (renaming a
// child resource must not change a price).

import type { CapturedResource } from "../../harness/types";
import type { CostAssumptions } from "../assumptions";
import { num } from "./kit";

/** Tag key naming the service an ECS service runs: set by components/fargate-service.ts. */
export const SERVICE_TAG = "Service";

/** The service an ECS service runs, from its `Service` tag; undefined without one. */
export function serviceNameOf(ecsService: Pick<CapturedResource, "inputs">): string | undefined {
    const value = ecsService.inputs.tags?.[SERVICE_TAG];
    return typeof value === "string" && value !== "" ? value : undefined;
}

/** What the capture says about a service's task count. */
export interface TaskCounts {
    desired?: number;
    /** The scaling target's minCapacity / maxCapacity. */
    min?: number;
    max?: number;
}

/** Average running tasks of one service, and how they were chosen (shown next to the amount). */
export function averageTasksOf(
    service: string | undefined,
    counts: TaskCounts,
    a: Pick<CostAssumptions, "averageTasks" | "averageTasksByService">,
): { tasks: number; how: string } {
    const byService = a.averageTasksByService;
    if (service !== undefined && Object.prototype.hasOwnProperty.call(byService, service)) {
        return { tasks: byService[service], how: `averageTasksByService["${service}"] = ${byService[service]} (${SERVICE_TAG} tag)` };
    }
    // Say why a per-service figure was not used, so a missing tag cannot go unnoticed in the plan.
    const untagged = service === undefined && Object.keys(byService).length > 0 ? ` (no ${SERVICE_TAG} tag: averageTasksByService does not apply)` : "";
    const { tasks, how } = byMode(a.averageTasks, counts);
    return { tasks, how: how + untagged };
}

function byMode(mode: CostAssumptions["averageTasks"], { desired, min, max }: TaskCounts): { tasks: number; how: string } {
    if (typeof mode === "number") return { tasks: mode, how: `averageTasks = ${mode}` };
    if (mode === "max" && max !== undefined) return { tasks: max, how: `averageTasks = "max": scaling maxCapacity ${max}` };
    if (mode === "midpoint" && min !== undefined && max !== undefined) {
        return { tasks: (min + max) / 2, how: `averageTasks = "midpoint": (minCapacity ${min} + maxCapacity ${max}) / 2` };
    }
    if (mode === "desired" && desired !== undefined) return { tasks: desired, how: `averageTasks = "desired": desiredCount ${desired}` };
    if (min !== undefined) return { tasks: min, how: `averageTasks = "${mode}": scaling minCapacity ${min}${max !== undefined ? ` (max ${max})` : ""}` };
    if (desired !== undefined) return { tasks: desired, how: `averageTasks = "${mode}": desiredCount ${desired} (no scaling target found)` };
    return { tasks: 0, how: `averageTasks = "${mode}": no scaling target and desiredCount unset (provider default 0)` };
}

/** Share of tasks on FARGATE_SPOT under the service's capacity provider strategy. */
export function spotShare(strategies: any[], tasks: number): number {
    if (!Array.isArray(strategies) || strategies.length === 0 || tasks <= 0) return 0;
    let remaining = tasks;
    const onProvider = new Map<string, number>();
    for (const s of strategies) {
        const base = Math.min(num(s.base) ?? 0, remaining);
        if (base > 0) {
            onProvider.set(s.capacityProvider, (onProvider.get(s.capacityProvider) ?? 0) + base);
            remaining -= base;
        }
    }
    const totalWeight = strategies.reduce((sum, s) => sum + (num(s.weight) ?? 0), 0);
    if (remaining > 0 && totalWeight > 0) {
        for (const s of strategies) {
            const w = num(s.weight) ?? 0;
            onProvider.set(s.capacityProvider, (onProvider.get(s.capacityProvider) ?? 0) + (remaining * w) / totalWeight);
        }
    }
    return (onProvider.get("FARGATE_SPOT") ?? 0) / tasks;
}
