// The services' routing taken together: one default http service, unique listener-rule priority
// blocks, valid ALB patterns, and each public tcp port published once.
import { describe, Problems } from "../merge";
import { PRIORITY_BLOCKS } from "../priorities";
import { routingPatternProblem } from "../routing";
import { ServiceSettings } from "../types";

/**
 * Behind the edge, CloudFront forwards every viewer header but Host (AllViewerExceptHostHeader), so
 * the load balancer sees its own name and a host-header rule would never match the viewer's.
 */
export function checkEdgeRouting(services: ServiceSettings[], behindEdge: boolean, problems: Problems): void {
    if (!behindEdge) return;
    for (const s of services.filter((s) => s.routing.hosts.length > 0)) {
        problems.push(
            `platform:services.${s.name}.routing.hosts: ${JSON.stringify(s.routing.hosts)} cannot route behind the edge: CloudFront forwards every viewer header ` +
                "but Host, so the load balancer sees its own name; route by routing.paths instead",
        );
    }
}

export function checkRouting(services: ServiceSettings[], hasLoadBalancer: boolean, problems: Problems): void {
    if (!hasLoadBalancer) return;
    const defaults = services.filter((s) => s.routing.default);
    const http = services.filter((s) => s.ports.some((p) => p.protocol === "http"));
    if (http.length > 0 && defaults.length !== 1) {
        problems.push(
            `platform:services.*.routing.default: exactly one http service must be the load balancer's default, found ${defaults.length === 0 ? "none" : defaults.map((s) => s.name).join(", ")}; allowed: ${http.map((s) => s.name).join(", ")}`,
        );
    }
    const blockOwner = new Map<number, string>();
    for (const s of http.filter((s) => s.routing.paths.length + s.routing.hosts.length > 0)) {
        const other = blockOwner.get(s.routing.priority);
        if (other) {
            problems.push(
                `platform:services.${s.name}.routing.priority: block ${s.routing.priority} is also service ${other}'s (listener-rule priorities must be unique); set routing.priority on one of them to a free block from 1 to ${PRIORITY_BLOCKS}`,
            );
        } else blockOwner.set(s.routing.priority, s.name);
    }
    for (const s of http) {
        if (!s.routing.default && s.routing.paths.length === 0 && s.routing.hosts.length === 0) {
            problems.push(`platform:services.${s.name}.routing: http service ${s.name} is neither the default nor reachable by a path or host rule`);
        }
    }
    for (const s of services) {
        for (const [kind, key] of [
            ["path", "paths"],
            ["host", "hosts"],
        ] as const) {
            s.routing[key].forEach((value, i) => {
                const problem = routingPatternProblem(kind, value);
                if (problem) problems.push(`platform:services.${s.name}.routing.${key}[${i}]: ${describe(value)} ${problem}`);
            });
        }
    }
    // The network load balancer has one listener per port.
    const publisher = new Map<number, string>();
    for (const s of services.filter((s) => s.publicTcp)) {
        for (const port of s.ports.filter((p) => p.protocol === "tcp").map((p) => p.port)) {
            const other = publisher.get(port);
            if (other)
                problems.push(
                    `platform:services.${s.name}.publicTcp: tcp port ${port} is already published on the network load balancer by service ${other}; a port can be published once`,
                );
            else publisher.set(port, s.name);
        }
    }
}
