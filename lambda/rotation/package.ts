// What the Pulumi program needs to deploy the application-secret rotation function (index.js):
// where its code is, how Lambda runs it, what it reads from the environment and what it may call.
// The folder ships as-is (`new pulumi.asset.FileArchive(rotationLambda.path)`): plain CommonJS, no
// build step, no node_modules (the Node.js 22 runtime provides both AWS SDK clients it uses).
//
// The function runs OUTSIDE the VPC: it calls only the public regional endpoints of Secrets Manager
// and the ElastiCache control plane, never the cache's nodes. A function with no VPC configuration
// reaches AWS services and the internet ("By default, Lambda runs your functions in a secure VPC with
// access to AWS services and the internet", Lambda guide, configuration-vpc), so it needs no subnets,
// security group, NAT path or ENI permissions (AWSLambdaVPCAccessExecutionRole): only its log group.

import { LambdaPackage, LambdaPolicyStatement, nodeLambdaPackage } from "../package-common";

/**
 * How Lambda runs the rotation function (the shared shape of lambda/package-common.ts).
 * `timeout` is 900 s: testSecret waits for the ElastiCache AUTH change (minutes) within this limit,
 * then fails so Secrets Manager retries; the maximum costs nothing extra, it only bounds the wait.
 * `memorySize` is 128 MB: only AWS API calls, the minimum is plenty.
 */
export type RotationLambdaPackage = LambdaPackage & {
    /**
     * `false`: deploy without `vpcConfig` (see the header). Inside a VPC the function would need a NAT
     * path or interface endpoints for both APIs and gain nothing.
     */
    runsInVpc: false;
};

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
    return { ...nodeLambdaPackage(__dirname, { timeout: 900, memorySize: 128 }), runsInVpc: false };
}

/** The same, as a value: `rotationLambda.path`, `rotationLambda.handler`. */
export const rotationLambda: RotationLambdaPackage = rotationLambdaPackage();

/** Environment variables index.js reads. */
export const ROTATION_ENV = {
    /** Replication group whose AUTH token is rotated; else `redis.replicationGroupId` from the secret. */
    replicationGroupId: "REPLICATION_GROUP_ID",
    /**
     * Secrets Manager endpoint URL (e.g. the region's FIPS endpoint); else the regional default. Not a
     * VPC interface endpoint: the function runs outside the VPC.
     */
    secretsManagerEndpoint: "SECRETS_MANAGER_ENDPOINT",
} as const;

/**
 * The function's environment variables, leaving out those not given. Generic so Pulumi inputs
 * (`Output<string>`) pass through unchanged.
 */
export function rotationLambdaEnvironment<T = string>(opts: { replicationGroupId?: T; secretsManagerEndpoint?: T }): Record<string, T> {
    const vars: Record<string, T> = {};
    if (opts.replicationGroupId !== undefined) vars[ROTATION_ENV.replicationGroupId] = opts.replicationGroupId;
    if (opts.secretsManagerEndpoint !== undefined) vars[ROTATION_ENV.secretsManagerEndpoint] = opts.secretsManagerEndpoint;
    return vars;
}

/** One IAM policy statement, assignable to `aws.iam.PolicyStatement` when `A` is a Pulumi input. */
export type RotationPolicyStatement<A = string> = LambdaPolicyStatement<A> & {
    Condition?: { StringEquals: Record<string, A | string> };
};

/** Secrets Manager actions on the application secret, in the order the steps use them. */
export const SECRET_ACTIONS = [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
] as const;

/** ElastiCache actions on the replication group. */
export const REPLICATION_GROUP_ACTIONS = ["elasticache:DescribeReplicationGroups", "elasticache:ModifyReplicationGroup"] as const;

/**
 * KMS actions Secrets Manager performs with the caller's permissions: GenerateDataKey for
 * PutSecretValue, Decrypt for GetSecretValue (Secrets Manager guide, "Secret encryption and
 * decryption", Permissions for the KMS key).
 */
export const KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

/** AWS region names, as `aws:region` holds them (us-east-1, eu-central-1, us-gov-west-1). */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * The `kms:ViaService` value for Secrets Manager in `region`: `secretsmanager.<Region>.amazonaws.com`
 * ("To allow the KMS key to be used only for requests that originate in Secrets Manager, you can use
 * the kms:ViaService condition key with the secretsmanager.<Region>.amazonaws.com value", Secrets
 * Manager guide, Permissions for the KMS key).
 */
export function secretsManagerViaService(region: string): string {
    if (!REGION.test(region)) throw new Error(`rotationPolicyStatements: region ${JSON.stringify(region)} is not an AWS region such as us-east-1`);
    return `secretsmanager.${region}.amazonaws.com`;
}

/**
 * Least-privilege statements for the rotation function's role (attach CloudWatch Logs permissions
 * for its own log group separately; no VPC/ENI permissions: the function runs outside the VPC).
 *
 * @param secretArn the application secret's ARN.
 * @param replicationGroupArn the replication group's ARN (`arn:aws:elasticache:<region>:<account>:replicationgroup:<id>`);
 *   leave it out in a stack without cache AUTH, and no ElastiCache permission is granted.
 * @param options.kmsKeyArn the customer-managed KMS key encrypting the secret, if any (the AWS-managed
 *   `aws/secretsmanager` key needs no statement: its key policy already allows use through Secrets
 *   Manager only).
 * @param options.region the stack's region (`aws:region`); required with `kmsKeyArn`. The key may then
 *   be used only through Secrets Manager in that region (`kms:ViaService`) and only for this secret
 *   (`kms:EncryptionContext:SecretARN`, the context Secrets Manager sends with every GenerateDataKey
 *   and Decrypt, as in the guide's "Policy statement for customer managed key" for rotation roles),
 *   so the role cannot decrypt anything else with the stack key.
 * @example
 * new aws.iam.RolePolicy(`${name}-rotation`, {
 *     role: role.id,
 *     policy: pulumi.jsonStringify({ Version: "2012-10-17",
 *         Statement: rotationPolicyStatements(secret.arn, cache.arn, { kmsKeyArn: key.arn, region }) }),
 * }, { parent: this });
 */
export function rotationPolicyStatements<A = string>(
    secretArn: A,
    replicationGroupArn?: A,
    options: { kmsKeyArn?: A; region?: string } = {},
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
        if (options.region === undefined) {
            // Refused rather than granted without the condition: an unconditioned kms:Decrypt on the
            // stack key decrypts RDS, cache and every other secret's data keys outside Secrets Manager.
            throw new Error("rotationPolicyStatements: options.region is required with options.kmsKeyArn (kms:ViaService condition)");
        }
        statements.push({
            Sid: "UseSecretKmsKey",
            Effect: "Allow",
            Action: [...KMS_ACTIONS],
            Resource: options.kmsKeyArn,
            Condition: {
                StringEquals: {
                    "kms:ViaService": secretsManagerViaService(options.region),
                    "kms:EncryptionContext:SecretARN": secretArn,
                },
            },
        });
    }
    return statements;
}
