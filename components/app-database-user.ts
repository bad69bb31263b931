// The application's own PostgreSQL user (REVIEW-2026-12 B10): its secret, the bootstrap function that
// creates it during `pulumi up`, and AWS's alternating-users rotation of it.
//
// Services stop using the RDS-managed master secret: RDS rotates that one in place (old password dead at
// once) and the master is rds_superuser. They read `username`/`password` from this secret instead
// (valueFrom `<secretArn>:username::` / `:password::`), as AWS recommends ("managed rotation" docs:
// applications use their own least-privilege user, rotated with alternating users). Rotation alternates
// `<user>` and `<user>_clone`: the credentials a running task holds keep working for a whole rotation
// period after the secret moved on, so a redeploy after each rotation is not racing a dead password.
//
// Order, all in one `pulumi up`:
//   secret + first version (generated password) -> bootstrap function (schema/app-user.ts as the master,
//   TLS verified) -> Invocation (role and grants exist) -> rotation function (Serverless Application
//   Repository, pinned) -> SecretRotation with rotateImmediately false. That last step makes Secrets
//   Manager run testSecret on an AWSPENDING version holding the current value (RotateSecret API), which
//   logs in as the user: the user must exist before, hence dependsOn the Invocation.
//
// Cost: one more secret ($0.40/month), two Lambdas that run once per deploy (bootstrap) and once per
// rotation (free tier), their ENIs in the private subnets (free) and log groups (a few lines).
import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dbBootstrapEnvironment, dbBootstrapLambdaPackage, dbBootstrapPolicyStatements } from "../lambda/db-bootstrap/package";
import { APP_SCHEMA, APP_TABLES, SEQUENCE_PRIVILEGES, TABLE_PRIVILEGES, validateUsername } from "../schema/app-user";
import { GENERATED_SECRET_LENGTH } from "./app-secret-document";
import { LAMBDA_NAME_MAX, physicalName } from "./naming";
import { generatedSecret } from "./generated-secret";

/**
 * AWS's alternating-users rotation function for RDS PostgreSQL in the Serverless Application Repository,
 * at the version aws-cdk-lib pins for SecretRotationApplication.POSTGRES_ROTATION_MULTI_USER
 * (aws/aws-cdk, packages/aws-cdk-lib/aws-secretsmanager/lib/secret-rotation.ts, commit 0b89b3c).
 */
export const MULTI_USER_ROTATION_APP = {
    applicationId: "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationMultiUser",
    semanticVersion: "1.1.671",
    // The template creates an IAM role and the function's resource policy (the provider's
    // serverlessrepository.CloudFormationStack example for the single-user variant uses the same two).
    capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
    /** The stack output holding the function's ARN (CDK reads `Outputs.RotationLambdaARN`). */
    outputName: "RotationLambdaARN",
} as const;

/**
 * Characters the rotation function leaves out of new passwords: its own default (`:/@"'\`,
 * lambda_function.py get_random_password) plus those a libpq connection URL would need escaped.
 */
export const ROTATION_EXCLUDE_CHARACTERS = ":/@\"'\\?#%&[]{}<>|`^ ";

/** Changes to what ensureAppUser grants re-run the bootstrap (with the code hash). */
export const APP_USER_GRANT_SPEC = { schema: APP_SCHEMA, tables: APP_TABLES, tablePrivileges: TABLE_PRIVILEGES, sequencePrivileges: SEQUENCE_PRIVILEGES };

export interface AppDatabaseUserArgs {
    /** `<project>-<stack>`: physical names carry it. */
    namePrefix: string;
    /** The base database user. @default `<database.name>_app` (per database, never a reserved name) */
    username?: string;
    database: {
        /** Host name (the RDS endpoint address). */
        endpoint: pulumi.Input<string>;
        port: pulumi.Input<number>;
        name: string;
        /** The instance's ARN: the rotation function looks the host up with rds:DescribeDBInstances. */
        instanceArn: pulumi.Input<string>;
        /** The RDS-managed master secret (`masterUserSecrets[0].secretArn`). */
        masterSecretArn: pulumi.Input<string>;
        /** Its customer-managed key, if any. */
        masterSecretKmsKeyArn?: pulumi.Input<string>;
        /** The database's security group: gets 5432 ingress from the two functions. */
        securityGroupId: pulumi.Input<string>;
    };
    /** Where both functions run: private subnets with egress to Secrets Manager (NAT or endpoint). */
    network: { vpcId: pulumi.Input<string>; privateSubnetIds: pulumi.Input<string>[] };
    /** Customer-managed key for the app-user secret. @default the AWS-managed aws/secretsmanager key */
    kmsKeyArn?: pulumi.Input<string>;
    /** Days between rotations (Secrets Manager: 1-1000). */
    rotationDays: number;
    logRetentionDays: number;
    /** Days a deleted secret can be restored. @default 7 */
    recoveryWindowInDays?: number;
    /** Pulumi `protect` on the secret (production). */
    protect: boolean;
}

