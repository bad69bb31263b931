// Config validation: every class of bad input fails before any resource, naming the key, the value
// and what is allowed. Pure: no Pulumi runtime involved.
import * as assert from "assert";
import { ConfigError, ConfigSource, resolveSettings } from "../config/validate";
import { fargateMemoryOptions } from "../config/aws-limits";
import { TIER_DEFAULTS } from "../config/defaults";
import { ALLOWED_SIZES } from "../config/allowed-sizes";

function source(values: Record<string, unknown>, secretKeys: string[] = []): ConfigSource {
    return { project: "platform", stack: "test", region: "us-east-1", values, secretKeys };
}

const production = (extra: Record<string, unknown> = {}) => ({
    tier: "production",
    loadBalancer: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" },
    ...extra,
});

/** Asserts resolution fails and one problem mentions every fragment. */
function rejects(values: Record<string, unknown>, ...fragments: string[]): string {
    try {
        resolveSettings(source(values));
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
        const match = error.problems.find((p) => fragments.every((f) => p.includes(f)));
        assert.ok(match, `no problem mentions ${JSON.stringify(fragments)}; problems:\n${error.problems.join("\n")}`);
        return match;
    }
    assert.fail(`config was accepted: ${JSON.stringify(values)}`);
}

describe("config: tier table and overrides", () => {
    it("resolves each tier's defaults without problems", () => {
        for (const values of [{ tier: "zero-cost" }, { tier: "staging" }, production()]) {
            const settings = resolveSettings(source(values));
            assert.strictEqual(settings.tier, values.tier);
            assert.deepStrictEqual(settings.tags, { Project: "platform", Environment: "test", Tier: values.tier, CostCenter: "platform" });
        }
    });

    it("gives the seed services their seed sizes, ports and task ranges in production", () => {
        const settings = resolveSettings(source(production()));
        const api = settings.services.find((s) => s.name === "api")!;
        const devices = settings.services.find((s) => s.name === "devices")!;
        assert.deepStrictEqual([api.cpu, api.memory, api.scaling.min, api.scaling.max], [1024, 2048, 2, 10]);
        assert.deepStrictEqual(api.ports, [{ port: 8080, protocol: "http" }]);
        assert.strictEqual(api.healthCheckPath, "/health/readiness");
        assert.deepStrictEqual([devices.cpu, devices.memory, devices.scaling.min, devices.scaling.max], [2048, 4096, 2, 8]);
        assert.deepStrictEqual(devices.ports.map((p) => `${p.port}/${p.protocol}`), ["8080/http", "50051/grpc", "5000/tcp"]);
    });

    it("overrides only what the stack sets and keeps the rest of the section", () => {
        const settings = resolveSettings(source({ tier: "staging", network: { nat: "single" }, database: { allocatedStorageGb: 200 } }));
        assert.strictEqual(settings.network.nat, "single");
        assert.strictEqual(settings.network.vpcCidr, TIER_DEFAULTS.staging.network.vpcCidr);
        assert.strictEqual(settings.database!.allocatedStorageGb, 200);
        assert.strictEqual(settings.database!.instanceClass, TIER_DEFAULTS.staging.database!.instanceClass);
    });

    it("adds a third service from config alone, on the service template", () => {
        const settings = resolveSettings(source({
            tier: "staging",
            services: { reports: { cpu: 512, memory: 1024, ports: [{ port: 9000, protocol: "http" }], routing: { paths: ["/reports/*"] } } },
        }));
        const reports = settings.services.find((s) => s.name === "reports")!;
        assert.ok(reports, "third service resolved");
        assert.strictEqual(reports.architecture, "ARM64");
        assert.deepStrictEqual(reports.routing.paths, ["/reports/*"]);
        assert.strictEqual(settings.services.length, 3);
    });

    it("drops a seed service the stack disables", () => {
        const settings = resolveSettings(source({ tier: "staging", services: { devices: { enabled: false } } }));
        assert.deepStrictEqual(settings.services.map((s) => s.name), ["api"]);
    });

    it("derives the seed subnet layout (10.0.1/10/20.x) from the VPC CIDR", () => {
        const settings = resolveSettings(source({ tier: "staging", network: { azCount: 3 } }));
        assert.deepStrictEqual(settings.network.subnets, {
            public: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
            private: ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"],
            database: ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"],
        });
    });
});

