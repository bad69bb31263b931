// What the load balancer does with each service: the target-group health check, the listener rules
// (path and host conditions, chunked as the ALB allows, in the service's priority block), the
// default action's service and the NLB's public tcp listeners.
import { ServiceSettings } from "../config/types";
import { routingPatternProblem } from "../config/routing";
import { rulePriority, RULES_PER_KIND } from "../config/priorities";
import { httpPortOf, publicTcpPortsOf } from "./service-ports";

/** Target-group health check (seed 003 §10.2.4). */
export const TARGET_GROUP_HEALTH_CHECK = { interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200" } as const;
/** ALB limit: at most 5 values across a rule's conditions. */
export const MAX_RULE_VALUES = 5;

export interface ListenerRuleSpec {
    service: string;
    /** Stable suffix of the rule's logical name, e.g. `host-1`, `path-1`. */
    suffix: string;
    priority: number;
    condition: { kind: "host" | "path"; values: string[] };
}

/**
 * Listener rules for path and host routing, 5 values per rule (the ALB limit). Priorities come from
 * the service's own block (`routing.priority`, config/priorities.ts), never from its position in
 * config: adding, disabling or reordering services leaves every other rule where it is. Host rules
 * come before path rules inside a block; rules are evaluated lowest priority first.
 */
export function listenerRules(services: ServiceSettings[], reservedValues = 0): ListenerRuleSpec[] {
    // A condition every rule also carries (the edge's origin header) takes its share of the 5.
    const perRule = MAX_RULE_VALUES - reservedValues;
    const rules: ListenerRuleSpec[] = [];
    for (const service of services) {
        if (httpPortOf(service) === undefined) continue;
        const chunks = (values: string[]) => Array.from({ length: Math.ceil(values.length / perRule) }, (_, i) => values.slice(i * perRule, (i + 1) * perRule));
        for (const kind of ["host", "path"] as const) {
            const values = kind === "host" ? service.routing.hosts : service.routing.paths;
            values.forEach((value, i) => {
                const problem = routingPatternProblem(kind, value);
                if (problem)
                    throw new Error(
                        `platform:services.${service.name}.routing.${kind === "path" ? "paths" : "hosts"}[${i}]: ${JSON.stringify(value)} ${problem}`,
                    );
            });
            const kindChunks = chunks(values);
            if (kindChunks.length > RULES_PER_KIND)
                throw new Error(
                    `platform:services.${service.name}.routing.${kind}s: more than ${RULES_PER_KIND * perRule} values (${perRule} per rule, ${RULES_PER_KIND} rules)`,
                );
            kindChunks.forEach((chunk, i) => {
                rules.push({
                    service: service.name,
                    suffix: `${kind}-${i + 1}`,
                    priority: rulePriority(service.routing.priority, kind, i),
                    condition: { kind, values: chunk },
                });
            });
        }
    }
    return rules;
}

/**
 * Priority of the rule that sends the edge's requests to the default service when the listener's own
 * default answers 403: the ALB's last (CreateRule: 1-50000), after every service block (config/priorities.ts).
 */
export const EDGE_DEFAULT_RULE_PRIORITY = 50000;

/** The service behind the listener's default action (validate.ts guarantees exactly one). */
export function defaultService(services: ServiceSettings[]): ServiceSettings {
    const defaults = services.filter((s) => s.routing.default && httpPortOf(s) !== undefined);
    if (defaults.length !== 1)
        throw new Error(`platform:services.*.routing.default: exactly one http service must be the load balancer's default, found ${defaults.length}`);
    return defaults[0];
}

/** Public TCP listeners of the NLB (config validation guarantees a port is published once). */
export function publicTcpListeners(services: ServiceSettings[]): { service: string; port: number }[] {
    return services.flatMap((s) => publicTcpPortsOf(s).map((port) => ({ service: s.name, port })));
}
