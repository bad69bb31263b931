// What the Pulumi program needs to deploy the application-secret rotation function (index.js):
// where its code is, how Lambda runs it, what it reads from the environment and what it may call.
// The folder ships as-is (`new pulumi.asset.FileArchive(rotationLambda.path)`): plain CommonJS, no
// build step, no node_modules (the Node.js 22 runtime provides both AWS SDK clients it uses).

import { LambdaPackage, LambdaPolicyStatement, nodeLambdaPackage } from "../package-common";

/**
 * How Lambda runs the rotation function (the shared shape of lambda/package-common.ts).
 * `timeout` is 900 s: testSecret waits for the ElastiCache AUTH change (minutes) within this limit,
 * then fails so Secrets Manager retries; the maximum costs nothing extra, it only bounds the wait.
 * `memorySize` is 128 MB: only AWS API calls, the minimum is plenty.
 */
export type RotationLambdaPackage = LambdaPackage;

/**
 * The rotation function's package description.
 * @example
 * const fn = rotationLambdaPackage();
 * new aws.lambda.Function(`${name}-rotation`, {
 *     code: new pulumi.asset.FileArchive(fn.path),
 *     handler: fn.handler, runtime: fn.runtime, architectures: fn.architectures,
 *     timeout: fn.timeout, memorySize: fn.memorySize, role: role.arn,
 *     environment: { variables: rotationLambdaEnvironment({ replicationGroupId: cache.id }) },
 * }, { parent: this });
 */
export function rotationLambdaPackage(): RotationLambdaPackage {
    return nodeLambdaPackage(__dirname, { timeout: 900, memorySize: 128 });
}

/** The same, as a value: `rotationLambda.path`, `rotationLambda.handler`. */
export const rotationLambda: RotationLambdaPackage = rotationLambdaPackage();

/** Environment variables index.js reads. */
export const ROTATION_ENV = {
    /** Replication group whose AUTH token is rotated; else `redis.replicationGroupId` from the secret. */
    replicationGroupId: "REPLICATION_GROUP_ID",
    /** Secrets Manager endpoint URL (e.g. a VPC interface endpoint); else the regional default. */
    secretsManagerEndpoint: "SECRETS_MANAGER_ENDPOINT",
} as const;

/**
 * The function's environment variables, leaving out those not given. Generic so Pulumi inputs
 * (`Output<string>`) pass through unchanged.
 */
export function rotationLambdaEnvironment<T = string>(opts: {
    replicationGroupId?: T;
    secretsManagerEndpoint?: T;
}): Record<string, T> {
    const vars: Record<string, T> = {};
    if (opts.replicationGroupId !== undefined) vars[ROTATION_ENV.replicationGroupId] = opts.replicationGroupId;
    if (opts.secretsManagerEndpoint !== undefined) vars[ROTATION_ENV.secretsManagerEndpoint] = opts.secretsManagerEndpoint;
    return vars;
}

/** One IAM policy statement, assignable to `aws.iam.PolicyStatement` when `A` is a Pulumi input. */
export type RotationPolicyStatement<A = string> = LambdaPolicyStatement<A>;

/** Secrets Manager actions on the application secret, in the order the steps use them. */
export const SECRET_ACTIONS = [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
] as const;

/** ElastiCache actions on the replication group. */
export const REPLICATION_GROUP_ACTIONS = [
    "elasticache:DescribeReplicationGroups",
    "elasticache:ModifyReplicationGroup",
] as const;

/**
 * Least-privilege statements for the rotation function's role (attach CloudWatch Logs permissions,
 * e.g. AWSLambdaBasicExecutionRole, separately).
 *
 * @param secretArn the application secret's ARN.
 * @param replicationGroupArn the replication group's ARN (`arn:aws:elasticache:<region>:<account>:replicationgroup:<id>`);
 *   leave it out in a stack without cache AUTH, and no ElastiCache permission is granted.
 * @param options.kmsKeyArn the customer-managed KMS key encrypting the secret, if any (the AWS-managed
 *   `aws/secretsmanager` key needs no statement).
 * @example
 * new aws.iam.RolePolicy(`${name}-rotation`, {
 *     role: role.id,
 *     policy: pulumi.jsonStringify({ Version: "2012-10-17",
 *         Statement: rotationPolicyStatements(secret.arn, cache.arn) }),
 * }, { parent: this });
 */
export function rotationPolicyStatements<A = string>(
    secretArn: A,
    replicationGroupArn?: A,
    options: { kmsKeyArn?: A } = {},
): RotationPolicyStatement<A>[] {
    const statements: RotationPolicyStatement<A>[] = [
        { Sid: "RotateAppSecret", Effect: "Allow", Action: [...SECRET_ACTIONS], Resource: secretArn },
        // GetRandomPassword acts on no resource, so IAM only accepts "*" for it.
        { Sid: "GenerateRandomPassword", Effect: "Allow", Action: ["secretsmanager:GetRandomPassword"], Resource: "*" },
    ];
    if (replicationGroupArn !== undefined) {
        statements.push({
            Sid: "RotateCacheAuthToken",
            Effect: "Allow",
            Action: [...REPLICATION_GROUP_ACTIONS],
            Resource: replicationGroupArn,
        });
    }
    if (options.kmsKeyArn !== undefined) {
        statements.push({
            Sid: "UseSecretKmsKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: options.kmsKeyArn,
        });
    }
    return statements;
}
