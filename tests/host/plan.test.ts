// The zero-cost host's configuration: bad input refused through the real program, the stack outputs
// it exports, and the pure host plan.
import * as assert from "assert";
import { ServiceSettings } from "../../config/types";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { hostDocumentName, hostInstanceName, hostParameterNames, planHost } from "../../components/host";
import { outputNamesForTier, STACK_OUTPUTS } from "../../tools/outputs-lib";
import { runWith, stackRun } from "../helpers/stacks";
import { INSTANCE } from "./captured";

describe("host (dev, zero-cost): bad input fails through the real program", () => {
    const rejects = (config: Record<string, unknown>, message: RegExp) =>
        assert.rejects(runWith("dev", { config }), (e: Error) => {
            assert.strictEqual(e.name, "ConfigError");
            assert.match(e.message, message);
            return true;
        });

    it("refuses a type outside the free tier", () =>
        rejects({ host: { instanceType: "m5.large" } }, /platform:host\.instanceType: "m5\.large" is not free-tier eligible/));
    it("refuses a root volume over 30 GB", () =>
        rejects({ host: { rootVolumeGb: 31 } }, /platform:host\.rootVolumeGb: 31 must be a whole number from 8 to 30/));
    it("refuses a data volume that is not a whole number of GB from 1 to 22", () =>
        rejects({ host: { dataVolumeGb: 0.5 } }, /platform:host\.dataVolumeGb: 0\.5 must be a whole number from 1 to 22/));
    it("refuses root + data volumes over the free tier's 30 GB", () =>
        rejects(
            { host: { rootVolumeGb: 10, dataVolumeGb: 21 } },
            /platform:host\.rootVolumeGb \+ platform:host\.dataVolumeGb: 10 \+ 21 GB is over the free tier's 30 GB/,
        ));
    it("refuses an Elastic IP without acceptCost", () =>
        rejects({ host: { elasticIp: true } }, /platform:host\.elasticIp: an Elastic IP costs \$0\.005\/h .*acceptCost/));
});

describe("host (dev, zero-cost): outputs", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("dev");
    });

    it("exports every output the contract lists for zero-cost, and none of the cloud tiers' own", () => {
        const names = Object.keys(capture.outputs);
        for (const name of outputNamesForTier("zero-cost")) assert.ok(names.includes(name), `missing ${name}`);
        const cloudOnly = STACK_OUTPUTS.filter((o) => !o.tiers.includes("zero-cost")).map((o) => o.name);
        assert.deepStrictEqual(
            names.filter((n) => cloudOnly.includes(n)),
            [],
        );
        assert.deepStrictEqual(capture.secretOutputs, []);
    });

    it("describes the host's view: compose service names for the data stores, parameter names, repositories", () => {
        const o = capture.outputs;
        assert.strictEqual(o.tier, "zero-cost");
        assert.strictEqual(o.instanceId, mockId(INSTANCE, "host-instance"));
        assert.deepStrictEqual(o.ssmParameterNames, hostParameterNames("platform", "dev"));
        assert.deepStrictEqual([o.databaseEndpoint, o.databasePort, o.databaseName], ["timescaledb", 5432, "platform"]);
        assert.deepStrictEqual([o.cacheEndpoint, o.cachePort, o.cacheMode], ["redis", 6379, "host-container"]);
        assert.deepStrictEqual(o.ecrRepositoryUrls, {
            api: "482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/api",
            devices: "482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/devices",
        });
    });
});

