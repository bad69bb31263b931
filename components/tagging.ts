// Cost-allocation tags (Project, Environment, Tier, CostCenter) on every taggable resource, applied
// once by a stack transformation so no component can forget them and bills group by them. Done on
// the resource's own `tags` input (not only provider default tags) so previews, policies and the
// offline harness all see them.
import * as pulumi from "@pulumi/pulumi";

/** AWS resource types this program declares that accept `tags`. */
export const TAGGABLE_TYPES = new Set<string>([
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip", "aws:ec2/routeTable:RouteTable", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ec2/flowLog:FlowLog", "aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:rds/instance:Instance", "aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup",
    "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/subnetGroup:SubnetGroup", "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:ecs/cluster:Cluster", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition",
    "aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule",
    "aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile", "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret", "aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket", "aws:lambda/function:Function",
    "aws:sns/topic:Topic", "aws:ssm/parameter:Parameter", "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    "aws:servicediscovery/service:Service", "aws:dlm/lifecyclePolicy:LifecyclePolicy", "aws:appautoscaling/target:Target",
    "aws:cloudwatch/eventRule:EventRule",
]);

/** Registers the transformation; call once, before the first resource. */
export function applyCostTags(tags: Record<string, string>): void {
    pulumi.runtime.registerStackTransformation((args) => {
        if (!TAGGABLE_TYPES.has(args.type)) return undefined;
        const merged = pulumi.output(args.props.tags as pulumi.Input<Record<string, string>> | undefined)
            .apply((own) => ({ ...(own ?? {}), ...tags }));
        return { props: { ...args.props, tags: merged }, opts: args.opts };
    });
}