describe("config: bad input is refused with the key, the value and what is allowed", () => {
    it("unknown tier", () => rejects({ tier: "gold" }, "platform:tier", '"gold"', "zero-cost, staging, production"));
    it("missing tier", () => rejects({}, "platform:tier", "allowed"));
    it("unknown top-level key", () => rejects({ tier: "staging", databse: {} }, "platform:databse", "not a known key", "database"));
    it("unknown nested key", () => rejects({ tier: "staging", network: { natt: "single" } }, "platform:network.natt", "not a known key", "nat"));
    it("unknown key inside a service", () => rejects({ tier: "staging", services: { api: { cpus: 1 } } }, "platform:services.api.cpus", "not a known key"));
    it("wrong kind of value", () => rejects({ tier: "staging", network: { azCount: "two" } }, "platform:network.azCount", '"two"', "must be a number"));
    it("section the tier does not have", () => rejects({ tier: "zero-cost", database: { multiAz: true } }, "platform:database", "not used by tier zero-cost"));

    it("malformed CIDR", () => rejects({ tier: "staging", network: { vpcCidr: "10.0.0.0/33" } }, "platform:network.vpcCidr", "10.0.0.0/33", "CIDR"));
    it("CIDR with host bits", () => rejects({ tier: "staging", network: { vpcCidr: "10.0.0.1/16" } }, "platform:network.vpcCidr", "host bits"));
    it("subnet outside the VPC", () => rejects({
        tier: "staging",
        network: { subnets: { public: ["10.0.1.0/24", "10.1.2.0/24"], private: ["10.0.10.0/24", "10.0.11.0/24"], database: ["10.0.20.0/24", "10.0.21.0/24"] } },
    }, "platform:network.subnets.public[1]", "10.1.2.0/24", "does not fit in the VPC 10.0.0.0/16"));
    it("overlapping subnets", () => rejects({
        tier: "staging",
        network: { subnets: { public: ["10.0.1.0/24", "10.0.2.0/24"], private: ["10.0.0.0/22", "10.0.11.0/24"], database: ["10.0.20.0/24", "10.0.21.0/24"] } },
    }, "platform:network.subnets.private[0]", "overlaps platform:network.subnets.public[0]"));
    it("default layout in a VPC too small for it", () => rejects({ tier: "staging", network: { vpcCidr: "10.0.0.0/20" } }, "does not fit in the VPC 10.0.0.0/20", "set network.subnets explicitly"));
    it("subnet list not one per AZ", () => rejects({
        tier: "staging",
        network: { azCount: 3, subnets: { public: ["10.0.1.0/24", "10.0.2.0/24"], private: ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"], database: ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"] } },
    }, "platform:network.subnets.public", "exactly 3"));

    it("fewer than 2 AZs outside zero-cost", () => rejects({ tier: "staging", network: { azCount: 1 } }, "platform:network.azCount", "1", "2 or 3", "at least 2 AZs"));
    it("zero-cost may use one AZ", () => assert.strictEqual(resolveSettings(source({ tier: "zero-cost", network: { azCount: 1 } })).network.azCount, 1));
    it("unknown NAT strategy", () => rejects({ tier: "staging", network: { nat: "gateway" } }, "platform:network.nat", '"gateway"', "none, single, per-az, instance"));
    it("NAT in zero-cost", () => rejects({ tier: "zero-cost", network: { nat: "single" } }, "platform:network.nat", "not free"));
    it("no NAT for private subnets", () => rejects({ tier: "staging", network: { nat: "none" } }, "platform:network.nat", "without egress"));

    it("autoscaling min > max", () => rejects({ tier: "staging", services: { api: { scaling: { min: 5, max: 2 } } } }, "platform:services.api.scaling", "min 5 is greater than max 2"));
    it("desired outside [min, max]", () => rejects({ tier: "staging", services: { api: { scaling: { min: 1, max: 2, desired: 4 } } } }, "platform:services.api.scaling.desired", "[1, 2]"));

    it("Fargate memory AWS does not accept for the CPU", () => rejects({ tier: "staging", services: { api: { cpu: 1024, memory: 1024 } } }, "platform:services.api.memory", "1024", "cpu 1024", "2048-8192"));
    it("Fargate CPU value that does not exist", () => rejects({ tier: "staging", services: { api: { cpu: 1000 } } }, "platform:services.api.cpu", "1000", "256, 512, 1024"));
    it("task larger than the tier allows", () => rejects({ tier: "staging", services: { api: { cpu: 4096, memory: 8192 } } }, "exceeds tier staging's largest task"));
    it("Fargate table matches AWS's for 2 vCPU (4-16 GB in 1 GB steps)", () => {
        const options = fargateMemoryOptions(2048);
        assert.strictEqual(options[0], 4096);
        assert.strictEqual(options[options.length - 1], 16384);
        assert.strictEqual(options.length, 13);
    });

    it("RDS class not allowed for the tier", () => rejects({ tier: "staging", database: { instanceClass: "db.r6g.xlarge" } }, "platform:database.instanceClass", "db.r6g.xlarge", "staging", ALLOWED_SIZES.staging.rds[0]));
    it("cache node type not allowed for the tier", () => rejects(production({ cache: { nodeType: "cache.t3.micro" } }), "platform:cache.nodeType", "cache.t3.micro", "production"));
    it("NAT instance type not allowed", () => rejects({ tier: "staging", network: { natInstanceType: "m5.large" } }, "platform:network.natInstanceType", "m5.large", "t4g.nano"));
    it("host instance type outside the free tier", () => rejects({ tier: "zero-cost", host: { instanceType: "m5.large" } }, "platform:host.instanceType", "m5.large", "free-tier", "t3.micro"));

    it("plain-text value where a secret is required", () => rejects({ tier: "staging", newRelicLicenseKey: "abc123" }, "platform:newRelicLicenseKey", "must be a secret", "--secret"));
    it("accepts the same value given as a secret", () => {
        assert.doesNotThrow(() => resolveSettings(source({ tier: "staging", newRelicLicenseKey: "abc123" }, ["newRelicLicenseKey"])));
    });

    it("reports every problem at once", () => {
        try {
            resolveSettings(source({ tier: "staging", network: { azCount: 1, nat: "x" }, services: { api: { cpu: 1000 } } }));
            assert.fail("accepted");
        } catch (error) {
            assert.ok(error instanceof ConfigError);
            assert.ok(error.problems.length >= 3, error.message);
            assert.match(error.message, /Invalid stack configuration \(\d+ problems\)/);
        }
    });
});

