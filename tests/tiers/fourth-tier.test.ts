// A new tier is one column of the tier table plus a stack file. This copies the repository, adds a
// `qa` column (Fargate, small, short-lived logs, its own budget) and Pulumi.qa.yaml, type-checks the
// copy and plans the stack there: nothing else in the program may need to know the new name.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.join(__dirname, "..", "..");

/** The qa tier's budget (its Fargate tasks alone are about $87 a month at list prices). */
const QA_BUDGET = 175;

/** The qa column: what makes it differ from its neighbours is traits, not a name anywhere else. */
const QA_COLUMN = `
    qa: {
        runtime: "fargate",
        protectData: false,
        highAvailability: false,
        detailedMonitoring: false,
        spotCapacity: true,
        databaseStorageGb: { allocated: 20, max: 100 },
        httpsOnly: false,
        minAzs: 2,
        natChoices: ["instance"],
        minBackupRetentionDays: 1,
        freeTierPricing: false,
        webFirewall: false,
        budgetUsd: ${QA_BUDGET},
        logRetention: { default: 1, min: 1, max: 7 },
        maxNatGateways: 0,
        allowedSizes: {
            ec2: NAT_INSTANCE_TYPES,
            rds: ["db.t4g.micro", "db.t4g.small"],
            elasticache: ["cache.t4g.micro", "cache.t4g.small"],
            fargate: { maxCpu: 2048, maxMemory: 4096 },
        },
        usage: { logIngestGb: 1, natDataGb: 20, edgeRequestsMillions: 1, edgeDataOutGb: 10 },
        environmentName: "qa",
    },
`;

const QA_STACK = `# QA: what the tier table's qa column says, nothing more.
config:
  aws:region: eu-west-1
  platform:tier: qa
`;

/** Runs in the copy: the plan of the qa stack, reduced to what the assertions read. */
const PROBE = `
import { makePlan } from "./tools/plan-lib";
makePlan({ stack: "qa" }).then((plan) => {
    const of = (type: string) => plan.capture.resources.filter((r) => r.type === type);
    const db = of("aws:rds/instance:Instance")[0];
    const cache = of("aws:elasticache/replicationGroup:ReplicationGroup")[0];
    const api = of("aws:ecs/taskDefinition:TaskDefinition").map((t) => JSON.parse(t.inputs.containerDefinitions)[0]).find((c) => c.name === "api");
    console.log(JSON.stringify({
        tier: plan.tier,
        passed: plan.passed,
        violations: plan.violations.map((v) => v.policy + ": " + v.message),
        total: plan.estimate.total,
        resources: plan.capture.resources.length,
        tierTags: [...new Set(plan.capture.resources.map((r) => r.inputs.tags?.Tier).filter(Boolean))],
        dbClass: db?.inputs.instanceClass,
        dbMultiAz: db?.inputs.multiAz,
        dbStorage: db?.inputs.allocatedStorage,
        cacheNode: cache?.inputs.nodeType,
        logRetention: [...new Set(of("aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.retentionInDays))],
        natGateways: of("aws:ec2/natGateway:NatGateway").length,
        nodeEnv: api?.environment?.find((e: { name: string }) => e.name === "NODE_ENV")?.value,
    }));
});
`;

function copyRepository(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fourth-tier-"));
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: REPO, encoding: "utf8" })
        .split("\0")
        .filter((f) => f && fs.existsSync(path.join(REPO, f)));
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

describe("a fourth tier (qa): one column of config/tiers.ts and a stack file", function () {
    this.timeout(180_000);
    let dir: string;
    let plan: Record<string, any>;

    before(() => {
        dir = copyRepository();
        const tiers = path.join(dir, "config", "tiers.ts");
        const table = fs.readFileSync(tiers, "utf8");
        const end = table.indexOf("} satisfies Record<string, TierTraits>;");
        assert.ok(end > 0, "config/tiers.ts ends its table with `} satisfies Record<string, TierTraits>;`");
        fs.writeFileSync(tiers, table.slice(0, end) + QA_COLUMN.trimStart() + table.slice(end));
        fs.writeFileSync(path.join(dir, "Pulumi.qa.yaml"), QA_STACK);
        fs.writeFileSync(path.join(dir, "probe.ts"), PROBE);
        const output = execFileSync(process.execPath, [path.join(dir, "node_modules", "tsx", "dist", "cli.mjs"), "probe.ts"], { cwd: dir, encoding: "utf8" });
        plan = JSON.parse(output.trim().split("\n").pop()!);
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the copy type-checks with the new column (no Record<Tier, ...> left to complete elsewhere)", () => {
        // The program, its tools, harness and pack; the specs (about half of tsc's time) name no Tier-keyed table.
        const project = JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8"));
        const include = project.include.filter((glob: string) => !glob.startsWith("tests/"));
        assert.ok(include.length > 0 && include.length < project.include.length, `tsconfig.json includes the specs as tests/**: ${project.include}`);
        fs.writeFileSync(
            path.join(dir, "tsconfig.program.json"),
            JSON.stringify({ extends: "./tsconfig.json", include, compilerOptions: { types: ["node"] } }),
        );
        // Incremental, as npm test's own tsc: its build info sits in node_modules/.cache (the copy's
        // node_modules is the repository's), paths relative to it, files known by a hash of their text,
        // so an unchanged copy is not checked again and `npm ci` starts afresh.
        const buildInfo = path.join("node_modules", ".cache", "platform-tsc", "fourth-tier.tsbuildinfo");
        try {
            execFileSync(
                process.execPath,
                [
                    path.join(dir, "node_modules", "typescript", "bin", "tsc"),
                    "--noEmit",
                    "--incremental",
                    "--tsBuildInfoFile",
                    buildInfo,
                    "-p",
                    "tsconfig.program.json",
                ],
                { cwd: dir, encoding: "utf8" },
            );
        } catch (e) {
            throw new Error(`tsc in the copy failed:\n${String((e as { stdout?: unknown }).stdout)}`, { cause: e });
        }
    });

    it("plans the qa stack: tagged qa, within its policies", () => {
        assert.strictEqual(plan.tier, "qa");
        assert.deepStrictEqual(plan.tierTags, ["qa"]);
        assert.deepStrictEqual(plan.violations, []);
        assert.strictEqual(plan.passed, true);
        assert.ok(plan.resources > 100, `${plan.resources} resources`);
    });

    it("its defaults come from its traits: first allowed sizes, storage, log retention, NAT, environment name", () => {
        assert.strictEqual(plan.dbClass, "db.t4g.micro");
        assert.strictEqual(plan.dbMultiAz, false);
        assert.strictEqual(plan.dbStorage, 20);
        assert.strictEqual(plan.cacheNode, "cache.t4g.micro");
        assert.deepStrictEqual(
            plan.logRetention.filter((d: number) => d !== 1 && d < 30),
            [],
            `log groups: ${plan.logRetention}`,
        );
        assert.strictEqual(plan.natGateways, 0, "a NAT instance, the tier's only NAT choice");
        assert.strictEqual(plan.nodeEnv, "qa");
    });

    it("is priced, and under its budget", () => {
        assert.ok(plan.total > 20 && plan.total < QA_BUDGET, `qa costs ${plan.total}`);
    });
});
