// A CloudTrail trail logging this region's management events, for one reason: EventBridge receives
// Secrets Manager's RotationSucceeded / RotationFailed only as "AWS Service Event via CloudTrail", and
// only while a trail with logging is enabled in the account and region ("To record events with one of
// the CloudTrail detail-type values, you must enable a CloudTrail trail with logging", EventBridge
// docs; AWS-FACTS). Without it, services never restart after a rotation and a failed rotation alarms
// nobody. `secrets.cloudTrail: existing` skips it when the account already has such a trail.
//
// Cost: the first copy of management events in a region is free of CloudTrail charges; the bucket's
// storage is S3 standard (a few MB a month), expired after `retentionDays`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logBucket } from "./log-bucket";

export interface AuditTrailArgs {
    namePrefix: string;
    /** Days the delivered log files are kept. */
    retentionDays: number;
    /** Keep the bucket's objects on destroy (no forceDestroy). */
    protectData: boolean;
}

export class AuditTrail extends pulumi.ComponentResource {
    readonly trailArn: pulumi.Output<string>;
    readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:observability:AuditTrail", name, {}, opts);
        const parent = { parent: this };
        const caller = aws.getCallerIdentityOutput({}, parent);
        const region = aws.getRegionOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);
        const trailName = `${args.namePrefix}-management-events`;

        const { bucket, configured } = logBucket(
            `${name}-logs`,
            {
                protectData: args.protectData,
                expireDays: args.retentionDays,
                ruleId: "expire-trail-logs",
                tags: { Name: `${args.namePrefix}-cloudtrail` },
            },
            this,
        );

        // The trail's own ARN, known before the trail exists (the policy must exist first).
        const trailArn = pulumi.interpolate`arn:${partition.partition}:cloudtrail:${region.region}:${caller.accountId}:trail/${trailName}`;
        const policy = new aws.s3.BucketPolicy(
            `${name}-logs`,
            {
                bucket: bucket.id,
                // CloudTrail's documented bucket policy ("Amazon S3 bucket policy for CloudTrail"), scoped to
                // this trail by aws:SourceArn, plus TLS only.
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "AWSCloudTrailAclCheck",
                            Effect: "Allow",
                            Principal: { Service: "cloudtrail.amazonaws.com" },
                            Action: "s3:GetBucketAcl",
                            Resource: bucket.arn,
                            Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                        },
                        {
                            Sid: "AWSCloudTrailWrite",
                            Effect: "Allow",
                            Principal: { Service: "cloudtrail.amazonaws.com" },
                            Action: "s3:PutObject",
                            Resource: pulumi.interpolate`${bucket.arn}/AWSLogs/${caller.accountId}/*`,
                            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
                        },
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                }),
            },
            { parent: this, dependsOn: [configured] },
        );

        const trail = new aws.cloudtrail.Trail(
            `${name}`,
            {
                name: trailName,
                s3BucketName: bucket.id,
                // This region only: the rotation events EventBridge needs are regional.
                isMultiRegionTrail: false,
                includeGlobalServiceEvents: false,
                enableLogFileValidation: true,
                enableLogging: true,
                eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }],
            },
            { parent: this, dependsOn: [policy] },
        );

        this.trailArn = trail.arn;
        this.bucketName = bucket.bucket;
        this.registerOutputs({ trailArn: this.trailArn });
    }
}
