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
import { appSecretDocument, GENERATED_SECRET_LENGTH, LAMBDA_NAME_MAX, physicalName } from "./data-plan";

export interface DataKeyArgs {
    /** `<project>-<stack>`; the alias is `alias/<namePrefix>-data`. */
    namePrefix: string;
    /** Pulumi `protect` (production): deleting the key makes every backup unreadable. */
    protect: boolean;
}

/**
 * The stack's customer-managed KMS key: RDS storage, Performance Insights, the RDS master secret,
 * the application secret and the cache at rest. Yearly rotation, 30-day deletion window, the
 * default key policy (the account's IAM policies decide who may use it).
 */
export class DataKey extends pulumi.ComponentResource {
    readonly keyArn: pulumi.Output<string>;
    readonly aliasName: string;

    constructor(name: string, args: DataKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:DataKey", name, {}, opts);
        const key = new aws.kms.Key(`${name}-key`, {
            description: `Data at rest of ${args.namePrefix}: RDS, Performance Insights, Secrets Manager, ElastiCache`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
        }, { parent: this, protect: args.protect });
        this.aliasName = `alias/${args.namePrefix}-data`;
        new aws.kms.Alias(`${name}-alias`, { name: this.aliasName, targetKeyId: key.keyId }, { parent: this });
        this.keyArn = key.arn;
        this.registerOutputs({ keyArn: this.keyArn });
    }
}

export interface AppSecretArgs {
    settings: SecretsSettings;
    /** `<project>-<stack>`; the secret is `<namePrefix>/app`. */
    namePrefix: string;
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
        masterSecretArn: pulumi.Input<string>;
    };
    cache?: {
        host: pulumi.Input<string>;
        port: pulumi.Input<number>;
        /** A Pulumi secret; absent when the cache has no AUTH. */
        authToken?: pulumi.Input<string>;
        replicationGroupId: pulumi.Input<string>;
        replicationGroupArn: pulumi.Input<string>;
    };
    /** Where the rotation function runs: private subnets, egress through NAT. */
    network: { vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<string>[] };
    /** Retention of the rotation function's log group. */
    logRetentionDays: number;
}

export class AppSecret extends pulumi.ComponentResource {
    readonly secretArn: pulumi.Output<string>;
    readonly secretName: string;
    readonly rotationFunctionArn: pulumi.Output<string>;

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
        this.secretName = `${namePrefix}/app`;

        const secret = new aws.secretsmanager.Secret(`${name}-secret`, {
            name: this.secretName,
            description: `Application secret of ${namePrefix}: database and cache endpoints, cache AUTH token, JWT secret (rotated every ${settings.rotationDays} days)`,
            kmsKeyId: kmsKeyArn,
            recoveryWindowInDays: args.recoveryWindowInDays,
        }, { parent: this, protect: args.protect });
        this.secretArn = secret.arn;

        const jwt = generatedSecret(`${name}-jwt`, GENERATED_SECRET_LENGTH, parent);

        const document = appSecretDocument<pulumi.Input<string>, pulumi.Input<number>>({
            database: args.database,
            redis: args.cache && {
                host: args.cache.host,
                port: args.cache.port,
                authToken: args.cache.authToken,
                replicationGroupId: args.cache.replicationGroupId,
            },
            jwtSecret: pulumi.secret(jwt.result),
        });
        const version = new aws.secretsmanager.SecretVersion(`${name}-version`, {
            secretId: secret.id,
            secretString: pulumi.secret(pulumi.jsonStringify(document)),
        }, {
            parent: this,
            // Pulumi writes the first version only. Afterwards the rotation Lambda owns the value
            // (new JWT secret and AUTH token as AWSCURRENT); without this the next `pulumi up` would
            // write the original values back, undoing the rotation and breaking the cache AUTH. The
            // price: a changed endpoint (e.g. a replaced database) is not copied in by Pulumi; update
            // the secret with `aws secretsmanager put-secret-value` (the Lambda keeps unknown keys).
            ignoreChanges: ["secretString"],
        });

