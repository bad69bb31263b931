// The harness itself: which account the mocked caller is, and why the capture still uses the
// deprecated registerStackTransformation.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { callerAccount, find, readStackFile, runStack } from "../../harness/run";
import { ACCOUNT_ID, computedState } from "../../harness/mocks";

describe("harness: the mocked caller account", () => {
    it("is the mock's own account unless the stack sets aws:allowedAccountIds, then its first entry", () => {
        assert.strictEqual(callerAccount(readStackFile("dev")), ACCOUNT_ID);
        assert.strictEqual(callerAccount(readStackFile("dev", { config: { "aws:allowedAccountIds": ["210987654321", "310987654321"] } })), "210987654321");
    });

    it("refuses an aws:allowedAccountIds that is not a list of 12-digit ids", () => {
        assert.throws(() => callerAccount(readStackFile("dev", { config: { "aws:allowedAccountIds": "210987654321" } })), /list of 12-digit account ids/);
        assert.throws(() => callerAccount(readStackFile("dev", { config: { "aws:allowedAccountIds": ["12345"] } })), /list of 12-digit account ids/);
    });
});

describe("harness: resource capture", () => {
    // Measured with @pulumi/pulumi 3.248.0: under setMocks registerResourceTransform is accepted but its
    // transform is never called (mocks.js sets supportsTransforms = false; the engine side that would call
    // it is absent), so the capture keeps the deprecated registerStackTransformation. This test fails on
    // the day mocks call transforms, so the move can be made then.
    it("sees registerResourceTransform never called under mocks, while registerStackTransformation captures", async () => {
        const transformed: string[] = [];
        const capture = await runStack("dev", {
            program: async () => {
                pulumi.runtime.registerResourceTransform(async (args) => {
                    transformed.push(args.name);
                    return undefined;
                });
                const component = new pulumi.ComponentResource("test:index:Group", "group", {});
                new aws.sns.Topic("topic", {}, { parent: component, protect: true });
                return {};
            },
        });
        assert.deepStrictEqual(transformed, []);
        const topic = find(capture, "aws:sns/topic:Topic", "topic");
        assert.deepStrictEqual([topic.parent, topic.protect], ["urn:pulumi:dev::platform::test:index:Group::group", true]);
    });
});

describe("harness: computed state of generated values", () => {
    // components/database.ts and cache.ts name their final snapshots `<id>-final-<RandomString.result>`
    // (REVIEW-2026-12 C4): without a mocked result every capture, plan and policy run would show
    // `...-final-undefined` instead of the name a real `pulumi up` gives.
    it("gives a RandomString a stable result of its length, in the characters it allows", () => {
        const inputs = { length: 8, special: false, upper: false };
        const result = computedState("random:index/randomString:RandomString", "database-final-snapshot", inputs, "us-east-1").result;
        assert.match(String(result), /^[a-z0-9]{8}$/);
        assert.strictEqual(computedState("random:index/randomString:RandomString", "database-final-snapshot", inputs, "us-east-1").result, result);
    });
});
