// Cost-allocation tags on every taggable AWS resource.
//
// "Taggable" = an `aws:` resource whose @pulumi/aws v7 Args have a `tags` input. The policy
// applies to (a) every type in TAGGABLE_TYPES, a list of the taggable types this program uses or is
// likely to use (checked against the installed SDK by tests/policies/tags.test.ts), whether or not
// the resource passes `tags` at all, so a forgotten `tags` is caught; and (b) any other `aws:`
// resource that has a `tags` (or `tagsAll`) input key. Types without a `tags` input (route table
// associations, secret rotations, public access blocks, ...) are never asked for tags.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { effectiveTags, isAwsType, parseUrn, REQUIRED_TAGS, safeGet } from "./common";
import { isTierIn, PACK_TIERS, tierNames, TierTable } from "./tiers";

export const TAGGABLE_TYPES: readonly string[] = [
    "aws:acm/certificate:Certificate",
    "aws:appautoscaling/target:Target",
    "aws:cloudfront/distribution:Distribution",
    "aws:cloudtrail/trail:Trail",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:ebs/volume:Volume",
    "aws:ec2/eip:Eip",
    "aws:ec2/instance:Instance",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/networkAcl:NetworkAcl",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:dlm/lifecyclePolicy:LifecyclePolicy",
    "aws:ec2/flowLog:FlowLog",
    "aws:ecr/repository:Repository",
    "aws:ecs/cluster:Cluster",
    "aws:ecs/service:Service",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:elasticache/cluster:Cluster",
    "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:iam/policy:Policy",
    "aws:iam/role:Role",
    "aws:kms/key:Key",
    "aws:lambda/function:Function",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/targetGroup:TargetGroup",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/instance:Instance",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:secretsmanager/secret:Secret",
    "aws:serverlessrepository/cloudFormationStack:CloudFormationStack",
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    "aws:servicediscovery/service:Service",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
    "aws:ssm/association:Association",
    "aws:ssm/document:Document",
    "aws:ssm/parameter:Parameter",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:wafv2/webAcl:WebAcl",
];

const taggable = new Set(TAGGABLE_TYPES);

/** Whether the tag policy asks `type` (with these inputs) for the four tags. */
export function requiresTags(type: string, props: any): boolean {
    if (!isAwsType(type)) {
        return false;
    }
    if (taggable.has(type)) {
        return true;
    }
    return safeGet(props, "tags") !== undefined || safeGet(props, "tagsAll") !== undefined;
}

export function costAllocationTags(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "cost-allocation-tags",
        description:
            "Every taggable AWS resource carries the cost-allocation tags Project, Environment (the stack name), " +
            "Tier (a tier of the tier table) and CostCenter.",
        enforcementLevel: "mandatory",
        severity: "medium",
        tags: ["cost"],
        validateResource: (args, report) => {
            if (!requiresTags(args.type, args.props)) {
                return;
            }
            const tags = effectiveTags(args.props, args.provider);
            const missing = REQUIRED_TAGS.filter((k) => (tags[k] ?? "").trim() === "");
            if (missing.length > 0) {
                report(`${args.type} "${args.name}" is missing tag(s) ${missing.join(", ")} (required: ${REQUIRED_TAGS.join(", ")}).`);
            }
            const tier = tags["Tier"];
            if (tier !== undefined && !isTierIn(tiers, tier)) {
                report(`Tag Tier is "${tier}"; allowed: ${tierNames(tiers).join(", ")}.`);
            }
            const stack = parseUrn(args.urn)?.stack;
            const env = tags["Environment"];
            if (stack !== undefined && env !== undefined && env !== stack) {
                report(`Tag Environment is "${env}" but the stack is "${stack}".`);
            }
        },
    };
}
