// What the Pulumi program needs to deploy the redeploy-on-rotation function (index.js): where its
// code is, how Lambda runs it, the environment it reads, the event that triggers it and what it may
// call. The folder ships as-is (`new pulumi.asset.FileArchive(redeployLambda.path)`): plain
// CommonJS, no build step, no node_modules (the Node.js 22 runtime provides @aws-sdk/client-ecs).
import { LambdaPackage, LambdaPolicyStatement, nodeLambdaPackage } from "../package-common";

/**
 * How Lambda runs the redeploy function. `timeout` 60 s: one UpdateService call per service, in
 * parallel, each returning at once (ECS rolls the tasks afterwards). `memorySize` 128 MB.
 */
export type RedeployLambdaPackage = LambdaPackage;

export function redeployLambdaPackage(): RedeployLambdaPackage {
    return nodeLambdaPackage(__dirname, { timeout: 60, memorySize: 128 });
}

/** The same, as a value. */
export const redeployLambda: RedeployLambdaPackage = redeployLambdaPackage();

/** Environment variables index.js reads. */
export const REDEPLOY_ENV = {
    /** ECS cluster name or ARN. */
    cluster: "CLUSTER",
    /** Comma-separated ECS service names. */
    services: "SERVICES",
} as const;

/** The function's environment for a cluster and its services (names, in order). */
export function redeployLambdaEnvironment(cluster: string, services: string[]): Record<string, string> {
    if (services.length === 0) throw new Error("redeployLambdaEnvironment: no services");
    if (services.some((s) => s.trim() === "" || s.includes(","))) throw new Error("redeployLambdaEnvironment: service names must be non-empty and contain no comma");
    return { [REDEPLOY_ENV.cluster]: cluster, [REDEPLOY_ENV.services]: services.join(",") };
}

/**
 * The EventBridge pattern for a successful rotation of one of `secretArns`.
 *
 * Secrets Manager records rotation outcomes as CloudTrail service events (`eventType:
 * AwsServiceEvent`), which EventBridge delivers on the default bus with `detail-type: "AWS Service
 * Event via CloudTrail"` (not "AWS API Call via CloudTrail", which API calls such as RotateSecret
 * get). A `RotationSucceeded` entry names the secret by its full ARN in
 * `detail.additionalEventData.SecretId` (its requestParameters are null); `requestParameters.secretId`
 * is matched as well (`$or`, free) so an entry carrying the ARN there instead still matches.
 */
export function rotationSucceededPattern(secretArns: string[]): Record<string, unknown> {
    if (secretArns.length === 0) throw new Error("rotationSucceededPattern: no secret ARNs");
    const arns = [...new Set(secretArns)];
    return {
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        detail: {
            eventSource: ["secretsmanager.amazonaws.com"],
            eventName: ["RotationSucceeded"],
            $or: [
                { additionalEventData: { SecretId: arns } },
                { requestParameters: { secretId: arns } },
            ],
        },
    };
}

/**
 * The function's role: `ecs:UpdateService` on exactly these services (ARNs, never `*`). Attach the
 * CloudWatch Logs permissions for its log group separately.
 */
export function redeployPolicyStatements<A = string>(serviceArns: A[]): LambdaPolicyStatement<A[]>[] {
    if (serviceArns.length === 0) throw new Error("redeployPolicyStatements: no service ARNs");
    return [{ Sid: "ForceNewDeployment", Effect: "Allow", Action: ["ecs:UpdateService"], Resource: [...serviceArns] }];
}
