// Cloud Map names: the stack's private namespace and each gRPC service's address in it, handed to
// every container as `<SERVICE>_GRPC_ADDRESS`.
import { ServiceSettings } from "../config/types";
import { dnsLabel } from "./naming";
import { grpcPortOf } from "./service-ports";

/** Cloud Map registration: short TTL so replaced tasks drop out of DNS quickly. */
export const DISCOVERY_RECORD = { type: "A", ttl: 10, routingPolicy: "MULTIVALUE" } as const;

/**
 * Cloud Map private namespace: `<stack>.<project>.internal` (e.g. `staging.platform.internal`).
 * `.internal` is reserved for private use (ICANN, 2024), unlike `.local` which mDNS resolvers claim.
 */
export function namespaceName(project: string, stack: string): string {
    return `${dnsLabel(stack)}.${dnsLabel(project)}.internal`;
}

/** `<service>.<namespace>:<grpc port>` for each service that registers in Cloud Map. */
export function grpcAddresses(services: ServiceSettings[], namespace: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const s of services) {
        const port = grpcPortOf(s);
        if (port !== undefined) result[s.name] = `${dnsLabel(s.name)}.${namespace}:${port}`;
    }
    return result;
}

/** Environment every container gets: `<SERVICE>_GRPC_ADDRESS` for each gRPC service (config wins on a clash). */
export function discoveryEnvironment(services: ServiceSettings[], namespace: string): Record<string, string> {
    return Object.fromEntries(
        Object.entries(grpcAddresses(services, namespace)).map(([name, address]) => [`${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_GRPC_ADDRESS`, address]),
    );
}
