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
        await rejects(
            "staging",
            { config: { services: { api: { routing: { default: false, paths: ["/api/*"] } } } } },
            /Invalid stack configuration[\s\S]*exactly one http service must be the load balancer's default, found none; allowed: api, devices/,
        );
    });

    it("two default services", async () => {
        await rejects(
            "staging",
            { config: { services: { devices: { routing: { default: true } } } } },
            /exactly one http service must be the load balancer's default, found api, devices/,
        );
    });

    it("the default is a service the load balancer cannot reach (no http port)", async () => {
        await rejects(
            "staging",
            {
                config: {
                    services: {
                        api: { routing: { default: false, paths: ["/api/*"] } },
                        worker: { ports: [{ port: 9000, protocol: "tcp" }], routing: { default: true } },
                    },
                },
            },
            /platform:services\.worker\.routing: service worker has no http port, so the load balancer cannot route to it/,
        );
    });

    it("a path rule on a service without HTTP", async () => {
        await rejects(
            "staging",
            { config: { services: { worker: { ports: [{ port: 9000, protocol: "grpc" }], routing: { paths: ["/worker/*"] } } } } },
            /platform:services\.worker\.routing: service worker has no http port/,
        );
    });

    it("request-count scaling on a service that publishes no ALB request count", async () => {
        await rejects(
            "staging",
            { config: { services: { worker: { ports: [{ port: 9000, protocol: "tcp" }], scaling: { requestsPerTarget: 100 } } } } },
            /platform:services\.worker\.scaling\.requestsPerTarget: service worker publishes no ALB request count \(no http port\)/,
        );
    });

    it("production without a certificate", async () => {
        await rejects(
            "production",
            { removeKeys: ["loadBalancer"] },
            /platform:loadBalancer: tier production serves HTTPS only: set loadBalancer\.domainName and loadBalancer\.hostedZone .*or loadBalancer\.certificateArn \(an ACM certificate in us-east-1\)/,
        );
    });

    it("A1: production with a domain but no hosted zone (no way to validate a certificate)", async () => {
        await rejects(
            "production",
            { removeKeys: ["loadBalancer"], config: { loadBalancer: { domainName: "api.example.com" } } },
            /platform:loadBalancer: tier production serves HTTPS only/,
        );
    });

    it("A1: the example certificate ARN from AWS's documentation", async () => {
        await rejects(
            "production",
            {
                removeKeys: ["loadBalancer"],
                config: { loadBalancer: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" } },
            },
            /platform:loadBalancer\.certificateArn: .* names account 123456789012, an AWS documentation example/,
        );
    });

    it("a path pattern the ALB would refuse (checked by the load balancer component)", async () => {
        await rejects(
            "staging",
            { config: { services: { devices: { routing: { paths: ["devices/*"] } } } } },
            /platform:services\.devices\.routing\.paths\[0\]: "devices\/\*" is not a valid ALB path pattern/,
        );
    });

    it("two services publishing the same public TCP port (checked by the load balancer component)", async () => {
        await rejects(
            "staging",
            {
                config: {
                    services: {
                        devices: { publicTcp: true },
                        relay: { ports: [{ port: 5000, protocol: "tcp" }], publicTcp: true },
                    },
                },
            },
            /platform:services\.relay\.publicTcp: tcp port 5000 is already published on the network load balancer by service devices/,
        );
    });
});
