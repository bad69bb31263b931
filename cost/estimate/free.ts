// Resources that cost nothing by themselves, with the reason. A type that is neither priced
// (cost/pricers) nor listed here lands in the estimate's `unpriced` list, never at $0.

import type { CapturedResource } from "../../harness/types";

const FREE_EXACT: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "a VPC has no charge",
    "aws:ec2/subnet:Subnet": "subnets have no charge",
    "aws:ec2/routeTable:RouteTable": "route tables have no charge",
    "aws:ec2/route:Route": "routes have no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "route table associations have no charge",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": "route table associations have no charge",
    "aws:ec2/defaultRouteTable:DefaultRouteTable": "route tables have no charge",
    "aws:ec2/internetGateway:InternetGateway": "an internet gateway has no charge (data transfer out is billed per GB, not estimated)",
    "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment": "an internet gateway has no charge",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "an egress-only internet gateway has no charge",
    "aws:ec2/securityGroup:SecurityGroup": "security groups have no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups have no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "security group rules have no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security group rules have no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security group rules have no charge",
    "aws:ec2/networkAcl:NetworkAcl": "network ACLs have no charge",
    "aws:ec2/networkAclRule:NetworkAclRule": "network ACLs have no charge",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "network ACLs have no charge",
    "aws:ec2/vpcDhcpOptions:VpcDhcpOptions": "DHCP options have no charge",
    "aws:ec2/vpcDhcpOptionsAssociation:VpcDhcpOptionsAssociation": "DHCP options have no charge",
    "aws:ec2/eipAssociation:EipAssociation": "the association has no charge (the Elastic IP is priced)",
    "aws:ec2/launchTemplate:LaunchTemplate": "a launch template has no charge (instances launched from it are priced)",
    "aws:ec2/keyPair:KeyPair": "key pairs have no charge",
    "aws:ec2/flowLog:FlowLog": "flow log delivery is billed as ingestion on the destination log group (priced there)",
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": "association has no charge",
    "aws:ec2/networkInterface:NetworkInterface": "an ENI has no charge (its public IPv4, if any, is priced as an Elastic IP)",
    "aws:ec2/volumeAttachment:VolumeAttachment": "the attachment has no charge (the volume is priced)",
    "aws:lb/targetGroup:TargetGroup": "target groups have no charge",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "target group attachments have no charge",
    "aws:lb/listener:Listener": "listeners are included in the load balancer's price",
    "aws:lb/listenerRule:ListenerRule": "listener rules are included in the load balancer's price (LCU rule evaluations are in the LCU assumption)",
    "aws:lb/listenerCertificate:ListenerCertificate": "listener certificates have no charge",
    "aws:rds/parameterGroup:ParameterGroup": "parameter groups have no charge",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "parameter groups have no charge",
    "aws:rds/subnetGroup:SubnetGroup": "subnet groups have no charge",
    "aws:rds/optionGroup:OptionGroup": "option groups have no charge",
    "aws:elasticache/parameterGroup:ParameterGroup": "parameter groups have no charge",
    "aws:elasticache/subnetGroup:SubnetGroup": "subnet groups have no charge",
    "aws:elasticache/user:User": "ElastiCache RBAC users have no charge",
    "aws:elasticache/userGroup:UserGroup": "ElastiCache RBAC user groups have no charge",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "capacity provider settings have no charge",
    "aws:ecs/taskDefinition:TaskDefinition": "a task definition has no charge (the services running it are priced)",
    "aws:appautoscaling/target:Target": "scaling targets have no charge (they set the task count priced on the service)",
    "aws:appautoscaling/policy:Policy": "scaling policies have no charge (their CloudWatch alarms are managed by AWS and free)",
    "aws:appautoscaling/scheduledAction:ScheduledAction": "scheduled actions have no charge",
    "aws:autoscaling/policy:Policy": "scaling policies have no charge",
    "aws:secretsmanager/secretVersion:SecretVersion": "secret versions are included in the secret's monthly price",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "resource policies have no charge",
    "aws:secretsmanager/secretRotation:SecretRotation": "rotation has no charge of its own (the rotation Lambda, when there is one, is priced as a Lambda)",
    "aws:kms/alias:Alias": "aliases have no charge",
    "aws:kms/keyPolicy:KeyPolicy": "key policies have no charge",
    "aws:kms/grant:Grant": "grants have no charge",
    "aws:cloudwatch/eventRule:EventRule": "EventBridge rules on the default bus have no charge (AWS service events are free)",
    "aws:cloudwatch/eventTarget:EventTarget": "EventBridge targets have no charge",
    "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": "subscription filters have no charge of their own",
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": "metric filters have no charge of their own (custom metrics they publish are not estimated)",
    "aws:sns/topic:Topic": "topics have no charge; publishes are billed per request, far below the 1M free per month for alarm notifications",
    "aws:sns/topicSubscription:TopicSubscription": "subscriptions have no charge (email deliveries beyond 1,000/month are billed, not estimated)",
    "aws:sns/topicPolicy:TopicPolicy": "topic policies have no charge",
    "aws:lambda/permission:Permission": "Lambda permissions have no charge",
    "aws:lambda/alias:Alias": "Lambda aliases have no charge",
    "aws:lambda/eventSourceMapping:EventSourceMapping": "event source mappings have no charge (invocations are priced on the function)",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "lifecycle policies have no charge",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "repository policies have no charge",
    "aws:s3/bucketPolicy:BucketPolicy": "bucket policies have no charge",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "bucket settings have no charge",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "bucket settings have no charge",
    "aws:s3/bucketVersioning:BucketVersioning": "bucket settings have no charge (old versions add to the storage assumption)",
    "aws:s3/bucketVersioningV2:BucketVersioningV2": "bucket settings have no charge (old versions add to the storage assumption)",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "bucket settings have no charge",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "bucket settings have no charge",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "bucket settings have no charge",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": "bucket settings have no charge",
    "aws:servicediscovery/httpNamespace:HttpNamespace": "an HTTP namespace has no charge (registered instances are priced on the Cloud Map service)",
    "aws:serverlessrepository/cloudFormationStack:CloudFormationStack":
        "the stack itself has no charge; the rotation Lambda it creates runs a few times a month, inside Lambda's free requests (not visible to this estimate)",
    "aws:route53/record:Record": "records have no charge (alias queries to AWS resources are free; others are billed per million, not estimated)",
    "aws:cloudtrail/trail:Trail":
        "the first copy of management events in a region is free (CloudTrail pricing); its log files are priced on the bucket. " +
        "An account that already has a trail pays $2 per 100,000 events for this second copy: set secrets.cloudTrail to existing",
    "aws:ssm/association:Association": "State Manager associations on EC2 instances have no charge (AWS Systems Manager pricing)",
    "aws:ssm/document:Document": "SSM documents have no charge; Run Command on EC2 nodes has no additional cost (Systems Manager user guide, Run Command)",
    "aws:lambda/invocation:Invocation": "one invocation at deploy time, inside Lambda's free requests (the function is priced)",
    "aws:acm/certificate:Certificate": "public ACM certificates have no charge",
    "aws:acm/certificateValidation:CertificateValidation": "validation has no charge",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration":
        "the logging configuration has no charge of its own; WAF logs are billed as ingestion and storage on the destination log group (priced there)",
};

const FREE_PREFIXES: [string, string][] = [
    ["aws:iam/", "IAM has no charge"],
    ["random:", "random values are generated by the provider, not AWS"],
    ["tls:", "generated locally by the provider, not AWS"],
    ["pulumi:providers:", "a provider is configuration, not a cloud resource"],
    ["pulumi:pulumi:Stack", "the stack is not a cloud resource"],
];

/** Why a resource of this type is free, or undefined when it is not known to be. */
export function freeReason(r: Pick<CapturedResource, "type" | "custom">): string | undefined {
    if (!r.custom && !r.type.startsWith("pulumi:providers:")) return "component resource: groups children, no cloud resource of its own";
    if (FREE_EXACT[r.type] !== undefined) return FREE_EXACT[r.type];
    return FREE_PREFIXES.find(([prefix]) => r.type.startsWith(prefix))?.[1];
}
