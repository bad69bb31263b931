// Which of a service's ports play which role: the http port behind the ALB, the gRPC port in Cloud
// Map, the tcp ports published on the NLB.
import { ServiceSettings } from "../config/types";

export const httpPortOf = (s: ServiceSettings): number | undefined => s.ports.find((p) => p.protocol === "http")?.port;
export const grpcPortOf = (s: ServiceSettings): number | undefined => s.ports.find((p) => p.protocol === "grpc")?.port;
/** TCP ports published on the Network Load Balancer (only for `publicTcp` services). */
export const publicTcpPortsOf = (s: ServiceSettings): number[] => (s.publicTcp ? s.ports.filter((p) => p.protocol === "tcp").map((p) => p.port) : []);
