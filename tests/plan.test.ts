// The plan command: the offline main job. Runs the program, prices it, evaluates the pack.
import * as assert from "assert";
import { compare, makePlan, parseTarget, renderComparison, renderMarkdown, renderText } from "../tools/plan-lib";
import { main } from "../tools/plan";

/** Runs the CLI's main() with stdout/stderr captured. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string }> {
    const lines: string[] = [];
    const log = console.log;
    const error = console.error;
    const write = process.stderr.write.bind(process.stderr);
    console.log = (...args: unknown[]) => {
        lines.push(args.join(" "));
    };
    console.error = () => undefined;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
        return { code: await main(argv), stdout: lines.join("\n") };
    } finally {
        console.log = log;
        console.error = error;
        process.stderr.write = write;
    }
}

describe("plan", () => {
    it("passes every stack file: resources by component, cost, policy verdict, exit 0", async () => {
        for (const stack of ["dev", "staging", "production"]) {
            const { code, stdout } = await cli(["--stack", stack]);
            assert.strictEqual(code, 0, stdout);
            assert.match(stdout, new RegExp(`Plan for ${stack} \\(tier `));
            assert.match(stdout, /Resources: \d+\n( {2}.+\n)* {2}network \(\d+\)/);
            assert.match(stdout, /Monthly cost: \$[\d,.]+/);
            assert.match(stdout, /Policies: PASS/);
        }
    });

    it("shows the zero-cost tier at $0 inside the free tier and its price after it", async () => {
        const plan = await makePlan(parseTarget("dev"));
        assert.strictEqual(plan.estimate.totalInsideFreeTier, 0);
        assert.ok(plan.estimate.totalAfterFreeTier > 0, "the host is not free after the free tier");
        assert.match(renderText(plan), /\$0\.00\/month inside the free tier, \$[\d.]+\/month after it/);
    });

    it("fails with the budget policy's message when a config goes over budget", async () => {
        // Twice the seed's shards: 12 cache nodes instead of 6.
        const plan = await makePlan(parseTarget("production"), undefined, { cache: { shards: 4 } });
        assert.strictEqual(plan.passed, false);
        const budget = plan.violations.find((v) => v.policy === "monthly-budget");
        assert.ok(budget, renderText(plan));
        assert.strictEqual(budget.enforcementLevel, "mandatory");
        assert.match(budget.message, /exceeds the production budget/);
        assert.match(renderText(plan), /Policies: FAIL/);
    });

    it("exits 1 when a mandatory policy fails (a stack that breaks a policy), 2 on bad arguments", async () => {
        assert.strictEqual((await cli(["--stack"])).code, 2);
        assert.strictEqual((await cli(["--stack", "production", "--bogus"])).code, 2);
        assert.throws(() => parseTarget("production@nope"), /unknown variant "nope".*seed-choices/);
    });

    it("prices production at the seed's capacity at least 10% below the seed's own choices", async () => {
        const ours = await makePlan(parseTarget("production"));
        const seeds = await makePlan(parseTarget("production@seed-choices"));
        assert.ok(ours.estimate.total <= seeds.estimate.total * 0.9, `${ours.estimate.total} vs ${seeds.estimate.total}`);
        // Same capacity: the same task counts, node counts and instance classes.
        const capacity = (p: typeof ours) =>
            p.capture.resources
                .filter((r) =>
                    [
                        "aws:ecs/taskDefinition:TaskDefinition",
                        "aws:rds/instance:Instance",
                        "aws:elasticache/replicationGroup:ReplicationGroup",
                        "aws:appautoscaling/target:Target",
                    ].includes(r.type),
                )
                .map((r) =>
                    JSON.stringify([
                        r.name,
                        r.inputs.cpu,
                        r.inputs.memory,
                        r.inputs.instanceClass,
                        r.inputs.nodeType,
                        r.inputs.numNodeGroups,
                        r.inputs.replicasPerNodeGroup,
                        r.inputs.minCapacity,
                        r.inputs.maxCapacity,
                    ]),
                );
        assert.deepStrictEqual(capacity(ours), capacity(seeds));
        const comparison = renderComparison(compare(seeds, ours));
        assert.match(comparison, /total .* -\$[\d,.]+ \(-\d+\.\d%\)/);
    });

    // $210 until the pre-deploy fixes; B10's application database user adds its own secret ($0.40 + API
    // calls), which is the price of services no longer running as the master user.
    it("keeps staging at the seed's capacity within $211/month", async () => {
        const plan = await makePlan(parseTarget("staging"));
        assert.ok(plan.estimate.total <= 211, `staging costs ${plan.estimate.total}`);
    });

    it("compares two stacks: resource and cost difference (the migration path)", async () => {
        const { code, stdout } = await cli(["--stack", "production", "--compare", "staging"]);
        assert.strictEqual(code, 0);
        assert.match(stdout, /Compare staging -> production/);
        assert.match(stdout, /aws:ec2\/natGateway:NatGateway\s+0 ->\s+2/);
    });

    it("renders Markdown for a pull-request comment and JSON for machines", async () => {
        const plan = await makePlan(parseTarget("staging"));
        const markdown = renderMarkdown(plan);
        assert.match(markdown, /^### Plan: `staging` \(tier staging\)/);
        assert.match(markdown, /\| \*\*total\*\* \| \| \*\*\$[\d,.]+\*\* \|/);
        const { stdout } = await cli(["--stack", "staging", "--json"]);
        const json = JSON.parse(stdout);
        assert.strictEqual(json.plan.tier, "staging");
        assert.strictEqual(json.plan.passed, true);
        assert.ok(Math.abs(json.plan.cost.total - plan.estimate.total) < 1e-9);
    });
});
