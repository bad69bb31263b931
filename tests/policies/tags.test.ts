import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { costAllocationTags, requiresTags, TAGGABLE_TYPES } from "../../policies/rules/tags";
import { assertHasResourceViolation, assertNoResourceViolations, res, tags } from "./util";

const policy = costAllocationTags();
const AWS_SDK = path.dirname(require.resolve("@pulumi/aws/package.json"));

/** Whether the installed @pulumi/aws declares a `tags` input on the type's Args. */
function argsHaveTags(type: string): boolean {
    // "aws:ec2/instance:Instance" -> ec2/instance.d.ts, interface InstanceArgs
    const m = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(type)!;
    const text = fs.readFileSync(path.join(AWS_SDK, m[1], `${m[2]}.d.ts`), "utf8");
    const args = text.slice(text.indexOf(`export interface ${m[3]}Args {`));
    assert.ok(args.length > 0, `no ${m[3]}Args in ${m[1]}/${m[2]}.d.ts`);
    return /\n {4}tags\?: /.test(args.slice(0, args.indexOf("\n}")));
}

describe("policies: cost-allocation-tags", () => {
    it("rejects a taggable resource without the four tags, even with no tags input", () => {
        assertHasResourceViolation(policy, res("aws:ec2/vpc:Vpc", "vpc", {}), { message: "missing tag(s) Project, Environment, Tier, CostCenter" });
        assertHasResourceViolation(policy, res("aws:ec2/vpc:Vpc", "vpc", { tags: { Project: "platform" } }), { message: "Environment, Tier, CostCenter" });
    });
    it("passes a resource with all four", () => {
        assertNoResourceViolations(policy, res("aws:ec2/vpc:Vpc", "vpc", { tags: tags("staging") }));
    });
    it("checks values: Tier is a tier, Environment is the stack", () => {
        assertHasResourceViolation(policy, res("aws:ec2/vpc:Vpc", "vpc", { tags: { ...tags("staging"), Tier: "prod" } }), { message: 'Tier is "prod"' });
        assertHasResourceViolation(policy, res("aws:ec2/vpc:Vpc", "vpc", { tags: { ...tags("staging"), Environment: "dev" } }), {
            message: 'stack is "staging"',
        });
        assertHasResourceViolation(policy, res("aws:ec2/vpc:Vpc", "vpc", { tags: { ...tags("staging"), CostCenter: " " } }), { message: "CostCenter" });
    });
    it("applies to any other aws: resource that has a tags input", () => {
        assertHasResourceViolation(policy, res("aws:glue/job:Job", "job", { tags: {} }));
        assertNoResourceViolations(policy, res("aws:glue/job:Job", "job", { tags: tags("staging") }));
    });
    it("accepts tags from tagsAll and the ASG list form", () => {
        assertNoResourceViolations(policy, res("aws:ec2/vpc:Vpc", "vpc", { tagsAll: tags("staging") }));
        const asg = Object.entries(tags("staging")).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
        assertNoResourceViolations(policy, res("aws:autoscaling/group:Group", "asg", { tags: asg }));
    });
    it("ignores non-taggable types, components and other providers", () => {
        assertNoResourceViolations(policy, res("aws:ec2/routeTableAssociation:RouteTableAssociation", "rta", { subnetId: "s" }));
        assertNoResourceViolations(policy, res("aws:secretsmanager/secretRotation:SecretRotation", "rot", {}));
        assertNoResourceViolations(policy, res("platform:network:Network", "net", {}, { custom: false }));
        assertNoResourceViolations(policy, res("random:index/randomPassword:RandomPassword", "pw", {}));
    });

    it("every type in TAGGABLE_TYPES has a tags input in @pulumi/aws 7", () => {
        const wrong = TAGGABLE_TYPES.filter((t) => !argsHaveTags(t));
        assert.deepStrictEqual(wrong, []);
    });
    it("types without a tags input are not asked for tags", () => {
        for (const t of [
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "aws:secretsmanager/secretRotation:SecretRotation",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:ec2/securityGroupRule:SecurityGroupRule",
        ]) {
            assert.strictEqual(argsHaveTags(t), false, t);
            assert.strictEqual(requiresTags(t, {}), false, t);
        }
    });
    it("covers every type the components' tagging transformation tags", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { TAGGABLE_TYPES: componentTypes } = require("../../components/tagging") as { TAGGABLE_TYPES: Set<string> };
        const missing = [...componentTypes].filter((t) => !requiresTags(t, {}));
        assert.deepStrictEqual(missing, [], "add these to policies/rules/tags.ts TAGGABLE_TYPES");
    });
});
