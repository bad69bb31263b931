// platform:edge refuses, before any resource, what CloudFront or the DNS would refuse: each test feeds
// the bad value and checks the message names the key; the neighbour AWS accepts passes.
import * as assert from "assert";
import { ConfigError, resolveSettings } from "../../config/validate";
import { wafMetricName } from "../../components/edge-behaviour";

const OWN = "arn:aws:acm:us-east-1:482917365014:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

function problems(values: Record<string, unknown>): string[] {
    try {
        resolveSettings({ project: "platform", stack: "test", region: "us-east-1", values: { tier: "staging", ...values }, secretKeys: [] });
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    return [];
}

function rejects(values: Record<string, unknown>, ...fragments: string[]): void {
    const found = problems(values);
    assert.ok(
        found.some((p) => fragments.every((f) => p.includes(f))),
        `no problem mentions ${JSON.stringify(fragments)}:\n${found.join("\n")}`,
    );
}

describe("config: platform:edge", () => {
    it("accepts a domain in its zone, or a us-east-1 certificate with the name it covers", () => {
        assert.deepStrictEqual(problems({ edge: { domainName: "www.example.com", hostedZone: "example.com" } }), []);
        assert.deepStrictEqual(problems({ edge: { domainName: "www.example.com", certificateArn: OWN } }), []);
    });

    it("refuses a certificate outside us-east-1: CloudFront only uses us-east-1's", () =>
        rejects(
            { edge: { domainName: "www.example.com", certificateArn: OWN.replace("us-east-1", "eu-west-1") } },
            "platform:edge.certificateArn",
            "is in eu-west-1",
            "us-east-1",
        ));

    it("refuses a domain outside its hosted zone", () =>
        rejects(
            { edge: { domainName: "www.example.org", hostedZone: "example.com" } },
            "platform:edge.domainName",
            "is not inside platform:edge.hostedZone example.com",
        ));

    it("refuses a domain with neither a zone nor a certificate, and a zone or certificate without a domain", () => {
        rejects({ edge: { domainName: "www.example.com" } }, "platform:edge.domainName", "needs platform:edge.hostedZone");
        rejects({ edge: { hostedZone: "example.com" } }, "platform:edge.hostedZone needs platform:edge.domainName");
        rejects({ edge: { certificateArn: OWN } }, "platform:edge.certificateArn needs platform:edge.domainName");
    });

    it("refuses the load balancer's name as the edge's: they are two records", () =>
        rejects(
            { edge: { domainName: "api.example.com", hostedZone: "example.com" }, loadBalancer: { domainName: "api.example.com", hostedZone: "example.com" } },
            "platform:edge.domainName",
            "is also platform:loadBalancer.domainName",
        ));

    it("refuses values CloudFront and WAF do not take: price class, path pattern, rate limit, rule names", () => {
        rejects({ edge: { priceClass: "PriceClass_50" } }, "platform:edge.priceClass", "PriceClass_50");
        rejects({ edge: { cachedPaths: ["/static/<x>"] } }, "platform:edge.cachedPaths", "is not a CloudFront path pattern");
        rejects({ edge: { rateLimit: 99 } }, "platform:edge.rateLimit");
        assert.deepStrictEqual(problems({ edge: { rateLimit: 100 } }), [], "the provider's smallest rate limit (pulumi/pulumi-aws#5841)");
        rejects({ edge: { countOnly: ["bots"] } }, "platform:edge.countOnly", "bots");
    });

    it("refuses host-header routing behind the edge (the load balancer never sees the viewer's Host), and accepts paths", () => {
        rejects(
            { services: { devices: { routing: { hosts: ["devices.example.com"] } } } },
            "platform:services.devices.routing.hosts",
            "cannot route behind the edge",
        );
        assert.deepStrictEqual(problems({ services: { devices: { routing: { paths: ["/devices/*"] } } } }), []);
    });

    it("refuses a TLS 1.3-only load balancer policy behind the edge: CloudFront reaches origins with TLS 1.2 at most", () => {
        rejects({ loadBalancer: { sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" } }, "platform:loadBalancer.sslPolicy", "TLS 1.2 at most");
        assert.deepStrictEqual(problems({ loadBalancer: { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" } }), []);
    });

    it("turns the firewall on where the tier's trait says so, and lets config turn it on elsewhere", () => {
        const resolve = (tier: string, edge: Record<string, unknown> = {}) =>
            resolveSettings({
                project: "platform",
                stack: "test",
                region: "us-east-1",
                values: { tier, edge, ...(tier === "production" ? { loadBalancer: { domainName: "origin.example.com", hostedZone: "example.com" } } : {}) },
                secretKeys: [],
            }).edge!.firewall;
        assert.deepStrictEqual([resolve("staging"), resolve("production"), resolve("staging", { firewall: true })], [false, true, true]);
    });

    it("names WAF metrics with what WAF accepts (letters, digits, _ and -, 128 at most), whatever the stack's name", () => {
        assert.strictEqual(wafMetricName("platform-prod.eu", "rateLimit"), "platform-prod-eu-rateLimit");
        assert.strictEqual(wafMetricName("platform-production", "common"), "platform-production-common");
        assert.strictEqual(wafMetricName("p".repeat(200), "common").length, 128);
    });
});
