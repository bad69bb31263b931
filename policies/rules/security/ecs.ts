// ECS controls: no public IPs on services (ECS.2), read-only root filesystems (ECS.5).

import { ResourceValidationPolicy } from "@pulumi/policy";
import { MARKERS, safePath } from "../common";
import { T } from "../types";
import { control } from "./control";

export function ecsNoPublicIp(): ResourceValidationPolicy {
    return {
        name: "ecs-no-public-ip",
        description: control("ECS.2", "ECS services do not assign public IPs (networkConfiguration.assignPublicIp is not true)."),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type === T.ecsService && safePath(args.props, "networkConfiguration", "assignPublicIp") === true) {
                report(`ECS service "${args.name}" sets networkConfiguration.assignPublicIp: true; run tasks in private subnets.`);
            }
        },
    };
}

/**
 * ECS.5: every container of a task definition sets `readonlyRootFilesystem: true`, unless its
 * `dockerLabels` carry MARKERS.writableRootLabel with a non-empty reason.
 */
export function ecsReadonlyRootFilesystem(): ResourceValidationPolicy {
    return {
        name: "ecs-readonly-root-filesystem",
        description: control(
            "ECS.5",
            `ECS containers have read-only root filesystems (opt out per container with docker label "${MARKERS.writableRootLabel}": "<reason>").`,
        ),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        validateResource: (args, report) => {
            if (args.type !== T.ecsTaskDefinition) {
                return;
            }
            const raw = args.props.containerDefinitions; // may throw UnknownValueError in preview: the engine reports it.
            let containers: any;
            try {
                containers = typeof raw === "string" ? JSON.parse(raw) : raw;
            } catch {
                report(`containerDefinitions of "${args.name}" is not valid JSON.`);
                return;
            }
            if (!Array.isArray(containers)) {
                report(`containerDefinitions of "${args.name}" is not a JSON array.`);
                return;
            }
            for (const c of containers) {
                const label = c?.dockerLabels?.[MARKERS.writableRootLabel];
                if (c?.readonlyRootFilesystem !== true && !(typeof label === "string" && label.trim() !== "")) {
                    report(
                        `Container "${c?.name ?? "?"}" of "${args.name}" does not set readonlyRootFilesystem: true (or the docker label "${MARKERS.writableRootLabel}" with a reason).`,
                    );
                }
            }
        },
    };
}
