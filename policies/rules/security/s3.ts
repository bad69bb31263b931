// S3 control: every bucket blocks public access (S3.8).

import { StackValidationPolicy } from "@pulumi/policy";
import { safeGet } from "../common";
import { pairReferences } from "../links";
import { BUCKET_TYPES, T } from "../types";
import { control } from "./control";

const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * S3.8 as a stack policy: every bucket (`aws:s3/bucket:Bucket`, `aws:s3/bucketV2:BucketV2`) has a
 * BucketPublicAccessBlock (linked through `bucket`) and every such block sets all four flags.
 */
export function s3BlockPublicAccess(): StackValidationPolicy {
    return {
        name: "s3-block-public-access",
        description: control("S3.8", "Every S3 bucket has a public access block with all four flags true."),
        enforcementLevel: "mandatory",
        severity: "critical",
        tags: ["security", "FSBP"],
        validateStack: (args, report) => {
            const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
            const blocks = args.resources.filter((r) => r.type === T.bucketPublicAccessBlock);
            for (const b of blocks) {
                const off = PAB_FLAGS.filter((f) => safeGet(b.props, f) !== true);
                if (off.length > 0) {
                    report(`Public access block "${b.name}" does not set ${off.join(", ")} to true.`, b.urn);
                }
            }
            const { missing } = pairReferences(buckets, blocks, "bucket");
            for (const b of missing) {
                report(`Bucket "${b.name}" has no aws.s3.BucketPublicAccessBlock.`, b.urn);
            }
        },
    };
}
