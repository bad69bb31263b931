/**
 * The host's instance identity: an EC2 role with Session Manager and State Manager (the managed
 * AmazonSSMManagedInstanceCore policy), read access to exactly its SSM parameters, write access to
 * exactly its status parameter, pulls from its ECR repositories, and the instance profile. Resource
 * wiring for ./index.ts (children of the Host component, registered in this order).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface HostRoleArgs {
    /** `<project>-<stack>`: descriptions and Name tags. */
    namePrefix: string;
    /** The SSM parameters the apply script reads (the generated passwords and the application secret). */
    parameterArns: pulumi.Input<string>[];
    /** The parameter the host writes its status to. */
    statusParameterArn: pulumi.Input<string>;
    /** ECR repositories the host pulls from (none: no ECR statement at all). */
    ecrArns: pulumi.Input<string>[];
}

export interface HostRole {
    role: aws.iam.Role;
    /** The managed-policy attachment the SSM agent needs at first boot (the instance waits for it). */
    ssmCore: aws.iam.RolePolicyAttachment;
    /** The inline policy the apply association's run needs (it waits for it). */
    access: aws.iam.RolePolicy;
    profile: aws.iam.InstanceProfile;
}

/** The host's role, its two policies and its instance profile, named from the component's `name`. */
export function hostRole(name: string, args: HostRoleArgs, parent: { parent: pulumi.Resource }): HostRole {
    const { namePrefix, ecrArns } = args;
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            description: `${namePrefix} host: Session Manager, State Manager, its SSM parameters, ECR pulls`,
            assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
                {
                    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
                },
                parent,
            ).json,
            tags: { Name: `${namePrefix}-host` },
        },
        parent,
    );
    const ssmCore = new aws.iam.RolePolicyAttachment(
        `${name}-ssm-core`,
        {
            role: role.name,
            policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        },
        parent,
    );
    const statements: aws.types.input.iam.GetPolicyDocumentStatementArgs[] = [
        {
            sid: "ReadHostPasswords",
            // SecureString with the AWS-managed aws/ssm key: no kms:Decrypt grant needed.
            actions: ["ssm:GetParameter", "ssm:GetParameters"],
            resources: args.parameterArns,
        },
        { sid: "WriteHostStatus", actions: ["ssm:PutParameter"], resources: [args.statusParameterArn] },
    ];
    if (ecrArns.length > 0) {
        statements.push(
            { sid: "EcrLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
            { sid: "EcrPull", actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources: ecrArns },
        );
    }
    const access = new aws.iam.RolePolicy(
        `${name}-access`,
        {
            role: role.id,
            policy: aws.iam.getPolicyDocumentOutput({ statements }, parent).json,
        },
        parent,
    );
    const profile = new aws.iam.InstanceProfile(
        `${name}-profile`,
        {
            role: role.name,
            tags: { Name: `${namePrefix}-host` },
        },
        parent,
    );
    return { role, ssmCore, access, profile };
}
