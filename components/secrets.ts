// The stack's application secret (seed 003 §10.2.6) and its rotation, plus the stack's own KMS key
// for data at rest where the tier asks for one.
//
// Services receive secrets only by ARN (the app secret's and the RDS-managed master secret's), never
// as values in task definitions or outputs. The app secret holds connection details and the
// generated JWT secret and cache AUTH token; the rotation Lambda in lambda/rotation renews the
// last two every `rotationDays` (ElastiCache AUTH has no managed rotation: AWS-FACTS).
//
// Cost: Secrets Manager $0.40/secret-month; KMS key $1/month (production); the Lambda runs once a
// month for seconds (free tier) and its log group keeps a few lines.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { generatedSecret } from "./generated-secret";
import { SecretsSettings } from "../config/types";
import { rotationLambda, rotationLambdaEnvironment, rotationPolicyStatements } from "../lambda/rotation/package";
import { appSecretDocument, GENERATED_SECRET_LENGTH } from "./app-secret-document";
import { LAMBDA_NAME_MAX, physicalName } from "./naming";

export interface DataKeyArgs {
    /** `<project>-<stack>`; the alias is `alias/<namePrefix>-data`. */
    namePrefix: string;
    /** The stack's region: cryptographic use is allowed only through that region's services. */
    region: string;
    /** Pulumi `protect` (production): deleting the key makes every backup unreadable. */
    protect: boolean;
}

/** AWS services that use the stack key on a caller's behalf (kms:ViaService values). */
export const DATA_KEY_SERVICES = ["rds", "secretsmanager", "elasticache"] as const;

/**
 * The key policy: the account administers the key (so it can never become unmanageable), but
 * cryptographic use is allowed only through RDS, Secrets Manager and ElastiCache in this region and
 * account (kms:ViaService, kms:CallerAccount), and grants only for AWS resources
 * (kms:GrantIsForAWSResource). The default policy instead lets any principal whose IAM policy says
 * `kms:*` decrypt directly (AWS KMS "Default key policy"; "kms:ViaService" condition key examples).
 */
export function dataKeyPolicy(account: string, region: string, partition = "aws"): string {
    const root = `arn:${partition}:iam::${account}:root`;
    const viaServices = DATA_KEY_SERVICES.map((service) => `${service}.${region}.amazonaws.com`);
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersTheKey",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: [
                    // Not kms:Create*: it includes CreateGrant, with which a principal could grant
                    // itself Decrypt outside the services (grants are the third statement's only).
                    "kms:CreateAlias",
                    "kms:Describe*",
                    "kms:Enable*",
                    "kms:List*",
                    "kms:Put*",
                    "kms:Update*",
                    "kms:Revoke*",
                    "kms:Disable*",
                    "kms:Get*",
                    "kms:Delete*",
                    "kms:TagResource",
                    "kms:UntagResource",
                    "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion",
                    "kms:RotateKeyOnDemand",
                ],
                Resource: "*",
            },
            {
                Sid: "UseOnlyThroughTheStacksServices",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": account, "kms:ViaService": viaServices } },
            },
            {
                Sid: "GrantsOnlyForAwsResources",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": account, "kms:ViaService": viaServices }, Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
        ],
    });
}

/**
 * The stack's customer-managed KMS key: RDS storage, Performance Insights, the RDS master secret,
 * the application secrets and (with cache.customerManagedKey) the cache at rest. Yearly rotation,
 * 30-day deletion window, and a key policy that confines cryptographic use to those services.
 */
export class DataKey extends pulumi.ComponentResource {
    readonly keyArn: pulumi.Output<string>;
    readonly aliasName: string;

    constructor(name: string, args: DataKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:DataKey", name, {}, opts);
        const caller = aws.getCallerIdentityOutput({}, { parent: this });
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `Data at rest of ${args.namePrefix}: RDS, Performance Insights, Secrets Manager, ElastiCache`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: caller.accountId.apply((account) => dataKeyPolicy(account, args.region)),
            },
            { parent: this, protect: args.protect },
        );
        this.aliasName = `alias/${args.namePrefix}-data`;
        new aws.kms.Alias(`${name}-alias`, { name: this.aliasName, targetKeyId: key.keyId }, { parent: this });
        this.keyArn = key.arn;
        this.registerOutputs({ keyArn: this.keyArn });
    }
}

