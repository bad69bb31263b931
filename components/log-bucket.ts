// A private bucket that an AWS service delivers logs into (ALB access logs, CloudTrail): SSE-S3, all
// four public-access-block flags, BucketOwnerEnforced, and expiry after `expireDays`. The caller adds
// the bucket policy for its service, after `configured`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LogBucketArgs {
    /** Keep the objects when the stack is destroyed (no forceDestroy). */
    protectData: boolean;
    expireDays: number;
    /** Lifecycle rule id, e.g. `expire-access-logs`. */
    ruleId: string;
    tags: Record<string, string>;
}

/**
 * The bucket and its configuration, one change at a time: S3 answers concurrent configuration
 * changes of one bucket with OperationAborted ("A conflicting conditional operation is currently in
 * progress"). `configured` is the last of them: the bucket policy depends on it.
 */
export function logBucket(name: string, args: LogBucketArgs, parent: pulumi.Resource): { bucket: aws.s3.Bucket; configured: pulumi.Resource } {
    const bucket = new aws.s3.Bucket(
        name,
        {
            // Outside production a destroy may delete the logs with the bucket.
            forceDestroy: !args.protectData,
            tags: args.tags,
        },
        { parent },
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        name,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        { parent },
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        {
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
        },
        { parent, dependsOn: [publicAccess] },
    );
    const ownership = new aws.s3.BucketOwnershipControls(
        name,
        {
            bucket: bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        },
        { parent, dependsOn: [encryption] },
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
        name,
        {
            bucket: bucket.id,
            rules: [
                {
                    id: args.ruleId,
                    status: "Enabled",
                    filter: { prefix: "" },
                    expiration: { days: args.expireDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                },
            ],
        },
        { parent, dependsOn: [ownership] },
    );
    return { bucket, configured: lifecycle };
}
