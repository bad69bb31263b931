// The cost-tag transform (components/tagging.ts), called directly with the arguments the engine hands
// a resource transform (ResourceTransformArgs), and how it is registered.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { applyCostTags, costTagTransform, TAGGABLE_TYPES } from "../components/tagging";

const COST_TAGS = { Project: "platform", Environment: "staging", Tier: "staging", CostCenter: "platform-team" };
const VPC = "aws:ec2/vpc:Vpc";

/** A fake of what the engine passes: plain (deserialized) props, reconstructed options. */
function args(type: string, props: pulumi.Inputs, opts: pulumi.ResourceOptions = {}): pulumi.ResourceTransformArgs {
    return { custom: true, type, name: "thing", props, opts };
}

/** The value and secretness of an output the transform returned. */
async function settle(value: unknown): Promise<{ value: unknown; secret: boolean }> {
    const output = pulumi.output(value) as pulumi.Output<unknown> & { isSecret: Promise<boolean>; promise(): Promise<unknown> };
    return { value: await output.promise(), secret: await output.isSecret };
}

describe("cost-tag transform", () => {
    const transform = costTagTransform(COST_TAGS);

    it("adds the cost tags to a taggable type, keeping its own tags; a colliding own tag loses (bills group by the cost tags)", async () => {
        const opts = { protect: true };
        const result = transform(args(VPC, { cidrBlock: "10.0.0.0/16", tags: { Name: "platform-staging-vpc", Tier: "mislabelled" } }, opts));
        assert.ok(result, "a taggable type is transformed");
        assert.deepStrictEqual((await settle(result.props.tags)).value, { Name: "platform-staging-vpc", ...COST_TAGS });
        assert.strictEqual(result.props.cidrBlock, "10.0.0.0/16");
        assert.strictEqual(result.opts, opts, "options pass through untouched");
    });

    it("gives a taggable resource without tags exactly the cost tags", async () => {
        const result = transform(args(VPC, { cidrBlock: "10.0.0.0/16" }));
        assert.deepStrictEqual((await settle(result!.props.tags)).value, COST_TAGS);
    });

    it("merges own tags given as an Output (the in-process shape), and keeps a secret tag value secret", async () => {
        const result = transform(args(VPC, { tags: pulumi.secret({ Owner: "ops" }) }));
        assert.deepStrictEqual(await settle(result!.props.tags), { value: { Owner: "ops", ...COST_TAGS }, secret: true });
    });

    it("leaves types without a tags input alone, components included", () => {
        for (const type of [
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "aws:secretsmanager/secretRotation:SecretRotation",
            "platform:network:Network",
        ]) {
            assert.ok(!TAGGABLE_TYPES.has(type), `${type} is not in the taggable list`);
            assert.strictEqual(transform(args(type, { a: 1 })), undefined, type);
        }
    });

    it("does not follow later changes to the tags object it was built from", async () => {
        const tags = { ...COST_TAGS };
        const own = costTagTransform(tags);
        tags.CostCenter = "changed";
        assert.strictEqual(((await settle(own(args(VPC, {}))!.props.tags)).value as Record<string, string>).CostCenter, "platform-team");
    });
});

describe("applyCostTags", () => {
    // registerResourceTransform, not the deprecated registerStackTransformation: the engine then tags
    // the children of packaged components too ("Introducing Resource Transforms", pulumi.com/blog/resource-transforms).
    it("registers the cost-tag transform with registerResourceTransform only", async () => {
        const runtime = pulumi.runtime as {
            registerResourceTransform: typeof pulumi.runtime.registerResourceTransform;
            registerStackTransformation: typeof pulumi.runtime.registerStackTransformation;
        };
        const [resourceTransform, stackTransformation] = [runtime.registerResourceTransform, runtime.registerStackTransformation];
        const registered: pulumi.ResourceTransform[] = [];
        let legacy = 0;
        runtime.registerResourceTransform = (t) => {
            registered.push(t);
        };
        runtime.registerStackTransformation = () => {
            legacy++;
        };
        try {
            applyCostTags(COST_TAGS);
        } finally {
            runtime.registerResourceTransform = resourceTransform;
            runtime.registerStackTransformation = stackTransformation;
        }
        assert.strictEqual(registered.length, 1);
        assert.strictEqual(legacy, 0);
        const result = await registered[0](args(VPC, { tags: { Name: "n" } }));
        assert.deepStrictEqual((await settle(result!.props.tags)).value, { Name: "n", ...COST_TAGS });
    });
});
