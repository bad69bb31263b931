// Bad compute config fails through the real program with a message naming the key, before any
// resource exists.
import * as assert from "assert";
import { runWith } from "../helpers/stacks";

async function rejects(stack: string, options: Parameters<typeof runWith>[1], message: RegExp): Promise<void> {
    await assert.rejects(runWith(stack, options), (error: Error) => {
        assert.match(error.message, message);
        return true;
    });
}

describe("compute: bad input", () => {
    it("no default service", async () => {
        await rejects("staging", { config: { services: { api: { routing: { default: false, paths: ["/api/*"] } } } } },
            /Invalid stack configuration[\s\S]*exactly one http service must be the load balancer's default, found none; allowed: api, devices/);
    });

    it("two default services", async () => {
        await rejects("staging", { config: { services: { devices: { routing: { default: true } } } } },
            /exactly one http service must be the load balancer's default, found api, devices/);
    });

    it("the default is a service the load balancer cannot reach (no http port)", async () => {
        await rejects("staging", { config: { services: {
            api: { routing: { default: false, paths: ["/api/*"] } },
            worker: { ports: [{ port: 9000, protocol: "tcp" }], routing: { default: true } },
        } } }, /platform:services\.worker\.routing: service worker has no http port, so the load balancer cannot route to it/);
    });

    it("a path rule on a service without HTTP", async () => {
        await rejects("staging", { config: { services: { worker: { ports: [{ port: 9000, protocol: "grpc" }], routing: { paths: ["/worker/*"] } } } } },
            /platform:services\.worker\.routing: service worker has no http port/);
    });

    it("request-count scaling on a service that publishes no ALB request count", async () => {
        await rejects("staging", { config: { services: { worker: { ports: [{ port: 9000, protocol: "tcp" }], scaling: { requestsPerTarget: 100 } } } } },
            /platform:services\.worker\.scaling\.requestsPerTarget: service worker publishes no ALB request count \(no http port\)/);
    });

    it("production without a certificate", async () => {
        await rejects("production", { removeKeys: ["loadBalancer"] },
            /platform:loadBalancer\.certificateArn is required for tier production \(HTTPS only\)/);
    });

    it("a path pattern the ALB would refuse (checked by the load balancer component)", async () => {
        await rejects("staging", { config: { services: { devices: { routing: { paths: ["devices/*"] } } } } },
            /platform:services\.devices\.routing\.paths\[0\]: "devices\/\*" is not a valid ALB path pattern/);
    });

    it("two services publishing the same public TCP port (checked by the load balancer component)", async () => {
        await rejects("staging", { config: { services: {
            devices: { publicTcp: true },
            relay: { ports: [{ port: 5000, protocol: "tcp" }], publicTcp: true },
        } } }, /platform:services\.relay\.publicTcp: tcp port 5000 is already published on the network load balancer by service devices/);
    });
});
