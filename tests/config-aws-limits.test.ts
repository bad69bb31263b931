// Config refuses, before any resource, the values AWS itself refuses or that cannot work (pre-deploy
// review A1, A4, C2, E): each test feeds the bad value and checks the message names the key, the
// value and what is allowed; a neighbour that AWS accepts passes.
import * as assert from "assert";
import { ConfigError, resolveSettings } from "../config/validate";
import { ALB_TLS12_POLICIES, ELB_SSL_POLICIES, LOG_RETENTION_DAYS } from "../config/aws-limits";

const DOMAIN = { domainName: "api.example.net", hostedZone: "example.net" };

function resolve(values: Record<string, unknown>, region = "us-east-1") {
    return resolveSettings({ project: "platform", stack: "test", region, values, secretKeys: [] });
}

function problems(values: Record<string, unknown>, region?: string): string[] {
    try {
        resolve(values, region);
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

describe("config: what AWS refuses is refused first (A4)", () => {
    it("log retention: only CloudWatch's values, for every log setting", () => {
        rejects({ tier: "staging", cluster: { logRetentionDays: 2 } }, "platform:cluster.logRetentionDays", "2", "retention period", "allowed: 1, 3, 5");
        rejects(
            { tier: "production", loadBalancer: DOMAIN, network: { flowLogs: { enabled: true, retentionDays: 45 } } },
            "platform:network.flowLogs.retentionDays",
            "45",
        );
        rejects({ tier: "staging", cache: { slowLogRetentionDays: 10 } }, "platform:cache.slowLogRetentionDays", "10");
        for (const days of [1, 3, 14, 3653]) assert.deepStrictEqual(problems({ tier: "staging", cluster: { logRetentionDays: days } }), [], String(days));
        assert.ok(LOG_RETENTION_DAYS.includes(400) && !LOG_RETENTION_DAYS.includes(2));
    });

    it("TLS policy: a predefined ELB policy with TLS 1.2 or newer; the API's TLS 1.0 default and invented names are refused", () => {
        rejects(
            { tier: "staging", loadBalancer: { sslPolicy: "ELBSecurityPolicy-2016-08" } },
            "platform:loadBalancer.sslPolicy",
            "ELBSecurityPolicy-2016-08",
            "TLS 1.2",
        );
        rejects({ tier: "staging", loadBalancer: { sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" } }, "platform:loadBalancer.sslPolicy");
        rejects({ tier: "staging", loadBalancer: { sslPolicy: "TLS13" } }, "platform:loadBalancer.sslPolicy", '"TLS13"');
        assert.deepStrictEqual(problems({ tier: "staging", loadBalancer: { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" } }), []);
        // TLS 1.3-only policies are ALB policies too, but behind the edge they are refused (tests/edge/config.test.ts).
        assert.ok(
            ALB_TLS12_POLICIES.every((p) => ELB_SSL_POLICIES.includes(p)),
            "every accepted policy is a predefined one",
        );
        assert.ok(ALB_TLS12_POLICIES.includes(resolve({ tier: "staging" }).loadBalancer!.sslPolicy), "the default is accepted");
    });

    it("idle timeout 1-4000 s, deregistration delay 0-3600 s, ECR images kept >= 1", () => {
        rejects({ tier: "staging", loadBalancer: { idleTimeoutSeconds: 4001 } }, "platform:loadBalancer.idleTimeoutSeconds", "4001", "1 to 4000");
        rejects({ tier: "staging", loadBalancer: { idleTimeoutSeconds: 0 } }, "platform:loadBalancer.idleTimeoutSeconds");
        rejects({ tier: "staging", loadBalancer: { clientKeepAliveSeconds: 59 } }, "platform:loadBalancer.clientKeepAliveSeconds", "59", "60 to 604800");
        rejects({ tier: "staging", loadBalancer: { clientKeepAliveSeconds: 604801 } }, "platform:loadBalancer.clientKeepAliveSeconds");
        rejects({ tier: "staging", loadBalancer: { deregistrationDelaySeconds: 3601 } }, "platform:loadBalancer.deregistrationDelaySeconds", "0 to 3600");
        rejects({ tier: "staging", cluster: { ecrKeepImages: 0 } }, "platform:cluster.ecrKeepImages", "1 to 1000");
        assert.deepStrictEqual(
            problems({ tier: "staging", loadBalancer: { idleTimeoutSeconds: 4000, deregistrationDelaySeconds: 0 }, cluster: { ecrKeepImages: 1 } }),
            [],
        );
    });

    it("a stack without aws:region (it would deploy wherever the shell's AWS_REGION points)", () => {
        assert.throws(
            () => resolveSettings({ project: "platform", stack: "test", values: { tier: "staging" }, secretKeys: [] }),
            (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith("aws:region is not set: run `pulumi config set aws:region")),
        );
    });

    it("an unknown aws:region", () => {
        assert.ok(problems({ tier: "staging" }, "us-east-9").some((p) => p.startsWith('aws:region: "us-east-9" is not an AWS region')));
        assert.deepStrictEqual(problems({ tier: "staging" }, "eu-west-1"), []);
    });
});

describe("config: the certificate can be right (A1)", () => {
    const arn = (region: string, account = "210987654321") => `arn:aws:acm:${region}:${account}:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;

    it("refuses production without HTTPS, naming both ways to get it", () => {
        rejects({ tier: "production" }, "platform:loadBalancer", "HTTPS only", "domainName", "hostedZone", "certificateArn");
    });

    it("accepts a domain in its hosted zone (the stack issues the certificate), or a certificate of the stack's region", () => {
        assert.deepStrictEqual(problems({ tier: "production", loadBalancer: DOMAIN }), []);
        assert.deepStrictEqual(problems({ tier: "production", loadBalancer: { certificateArn: arn("us-east-1"), domainName: "origin.example.com" } }), []);
        assert.deepStrictEqual(problems({ tier: "production", loadBalancer: { ...DOMAIN, domainName: "example.net" } }), [], "the zone apex");
    });

    it("refuses a pasted load-balancer certificate without the name it covers: CloudFront connects to the origin by that name", () => {
        rejects(
            { tier: "production", loadBalancer: { certificateArn: arn("us-east-1") } },
            "platform:loadBalancer.certificateArn needs platform:loadBalancer.domainName",
            "CloudFront connects to the load balancer over HTTPS",
        );
    });

    it("refuses a certificate of another region: an ALB only uses its own region's", () => {
        rejects(
            { tier: "production", loadBalancer: { certificateArn: arn("eu-west-1") } },
            "platform:loadBalancer.certificateArn",
            "is in eu-west-1",
            "its own region us-east-1",
        );
    });

    it("refuses a certificate in an AWS documentation example account (the old placeholder)", () => {
        rejects(
            { tier: "production", loadBalancer: { certificateArn: arn("us-east-1", "123456789012") } },
            "platform:loadBalancer.certificateArn",
            "account 123456789012",
            "documentation example",
        );
    });

    it("refuses a domain outside its zone, a zone without a domain, and names that are not DNS names", () => {
        rejects(
            { tier: "production", loadBalancer: { domainName: "api.example.org", hostedZone: "example.net" } },
            "platform:loadBalancer.domainName",
            "is not inside platform:loadBalancer.hostedZone example.net",
        );
        rejects(
            { tier: "production", loadBalancer: { hostedZone: "example.net", certificateArn: arn("us-east-1") } },
            "platform:loadBalancer.hostedZone needs platform:loadBalancer.domainName",
        );
        rejects(
            { tier: "production", loadBalancer: { domainName: "API.Example.net", hostedZone: "example.net" } },
            "platform:loadBalancer.domainName",
            "lowercase DNS name",
        );
        // "evilexample.net" ends with "example.net" but is not inside the zone.
        rejects({ tier: "production", loadBalancer: { domainName: "evilexample.net", hostedZone: "example.net" } }, "is not inside");
    });
});

describe("config: zones are chosen by id (A3, C2)", () => {
    it("accepts pinned zone ids, one per AZ", () => {
        assert.deepStrictEqual(resolve({ tier: "staging", network: { availabilityZoneIds: ["use1-az1", "use1-az2"] } }).network.availabilityZoneIds, [
            "use1-az1",
            "use1-az2",
        ]);
    });

    it("refuses use1-az3 (no Fargate ARM64, no current Graviton), a count that is not azCount, duplicates and names", () => {
        rejects(
            { tier: "staging", network: { availabilityZoneIds: ["use1-az1", "use1-az3"] } },
            "platform:network.availabilityZoneIds[1]",
            "use1-az3",
            "no ARM64 (Graviton) Fargate",
        );
        rejects({ tier: "staging", network: { availabilityZoneIds: ["use1-az1"] } }, "platform:network.availabilityZoneIds", "exactly network.azCount (2)");
        rejects({ tier: "staging", network: { availabilityZoneIds: ["use1-az1", "use1-az1"] } }, "lists a zone twice");
        rejects(
            { tier: "staging", network: { availabilityZoneIds: ["us-east-1a", "use1-az2"] } },
            "platform:network.availabilityZoneIds[0]",
            '"us-east-1a"',
            "not a zone id",
        );
    });
});

describe("config: services (B8, C1, newrelic)", () => {
    it("a secret from newrelic needs the license key, set as a secret", () => {
        rejects(
            { tier: "staging", services: { api: { secrets: { NEW_RELIC_LICENSE_KEY: "newrelic" } } } },
            "platform:services.api.secrets.NEW_RELIC_LICENSE_KEY",
            "newRelicLicenseKey",
        );
        const settings = resolveSettings({
            project: "platform",
            stack: "test",
            region: "us-east-1",
            secretKeys: ["newRelicLicenseKey"],
            values: { tier: "staging", newRelicLicenseKey: "nr-key", services: { api: { secrets: { NEW_RELIC_LICENSE_KEY: "newrelic" } } } },
        });
        assert.deepStrictEqual(settings.services.find((s) => s.name === "api")!.secrets.NEW_RELIC_LICENSE_KEY, { source: "newrelic" });
        assert.strictEqual(settings.newRelicLicenseKey, "nr-key", "accepted and carried to the components, not ignored");
    });

    it("routing.priority is a block from 1 to 499", () => {
        rejects({ tier: "staging", services: { devices: { routing: { priority: 500 } } } }, "platform:services.devices.routing.priority", "1 to 499");
        rejects({ tier: "staging", services: { devices: { routing: { priority: "7" } } } }, "platform:services.devices.routing.priority", "must be a number");
    });

    it("customMetric takes scaleIn (boolean) and refuses keys it does not know", () => {
        const metric = { namespace: "Platform/Devices", metricName: "ActiveConnections", target: 1000 };
        rejects(
            { tier: "staging", services: { devices: { scaling: { customMetric: { ...metric, scaleIn: "yes" } } } } },
            "platform:services.devices.scaling.customMetric.scaleIn",
            '"yes"',
            "boolean",
        );
        // A third service's customMetric is declared the same way: the same check.
        rejects(
            {
                tier: "staging",
                services: {
                    reports: {
                        ports: [{ port: 9000, protocol: "http" }],
                        routing: { paths: ["/r/*"] },
                        scaling: { customMetric: { ...metric, scaleIn: "yes" } },
                    },
                },
            },
            "platform:services.reports.scaling.customMetric.scaleIn",
            '"yes"',
            "boolean",
        );
        rejects(
            {
                tier: "staging",
                services: {
                    reports: {
                        ports: [{ port: 9000, protocol: "http" }],
                        routing: { paths: ["/r/*"] },
                        scaling: { customMetric: { namespace: "Platform/Reports" } },
                    },
                },
            },
            "platform:services.reports.scaling.customMetric.metricName is required",
        );
        // Setting one key of the seed's metric keeps the rest (`pulumi config set --path ...scaleIn true`).
        const partial = resolve({ tier: "staging", services: { devices: { scaling: { customMetric: { scaleIn: true } } } } }).services.find(
            (s) => s.name === "devices",
        )!;
        assert.deepStrictEqual(partial.scaling.customMetric, {
            namespace: "Platform/Devices",
            metricName: "ActiveConnections",
            statistic: "Average",
            target: 1000,
            scaleIn: true,
        });
        rejects(
            { tier: "staging", services: { devices: { scaling: { customMetric: { ...metric, scaleInn: true } } } } },
            "platform:services.devices.scaling.customMetric.scaleInn is not a known key",
        );
        const devices = resolve({ tier: "staging", services: { devices: { scaling: { customMetric: { ...metric, scaleIn: true } } } } }).services.find(
            (s) => s.name === "devices",
        )!;
        assert.strictEqual(devices.scaling.customMetric!.scaleIn, true);
    });

    it("secrets.cloudTrail is create or existing", () => {
        rejects({ tier: "staging", secrets: { cloudTrail: "none" } }, "platform:secrets.cloudTrail", '"none"', "create, existing");
        assert.strictEqual(resolve({ tier: "staging", secrets: { cloudTrail: "existing" } }).secrets!.cloudTrail, "existing");
    });
});
