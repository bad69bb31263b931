/**
 * The staging tier's NAT: one Graviton instance in the first public subnet that forwards and
 * masquerades the private subnets' IPv4 traffic (AL2023 ships no NAT AMI; boot script and patch
 * schedule: ./nat-instance-software.ts).
 *
 * - Stateless router: a user-data change REPLACES it (`userDataReplaceOnChange`), since cloud-init
 *   runs user data once per instance and a stop/start would never apply it (review C3). Pulumi
 *   creates the replacement before deleting the old one ("by default, to minimize downtime, Pulumi
 *   creates new instances of resources before deleting old ones", deleteBeforeReplace docs); the
 *   private egress routes take `primaryNetworkInterfaceId` from this component, so they are updated
 *   in place (aws_route's `network_interface_id` is not ForceNew; its update is ReplaceRoute,
 *   terraform-provider-aws internal/service/ec2/vpc_route.go) to the new interface, then the old
 *   instance goes. Egress pauses while the new instance boots (its boot script installs a package);
 *   the new instance also has a new public IPv4 address.
 * - Access: Session Manager only (AmazonSSMManagedInstanceCore, the AWS-managed policy for Systems
 *   Manager core functionality: Session Manager, Run Command, State Manager, Patch Manager); no key
 *   pair and no port 22. The security group admits the private subnets only.
 * - Patching (review D): a State Manager association runs AWS-RunPatchBaseline (Install,
 *   RebootIfNeeded) weekly, only at its cron interval. Rules and forwarding are persisted, so a patch
 *   reboot brings the router back by itself. A replacement re-targets it in place (aws_ssm_association
 *   `targets` is not ForceNew; UpdateAssociation, internal/service/ssm/association.go). Patch Manager
 *   on AL2023 "retrieves the latest locked version of the patch update repository" (Systems Manager
 *   User Guide, "How security patches are selected", stated there for the AL2023 preview and AL2022).
 * - Hardware failures: EC2 simplified automatic recovery, on by default for supported types (T4g
 *   among them), moves the instance to a healthy host on a system status check failure keeping its
 *   instance ID, ENI and public IPv4 address (EC2 User Guide, "Simplified automatic recovery"):
 *   set explicitly, no CloudWatch recover alarm needed.
 *
 * Cost (defaults): t4g.nano $0.0042/h (~$3.07/month) + its public IPv4 $3.65/month + 8 GB gp3
 * (~$0.64/month). IAM, State Manager associations, Patch Manager and Session Manager on EC2
 * instances have no additional charge (AWS Systems Manager pricing; the advanced-instances tier is
 * for non-EC2 nodes only, "Configuring instance tiers").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { amazonLinux2023Ami } from "./ami";
import { NAT_PATCH_PARAMETERS, NAT_PATCH_SCHEDULE, renderNatBootScript, validatePatchSchedule } from "./nat-instance-software";

export interface NatInstanceArgs {
    vpcId: pulumi.Input<string>;
    /** The VPC's CIDR: forwarded and masqueraded by the boot script. */
    vpcCidr: string;
    /** The public subnet the router lives in. */
    subnetId: pulumi.Input<string>;
    /** CIDRs of the private subnets: the only sources the security group admits. */
    privateSubnetCidrs: string[];
    /** @default t4g.nano (config `network.natInstanceType`) */
    instanceType: string;
    /** Prefix for Name tags (`<project>-<stack>`). */
    namePrefix: string;
    /** The public subnet's internet route: the boot script installs a package from the internet. */
    internetRoute: pulumi.Resource[];
    /** Weekly patch window, a Systems Manager cron expression. @default NAT_PATCH_SCHEDULE (Sundays 05:00 UTC) */
    patchSchedule?: string;
}