describe("host plan (pure)", () => {
    const service = (name: string, extra: Partial<ServiceSettings> = {}): ServiceSettings => ({
        name,
        cpu: 256,
        memory: 512,
        architecture: "ARM64",
        imageTag: "latest",
        ports: [{ port: 8080, protocol: "http" }],
        healthCheckPath: "/health/readiness",
        routing: { default: false, paths: [], hosts: [], priority: 1 },
        environment: {},
        secrets: {},
        containerHealthCheck: { kind: "none" },
        readOnlyRootFilesystem: true,
        publicTcp: false,
        healthCheckGracePeriodSeconds: 60,
        scaling: { min: 1, max: 1, desired: 1, cpuTarget: 70, memoryTarget: 80, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 },
        ...extra,
    });
    const host = {
        instanceType: "t3.micro",
        rootVolumeGb: 8,
        dataVolumeGb: 12,
        elasticIp: false,
        snapshots: { enabled: false, retainCount: 7 },
        timescaleImage: "timescale/timescaledb:2.17.2-pg16",
    };

    it("fits the two seed services on 1 GiB and serves the default-routed one at /", () => {
        const plan = planHost(host, [
            service("devices", {
                ports: [
                    { port: 8080, protocol: "http" },
                    { port: 50051, protocol: "grpc" },
                ],
            }),
            service("api", { routing: { default: true, paths: [], hosts: [], priority: 2 } }),
        ]);
        assert.strictEqual(plan.defaultApp, "api");
        assert.ok(plan.budget.appMiB >= 96, `${plan.budget.appMiB} MiB per app`);
        assert.ok(plan.budget.totalLimitsMiB <= plan.budget.instanceMiB - plan.budget.osReserveMiB);
        assert.deepStrictEqual(
            plan.apps.map((a) => a.port),
            [8080, 8080],
        );
    });

    it("supplies app and database secrets, and reports only the keys the host's secrets lack", () => {
        const [app] = planHost(host, [
            service("api", {
                secrets: {
                    DATABASE_USERNAME: { source: "database", jsonKey: "username" },
                    DATABASE_PASSWORD: { source: "database", jsonKey: "password" },
                    APP_SECRET: { source: "app" },
                    JWT: { source: "app", jsonKey: "jwt" },
                    STRIPE: { source: "app", jsonKey: "stripe" },
                    DB_HOST: { source: "database", jsonKey: "host" },
                },
            }),
        ]).apps;
        assert.deepStrictEqual(app.secrets, {
            DATABASE_USERNAME: { source: "database", jsonKey: "username" },
            DATABASE_PASSWORD: { source: "database", jsonKey: "password" },
            APP_SECRET: { source: "app", jsonKey: undefined },
            JWT: { source: "app", jsonKey: "jwt" },
        });
        assert.deepStrictEqual(app.environment, {}, "no secret stand-ins in the plain environment");
        assert.deepStrictEqual(app.unsupplied, ["STRIPE (app:stripe)", "DB_HOST (database:host)"]);
    });

    it("refuses a routing pattern NGINX cannot follow, naming the config key", () => {
        assert.throws(
            () =>
                planHost(host, [
                    service("api", { routing: { default: true, paths: [], hosts: [], priority: 2 } }),
                    service("devices", { routing: { default: false, paths: ["/ok/*", "devices/*"], hosts: [], priority: 3 } }),
                ]),
            /platform:services\.devices\.routing\.paths\[1\]: "devices\/\*" is not a valid ALB path pattern/,
        );
    });

    it("refuses a service without an http port, naming the key", () => {
        assert.throws(
            () => planHost(host, [service("tcp-only", { ports: [{ port: 5000, protocol: "tcp" }] })]),
            /platform:services\.tcp-only\.ports: .*no http port/,
        );
    });

    it("names the instance by architecture, so only a t3 <-> t4g switch declares a new one", () => {
        assert.deepStrictEqual(
            ["t2.micro", "t3.micro", "t3.small", "t4g.micro", "t4g.small"].map((t) => hostInstanceName("host", t)),
            ["host-instance", "host-instance", "host-instance", "host-instance-arm64", "host-instance-arm64"],
        );
    });

    it("refuses an SSM document name SSM reserves (aws, amazon, amzn prefixes) or cannot hold", () => {
        assert.strictEqual(hostDocumentName("platform-dev"), "platform-dev-host-apply");
        for (const prefix of ["aws-dev", "Amazon-x", "amzn-y", "bad name"]) assert.throws(() => hostDocumentName(prefix), /SSM document name/, prefix);
    });

    it("refuses more services than 1 GiB can hold", () => {
        assert.throws(
            () =>
                planHost(
                    host,
                    ["a", "b", "c"].map((n) => service(n)),
                ),
            /at least 96 MiB per app/,
        );
    });
});