export interface AppSecretArgs {
    settings: SecretsSettings;
    /** `<project>-<stack>`; the secret is `<namePrefix>/app-<suffix>`. */
    namePrefix: string;
    region: string;
    /** The stack's KMS key; required when `settings.customerManagedKey`. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Days a deleted secret can be restored (30 in production, 7 otherwise). */
    recoveryWindowInDays: number;
    /** Pulumi `protect` on the secret (production). */
    protect: boolean;
    database?: {
        host: pulumi.Input<string>;
        port: pulumi.Input<number>;
        dbname: pulumi.Input<string>;
        /** The application database user's secret (credentials are never copied into this one). */
        userSecretArn: pulumi.Input<string>;
    };
    cache?: {
        host: pulumi.Input<string>;
        port: pulumi.Input<number>;
        /** A Pulumi secret; absent when the cache has no AUTH. */
        authToken?: pulumi.Input<string>;
        replicationGroupId: pulumi.Input<string>;
        replicationGroupArn: pulumi.Input<string>;
    };
    /** New Relic (seed 003's `newrelic` block); the license key is a Pulumi secret. */
    newrelic?: { licenseKey: pulumi.Input<string>; appName: string };
    /** `host:port` of each gRPC service (seed 003's `devices_grpc.url`). */
    grpcUrls?: Record<string, string>;
    /** Retention of the rotation function's log group. */
    logRetentionDays: number;
}

export class AppSecret extends pulumi.ComponentResource {
    readonly secretArn: pulumi.Output<string>;
    readonly secretName: pulumi.Output<string>;
    readonly rotationFunctionArn: pulumi.Output<string>;
    /** The first version: services must not start before it exists. */
    readonly firstVersion: aws.secretsmanager.SecretVersion;

    static validateArgs(args: AppSecretArgs): void {
        if (args.settings.customerManagedKey && args.kmsKeyArn === undefined) {
            throw new Error("AppSecret: settings.customerManagedKey is true but no kmsKeyArn was given");
        }
    }

