// Config validation: every class of bad input fails before any resource, naming the key, the value
// and what is allowed. Pure: no Pulumi runtime involved.
import * as assert from "assert";
import { ConfigError, ConfigSource, resolveSettings } from "../config/validate";
import { fargateMemoryOptions } from "../config/aws-limits";
import { TIER_DEFAULTS } from "../config/settings";
import { ALLOWED_SIZES } from "../config/tiers";

function source(values: Record<string, unknown>, secretKeys: string[] = []): ConfigSource {
    return { project: "platform", stack: "test", region: "us-east-1", values, secretKeys };
}

/** Production as its stack file configures it: the stack issues the certificate for a name in a zone. */
const production = (extra: Record<string, unknown> = {}) => ({
    tier: "production",
    loadBalancer: { domainName: "api.example.com", hostedZone: "example.com" },
    ...extra,
});
/** A certificate ARN of the deploying (mocked) account in the stack's region. */
const OWN_CERTIFICATE = "arn:aws:acm:us-east-1:482917365014:certificate/5b1e0c64-8d2f-4a57-9e3b-2f6a1c9d7e40";

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
        assert.deepStrictEqual(
            devices.ports.map((p) => `${p.port}/${p.protocol}`),
            ["8080/http", "50051/grpc", "5000/tcp"],
        );
    });

    it("overrides only what the stack sets and keeps the rest of the section", () => {
        const settings = resolveSettings(source({ tier: "staging", network: { nat: "single" }, database: { allocatedStorageGb: 200 } }));
        assert.strictEqual(settings.network.nat, "single");
        assert.strictEqual(settings.network.vpcCidr, TIER_DEFAULTS.staging.network.vpcCidr);
        assert.strictEqual(settings.database!.allocatedStorageGb, 200);
        assert.strictEqual(settings.database!.instanceClass, TIER_DEFAULTS.staging.database!.instanceClass);
    });

    it("adds a third service from config alone, on the service template", () => {
        const settings = resolveSettings(
            source({
                tier: "staging",
                services: { reports: { cpu: 512, memory: 1024, ports: [{ port: 9000, protocol: "http" }], routing: { paths: ["/reports/*"] } } },
            }),
        );
        const reports = settings.services.find((s) => s.name === "reports")!;
        assert.ok(reports, "third service resolved");
        assert.strictEqual(reports.architecture, "ARM64");
        assert.deepStrictEqual(reports.routing.paths, ["/reports/*"]);
        assert.strictEqual(settings.services.length, 3);
    });

    it("drops a seed service the stack disables", () => {
        const settings = resolveSettings(source({ tier: "staging", services: { devices: { enabled: false } } }));
        assert.deepStrictEqual(
            settings.services.map((s) => s.name),
            ["api"],
        );
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
    it("subnet outside the VPC", () =>
        rejects(
            {
                tier: "staging",
                network: {
                    subnets: { public: ["10.0.1.0/24", "10.1.2.0/24"], private: ["10.0.10.0/24", "10.0.11.0/24"], database: ["10.0.20.0/24", "10.0.21.0/24"] },
                },
            },
            "platform:network.subnets.public[1]",
            "10.1.2.0/24",
            "does not fit in the VPC 10.0.0.0/16",
        ));
    it("overlapping subnets", () =>
        rejects(
            {
                tier: "staging",
                network: {
                    subnets: { public: ["10.0.1.0/24", "10.0.2.0/24"], private: ["10.0.0.0/22", "10.0.11.0/24"], database: ["10.0.20.0/24", "10.0.21.0/24"] },
                },
            },
            "platform:network.subnets.private[0]",
            "overlaps platform:network.subnets.public[0]",
        ));
    it("default layout in a VPC too small for it", () =>
        rejects({ tier: "staging", network: { vpcCidr: "10.0.0.0/20" } }, "does not fit in the VPC 10.0.0.0/20", "set network.subnets explicitly"));
    it("subnet list not one per AZ", () =>
        rejects(
            {
                tier: "staging",
                network: {
                    azCount: 3,
                    subnets: {
                        public: ["10.0.1.0/24", "10.0.2.0/24"],
                        private: ["10.0.10.0/24", "10.0.11.0/24", "10.0.12.0/24"],
                        database: ["10.0.20.0/24", "10.0.21.0/24", "10.0.22.0/24"],
                    },
                },
            },
            "platform:network.subnets.public",
            "exactly 3",
        ));

    it("fewer than 2 AZs outside zero-cost", () =>
        rejects({ tier: "staging", network: { azCount: 1 } }, "platform:network.azCount", "1", "2 or 3", "at least 2 AZs"));
    it("zero-cost may use one AZ", () => assert.strictEqual(resolveSettings(source({ tier: "zero-cost", network: { azCount: 1 } })).network.azCount, 1));
    it("unknown NAT strategy", () =>
        rejects({ tier: "staging", network: { nat: "gateway" } }, "platform:network.nat", '"gateway"', "none, single, per-az, instance"));
    it("NAT in zero-cost", () => rejects({ tier: "zero-cost", network: { nat: "single" } }, "platform:network.nat", "not free"));
    it("no NAT for private subnets", () => rejects({ tier: "staging", network: { nat: "none" } }, "platform:network.nat", "without egress"));

    it("autoscaling min > max", () =>
        rejects({ tier: "staging", services: { api: { scaling: { min: 5, max: 2 } } } }, "platform:services.api.scaling", "min 5 is greater than max 2"));
    it("desired outside [min, max]", () =>
        rejects({ tier: "staging", services: { api: { scaling: { min: 1, max: 2, desired: 4 } } } }, "platform:services.api.scaling.desired", "[1, 2]"));

    it("Fargate memory AWS does not accept for the CPU", () =>
        rejects({ tier: "staging", services: { api: { cpu: 1024, memory: 1024 } } }, "platform:services.api.memory", "1024", "cpu 1024", "2048-8192"));
    it("Fargate CPU value that does not exist", () =>
        rejects({ tier: "staging", services: { api: { cpu: 1000 } } }, "platform:services.api.cpu", "1000", "256, 512, 1024"));
    it("task larger than the tier allows", () =>
        rejects({ tier: "staging", services: { api: { cpu: 4096, memory: 8192 } } }, "exceeds tier staging's largest task"));
    it("Fargate table matches AWS's for 2 vCPU (4-16 GB in 1 GB steps)", () => {
        const options = fargateMemoryOptions(2048);
        assert.strictEqual(options[0], 4096);
        assert.strictEqual(options[options.length - 1], 16384);
        assert.strictEqual(options.length, 13);
    });

    it("RDS class not allowed for the tier", () =>
        rejects(
            { tier: "staging", database: { instanceClass: "db.r6g.xlarge" } },
            "platform:database.instanceClass",
            "db.r6g.xlarge",
            "staging",
            ALLOWED_SIZES.staging.rds[0],
        ));
    it("cache node type not allowed for the tier", () =>
        rejects(production({ cache: { nodeType: "cache.t3.micro" } }), "platform:cache.nodeType", "cache.t3.micro", "production"));
    it("NAT instance type not allowed", () =>
        rejects({ tier: "staging", network: { natInstanceType: "m5.large" } }, "platform:network.natInstanceType", "m5.large", "t4g.nano"));
    it("host instance type outside the free tier", () =>
        rejects({ tier: "zero-cost", host: { instanceType: "m5.large" } }, "platform:host.instanceType", "m5.large", "free-tier", "t3.micro"));

    it("plain-text value where a secret is required", () =>
        rejects({ tier: "staging", newRelicLicenseKey: "abc123" }, "platform:newRelicLicenseKey", "must be a secret", "--secret"));
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

describe("config: defaults after the pre-deploy review", () => {
    it("services have no default image tag (immutable repositories), no container health check, and scale in on the custom metric only when told", () => {
        for (const values of [{ tier: "staging" }, production()]) {
            const settings = resolveSettings(source(values));
            for (const s of settings.services) {
                assert.deepStrictEqual([s.image, s.imageTag, s.containerHealthCheck], [undefined, undefined, { kind: "none" }], s.name);
            }
            assert.strictEqual(settings.services.find((s) => s.name === "devices")!.scaling.customMetric!.scaleIn, false);
        }
    });

    it("A4/E: the TLS 1.3 post-quantum policy and 30 s deregistration delay by default", () => {
        for (const values of [{ tier: "staging" }, production()]) {
            const lb = resolveSettings(source(values)).loadBalancer!;
            assert.deepStrictEqual(
                [lb.sslPolicy, lb.deregistrationDelaySeconds, lb.idleTimeoutSeconds],
                ["ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", 30, 60],
            );
        }
    });

    it("C4: both data stores keep a final snapshot in staging as in production; C5: the cache's own key only where the tier asks for it", () => {
        const staging = resolveSettings(source({ tier: "staging" }));
        const prod = resolveSettings(source(production()));
        assert.deepStrictEqual(
            [staging.database!.finalSnapshot, staging.cache!.finalSnapshot, prod.database!.finalSnapshot, prod.cache!.finalSnapshot],
            [true, true, true, true],
        );
        assert.deepStrictEqual([staging.cache!.customerManagedKey, prod.cache!.customerManagedKey], [false, true]);
    });

    it("B2: staging and production create their CloudTrail trail unless told the account has one", () => {
        assert.strictEqual(resolveSettings(source({ tier: "staging" })).secrets!.cloudTrail, "create");
        assert.strictEqual(resolveSettings(source(production())).secrets!.cloudTrail, "create");
        assert.strictEqual(resolveSettings(source({ tier: "staging", secrets: { cloudTrail: "existing" } })).secrets!.cloudTrail, "existing");
        rejects({ tier: "staging", secrets: { cloudTrail: "none" } }, "platform:secrets.cloudTrail", '"none"', "create, existing");
    });

    it("A1: production takes a certificate ARN of its own region and account, with the name it covers, instead of a zone", () => {
        const settings = resolveSettings(source({ tier: "production", loadBalancer: { certificateArn: OWN_CERTIFICATE, domainName: "origin.example.com" } }));
        assert.deepStrictEqual(
            [settings.loadBalancer!.certificateArn, settings.loadBalancer!.domainName, settings.loadBalancer!.hostedZone],
            [OWN_CERTIFICATE, "origin.example.com", undefined],
        );
    });
});

describe("config: values AWS would refuse (pre-deploy review A1, A3, A4)", () => {
    it("A1: production without a certificate or a domain and zone", () =>
        rejects({ tier: "production" }, "platform:loadBalancer", "HTTPS only", "domainName", "hostedZone", "certificateArn"));
    it("A1: a domain without its zone is not enough", () =>
        rejects({ tier: "production", loadBalancer: { domainName: "api.example.com" } }, "platform:loadBalancer", "HTTPS only"));
    it("A1: a certificate of another region", () =>
        rejects(
            production({ loadBalancer: { certificateArn: OWN_CERTIFICATE.replace("us-east-1", "eu-west-1") } }),
            "platform:loadBalancer.certificateArn",
            "is in eu-west-1",
            "its own region us-east-1",
        ));
    it("A1: a certificate ARN from AWS's documentation", () =>
        rejects(
            production({ loadBalancer: { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" } }),
            "platform:loadBalancer.certificateArn",
            "123456789012",
            "documentation example",
        ));
    it("A1: something that is not an ACM certificate ARN", () =>
        rejects(
            production({ loadBalancer: { certificateArn: "arn:aws:iam::482917365014:server-certificate/api" } }),
            "platform:loadBalancer.certificateArn",
            "not an ACM certificate ARN",
        ));
    it("A1: a domain outside its hosted zone", () =>
        rejects(
            { tier: "production", loadBalancer: { domainName: "api.example.org", hostedZone: "example.com" } },
            "platform:loadBalancer.domainName",
            "api.example.org",
            "not inside platform:loadBalancer.hostedZone example.com",
        ));

    it("A4: a log retention CloudWatch does not offer", () => {
        rejects({ tier: "staging", cluster: { logRetentionDays: 4 } }, "platform:cluster.logRetentionDays", "4", "retention period", "3, 5, 7");
        rejects(production({ network: { flowLogs: { retentionDays: 45 } } }), "platform:network.flowLogs.retentionDays", "45");
        rejects({ tier: "staging", cache: { slowLogRetentionDays: 2 } }, "platform:cache.slowLogRetentionDays", "2");
    });
    it("A4: a TLS policy that still negotiates TLS 1.0/1.1", () =>
        rejects(
            production({ loadBalancer: { domainName: "api.example.com", hostedZone: "example.com", sslPolicy: "ELBSecurityPolicy-2016-08" } }),
            "platform:loadBalancer.sslPolicy",
            "ELBSecurityPolicy-2016-08",
            "TLS 1.2 or newer",
            "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        ));
    it("A4: an ALB idle timeout outside 1-4000 s", () => {
        rejects({ tier: "staging", loadBalancer: { idleTimeoutSeconds: 0 } }, "platform:loadBalancer.idleTimeoutSeconds", "from 1 to 4000");
        rejects({ tier: "staging", loadBalancer: { idleTimeoutSeconds: 4001 } }, "platform:loadBalancer.idleTimeoutSeconds", "4001");
    });
    it("A4: a deregistration delay outside 0-3600 s", () =>
        rejects(
            { tier: "staging", loadBalancer: { deregistrationDelaySeconds: 3601 } },
            "platform:loadBalancer.deregistrationDelaySeconds",
            "3601",
            "from 0 to 3600",
        ));
    it("A4: ECR must keep at least one image", () =>
        rejects({ tier: "staging", cluster: { ecrKeepImages: 0 } }, "platform:cluster.ecrKeepImages", "0", "from 1"));

    it("A3: a zone id that is not one, use1-az3 (no Fargate), a zone twice, or not one per AZ", () => {
        rejects(
            { tier: "staging", network: { availabilityZoneIds: ["us-east-1a", "use1-az1"] } },
            "platform:network.availabilityZoneIds[0]",
            "us-east-1a",
            "not a zone id",
        );
        rejects(
            { tier: "staging", network: { availabilityZoneIds: ["use1-az1", "use1-az3"] } },
            "platform:network.availabilityZoneIds[1]",
            "use1-az3",
            "no ARM64 (Graviton) Fargate",
        );
        rejects({ tier: "staging", network: { availabilityZoneIds: ["use1-az1", "use1-az1"] } }, "platform:network.availabilityZoneIds", "lists a zone twice");
        rejects({ tier: "staging", network: { availabilityZoneIds: ["use1-az1"] } }, "platform:network.availabilityZoneIds", "exactly network.azCount (2)");
    });
    it("A3: accepts pinned zone ids", () => {
        assert.deepStrictEqual(
            resolveSettings(source({ tier: "staging", network: { availabilityZoneIds: ["use1-az4", "use1-az6"] } })).network.availabilityZoneIds,
            ["use1-az4", "use1-az6"],
        );
    });

    it("an image tag ECR would refuse, and image with imageTag", () => {
        rejects({ tier: "staging", services: { api: { imageTag: "release 1" } } }, "platform:services.api.imageTag", '"release 1"', "not an image tag");
        rejects({ tier: "staging", services: { api: { imageTag: "x".repeat(129) } } }, "platform:services.api.imageTag", "up to 128");
        rejects({ tier: "staging", services: { api: { image: "ghcr.io/team/api:1", imageTag: "1" } } }, "platform:services.api.imageTag", "not both");
    });
    it("B8: a container health check that is neither none, curl, wget nor a command", () =>
        rejects(
            { tier: "staging", services: { api: { containerHealthCheck: "ping" } } },
            "platform:services.api.containerHealthCheck",
            '"ping"',
            '"none", "curl"',
        ));
    it("C1: two services in one priority block", () =>
        rejects(
            {
                tier: "staging",
                services: {
                    devices: { routing: { priority: 12 } },
                    reports: { ports: [{ port: 8081, protocol: "http" }], routing: { paths: ["/reports/*"], priority: 12 } },
                },
            },
            "platform:services.reports.routing.priority",
            "block 12 is also service devices'",
        ));
    it("C1: a priority block outside 1-499", () =>
        rejects({ tier: "staging", services: { devices: { routing: { priority: 500 } } } }, "platform:services.devices.routing.priority", "from 1 to 499"));
    it("a newrelic secret without the license key", () =>
        rejects(
            { tier: "staging", services: { api: { secrets: { NEW_RELIC_LICENSE_KEY: "newrelic" } } } },
            "platform:services.api.secrets.NEW_RELIC_LICENSE_KEY",
            "newRelicLicenseKey",
        ));
    it("an unknown aws:region", () => {
        try {
            resolveSettings({ ...source({ tier: "staging" }), region: "us-east-9" });
            assert.fail("accepted");
        } catch (error) {
            assert.ok(error instanceof ConfigError, String(error));
            assert.ok(
                error.problems.some((p) => p.includes("aws:region") && p.includes('"us-east-9"') && p.includes("us-east-1")),
                error.message,
            );
        }
    });
});

describe("config: load balancer routing", () => {
    it("a path pattern the ALB does not accept", () =>
        rejects(
            { tier: "staging", services: { devices: { routing: { paths: ["devices/*"] } } } },
            "platform:services.devices.routing.paths[0]",
            '"devices/*"',
            "not a valid ALB path pattern",
            "starts with /",
        ));
    it("a host header the ALB does not accept", () =>
        rejects(
            { tier: "staging", services: { devices: { routing: { hosts: ["dev ices.example.com"] } } } },
            "platform:services.devices.routing.hosts[0]",
            "not a valid ALB host header",
        ));
    it("two services publishing the same TCP port", () =>
        rejects(
            {
                tier: "staging",
                services: {
                    devices: { publicTcp: true },
                    relay: {
                        ports: [
                            { port: 8081, protocol: "http" },
                            { port: 5000, protocol: "tcp" },
                        ],
                        routing: { paths: ["/relay/*"] },
                        publicTcp: true,
                    },
                },
            },
            "platform:services.relay.publicTcp",
            "tcp port 5000 is already published",
            "by service devices",
        ));
});

describe("config: cache windows", () => {
    it("a snapshot window shorter than 60 minutes", () =>
        rejects({ tier: "staging", cache: { snapshotWindow: "01:00-01:30" } }, "platform:cache.snapshotWindow", "30 minutes", "at least 60"));
    it("a snapshot window overlapping the maintenance window", () =>
        rejects(
            { tier: "staging", cache: { snapshotWindow: "03:00-04:00" } },
            "platform:cache.snapshotWindow",
            "overlaps platform:cache.maintenanceWindow sun:03:00-sun:04:00",
        ));
    it("a maintenance window shorter than 60 minutes", () =>
        rejects({ tier: "staging", cache: { maintenanceWindow: "sun:03:00-sun:03:30" } }, "platform:cache.maintenanceWindow", "30 minutes", "at least 60"));
});
