// The task execution role's policy: pull from the service's repositories, write its log group,
// read exactly its secrets (and decrypt them with the stack key when there is one).

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string>>;
}

/**
 * The execution role's permissions: pull this service's image, write its log group, read exactly the
 * secrets it is given (and decrypt them with the stack's key when there is one). Only
 * `ecr:GetAuthorizationToken` has `*`: that action has no resource.
 */
export function executionRolePolicy(args: { repositoryArns: string[]; logGroupArn: string; secretArns: string[]; kmsKeyArn?: string; region: string }): {
    Version: string;
    Statement: PolicyStatement[];
} {
    const repositories = [...new Set(args.repositoryArns)];
    const secrets = args.secretArns.filter((arn) => arn.startsWith("arn:aws:secretsmanager:") || /^arn:aws[a-z-]*:secretsmanager:/.test(arn));
    const parameters = args.secretArns.filter((arn) => /^arn:aws[a-z-]*:ssm:/.test(arn));
    const statements: PolicyStatement[] = [
        { Sid: "EcrAuth", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
        // This stack's repository, and the repository of a configured ECR image (another repository
        // or account: a cross-account pull also needs that repository's policy to allow this role).
        {
            Sid: "PullImage",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: repositories.length === 1 ? repositories[0] : repositories,
        },
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${args.logGroupArn}:*` },
    ];
    if (parameters.length > 0) {
        // SecureString with the AWS-managed aws/ssm key: no kms statement needed (ECS "Pass sensitive data").
        statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: parameters });
    }
    if (secrets.length > 0) {
        statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secrets });
        if (args.kmsKeyArn) {
            statements.push({
                Sid: "DecryptSecrets",
                Effect: "Allow",
                Action: ["kms:Decrypt"],
                Resource: args.kmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
            });
        }
    }
    return { Version: "2012-10-17", Statement: statements };
}