        const fn = this.rotationFunction(name, args, secret, kmsKeyArn);
        this.rotationFunctionArn = fn.function.arn;

        // Enabling rotation rotates at once by default; the first rotation instead waits one interval,
        // so the deployment that creates the secret is not racing a rotation of it.
        new aws.secretsmanager.SecretRotation(`${name}-rotation`, {
            secretId: secret.id,
            rotationLambdaArn: fn.function.arn,
            rotationRules: { automaticallyAfterDays: settings.rotationDays },
            rotateImmediately: false,
        }, { parent: this, dependsOn: [fn.permission, version] });

        this.registerOutputs({ secretArn: this.secretArn, rotationFunctionArn: this.rotationFunctionArn });
    }

    /** The rotation Lambda from lambda/rotation, least privilege, in the private subnets. */
    private rotationFunction(name: string, args: AppSecretArgs, secret: aws.secretsmanager.Secret, kmsKeyArn?: pulumi.Input<string>) {
        const parent = { parent: this };
        const functionName = physicalName(args.namePrefix, "app-secret-rotation", LAMBDA_NAME_MAX);

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-rotation`, {
            name: `/aws/lambda/${functionName}`,
            retentionInDays: args.logRetentionDays,
        }, parent);

        const role = new aws.iam.Role(`${name}-rotation`, {
            description: `Rotation function of ${this.secretName}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
            }),
        }, parent);
        // ENI management for the VPC; this managed policy also carries the basic logs permissions.
        const vpcAccess = new aws.iam.RolePolicyAttachment(`${name}-rotation-vpc`, {
            role: role.name,
            policyArn: aws.iam.ManagedPolicy.AWSLambdaVPCAccessExecutionRole,
        }, parent);
        const statements = [
            ...rotationPolicyStatements<pulumi.Input<string>>(secret.arn, args.cache?.replicationGroupArn, kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroup.arn}:*` },
        ];
        const policy = new aws.iam.RolePolicy(`${name}-rotation`, {
            role: role.id,
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }),
        }, parent);

        // The function only calls AWS APIs (Secrets Manager, ElastiCache control plane) through NAT:
        // HTTPS out, nothing in.
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-rotation`, {
            vpcId: args.network.vpcId,
            description: "Secret rotation function: HTTPS to AWS APIs only, no inbound",
            tags: { Name: `${args.namePrefix}-secret-rotation` },
        }, parent);
        new aws.vpc.SecurityGroupEgressRule(`${name}-rotation-https`, {
            securityGroupId: securityGroup.id,
            description: "HTTPS to AWS APIs (Secrets Manager, ElastiCache) through NAT",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "0.0.0.0/0",
        }, parent);

        const fn = new aws.lambda.Function(`${name}-rotation`, {
            name: functionName,
            description: `Rotates the JWT secret and cache AUTH token in ${this.secretName}`,
            code: new pulumi.asset.FileArchive(rotationLambda.path),
            handler: rotationLambda.handler,
            runtime: rotationLambda.runtime,
            architectures: rotationLambda.architectures,
            // The package's 900 s, not 30: testSecret waits for the ElastiCache AUTH change to apply
            // (minutes) within this limit. The limit costs nothing; only the time actually run is billed.
            timeout: rotationLambda.timeout,
            memorySize: rotationLambda.memorySize,
            role: role.arn,
            vpcConfig: { subnetIds: args.network.subnetIds, securityGroupIds: [securityGroup.id] },
            environment: {
                variables: rotationLambdaEnvironment<pulumi.Input<string>>({ replicationGroupId: args.cache?.replicationGroupId }),
            },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        }, { parent: this, dependsOn: [logGroup, vpcAccess, policy] });

        const permission = new aws.lambda.Permission(`${name}-rotation`, {
            action: "lambda:InvokeFunction",
            function: fn.name,
            principal: "secretsmanager.amazonaws.com",
            sourceArn: secret.arn,
        }, parent);
        return { function: fn, permission };
    }
}