    constructor(name: string, args: AppSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:AppSecret", name, {}, opts);
        AppSecret.validateArgs(args);
        const { settings, namePrefix } = args;
        const parent = { parent: this };
        const kmsKeyArn = settings.customerManagedKey ? args.kmsKeyArn : undefined;
        // A prefix, not a fixed name: a deleted secret keeps its name for its recovery window, and a
        // secret created again with that name in the meantime fails (Secrets Manager CreateSecret).
        const secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                namePrefix: `${namePrefix}/app-`,
                description: `Application secret of ${namePrefix}: database and cache endpoints, cache AUTH token, JWT secret (rotated every ${settings.rotationDays} days)`,
                kmsKeyId: kmsKeyArn,
                recoveryWindowInDays: args.recoveryWindowInDays,
            },
            { parent: this, protect: args.protect },
        );
        this.secretArn = secret.arn;
        this.secretName = secret.name;

        const jwt = generatedSecret(`${name}-jwt`, GENERATED_SECRET_LENGTH, parent);
        const jwtNext = generatedSecret(`${name}-jwt-next`, GENERATED_SECRET_LENGTH, parent);

        const document = appSecretDocument<pulumi.Input<string>, pulumi.Input<number>>({
            database: args.database,
            redis: args.cache && {
                host: args.cache.host,
                port: args.cache.port,
                authToken: args.cache.authToken,
                replicationGroupId: args.cache.replicationGroupId,
            },
            jwtSecret: pulumi.secret(jwt.result),
            jwtNextSecret: pulumi.secret(jwtNext.result),
            newrelic: args.newrelic && { licenseKey: pulumi.secret(args.newrelic.licenseKey), appName: args.newrelic.appName },
            grpcUrls: args.grpcUrls,
        });
        const version = new aws.secretsmanager.SecretVersion(
            `${name}-version`,
            {
                secretId: secret.id,
                secretString: pulumi.secret(pulumi.jsonStringify(document)),
            },
            {
                parent: this,
                // Pulumi writes the first version only. Afterwards the rotation Lambda owns the value
                // (new JWT secret and AUTH token as AWSCURRENT); without this the next `pulumi up` would
                // write the original values back, undoing the rotation and breaking the cache AUTH. The
                // price: a changed endpoint (e.g. a replaced database) is not copied in by Pulumi; update
                // the secret with `aws secretsmanager put-secret-value` (the Lambda keeps unknown keys).
                ignoreChanges: ["secretString"],
            },
        );
        this.firstVersion = version;

        const fn = this.rotationFunction(name, args, secret, kmsKeyArn);
        this.rotationFunctionArn = fn.function.arn;

        // Enabling rotation rotates at once by default; the first rotation instead waits one interval,
        // so the deployment that creates the secret is not racing a rotation of it.
        new aws.secretsmanager.SecretRotation(
            `${name}-rotation`,
            {
                secretId: secret.id,
                rotationLambdaArn: fn.function.arn,
                rotationRules: { automaticallyAfterDays: settings.rotationDays },
                rotateImmediately: false,
            },
            { parent: this, dependsOn: [fn.permission, version] },
        );

        this.registerOutputs({ secretArn: this.secretArn, rotationFunctionArn: this.rotationFunctionArn });
    }

    /**
     * The rotation Lambda from lambda/rotation, least privilege. It only calls AWS APIs (Secrets
     * Manager, the ElastiCache control plane), so it runs outside the VPC: no ENIs, no NAT in its path.
     */
    private rotationFunction(name: string, args: AppSecretArgs, secret: aws.secretsmanager.Secret, kmsKeyArn?: pulumi.Input<string>) {
        const parent = { parent: this };
        const functionName = physicalName(args.namePrefix, "app-secret-rotation", LAMBDA_NAME_MAX);

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-rotation`,
            {
                name: `/aws/lambda/${functionName}`,
                retentionInDays: args.logRetentionDays,
            },
            parent,
        );

        const role = new aws.iam.Role(
            `${name}-rotation`,
            {
                description: `Rotation function of the application secret of ${args.namePrefix}`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
                }),
            },
            parent,
        );
        const statements = [
            ...rotationPolicyStatements<pulumi.Input<string>>(
                secret.arn,
                args.cache?.replicationGroupArn,
                kmsKeyArn !== undefined ? { kmsKeyArn, region: args.region } : {},
            ),
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
        ];
        const policy = new aws.iam.RolePolicy(
            `${name}-rotation`,
            {
                role: role.id,
                policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
            },
            parent,
        );

        const fn = new aws.lambda.Function(
            `${name}-rotation`,
            {
                name: functionName,
                description: `Rotates the JWT secret and cache AUTH token in the application secret of ${args.namePrefix}`,
                code: new pulumi.asset.FileArchive(rotationLambda.path),
                handler: rotationLambda.handler,
                runtime: rotationLambda.runtime,
                architectures: rotationLambda.architectures,
                // The package's 900 s, not 30: testSecret waits for the ElastiCache AUTH change to apply
                // (minutes) within this limit. The limit costs nothing; only the time actually run is billed.
                timeout: rotationLambda.timeout,
                memorySize: rotationLambda.memorySize,
                role: role.arn,
                environment: {
                    variables: rotationLambdaEnvironment<pulumi.Input<string>>({ replicationGroupId: args.cache?.replicationGroupId }),
                },
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            },
            { parent: this, dependsOn: [logGroup, policy] },
        );

        const permission = new aws.lambda.Permission(
            `${name}-rotation`,
            {
                action: "lambda:InvokeFunction",
                function: fn.name,
                principal: "secretsmanager.amazonaws.com",
                sourceArn: secret.arn,
            },
            parent,
        );
        return { function: fn, permission };
    }
}
