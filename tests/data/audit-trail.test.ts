// The CloudTrail trail of the staging and production stacks (REVIEW-2026-12 B2): EventBridge gets
// Secrets Manager's RotationFailed/RotationAbandoned only as "AWS Service Event via CloudTrail", i.e.
// only while a trail logs the region's management events ("To record events with one of the
// CloudTrail detail-type values, you must enable a CloudTrail trail with logging", EventBridge docs;
// AWS-FACTS). `secrets.cloudTrail: existing` says the account already has one.
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { sharedRun, stackRun } from "../helpers/stacks";
import { mocked } from "./helpers";

const TRAIL = "aws:cloudtrail/trail:Trail";
const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const ACCOUNT = "482917365014";

for (const stack of ["staging", "production"]) {
    describe(`data: audit trail (${stack})`, () => {
        let capture: StackCapture;
        before(async () => {
            capture = await stackRun(stack);
        });
        const trailName = `platform-${stack}-management-events`;
        const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${trailName}`;

        it("B2: one trail logs this region's management events (read and write) into its own bucket", () => {
            assert.deepStrictEqual(
                ofType(capture, TRAIL).map((r) => r.name),
                ["audit-trail"],
            );
            const trail = find(capture, TRAIL, "audit-trail");
            assert.strictEqual(trail.inputs.name, trailName);
            assert.strictEqual(trail.inputs.s3BucketName, mockId(BUCKET, "audit-trail-logs"));
            assert.deepStrictEqual([trail.inputs.enableLogging, trail.inputs.isMultiRegionTrail, trail.inputs.enableLogFileValidation], [true, false, true]);
            assert.deepStrictEqual(trail.inputs.eventSelectors, [{ readWriteType: "All", includeManagementEvents: true }]);
            // CloudTrail checks its bucket policy when the trail is created: the policy first.
            assert.deepStrictEqual(trail.dependsOn, [`${BUCKET_POLICY}::audit-trail-logs`]);
        });

        it("B2: the bucket lets CloudTrail write for this trail only, over TLS only, and is never public", () => {
            const bucketArn = mocked(BUCKET, "audit-trail-logs", "arn", find(capture, BUCKET, "audit-trail-logs").inputs);
            const policy = JSON.parse(find(capture, BUCKET_POLICY, "audit-trail-logs").inputs.policy);
            const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
            assert.deepStrictEqual([bySid.AWSCloudTrailAclCheck.Action, bySid.AWSCloudTrailAclCheck.Resource], ["s3:GetBucketAcl", bucketArn]);
            assert.deepStrictEqual(bySid.AWSCloudTrailAclCheck.Condition, { StringEquals: { "aws:SourceArn": trailArn } });
            assert.deepStrictEqual(
                [bySid.AWSCloudTrailWrite.Action, bySid.AWSCloudTrailWrite.Principal],
                ["s3:PutObject", { Service: "cloudtrail.amazonaws.com" }],
            );
            assert.strictEqual(bySid.AWSCloudTrailWrite.Resource, `${bucketArn}/AWSLogs/${ACCOUNT}/*`);
            assert.deepStrictEqual(bySid.AWSCloudTrailWrite.Condition, {
                StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
            });
            assert.deepStrictEqual(
                [bySid.DenyInsecureTransport.Effect, bySid.DenyInsecureTransport.Condition],
                ["Deny", { Bool: { "aws:SecureTransport": "false" } }],
            );
            const block = find(capture, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "audit-trail-logs").inputs;
            assert.deepStrictEqual(
                [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
                [true, true, true, true],
            );
        });

        it(`keeps the log files 90 days${stack === "production" ? " and the bucket's objects on destroy" : ", emptied on destroy"}`, () => {
            const rules = find(capture, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "audit-trail-logs").inputs.rules;
            assert.deepStrictEqual(
                rules.map((r: any) => [r.status, r.expiration]),
                [["Enabled", { days: 90 }]],
            );
            assert.strictEqual(find(capture, BUCKET, "audit-trail-logs").inputs.forceDestroy, stack !== "production");
        });
    });
}

describe("data: audit trail when the account has one", () => {
    it("B2: secrets.cloudTrail existing creates no trail and no trail bucket", async () => {
        const capture = await sharedRun("staging", { config: { secrets: { cloudTrail: "existing" } } });
        assert.deepStrictEqual(ofType(capture, TRAIL), []);
        assert.ok(!capture.resources.some((r) => r.name.startsWith("audit-trail")), "nothing of the audit trail");
        // The rotation-failure rule still exists: it relies on the account's trail.
        assert.ok(capture.resources.some((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.name === "observability-rotation-failed"));
    });
});
