// Generated from index.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write redeploy).
// Do not edit: tests/redeploy fail when it differs from what index.js declares.
/**
 * The part of the EventBridge event this function reads: Secrets Manager's `Secret Label Updated`
 * (`resources: [secret ARN]`, `detail.labelUpdated`), or a CloudTrail `AwsServiceEvent`
 * (`detail-type: "AWS Service Event via CloudTrail"`, `detail.eventName: "RotationSucceeded"`).
 */
export type RotationSucceededEvent = {
    /**
     * `aws.secretsmanager`
     */
    source?: string | undefined;
    "detail-type"?: string | undefined;
    resources?: string[] | undefined;
    detail?: {
        eventName?: string;
        eventSource?: string;
        labelUpdated?: string;
        name?: string;
        additionalEventData?: {
            SecretId?: string;
        } | null;
        requestParameters?: {
            secretId?: string;
        } | null;
    } | undefined;
};
/**
 * Dependencies, all optional; tests inject a mocked client and an environment.
 */
export type RedeployDeps = {
    ecs?: Pick<ECSClient, "send"> | undefined;
    /**
     * defaults to process.env
     */
    env?: Record<string, string | undefined> | undefined;
};
/**
 * What an invocation did: the services given a new deployment (none for an ignored event).
 */
export type RedeployResult = {
    cluster?: string;
    redeployed: string[];
};
export type RedeployHandler = (event: RotationSucceededEvent) => Promise<RedeployResult>;
/** Handler with the default client, created on first use. */
export const handler: RedeployHandler;
/**
 * @param {RedeployDeps} [deps]
 * @returns {RedeployHandler}
 */
export function makeHandler(deps?: RedeployDeps): RedeployHandler;
import type { ECSClient } from "@aws-sdk/client-ecs";
