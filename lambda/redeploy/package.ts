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
    if (services.some((s) => s.trim() === "" || s.includes(",")))
        throw new Error("redeployLambdaEnvironment: service names must be non-empty and contain no comma");
    return { [REDEPLOY_ENV.cluster]: cluster, [REDEPLOY_ENV.services]: services.join(",") };
}

/**
 * The EventBridge pattern for "the current value of one of `secretArns` changed": Secrets Manager's
 * native `Secret Label Updated` event with `labelUpdated: AWSCURRENT`, sent when a rotation finishes
 * (finishSecret moves AWSCURRENT) or a value is put by hand, and delivered without any CloudTrail
 * trail (Secrets Manager User Guide, "Secret event notifications"). It names the secret by its full
 * ARN in `resources`.
 */
export function currentVersionChangedPattern(secretArns: string[]): Record<string, unknown> {
    if (secretArns.length === 0) throw new Error("currentVersionChangedPattern: no secret ARNs");
    return {
        source: ["aws.secretsmanager"],
        "detail-type": ["Secret Label Updated"],
        resources: [...new Set(secretArns)],
        detail: { labelUpdated: ["AWSCURRENT"] },
    };
}

/**
 * The CloudTrail-delivered rotation outcome events (`RotationFailed`, ...) for `secretArns`: these
 * reach EventBridge as "AWS Service Event via CloudTrail" only while a trail logs management events
 * in the region. The entry names the secret by its full ARN in `detail.additionalEventData.SecretId`
 * (its requestParameters are null); `requestParameters.secretId` is matched as well (`$or`).
 */
/** The same pattern for other rotation outcomes (e.g. `RotationFailed` for the alarm). */
export function rotationEventPattern(eventNames: string[], secretArns: string[]): Record<string, unknown> {
    if (secretArns.length === 0) throw new Error("rotationEventPattern: no secret ARNs");
    const arns = [...new Set(secretArns)];
    return {
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail"],
        detail: {
            eventSource: ["secretsmanager.amazonaws.com"],
            eventName: eventNames,
            $or: [{ additionalEventData: { SecretId: arns } }, { requestParameters: { secretId: arns } }],
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