describe("config: load balancer routing", () => {
    it("a path pattern the ALB does not accept", () => rejects({ tier: "staging", services: { devices: { routing: { paths: ["devices/*"] } } } },
        "platform:services.devices.routing.paths[0]", '"devices/*"', "not a valid ALB path pattern", "starts with /"));
    it("a host header the ALB does not accept", () => rejects({ tier: "staging", services: { devices: { routing: { hosts: ["dev ices.example.com"] } } } },
        "platform:services.devices.routing.hosts[0]", "not a valid ALB host header"));
    it("two services publishing the same TCP port", () => rejects({
        tier: "staging",
        services: {
            devices: { publicTcp: true },
            relay: { ports: [{ port: 8081, protocol: "http" }, { port: 5000, protocol: "tcp" }], routing: { paths: ["/relay/*"] }, publicTcp: true },
        },
    }, "platform:services.relay.publicTcp", "tcp port 5000 is already published", "by service devices"));
});

describe("config: cache windows", () => {
    it("a snapshot window shorter than 60 minutes", () => rejects({ tier: "staging", cache: { snapshotWindow: "01:00-01:30" } }, "platform:cache.snapshotWindow", "30 minutes", "at least 60"));
    it("a snapshot window overlapping the maintenance window", () => rejects({ tier: "staging", cache: { snapshotWindow: "03:00-04:00" } }, "platform:cache.snapshotWindow", "overlaps platform:cache.maintenanceWindow sun:03:00-sun:04:00"));
    it("a maintenance window shorter than 60 minutes", () => rejects({ tier: "staging", cache: { maintenanceWindow: "sun:03:00-sun:03:30" } }, "platform:cache.maintenanceWindow", "30 minutes", "at least 60"));
});
