// How many tasks run and on what: the deployment bounds, the Fargate / Fargate Spot capacity
// strategy and the target-tracking policies.
import { ServiceSettings } from "../config/types";

/** Deployment knobs: never below desired capacity during a deploy, at most double. */
export const DEPLOYMENT = { minimumHealthyPercent: 100, maximumPercent: 200 } as const;

export interface CapacityProviderStrategyItem {
    capacityProvider: "FARGATE" | "FARGATE_SPOT";
    base?: number;
    weight: number;
}

/**
 * With spot: the first task always on FARGATE (base 1), the rest 1:3 FARGATE:FARGATE_SPOT, so a
 * service keeps an on-demand task through a Spot interruption and ~75% of the extra tasks cost ~70%
 * less. Without: FARGATE only.
 */
export function capacityProviderStrategy(spot: boolean): CapacityProviderStrategyItem[] {
    return spot
        ? [
              { capacityProvider: "FARGATE", base: 1, weight: 1 },
              { capacityProvider: "FARGATE_SPOT", weight: 3 },
          ]
        : [{ capacityProvider: "FARGATE", weight: 1 }];
}

export interface ScalingPolicySpec {
    /** Logical-name suffix: cpu, memory, requests, custom. */
    suffix: string;
    targetValue: number;
    scaleOutCooldown: number;
    scaleInCooldown: number;
    /** Scale-out only: a policy whose metric has no data would otherwise block scale-in of the service. */
    disableScaleIn: boolean;
    predefined?: { metricType: "ECSServiceAverageCPUUtilization" | "ECSServiceAverageMemoryUtilization" | "ALBRequestCountPerTarget" };
    customized?: { namespace: string; metricName: string; statistic: string };
}

/** Target-tracking policies of a service: CPU and memory always, request count and a custom metric when configured. */
export function scalingPolicies(service: ServiceSettings, hasTargetGroup: boolean): ScalingPolicySpec[] {
    const s = service.scaling;
    const cooldowns = { scaleOutCooldown: s.scaleOutCooldownSeconds, scaleInCooldown: s.scaleInCooldownSeconds };
    const specs: ScalingPolicySpec[] = [
        { suffix: "cpu", targetValue: s.cpuTarget, ...cooldowns, disableScaleIn: false, predefined: { metricType: "ECSServiceAverageCPUUtilization" } },
        {
            suffix: "memory",
            targetValue: s.memoryTarget,
            ...cooldowns,
            disableScaleIn: false,
            predefined: { metricType: "ECSServiceAverageMemoryUtilization" },
        },
    ];
    if (s.requestsPerTarget !== undefined) {
        if (!hasTargetGroup)
            throw new Error(
                `platform:services.${service.name}.scaling.requestsPerTarget: service ${service.name} publishes no ALB request count (no target group)`,
            );
        specs.push({
            suffix: "requests",
            targetValue: s.requestsPerTarget,
            ...cooldowns,
            disableScaleIn: false,
            predefined: { metricType: "ALBRequestCountPerTarget" },
        });
    }
    if (s.customMetric) {
        specs.push({
            suffix: "custom",
            targetValue: s.customMetric.target,
            ...cooldowns,
            // "ECS will scale in only if all of the target tracking policies are ready to scale in"
            // (AWS-FACTS): until the app publishes the metric, this policy may only scale out.
            disableScaleIn: !s.customMetric.scaleIn,
            customized: { namespace: s.customMetric.namespace, metricName: s.customMetric.metricName, statistic: s.customMetric.statistic },
        });
    }
    return specs;
}
