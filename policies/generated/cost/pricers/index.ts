// GENERATED from cost/pricers/index.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// The pricing rule of each resource type the estimator prices, one module per AWS service.
// A type missing here is free (cost/estimate/free.ts) or lands in the estimate's `unpriced` list.

import { priceCompositeAlarm, priceDashboard, priceMetricAlarm } from "./cloudwatch";
import { priceCloudMapService, priceHostedZone } from "./dns";
import { priceDlmPolicy, priceEbsVolume } from "./ebs";
import { priceAsg, priceInstance } from "./ec2";
import { priceEcr } from "./ecr";
import { priceDistribution, priceWebAcl } from "./edge";
import { priceEcsCluster, priceEcsService } from "./ecs";
import { priceCacheCluster, priceReplicationGroup } from "./elasticache";
import { priceLoadBalancer } from "./elb";
import type { Pricer } from "./kit";
import { priceKmsKey } from "./kms";
import { priceLambda } from "./lambda";
import { priceLogGroup } from "./logs";
import { priceRdsInstance } from "./rds";
import { priceBucket } from "./s3";
import { priceSecret } from "./secrets";
import { priceSsmParameter } from "./ssm";
import { priceEip, priceNatGateway, priceVpcEndpoint } from "./vpc";

export type { Ctx, Pricer } from "./kit";
export { Unpriceable } from "./kit";

export const PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:ec2/instance:Instance": priceInstance,
    "aws:ec2/eip:Eip": priceEip,
    "aws:ec2/natGateway:NatGateway": priceNatGateway,
    "aws:lb/loadBalancer:LoadBalancer": priceLoadBalancer,
    "aws:alb/loadBalancer:LoadBalancer": priceLoadBalancer,
    "aws:ecs/service:Service": priceEcsService,
    "aws:ecs/cluster:Cluster": priceEcsCluster,
    "aws:rds/instance:Instance": priceRdsInstance,
    "aws:elasticache/replicationGroup:ReplicationGroup": priceReplicationGroup,
    "aws:elasticache/cluster:Cluster": priceCacheCluster,
    "aws:secretsmanager/secret:Secret": priceSecret,
    "aws:kms/key:Key": priceKmsKey,
    "aws:kms/replicaKey:ReplicaKey": priceKmsKey,
    "aws:cloudwatch/metricAlarm:MetricAlarm": priceMetricAlarm,
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": priceCompositeAlarm,
    "aws:cloudwatch/dashboard:Dashboard": priceDashboard,
    "aws:cloudwatch/logGroup:LogGroup": priceLogGroup,
    "aws:lambda/function:Function": priceLambda,
    "aws:ecr/repository:Repository": priceEcr,
    "aws:s3/bucket:Bucket": priceBucket,
    "aws:s3/bucketV2:BucketV2": priceBucket,
    "aws:ec2/vpcEndpoint:VpcEndpoint": priceVpcEndpoint,
    "aws:ebs/volume:Volume": priceEbsVolume,
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": priceDlmPolicy,
    "aws:route53/zone:Zone": priceHostedZone,
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": priceHostedZone,
    "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace": priceHostedZone,
    "aws:servicediscovery/service:Service": priceCloudMapService,
    "aws:ssm/parameter:Parameter": priceSsmParameter,
    "aws:autoscaling/group:Group": priceAsg,
    "aws:cloudfront/distribution:Distribution": priceDistribution,
    "aws:wafv2/webAcl:WebAcl": priceWebAcl,
};

/** Resource types the estimator prices (the rest are free or land in `unpriced`). */
export const PRICED_TYPES: readonly string[] = Object.freeze(Object.keys(PRICERS));
