import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Policies, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { StackCapture } from "../../harness/types";
import { evaluatePolicies, loadPackConfig, offlinePolicies, packConfigPath } from "../../harness/policies";
import { hasMandatoryFailure, inferLinks, reconcileConfig, resourceValidationArgs } from "../../harness/policy-engine";
import { policies as packPolicies } from "../../policies/pack";
import { materialize, unknownCheckingProxy } from "../../policies/rules/common";
import { costAllocationTags } from "../../policies/rules/tags";
import { createPolicies } from "../../policies/rules/index";
import { evaluate, res, tags } from "./util";

/** The engine's sentinel for a string unknown during preview (@pulumi/policy proxy.js). */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const sample: ResourceValidationPolicy = {
    name: "sample",
    description: "flags every VPC",
    enforcementLevel: "advisory",
    configSchema: { properties: { limit: { type: "integer", minimum: 1, default: 3 } } },
    validateResource: (args, report) => {
        if (args.type === "aws:ec2/vpc:Vpc") report(`limit=${args.getConfig<{ limit: number }>().limit}`);
    },
};

describe("policies: offline evaluator", () => {
    const vpc = res("aws:ec2/vpc:Vpc", "vpc", { tags: tags("staging") });

    it("reconciles config as the CLI does: schema defaults, then `all`, then the policy's own entry", () => {
        let c = reconcileConfig([sample], {});
        assert.deepStrictEqual(c.get("sample"), { enforcementLevel: "advisory", properties: { limit: 3 } });
        c = reconcileConfig([sample], { all: "mandatory" });
        assert.strictEqual(c.get("sample")!.enforcementLevel, "mandatory");
        c = reconcileConfig([sample], { all: "mandatory", sample: { enforcementLevel: "disabled", limit: 5 } });
        assert.deepStrictEqual(c.get("sample"), { enforcementLevel: "disabled", properties: { limit: 5 } });
    });

    it("rejects invalid config like `pulumi preview` does", () => {
        assert.throws(() => reconcileConfig([sample], { sample: "sometimes" as any }), /not a valid enforcement level/);
        assert.throws(() => reconcileConfig([sample], { sample: { limit: 0 } }), /sample: limit: 0 is below the minimum 1/);
        assert.throws(() => reconcileConfig(packPolicies, { "allowed-instance-sizes": { tier: "prod" } }), /tier: "prod" is not one of/);
    });

    it("reports with the effective level, skips disabled policies, treats remediate as mandatory", () => {
        assert.deepStrictEqual(
            evaluate([sample], [vpc]).map((v) => [v.policy, v.enforcementLevel, v.message, v.resourceName]),
            [["sample", "advisory", "limit=3", "vpc"]],
        );
        assert.deepStrictEqual(evaluate([sample], [vpc], { sample: "disabled" }), []);
        assert.strictEqual(evaluate([sample], [vpc], { sample: "remediate" })[0].enforcementLevel, "mandatory");
    });

    it("gives resource policies isType/asType and a throwing notApplicable (validateResourceOfType)", () => {
        class Vpc {
            static __pulumiType = "aws:ec2/vpc:Vpc";
            constructor(_n: string, _a: { cidrBlock?: string }) {
                /* fake class */
            }
        }
        const typed: ResourceValidationPolicy = {
            name: "typed",
            description: "typed",
            enforcementLevel: "mandatory",
            validateResource: validateResourceOfType(Vpc as any, (props: any, _args, report) => report(`cidr ${props.cidrBlock}`)),
        };
        const violations = evaluate([typed], [res("aws:ec2/vpc:Vpc", "v", { cidrBlock: "10.0.0.0/16" }), res("aws:s3/bucketV2:BucketV2", "b")]);
        assert.deepStrictEqual(
            violations.map((v) => v.message),
            ["cidr 10.0.0.0/16"],
        );
        const args = resourceValidationArgs(res("aws:ec2/vpc:Vpc", "v", { cidrBlock: "x" }));
        assert.strictEqual(args.isType(Vpc as any), true);
        assert.throws(() => args.notApplicable("nope"), /nope/);
    });

    it("turns a value unknown during preview into an advisory 'can't run' (as the analyzer does)", () => {
        const td = res("aws:ecs/taskDefinition:TaskDefinition", "api", { containerDefinitions: UNKNOWN_STRING });
        const violations = evaluate(createPolicies({ estimator: () => ({ total: 0, totalInsideFreeTier: 0, totalAfterFreeTier: 0 }) }), [td], {
            all: "mandatory",
        }).filter((v) => v.policy === "ecs-readonly-root-filesystem");
        assert.strictEqual(violations.length, 1);
        assert.strictEqual(violations[0].enforcementLevel, "advisory");
        assert.match(violations[0].message, /can't run policy 'ecs-readonly-root-filesystem' during preview: string value at \.containerDefinitions/);
    });

    it("materializes unknown values as undefined for the estimator", () => {
        const props = unknownCheckingProxy({ a: UNKNOWN_STRING, b: [1, UNKNOWN_STRING], c: { d: "x" } });
        assert.deepStrictEqual(materialize(props), { a: undefined, b: [1, undefined], c: { d: "x" } });
    });

    it("infers propertyDependencies from URNs and mock identifiers in inputs", () => {
        const sg = res("aws:ec2/securityGroup:SecurityGroup", "sg");
        const rule = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "rule", { securityGroupId: "sg-123", description: sg.urn });
        const links = inferLinks([sg, rule], (r) => (r.name === "sg" ? ["sg-123"] : []));
        assert.deepStrictEqual(links.get(rule.urn), { dependencies: [sg.urn], propertyDependencies: { securityGroupId: [sg.urn], description: [sg.urn] } });
    });

    it("runs stack policies over every resource, parents resolved", () => {
        let seen: string[] = [];
        const stackPolicy: StackValidationPolicy = {
            name: "count",
            description: "count",
            enforcementLevel: "mandatory",
            validateStack: (args) => {
                seen = args.resources.map((r) => `${r.name}<${r.parent?.name ?? ""}`);
            },
        };
        const comp = res("platform:network:Network", "net", {}, { custom: false });
        evaluate([stackPolicy] as Policies, [comp, res("aws:ec2/vpc:Vpc", "vpc", {}, { parent: comp.urn })]);
        assert.deepStrictEqual(seen, ["net<", "vpc<net"]);
    });

    it("evaluatePolicies runs the pack's own policy objects over a capture", () => {
        const capture: StackCapture = {
            project: "platform",
            stack: "staging",
            resources: [res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" })],
            outputs: {},
            secretOutputs: [],
        };
        const violations = evaluatePolicies(capture);
        assert.ok(violations.some((v) => v.policy === "cost-allocation-tags" && v.resourceName === "vpc"));
        assert.strictEqual(hasMandatoryFailure(violations), true);
        capture.resources[0].inputs.tags = tags("staging");
        assert.strictEqual(hasMandatoryFailure(evaluatePolicies(capture)), false);
        assert.strictEqual(hasMandatoryFailure([{ policy: "x", enforcementLevel: "advisory", message: "m" }]), false);
    });

    it("the pack has unique names, a description and a level on every policy", () => {
        const names = packPolicies.map((p) => p.name);
        assert.strictEqual(new Set(names).size, names.length);
        for (const p of packPolicies) {
            assert.ok(p.description.length > 10, p.name);
            assert.ok(p.enforcementLevel, p.name);
            assert.notStrictEqual(p.name, "all");
            assert.ok(!p.configSchema?.properties?.enforcementLevel, `${p.name}: enforcementLevel is reserved`);
        }
        assert.ok(names.includes("monthly-budget") && names.includes(costAllocationTags().name));
    });
});

describe("policies: pack folder and per-stack config", () => {
    const dir = path.dirname(packConfigPath("dev"));

    for (const stack of ["dev", "staging", "production"]) {
        it(`config/${stack}.json is a valid pack config naming only the pack's policies, and repeats no tier`, () => {
            const config = loadPackConfig(stack);
            reconcileConfig(packPolicies, config);
            for (const [key, value] of Object.entries(config)) {
                assert.ok(key === "all" || packPolicies.some((p) => p.name === key), `${stack}.json: unknown policy ${key}`);
                // The tier is each resource's Tier tag and its budget a trait: a file must not restate them.
                assert.ok(typeof value === "string" || !("tier" in value || "budgets" in value), `${stack}.json: ${key} restates the tier or its budget`);
            }
        });
    }

    it("a stack without a config file is evaluated with the pack's defaults", () => {
        assert.strictEqual(fs.existsSync(packConfigPath("no-such-stack")), false);
        assert.deepStrictEqual(loadPackConfig("no-such-stack"), {});
        const capture: StackCapture = {
            project: "platform",
            stack: "no-such-stack",
            resources: [
                res(
                    "aws:ec2/natGateway:NatGateway",
                    "nat",
                    { tags: { ...tags("zero-cost"), Environment: "no-such-stack" } },
                    { urn: "urn:pulumi:no-such-stack::platform::aws:ec2/natGateway:NatGateway::nat" },
                ),
            ],
            outputs: {},
            secretOutputs: [],
        };
        const failed = evaluatePolicies(capture)
            .filter((v) => v.enforcementLevel === "mandatory")
            .map((v) => v.policy)
            .sort();
        // The zero-cost traits (budget $0, no NAT gateway) apply from the Tier tag alone.
        assert.deepStrictEqual(failed, ["monthly-budget", "nat-gateway-count", "zero-budget-never-free"]);
    });

    it("the offline evaluator serves the same policies, in the same order and levels, as the pack", () => {
        assert.deepStrictEqual(
            offlinePolicies.map((p) => `${p.name}:${p.enforcementLevel}`),
            packPolicies.map((p) => `${p.name}:${p.enforcementLevel}`),
        );
    });

    it("is a pack folder the CLI can load", () => {
        const pack = path.resolve(dir, "..");
        assert.match(fs.readFileSync(path.join(pack, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
        const pkg = JSON.parse(fs.readFileSync(path.join(pack, "package.json"), "utf8"));
        assert.ok(pkg.version);
        assert.strictEqual(pkg.main, "index.ts");
        const index = fs.readFileSync(path.join(pack, "index.ts"), "utf8");
        assert.match(index, /new PolicyPack\(PACK_NAME, \{\s*policies,/);
    });
});