export class NatInstance extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    /** What the private route tables' default routes target (follows a replacement). */
    readonly primaryNetworkInterfaceId: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;

    constructor(name: string, args: NatInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before anything registers: a bad window or CIDR creates nothing.
        const patchSchedule = validatePatchSchedule(args.patchSchedule ?? NAT_PATCH_SCHEDULE);
        const userData = renderNatBootScript({ vpcCidr: args.vpcCidr });
        super("platform:network:NatInstance", name, {}, opts);
        const parent = { parent: this };
        const tags = { Name: `${args.namePrefix}-nat` };

        const sg = new aws.ec2.SecurityGroup(
            name,
            {
                vpcId: args.vpcId,
                description: "NAT instance: forwards private subnets' traffic to the internet",
                tags,
            },
            parent,
        );
        args.privateSubnetCidrs.forEach(
            (cidr, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-from-private-${i + 1}`,
                    {
                        securityGroupId: sg.id,
                        description: `All traffic from private subnet ${i + 1}`,
                        ipProtocol: "-1",
                        cidrIpv4: cidr,
                    },
                    parent,
                ),
        );
        // Forwarded traffic, package installs and the SSM agent's HTTPS to Systems Manager.
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-to-internet`,
            {
                securityGroupId: sg.id,
                description: "Forwarded traffic to the internet",
                ipProtocol: "-1",
                cidrIpv4: "0.0.0.0/0",
            },
            parent,
        );

        const role = new aws.iam.Role(
            name,
            {
                description: `${args.namePrefix} NAT instance: Session Manager and Patch Manager`,
                assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
                    {
                        statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
                    },
                    parent,
                ).json,
                tags,
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
        const profile = new aws.iam.InstanceProfile(name, { role: role.name, tags }, parent);

        const instance = new aws.ec2.Instance(
            name,
            {
                ami: amazonLinux2023Ami(args.instanceType, parent),
                instanceType: args.instanceType,
                subnetId: args.subnetId,
                vpcSecurityGroupIds: [sg.id],
                associatePublicIpAddress: true,
                iamInstanceProfile: profile.name,
                // No keyName: Session Manager only, no SSH.
                // A router forwards packets that are not addressed to it.
                sourceDestCheck: false,
                // IMDSv2 only; nothing on the router needs a second hop.
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                rootBlockDevice: { volumeType: "gp3", volumeSize: 8, encrypted: true },
                // Unlimited credits would bill surplus CPU under sustained NAT load; standard throttles instead.
                creditSpecification: { cpuCredits: "standard" },
                // Simplified automatic recovery (the default, stated so it is not turned off by accident).
                maintenanceOptions: { autoRecovery: "default" },
                userData,
                // Stateless: a new boot script needs a new instance (cloud-init runs user data once).
                userDataReplaceOnChange: true,
                tags,
            },
            {
                parent: this,
                ignoreChanges: ["ami"], // a newer AMI must not replace the router mid-day; patching updates it
                // The boot script installs iptables-services from the internet; the SSM agent registers
                // with the role's permissions as soon as it starts.
                dependsOn: [...args.internetRoute, ssmCore],
            },
        );

        new aws.ssm.Association(
            `${name}-patching`,
            {
                associationName: `${args.namePrefix}-nat-patching`,
                name: "AWS-RunPatchBaseline",
                targets: [{ key: "InstanceIds", values: [instance.id] }],
                parameters: { ...NAT_PATCH_PARAMETERS },
                scheduleExpression: patchSchedule,
                // Only in the window: not when the association is created or re-targeted at a replacement
                // (a patch run with RebootIfNeeded then would reboot the router mid-deploy).
                applyOnlyAtCronInterval: true,
                complianceSeverity: "HIGH",
                // No tags: the stack's cost-tag transformation (components/tagging.ts) does not cover this
                // type, and a tagged resource without the cost-allocation tags fails that mandatory policy.
            },
            parent,
        );

        this.instanceId = instance.id;
        this.primaryNetworkInterfaceId = instance.primaryNetworkInterfaceId;
        this.securityGroupId = sg.id;
        this.roleName = role.name;
        this.registerOutputs({
            instanceId: this.instanceId,
            primaryNetworkInterfaceId: this.primaryNetworkInterfaceId,
            securityGroupId: this.securityGroupId,
        });
    }
}
