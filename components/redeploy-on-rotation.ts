// Restarts the ECS services that read a secret when that secret has rotated.
//
// ECS resolves `secrets` (Secrets Manager `valueFrom` ARNs) only when a task starts, so after a
// rotation running tasks keep stale values (still valid for one rotation period: alternating users,
// ROTATE for the AUTH token, previous/next JWT secrets). An EventBridge rule on the default bus
// matches Secrets Manager's native `Secret Label Updated` event (AWSCURRENT moved) for the given
// secrets and invokes lambda/redeploy, which forces a new deployment of each service (rolling,
// circuit breaker on): the new tasks read the current values. No CloudTrail trail is needed for it.
//
// The function only calls the ECS API, so it runs outside the VPC. EventBridge invokes it
// asynchronously: a failed invocation (any UpdateService failing) is retried by Lambda (twice by
// default); the target's retry policy covers EventBridge failing to deliver to Lambda.
//
// Cost: none to speak of. The rule and target are free (AWS service events on the default bus);
// the function runs twice a month for well under a second (free tier); its log group keeps a few lines.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { currentVersionChangedPattern, redeployLambda, redeployLambdaEnvironment, redeployPolicyStatements } from "../lambda/redeploy/package";
import { EVENT_RULE_NAME_MAX, LAMBDA_NAME_MAX, physicalName } from "./naming";

export interface RedeployOnRotationArgs {
    /** `<project>-<stack>`. */
    namePrefix: string;
    /** For the description. */
    clusterName: pulumi.Input<string>;
    /** The function's CLUSTER (UpdateService accepts a name or an ARN; the ARN is unambiguous). */
    clusterArn: pulumi.Input<string>;
    /** The services to restart: ECS service names (for the function) and ARNs (for its role). */
    services: { name: pulumi.Input<string>; arn: pulumi.Input<string> }[];
    /** The secrets whose rotation restarts them. */
    secretArns: pulumi.Input<string>[];
    /** Retention of the function's log group. */
    logRetentionDays: number;
}

export class RedeployOnRotation extends pulumi.ComponentResource {
    readonly functionArn: pulumi.Output<string>;
    readonly ruleArn: pulumi.Output<string>;

    constructor(name: string, args: RedeployOnRotationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:compute:RedeployOnRotation", name, {}, opts);
        if (args.services.length === 0) throw new Error("RedeployOnRotation: no services");
        if (args.secretArns.length === 0) throw new Error("RedeployOnRotation: no secret ARNs");
        const parent = { parent: this };
        const functionName = physicalName(args.namePrefix, "redeploy-on-rotation", LAMBDA_NAME_MAX);

        // Created first with the function's name, so Lambda writes into it and the retention applies.
        const logGroup = new aws.cloudwatch.LogGroup(
            name,
            {
                name: `/aws/lambda/${functionName}`,
                retentionInDays: args.logRetentionDays,
            },
            parent,
        );

        const role = new aws.iam.Role(
            name,
            {
                description: `Forces new ECS deployments in ${args.namePrefix} after a secret rotation`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } }],
                }),
            },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            name,
            {
                role: role.id,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        ...redeployPolicyStatements<pulumi.Input<string>>(args.services.map((s) => s.arn)),
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

        const fn = new aws.lambda.Function(
            name,
            {
                name: functionName,
                description: pulumi.interpolate`Forces a new deployment of the ECS services in ${args.clusterName} when a secret they read rotates`,
                code: new pulumi.asset.FileArchive(redeployLambda.path),
                handler: redeployLambda.handler,
                runtime: redeployLambda.runtime,
                architectures: redeployLambda.architectures,
                timeout: redeployLambda.timeout,
                memorySize: redeployLambda.memorySize,
                role: role.arn,
                environment: {
                    variables: pulumi
                        .all([args.clusterArn, pulumi.all(args.services.map((s) => s.name))])
                        .apply(([cluster, services]) => redeployLambdaEnvironment(cluster, services)),
                },
                loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            },
            { parent: this, dependsOn: [logGroup, policy] },
        );

        const rule = new aws.cloudwatch.EventRule(
            name,
            {
                name: physicalName(args.namePrefix, "secret-rotated", EVENT_RULE_NAME_MAX),
                description: `Secrets of ${args.namePrefix} rotated: restart the ECS services that read them`,
                eventPattern: pulumi.all(args.secretArns).apply((arns) => JSON.stringify(currentVersionChangedPattern(arns))),
            },
            parent,
        );

        const permission = new aws.lambda.Permission(
            name,
            {
                action: "lambda:InvokeFunction",
                function: fn.name,
                principal: "events.amazonaws.com",
                sourceArn: rule.arn,
            },
            parent,
        );

        new aws.cloudwatch.EventTarget(
            name,
            {
                rule: rule.name,
                arn: fn.arn,
                // Delivery to Lambda: retry for up to an hour (function errors are retried by Lambda itself).
                retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 },
            },
            { parent: this, dependsOn: [permission] },
        );

        this.functionArn = fn.arn;
        this.ruleArn = rule.arn;
        this.registerOutputs({ functionArn: this.functionArn, ruleArn: this.ruleArn });
    }
}