export class AppDatabaseUser extends pulumi.ComponentResource {
    /** The app-user secret; services read its `username` and `password` keys. */
    readonly secretArn: pulumi.Output<string>;
    /** Generated from `<namePrefix>/db-app-user-` (a prefix, so a re-created secret never collides). */
    readonly secretName: pulumi.Output<string>;
    /** The base user; after a rotation the secret may name `<username>_clone`. */
    readonly username: string;
    readonly bootstrapFunctionArn: pulumi.Output<string>;
    /** The bootstrap's JSON summary (no secrets). */
    readonly bootstrapResult: pulumi.Output<string>;
    readonly rotationFunctionArn: pulumi.Output<string>;
    /** What a service must wait for: the secret's first version and the user it names. */
    readonly ready: pulumi.Resource[];

    static validateArgs(args: AppDatabaseUserArgs): void {
        validateUsername(args.username ?? `${args.database.name}_app`);
        if (!Number.isInteger(args.rotationDays) || args.rotationDays < 1 || args.rotationDays > 1000) {
            throw new Error(`AppDatabaseUser: rotationDays ${args.rotationDays} must be an integer from 1 to 1000`);
        }
    }

    constructor(name: string, args: AppDatabaseUserArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:data:AppDatabaseUser", name, {}, opts);
        AppDatabaseUser.validateArgs(args);
        const parent = { parent: this };
        const username = args.username ?? `${args.database.name}_app`;
        this.username = username;
        const region = aws.getRegionOutput({}, parent).region;
        const dnsSuffix = aws.getPartitionOutput({}, parent).dnsSuffix;
        const secretsManagerService = pulumi.interpolate`secretsmanager.${region}.${dnsSuffix}`;

        const secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                namePrefix: `${args.namePrefix}/db-app-user-`,
                description: `PostgreSQL credentials of the application user ${username} of ${args.database.name} (alternating users, rotated every ${args.rotationDays} days)`,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: args.recoveryWindowInDays ?? 7,
            },
            { parent: this, protect: args.protect },
        );
        this.secretArn = secret.arn;
        this.secretName = secret.name;

        const initialPassword = generatedSecret(`${name}-initial-password`, GENERATED_SECRET_LENGTH, parent);
        const version = new aws.secretsmanager.SecretVersion(
            `${name}-version`,
            {
                secretId: secret.id,
                secretString: pulumi.secret(
                    pulumi.jsonStringify({
                        engine: "postgres",
                        host: args.database.endpoint,
                        port: args.database.port,
                        dbname: args.database.name,
                        username,
                        password: initialPassword.result,
                        masterarn: args.database.masterSecretArn,
                        // TLS only: without `ssl` the rotation function falls back to plain text when TLS fails
                        // (lambda_function.py get_ssl_config).
                        ssl: true,
                    }),
                ),
            },
            {
                parent: this,
                // Pulumi writes the first version only; the rotation function owns the value afterwards.
                ignoreChanges: ["secretString"],
            },
        );

        const bootstrap = this.bootstrap(name, args, username, secret, version, secretsManagerService);
        this.bootstrapFunctionArn = bootstrap.functionArn;
        this.bootstrapResult = bootstrap.invocation.result;
        this.ready = [version, bootstrap.invocation];

        const rotation = this.rotationFunction(name, args, secret, secretsManagerService);
        this.rotationFunctionArn = rotation.functionArn;

        new aws.secretsmanager.SecretRotation(
            `${name}-rotation`,
            {
                secretId: secret.id,
                rotationLambdaArn: rotation.functionArn,
                rotationRules: { automaticallyAfterDays: args.rotationDays },
                // Not during this deployment; the test run it triggers logs in as the user, which the
                // Invocation has created by then.
                rotateImmediately: false,
            },
            { parent: this, dependsOn: [bootstrap.invocation, rotation.permission, rotation.rolePolicy, ...rotation.networkRules] },
        );

        this.registerOutputs({
            secretArn: this.secretArn,
            secretName: this.secretName,
            bootstrapFunctionArn: this.bootstrapFunctionArn,
            rotationFunctionArn: this.rotationFunctionArn,
        });
    }

    /**
     * A security group for a function: 5432 to the database, 443 out (AWS APIs via NAT), nothing in.
     * `rules` are what a first call through it must wait for.
     */
    private functionSecurityGroup(name: string, args: AppDatabaseUserArgs, purpose: string): { group: aws.ec2.SecurityGroup; rules: pulumi.Resource[] } {
        const parent = { parent: this };
        const group = new aws.ec2.SecurityGroup(
            name,
            {
                vpcId: args.network.vpcId,
                description: `${purpose}: PostgreSQL to the database, HTTPS to AWS APIs, no inbound`,
                tags: { Name: `${args.namePrefix}-${name}` },
            },
            parent,
        );
        const postgres = new aws.vpc.SecurityGroupEgressRule(
            `${name}-postgres`,
            {
                securityGroupId: group.id,
                description: "PostgreSQL to the database",
                ipProtocol: "tcp",
                fromPort: 5432,
                toPort: 5432,
                referencedSecurityGroupId: args.database.securityGroupId,
            },
            parent,
        );
        const https = new aws.vpc.SecurityGroupEgressRule(
            `${name}-https`,
            {
                securityGroupId: group.id,
                description: "HTTPS to AWS APIs (Secrets Manager, RDS) through NAT",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
            },
            parent,
        );
        const toDatabase = new aws.vpc.SecurityGroupIngressRule(
            `${name}-to-database`,
            {
                securityGroupId: args.database.securityGroupId,
                description: `PostgreSQL from the ${purpose.toLowerCase()}`,
                ipProtocol: "tcp",
                fromPort: 5432,
                toPort: 5432,
                referencedSecurityGroupId: group.id,
            },
            parent,
        );
        return { group, rules: [group, postgres, https, toDatabase] };
    }

    private bootstrap(
        name: string,
        args: AppDatabaseUserArgs,
        username: string,
        secret: aws.secretsmanager.Secret,
        version: aws.secretsmanager.SecretVersion,
        secretsManagerService: pulumi.Output<string>,
    ) {
        const parent = { parent: this };
        const pkg = dbBootstrapLambdaPackage();
        const functionName = physicalName(args.namePrefix, "db-bootstrap", LAMBDA_NAME_MAX);

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-bootstrap`,
            {
                name: `/aws/lambda/${functionName}`,
                retentionInDays: args.logRetentionDays,
            },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-bootstrap`,
            {
                description: `Creates the database user ${username} of ${args.database.name} during deployments`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
                }),
            },
            parent,
        );
        // ENIs in the VPC; the managed policy also carries the basic log permissions.
        const vpcAccess = new aws.iam.RolePolicyAttachment(
            `${name}-bootstrap-vpc`,
            {
                role: role.name,
                policyArn: aws.iam.ManagedPolicy.AWSLambdaVPCAccessExecutionRole,
            },
            parent,
        );
        // One statement per distinct key (the stack's data key often encrypts both secrets).
        const kmsKeyArns = [...new Set([args.kmsKeyArn, args.database.masterSecretKmsKeyArn])].filter((k): k is pulumi.Input<string> => k !== undefined);
        const policy = new aws.iam.RolePolicy(
            `${name}-bootstrap`,
            {
                role: role.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        ...dbBootstrapPolicyStatements<pulumi.Input<string>>({
                            masterSecretArn: args.database.masterSecretArn,
                            appSecretArn: secret.arn,
                            kmsKeyArns,
                            secretsManagerService,
                        }),
                        {
                            Sid: "WriteOwnLogs",
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                            Resource: pulumi.interpolate`${logGroup.arn}:*`,
                        },
                    ],
                }),
            },
            parent,
        );
        const { group: securityGroup, rules } = this.functionSecurityGroup(`${name}-bootstrap`, args, "Database bootstrap function");

        const fn = new aws.lambda.Function(
            `${name}-bootstrap`,
            {
                name: functionName,
                description: `Creates and grants the PostgreSQL user ${username} (schema/app-user.ts) as the master`,
                code: new pulumi.asset.FileArchive(pkg.path),
                handler: pkg.handler,
                runtime: pkg.runtime,
                architectures: pkg.architectures,
                timeout: pkg.timeout,
                memorySize: pkg.memorySize,
                role: role.arn,
                vpcConfig: { subnetIds: args.network.privateSubnetIds, securityGroupIds: [securityGroup.id] },
                environment: {
                    variables: dbBootstrapEnvironment<pulumi.Input<string>>({
                        masterSecretArn: args.database.masterSecretArn,
                        appSecretArn: secret.arn,
                        username,
                        database: { host: args.database.endpoint, port: pulumi.output(args.database.port).apply(String), name: args.database.name },
                    }),
                },
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            },
            { parent: this, dependsOn: [logGroup, vpcAccess, policy] },
        );

        // Runs on create and whenever the code, what it grants or the instance changes (a replaced
        // instance has no app user and a new master secret: the function repairs the secret and
        // recreates the user); a failure fails the deploy before rotation is enabled. It waits for
        // its network path: the security group rules both ways.
        const specHash = createHash("sha256")
            .update(JSON.stringify({ username, database: args.database.name, ...APP_USER_GRANT_SPEC }))
            .digest("hex");
        const invocation = new aws.lambda.Invocation(
            `${name}-bootstrap`,
            {
                functionName: fn.name,
                input: JSON.stringify({ action: "ensure-app-user", username, database: args.database.name }),
                triggers: {
                    code: pkg.codeSha256,
                    spec: specHash,
                    instance: args.database.instanceArn,
                    masterSecret: args.database.masterSecretArn,
                    host: args.database.endpoint,
                },
            },
            { parent: this, dependsOn: [version, ...rules] },
        );
        return { functionArn: fn.arn, invocation, networkRules: rules };
    }

    private rotationFunction(name: string, args: AppDatabaseUserArgs, secret: aws.secretsmanager.Secret, secretsManagerService: pulumi.Output<string>) {
        const parent = { parent: this };
        const { group: securityGroup, rules } = this.functionSecurityGroup(`${name}-rotation`, args, "Alternating-users rotation function");
        const functionName = physicalName(args.namePrefix, "db-app-user-rotation", LAMBDA_NAME_MAX);
        // Created before the template's function writes to it, so its logs expire like the others'.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-rotation`,
            {
                name: `/aws/lambda/${functionName}`,
                retentionInDays: args.logRetentionDays,
            },
            parent,
        );
        const stack = new aws.serverlessrepository.CloudFormationStack(
            `${name}-rotation`,
            {
                name: physicalName(args.namePrefix, "db-app-user-rotation", 100),
                applicationId: MULTI_USER_ROTATION_APP.applicationId,
                semanticVersion: MULTI_USER_ROTATION_APP.semanticVersion,
                capabilities: [...MULTI_USER_ROTATION_APP.capabilities],
                // The template's parameters as aws-cdk-lib's SecretRotation passes them.
                parameters: {
                    endpoint: pulumi.interpolate`https://${secretsManagerService}`,
                    functionName,
                    vpcSubnetIds: pulumi.all(args.network.privateSubnetIds).apply((ids) => ids.join(",")),
                    vpcSecurityGroupIds: securityGroup.id,
                    masterSecretArn: args.database.masterSecretArn,
                    excludeCharacters: ROTATION_EXCLUDE_CHARACTERS,
                    ...(args.kmsKeyArn !== undefined ? { kmsKeyArn: args.kmsKeyArn } : {}),
                    ...(args.database.masterSecretKmsKeyArn !== undefined ? { masterSecretKmsKeyArn: args.database.masterSecretKmsKeyArn } : {}),
                },
            },
            { parent: this, dependsOn: [logGroup] },
        );
        const functionArn = stack.outputs.apply((o) => {
            const arn = o?.[MULTI_USER_ROTATION_APP.outputName];
            if (!arn && !pulumi.runtime.isDryRun()) throw new Error(`rotation stack has no ${MULTI_USER_ROTATION_APP.outputName} output`);
            return arn;
        });

        // With an RDS-managed master secret (only username and password in it) the function reads the
        // secret's aws:rds:primarydbinstancearn tag (DescribeSecret) and the host from DescribeDBInstances
        // (lambda_function.py get_secret_dict / fetch_instance_arn_from_system_tags /
        // get_connection_params_from_rds_api). Whether the template's role grants those two was not
        // confirmed, so they are added to it, scoped to this master secret and this instance.
        const roleName = aws.lambda.getFunctionOutput({ functionName: functionArn }, parent).role.apply((arn) => arn.split("/").pop()!);
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-rotation-rds-master`,
            {
                role: roleName,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "DescribeRdsManagedMasterSecret",
                            Effect: "Allow",
                            Action: ["secretsmanager:DescribeSecret"],
                            Resource: args.database.masterSecretArn,
                        },
                        { Sid: "DescribeDatabaseInstance", Effect: "Allow", Action: ["rds:DescribeDBInstances"], Resource: args.database.instanceArn },
                    ],
                }),
            },
            parent,
        );
        // Secrets Manager invokes it for this secret only (harmless next to a permission of the template's own).
        const permission = new aws.lambda.Permission(
            `${name}-rotation`,
            {
                action: "lambda:InvokeFunction",
                function: functionArn,
                principal: "secretsmanager.amazonaws.com",
                sourceArn: secret.arn,
            },
            parent,
        );
        return { functionArn, permission, rolePolicy, networkRules: rules };
    }
}
