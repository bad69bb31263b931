// Monthly cost estimate of a mocked run (harness capture), priced from cost/price-catalogue.json.
// Pure functions, no Pulumi runtime and no fs: the PolicyPack's `monthly-budget` policy calls
// `estimate()` directly. Every resource ends up in exactly one of three lists: `lines` (priced, with
// the formula), `free` (no charge, with the reason) or `unpriced` (we do not know: never a silent $0).

import type { CapturedResource } from "../harness/types";
import type { Tier } from "../config/tiers";
import { Catalogue, catalogue as shippedCatalogue, catalogueAssumption, freeTierAllowance, price } from "./catalogue";

// ---------------------------------------------------------------------------------------------
// Public types

/** How many tasks an ECS service runs on average over the month. */
export type AverageTasks = "min" | "max" | "desired" | "midpoint" | number;

/** Usage the program cannot know; each figure that depends on one shows it next to the amount. */
export interface CostAssumptions {
    /** Average running tasks per ECS service: the scaling target's min (else desiredCount), max, desired, midpoint of min/max, or a number. */
    averageTasks: AverageTasks;
    /** Per-service override of `averageTasks`, by the service's logical name. */
    averageTasksByService: Record<string, number>;
    /** GB processed per month by all NAT gateways of the stack together (split evenly between them). */
    natDataGbPerMonth: number;
    /** Average LCUs per Application Load Balancer. */
    albLcuPerLoadBalancer: number;
    /** Average NLCUs per Network Load Balancer. */
    nlbNlcuPerLoadBalancer: number;
    /** Public IPv4 addresses of an internet-facing load balancer when its subnets are not known (one per AZ). */
    loadBalancerAzsWhenUnknown: number;
    /** GB of logs ingested per month by all log groups together (split evenly unless set per group). */
    logIngestGbPerMonth: number;
    /** Per-log-group override of the ingested GB, by the log group's logical name. */
    logIngestGbByGroup: Record<string, number>;
    /** Months of logs kept by a log group without retention (steady state would be unbounded). */
    logRetentionMonthsWhenUnlimited: number;
    /** Secrets Manager API calls per secret per month. */
    secretsApiCallsPerSecretPerMonth: number;
    /** Invocations per Lambda function per month. */
    lambdaInvocationsPerFunctionPerMonth: number;
    /** Average Lambda duration in milliseconds. */
    lambdaAvgDurationMs: number;
    /** Image storage per ECR repository, GB (compressed layers, shared between tags; a lifecycle policy keeps a few images). */
    ecrStorageGbPerRepository: number;
    /** Data stored per S3 bucket, GB (Standard class). */
    s3StorageGbPerBucket: number;
    /** GB processed per interface VPC endpoint per month. */
    vpcEndpointDataGbPerMonth: number;
    /** AZs of an interface VPC endpoint whose subnets are not known. */
    vpcEndpointAzsWhenUnknown: number;
    /** Snapshot storage kept by each DLM lifecycle policy, GB (incremental snapshots). */
    dlmSnapshotGbPerPolicy: number;
    /** RDS backup storage beyond the free amount (equal to the provisioned storage), GB per instance. */
    rdsBackupGbBeyondFree: number;
    /** Root volume size of an EC2 instance that does not set one (the AMI's size), GB. */
    ebsRootVolumeGbDefault: number;
    /** Registered Cloud Map instances per Cloud Map service. */
    cloudMapInstancesPerService: number;
    /** Fraction FARGATE_SPOT saves against on-demand Fargate (default from the catalogue's assumptions). */
    fargateSpotDiscount: number;
}

export interface EstimateOptions {
    /** Overrides of `DEFAULT_ASSUMPTIONS` (see `assumptionsForTier`). */
    assumptions?: Partial<CostAssumptions>;
    /** Apply the catalogue's free-tier allowances to `totalInsideFreeTier` (default false: an account without free tier). */
    freeTier?: boolean;
    /** Price catalogue; defaults to cost/price-catalogue.json. */
    catalogue?: Catalogue;
}

/** One priced quantity of a resource. */
export interface CostPart {
    /** What is charged, e.g. "instance hours", "gp3 storage". */
    label: string;
    /** Catalogue key of the rate; absent for a derived adjustment (Spot discount). */
    rateKey?: string;
    /** USD per `unit`. */
    rate: number;
    unit: string;
    quantity: number;
    monthly: number;
    /** Same part with the free-tier allowances applied (equals `monthly` when free tier is off). */
    monthlyInsideFreeTier: number;
    /** e.g. "730 h x 2 (Multi-AZ) x $0.065/hour". */
    formula: string;
    /** Usage assumption behind the quantity, e.g. "natDataGbPerMonth = 100 GB (stack) / 2 NAT gateways". */
    assumption?: string;
    /** Free-tier allowance this part draws on, and how much of it was used. */
    freeTier?: { allowance: string; quantityFree: number };
}

/** Monthly cost of one priced resource. */
export interface CostLine {
    type: string;
    name: string;
    urn: string;
    /** Top-level component the resource belongs to ("stack" when it has none). */
    component: string;
    monthly: number;
    monthlyInsideFreeTier: number;
    /** Human-readable formula of the whole line. */
    formula: string;
    /** Formula inputs: hours, count, size, Multi-AZ factor, architecture, rate keys... */
    inputs: Record<string, string | number | boolean>;
    rateKeys: string[];
    parts: CostPart[];
}

export interface ResourceNote {
    type: string;
    name: string;
    reason: string;
}

export interface CostEstimate {
    currency: "USD";
    catalogueDate: string;
    region: string;
    hoursPerMonth: number;
    lines: CostLine[];
    /** Monthly total per top-level component (after free tier). */
    byComponent: Record<string, number>;
    /** Monthly total per top-level component with the free-tier allowances applied. */
    byComponentInsideFreeTier: Record<string, number>;
    /** Monthly total of the stack (no free tier). */
    total: number;
    /** Total with the free-tier allowances applied; equals `total` when `freeTier` is off. */
    totalInsideFreeTier: number;
    /** Same as `total`. */
    totalAfterFreeTier: number;
    freeTierApplied: boolean;
    /** Resources the estimator cannot price (unknown type, unknown rate, missing link). Never counted as $0. */
    unpriced: ResourceNote[];
    /** Resources that cost nothing by themselves, with the reason. */
    free: ResourceNote[];
    assumptions: CostAssumptions;
}

// ---------------------------------------------------------------------------------------------
// Assumptions

/** Defaults used when `estimate()` is given no assumptions. */
export const DEFAULT_ASSUMPTIONS: Readonly<CostAssumptions> = Object.freeze({
    averageTasks: "min",
    averageTasksByService: {},
    natDataGbPerMonth: 100,
    albLcuPerLoadBalancer: 1,
    nlbNlcuPerLoadBalancer: 1,
    loadBalancerAzsWhenUnknown: 2,
    logIngestGbPerMonth: 5,
    logIngestGbByGroup: {},
    logRetentionMonthsWhenUnlimited: 12,
    secretsApiCallsPerSecretPerMonth: 10_000,
    lambdaInvocationsPerFunctionPerMonth: 100_000,
    lambdaAvgDurationMs: 200,
    ecrStorageGbPerRepository: 1,
    s3StorageGbPerBucket: 1,
    vpcEndpointDataGbPerMonth: 1,
    vpcEndpointAzsWhenUnknown: 2,
    dlmSnapshotGbPerPolicy: 10,
    rdsBackupGbBeyondFree: 0,
    ebsRootVolumeGbDefault: 8,
    cloudMapInstancesPerService: 1,
    fargateSpotDiscount: catalogueAssumption("fargate.spotDiscount", shippedCatalogue),
});

/** Stack-wide log ingestion per tier, GB/month (3-day retention outside production keeps storage small). */
export const LOG_INGEST_GB_BY_TIER: Readonly<Record<Tier, number>> = Object.freeze({
    "zero-cost": 1,
    staging: 5,
    production: 50,
});

/** NAT data processed per tier, GB/month (zero-cost has no NAT gateway). */
export const NAT_DATA_GB_BY_TIER: Readonly<Record<Tier, number>> = Object.freeze({
    "zero-cost": 0,
    staging: 100,
    production: 500,
});

/** Defaults for a tier: the usage figures that differ by tier, everything else from DEFAULT_ASSUMPTIONS. */
export function assumptionsForTier(tier: Tier, overrides: Partial<CostAssumptions> = {}): CostAssumptions {
    return {
        ...DEFAULT_ASSUMPTIONS,
        logIngestGbPerMonth: LOG_INGEST_GB_BY_TIER[tier],
        natDataGbPerMonth: NAT_DATA_GB_BY_TIER[tier],
        // The zero-cost host's repositories keep 2 images each (ECR lifecycle): ~125 MB per
        // compressed image, so two services stay inside ECR's free 500 MB.
        ...(tier === "zero-cost" ? { ecrStorageGbPerRepository: 0.25 } : {}),
        // This program's functions run on events (secret rotation), a handful of times a month.
        lambdaInvocationsPerFunctionPerMonth: 100,
        // Seed 003 §10.4 prices production at 4 api and 3 devices tasks on average: the seed's capacity.
        ...(tier === "production" ? { averageTasksByService: { "api-service": 4, "devices-service": 3 } } : {}),
        ...overrides,
    };
}

// ---------------------------------------------------------------------------------------------
// Free resources

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
    "aws:cloudtrail/trail:Trail": "the first copy of management events in a region is free (CloudTrail pricing); its log files are priced on the bucket. " +
        "An account that already has a trail pays $2 per 100,000 events for this second copy: set secrets.cloudTrail to existing",
    "aws:ssm/association:Association": "State Manager associations on EC2 instances have no charge (AWS Systems Manager pricing)",
    "aws:ssm/document:Document": "SSM documents have no charge; Run Command on EC2 nodes has no additional cost (Systems Manager user guide, Run Command)",
    "aws:lambda/invocation:Invocation": "one invocation at deploy time, inside Lambda's free requests (the function is priced)",
    "aws:acm/certificate:Certificate": "public ACM certificates have no charge",
    "aws:acm/certificateValidation:CertificateValidation": "validation has no charge",
};

const FREE_PREFIXES: [string, string][] = [
    ["aws:iam/", "IAM has no charge"],
    ["random:", "random values are generated by the provider, not AWS"],
    ["tls:", "generated locally by the provider, not AWS"],
    ["pulumi:providers:", "a provider is configuration, not a cloud resource"],
    ["pulumi:pulumi:Stack", "the stack is not a cloud resource"],
];

// ---------------------------------------------------------------------------------------------
// Helpers

const FREE_TIER_EC2_INSTANCE_POOL = "ec2.microInstanceHours";

class Unpriceable extends Error {}

function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

function usd(n: number): string {
    // Rates can be tiny (Lambda GB-s): show enough digits to be recomputable.
    if (n !== 0 && Math.abs(n) < 0.01) return `$${Number(n.toPrecision(6))}`;
    return `$${Number(n.toFixed(5))}`;
}

function qty(n: number): string {
    return Number.isInteger(n) ? n.toLocaleString("en-US") : Number(n.toFixed(4)).toString();
}

/** "$1,234.56" (two decimals, thousands separators, "-$3.10" for negatives). */
export function formatMoney(amount: number, currency: "USD" = "USD"): string {
    void currency;
    const rounded = Math.round(Math.abs(amount) * 100) / 100;
    const text = rounded.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return `${amount < 0 && rounded !== 0 ? "-" : ""}$${text}`;
}

/** Parses the type token out of a URN: urn:pulumi:stack::project::parent$type::name. */
function urnType(urn: string): string | undefined {
    const parts = urn.split("::");
    if (parts.length < 4) return undefined;
    const chain = parts[2].split("$");
    return chain[chain.length - 1];
}

function urnName(urn: string): string {
    const parts = urn.split("::");
    return parts[parts.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Estimation context: one per estimate() call.

interface Ctx {
    cat: Catalogue;
    hours: number;
    a: CostAssumptions;
    all: CapturedResource[];
    byType: Map<string, CapturedResource[]>;
    notes: ResourceNote[]; // extra unpriced notes from priced resources (PI long-term retention...)
    natGateways: number;
    logGroups: CapturedResource[];
}

interface PartSpec {
    label: string;
    rateKey?: string;
    rate?: number; // for rate-less adjustments
    unit?: string;
    quantity: number;
    /** How the quantity was obtained, e.g. "730 h x 2 tasks". */
    quantityText: string;
    assumption?: string;
    freeTierPool?: string;
}

function part(ctx: Ctx, spec: PartSpec): CostPart {
    const rate = spec.rateKey !== undefined ? price(spec.rateKey, ctx.cat) : (spec.rate ?? 0);
    const unit = spec.rateKey !== undefined ? ctx.cat.prices[spec.rateKey].unit : (spec.unit ?? "");
    const monthly = spec.quantity * rate;
    const p: CostPart = {
        label: spec.label,
        rate,
        unit,
        quantity: spec.quantity,
        monthly,
        monthlyInsideFreeTier: monthly,
        formula: `${spec.label}: ${spec.quantityText} x ${usd(rate)}/${unit}${spec.rateKey ? ` [${spec.rateKey}]` : ""} = ${usd(monthly)}`,
    };
    if (spec.rateKey !== undefined) p.rateKey = spec.rateKey;
    if (spec.assumption !== undefined) p.assumption = spec.assumption;
    if (spec.freeTierPool !== undefined) {
        freeTierAllowance(spec.freeTierPool, ctx.cat); // unknown pool name throws
        p.freeTier = { allowance: spec.freeTierPool, quantityFree: 0 };
    }
    return p;
}

interface Priced {
    parts: CostPart[];
    inputs: Record<string, string | number | boolean>;
}

type Pricer = (r: CapturedResource, ctx: Ctx) => Priced | { free: string };

// ---------------------------------------------------------------------------------------------
// Pricers, one per resource type

function ebsParts(ctx: Ctx, label: string, sizeGb: number, volumeType: string, iops: number | undefined, throughput: number | undefined, sizeText: string): CostPart[] {
    const parts: CostPart[] = [
        part(ctx, {
            label: `${label} ${volumeType} storage`,
            rateKey: `ebs.${volumeType}.gbMonth`,
            quantity: sizeGb,
            quantityText: `${qty(sizeGb)} GB${sizeText}`,
            freeTierPool: ["gp2", "gp3", "standard"].includes(volumeType) ? "ebs.storageGb" : undefined,
        }),
    ];
    if (volumeType === "gp3" && iops !== undefined && iops > 3000) {
        parts.push(part(ctx, { label: `${label} gp3 IOPS above 3,000`, rateKey: "ebs.gp3.iopsMonth", quantity: iops - 3000, quantityText: `(${qty(iops)} - 3,000) IOPS` }));
    }
    if (volumeType === "gp3" && throughput !== undefined && throughput > 125) {
        parts.push(part(ctx, { label: `${label} gp3 throughput above 125 MiB/s`, rateKey: "ebs.gp3.throughputMibpsMonth", quantity: throughput - 125, quantityText: `(${qty(throughput)} - 125) MiB/s` }));
    }
    return parts;
}

const priceInstance: Pricer = (r, ctx) => {
    const type = r.inputs.instanceType;
    if (typeof type !== "string") throw new Unpriceable("instanceType is not set (or not known offline)");
    const parts: CostPart[] = [
        part(ctx, {
            label: "instance hours",
            rateKey: `ec2.instance.${type}`,
            quantity: ctx.hours,
            quantityText: `${ctx.hours} h`,
            freeTierPool: freeTierAllowance(FREE_TIER_EC2_INSTANCE_POOL, ctx.cat).appliesTo?.includes(type) ? FREE_TIER_EC2_INSTANCE_POOL : undefined,
        }),
    ];
    const root = r.inputs.rootBlockDevice ?? {};
    const rootSize = num(root.volumeSize);
    const rootType = typeof root.volumeType === "string" ? root.volumeType : "gp3";
    parts.push(
        ...ebsParts(ctx, "root volume", rootSize ?? ctx.a.ebsRootVolumeGbDefault, rootType, num(root.iops), num(root.throughput),
            rootSize === undefined ? ` (ebsRootVolumeGbDefault; volume type ${root.volumeType ?? "assumed gp3"})` : ""),
    );
    for (const [i, d] of ((r.inputs.ebsBlockDevices ?? []) as any[]).entries()) {
        const size = num(d.volumeSize);
        if (size === undefined) throw new Unpriceable(`ebsBlockDevices[${i}].volumeSize is not set`);
        parts.push(...ebsParts(ctx, `data volume ${d.deviceName ?? i + 1}`, size, d.volumeType ?? "gp3", num(d.iops), num(d.throughput), ""));
    }
    if (r.inputs.associatePublicIpAddress === true) {
        // An Elastic IP associated with an instance replaces its auto-assigned address: count one, not two.
        const eipsOnInstances = (ctx.byType.get("aws:ec2/eip:Eip") ?? []).filter((e) => typeof e.inputs.instance === "string" && e.inputs.instance !== "");
        const instances = ctx.byType.get("aws:ec2/instance:Instance") ?? [];
        const eipOnInstance = eipsOnInstances.some((e) => refersTo(e.inputs.instance, r)) || (instances.length === 1 && eipsOnInstances.length > 0);
        if (!eipOnInstance) {
            parts.push(part(ctx, { label: "public IPv4 address", rateKey: "vpc.publicIpv4.hour", quantity: ctx.hours, quantityText: `${ctx.hours} h`, freeTierPool: "vpc.publicIpv4Hours" }));
        }
    }
    return { parts, inputs: { instanceType: type, hours: ctx.hours, rootVolumeGb: rootSize ?? ctx.a.ebsRootVolumeGbDefault, rootVolumeType: rootType } };
};

/** Whether an input value (an id, ARN or name as the mocks resolved it) designates resource `target`. */
function refersTo(value: unknown, target: CapturedResource): boolean {
    if (typeof value !== "string" || value === "") return false;
    if (value === target.urn || value === target.name) return true;
    const physical = [target.inputs.name, target.inputs.family].filter((x): x is string => typeof x === "string" && x !== "");
    if (physical.includes(value)) return true;
    // Mocked ids/ARNs are usually derived from the logical name: "<name>_id", "arn:...:task-definition/<family>:1".
    return [target.name, ...physical].some((n) => new RegExp(`(^|[/:])${escapeRe(n)}([_:-]id|:\\d+|_arn|-arn)?$`).test(value) || value === `${n}_id`);
}

function escapeRe(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const priceEip: Pricer = (r, ctx) => {
    // The EC2 free tier covers public IPv4 on instances, not on NAT gateways or load balancers.
    const onInstance = typeof r.inputs.instance === "string" && r.inputs.instance !== "";
    return {
        parts: [
            part(ctx, {
                label: "public IPv4 address",
                rateKey: "vpc.publicIpv4.hour",
                quantity: ctx.hours,
                quantityText: `${ctx.hours} h`,
                freeTierPool: onInstance ? "vpc.publicIpv4Hours" : undefined,
            }),
        ],
        inputs: { hours: ctx.hours, attachedToInstance: onInstance },
    };
};

const priceNatGateway: Pricer = (r, ctx) => {
    const gb = ctx.natGateways > 0 ? ctx.a.natDataGbPerMonth / ctx.natGateways : 0;
    return {
        parts: [
            part(ctx, { label: "NAT gateway hours", rateKey: "vpc.natGateway.hour", quantity: ctx.hours, quantityText: `${ctx.hours} h` }),
            part(ctx, {
                label: "NAT data processed",
                rateKey: "vpc.natGateway.gb",
                quantity: gb,
                quantityText: `${qty(gb)} GB`,
                assumption: `natDataGbPerMonth = ${ctx.a.natDataGbPerMonth} GB (stack) / ${ctx.natGateways} NAT gateway(s)`,
            }),
        ],
        inputs: { hours: ctx.hours, dataGb: gb, connectivityType: r.inputs.connectivityType ?? "public" },
    };
};

const priceLoadBalancer: Pricer = (r, ctx) => {
    const lbType = r.inputs.loadBalancerType ?? "application";
    if (lbType !== "application" && lbType !== "network") throw new Unpriceable(`loadBalancerType "${lbType}" is not in the catalogue`);
    const isAlb = lbType === "application";
    const units = isAlb ? ctx.a.albLcuPerLoadBalancer : ctx.a.nlbNlcuPerLoadBalancer;
    const parts = [
        part(ctx, { label: `${isAlb ? "ALB" : "NLB"} hours`, rateKey: `elb.${lbType}.hour`, quantity: ctx.hours, quantityText: `${ctx.hours} h` }),
        part(ctx, {
            label: isAlb ? "LCU hours" : "NLCU hours",
            rateKey: isAlb ? "elb.application.lcuHour" : "elb.network.nlcuHour",
            quantity: units * ctx.hours,
            quantityText: `${qty(units)} x ${ctx.hours} h`,
            assumption: isAlb ? `albLcuPerLoadBalancer = ${units}` : `nlbNlcuPerLoadBalancer = ${units}`,
        }),
    ];
    const internal = r.inputs.internal === true;
    let azs = 0;
    if (!internal) {
        // Internet-facing load balancers hold one public IPv4 address per AZ, billed since 2024-02-01.
        const subnets = Array.isArray(r.inputs.subnets) ? r.inputs.subnets.length : Array.isArray(r.inputs.subnetMappings) ? r.inputs.subnetMappings.length : 0;
        azs = subnets > 0 ? subnets : ctx.a.loadBalancerAzsWhenUnknown;
        parts.push(
            part(ctx, {
                label: "public IPv4 addresses",
                rateKey: "vpc.publicIpv4.hour",
                quantity: azs * ctx.hours,
                quantityText: `${azs} AZ x ${ctx.hours} h`,
                assumption: subnets > 0 ? undefined : `loadBalancerAzsWhenUnknown = ${azs}`,
            }),
        );
    }
    return { parts, inputs: { loadBalancerType: lbType, hours: ctx.hours, capacityUnits: units, internal, publicIpv4: azs } };
};

function parseCpuUnits(v: unknown): number | undefined {
    if (typeof v === "string" && /vcpu/i.test(v)) {
        const n = num(v.replace(/vcpu/i, "").trim());
        return n === undefined ? undefined : n * 1024;
    }
    return num(v);
}

function parseMemoryMib(v: unknown): number | undefined {
    if (typeof v === "string" && /gb/i.test(v)) {
        const n = num(v.replace(/gb/i, "").trim());
        return n === undefined ? undefined : n * 1024;
    }
    return num(v);
}

function findTaskDefinition(service: CapturedResource, ctx: Ctx): CapturedResource | undefined {
    const tds = ctx.byType.get("aws:ecs/taskDefinition:TaskDefinition") ?? [];
    const ref = service.inputs.taskDefinition;
    const byRef = tds.filter((td) => refersTo(ref, td));
    if (byRef.length === 1) return byRef[0];
    if (typeof ref === "string" && byRef.length === 0) {
        // "arn:aws:ecs:...:task-definition/<family>:<revision>" or "<family>:<revision>"
        const family = ref.replace(/^.*task-definition\//, "").replace(/:\d+$/, "");
        const byFamily = tds.filter((td) => td.inputs.family === family || td.name === family);
        if (byFamily.length === 1) return byFamily[0];
    }
    // By name: "api" / "api-service" / "api-svc" against "api" / "api-task" / "api-taskdef" / "api-td".
    const stem = (n: string) => n.replace(/[-_]?(service|svc|task|taskdef|task-definition|td)$/i, "");
    const byName = tds.filter((td) => stem(td.name) === stem(service.name));
    if (byName.length === 1) return byName[0];
    const sameParent = tds.filter((td) => td.parent !== undefined && td.parent === service.parent);
    if (sameParent.length === 1) return sameParent[0];
    return undefined;
}

function findScalingTarget(service: CapturedResource, ctx: Ctx): CapturedResource | undefined {
    const targets = (ctx.byType.get("aws:appautoscaling/target:Target") ?? []).filter(
        (t) => t.inputs.serviceNamespace === undefined || t.inputs.serviceNamespace === "ecs",
    );
    const names = [service.inputs.name, service.name].filter((x): x is string => typeof x === "string" && x !== "");
    const byId = targets.filter((t) => typeof t.inputs.resourceId === "string" && names.some((n) => t.inputs.resourceId.endsWith(`/${n}`)));
    if (byId.length === 1) return byId[0];
    const services = ctx.byType.get("aws:ecs/service:Service") ?? [];
    const sameParent = targets.filter((t) => t.parent !== undefined && t.parent === service.parent);
    const servicesInParent = services.filter((s) => s.parent !== undefined && s.parent === service.parent);
    if (sameParent.length === 1 && servicesInParent.length === 1) return sameParent[0];
    return undefined;
}

/** Share of tasks on FARGATE_SPOT under the service's capacity provider strategy. */
function spotShare(strategies: any[], tasks: number): number {
    if (!Array.isArray(strategies) || strategies.length === 0 || tasks <= 0) return 0;
    let remaining = tasks;
    const onProvider = new Map<string, number>();
    for (const s of strategies) {
        const base = Math.min(num(s.base) ?? 0, remaining);
        if (base > 0) {
            onProvider.set(s.capacityProvider, (onProvider.get(s.capacityProvider) ?? 0) + base);
            remaining -= base;
        }
    }
    const totalWeight = strategies.reduce((sum, s) => sum + (num(s.weight) ?? 0), 0);
    if (remaining > 0 && totalWeight > 0) {
        for (const s of strategies) {
            const w = num(s.weight) ?? 0;
            onProvider.set(s.capacityProvider, (onProvider.get(s.capacityProvider) ?? 0) + (remaining * w) / totalWeight);
        }
    }
    return (onProvider.get("FARGATE_SPOT") ?? 0) / tasks;
}

const priceEcsService: Pricer = (r, ctx) => {
    const strategies: any[] = Array.isArray(r.inputs.capacityProviderStrategies) ? r.inputs.capacityProviderStrategies : [];
    const providers = strategies.map((s) => s.capacityProvider);
    if (r.inputs.launchType === "EC2" || r.inputs.launchType === "EXTERNAL" || providers.some((p) => p !== "FARGATE" && p !== "FARGATE_SPOT")) {
        return { free: "tasks run on EC2/external capacity, which is priced through its instances" };
    }
    const td = findTaskDefinition(r, ctx);
    if (!td) throw new Unpriceable("cannot find the service's task definition (by taskDefinition reference, name or component)");
    const cpuUnits = parseCpuUnits(td.inputs.cpu);
    const memMib = parseMemoryMib(td.inputs.memory);
    if (cpuUnits === undefined || memMib === undefined) throw new Unpriceable(`task definition ${td.name} has no task-level cpu/memory`);
    const archRaw = String(td.inputs.runtimePlatform?.cpuArchitecture ?? "X86_64").toUpperCase();
    const arch = archRaw === "ARM64" ? "arm64" : "x86_64";
    const os = String(td.inputs.runtimePlatform?.operatingSystemFamily ?? "LINUX").toUpperCase();
    if (os !== "LINUX") throw new Unpriceable(`operating system ${os} is not in the catalogue (Linux only)`);

    const target = findScalingTarget(r, ctx);
    const desired = num(r.inputs.desiredCount);
    const min = num(target?.inputs.minCapacity);
    const max = num(target?.inputs.maxCapacity);
    const mode = ctx.a.averageTasksByService[r.name] ?? ctx.a.averageTasks;
    let tasks: number;
    let how: string;
    if (typeof mode === "number") {
        tasks = mode;
        how = ctx.a.averageTasksByService[r.name] !== undefined ? `averageTasksByService["${r.name}"] = ${mode}` : `averageTasks = ${mode}`;
    } else if (mode === "max" && max !== undefined) {
        tasks = max;
        how = `averageTasks = "max": scaling maxCapacity ${max}`;
    } else if (mode === "midpoint" && min !== undefined && max !== undefined) {
        tasks = (min + max) / 2;
        how = `averageTasks = "midpoint": (minCapacity ${min} + maxCapacity ${max}) / 2`;
    } else if (mode === "desired" && desired !== undefined) {
        tasks = desired;
        how = `averageTasks = "desired": desiredCount ${desired}`;
    } else if (min !== undefined) {
        tasks = min;
        how = `averageTasks = "${mode}": scaling minCapacity ${min}${max !== undefined ? ` (max ${max})` : ""}`;
    } else if (desired !== undefined) {
        tasks = desired;
        how = `averageTasks = "${mode}": desiredCount ${desired} (no scaling target found)`;
    } else {
        tasks = 0;
        how = `averageTasks = "${mode}": no scaling target and desiredCount unset (provider default 0)`;
    }

    const vcpu = cpuUnits / 1024;
    const gb = memMib / 1024;
    const taskHours = tasks * ctx.hours;
    const parts = [
        part(ctx, { label: `Fargate ${arch} vCPU`, rateKey: `fargate.${arch}.vcpuHour`, quantity: taskHours * vcpu, quantityText: `${qty(tasks)} task(s) x ${ctx.hours} h x ${qty(vcpu)} vCPU`, assumption: how }),
        part(ctx, { label: `Fargate ${arch} memory`, rateKey: `fargate.${arch}.gbHour`, quantity: taskHours * gb, quantityText: `${qty(tasks)} task(s) x ${ctx.hours} h x ${qty(gb)} GB`, assumption: how }),
    ];
    const spot = spotShare(strategies, tasks);
    if (spot > 0) {
        const onDemand = parts[0].monthly + parts[1].monthly;
        const discount = ctx.a.fargateSpotDiscount;
        parts.push(
            part(ctx, {
                label: "FARGATE_SPOT discount",
                rate: -onDemand * discount,
                unit: "month",
                quantity: spot,
                quantityText: `${qty(spot)} of tasks on Spot`,
                assumption: `fargateSpotDiscount = ${discount} (assumption, not a list price)`,
            }),
        );
    }
    return {
        parts,
        inputs: { taskDefinition: td.name, architecture: arch, vcpu, memoryGb: gb, averageTasks: tasks, hours: ctx.hours, spotShare: spot, ...(min !== undefined ? { minCapacity: min } : {}), ...(max !== undefined ? { maxCapacity: max } : {}) },
    };
};

const priceRdsInstance: Pricer = (r, ctx) => {
    const cls = r.inputs.instanceClass;
    if (typeof cls !== "string") throw new Unpriceable("instanceClass is not set");
    const engine = String(r.inputs.engine ?? "postgres");
    if (engine !== "postgres") throw new Unpriceable(`engine "${engine}" is not in the catalogue (PostgreSQL only)`);
    const multiAz = r.inputs.multiAz === true;
    const az = multiAz ? "multiAz" : "singleAz";
    const azText = multiAz ? "Multi-AZ" : "Single-AZ";
    const storage = num(r.inputs.allocatedStorage);
    if (storage === undefined) throw new Unpriceable("allocatedStorage is not set");
    const storageType = String(r.inputs.storageType ?? (r.inputs.iops !== undefined ? "io1" : "gp2"));
    const microPool = freeTierAllowance("rds.microInstanceHours", ctx.cat).appliesTo?.includes(cls) && !multiAz ? "rds.microInstanceHours" : undefined;
    const parts: CostPart[] = [
        part(ctx, { label: `instance hours (${azText})`, rateKey: `rds.postgres.${az}.${cls}`, quantity: ctx.hours, quantityText: `${ctx.hours} h`, freeTierPool: microPool }),
        part(ctx, {
            label: `${storageType} storage (${azText})`,
            rateKey: `rds.storage.${storageType}.${az}.gbMonth`,
            quantity: storage,
            quantityText: `${qty(storage)} GB`,
            freeTierPool: multiAz ? undefined : "rds.storageGb",
        }),
    ];
    if (storageType === "gp3") {
        const large = storage >= 400;
        const baseIops = large ? 12_000 : 3_000;
        const baseThroughput = large ? 500 : 125;
        const iops = num(r.inputs.iops);
        const thr = num(r.inputs.storageThroughput);
        if (iops !== undefined && iops > baseIops) {
            parts.push(part(ctx, { label: `gp3 IOPS above the ${qty(baseIops)} baseline`, rateKey: `rds.storage.gp3.${az}.iopsMonth`, quantity: iops - baseIops, quantityText: `(${qty(iops)} - ${qty(baseIops)}) IOPS` }));
        }
        if (thr !== undefined && thr > baseThroughput) {
            parts.push(part(ctx, { label: `gp3 throughput above the ${baseThroughput} MiB/s baseline`, rateKey: `rds.storage.gp3.${az}.throughputMibpsMonth`, quantity: thr - baseThroughput, quantityText: `(${qty(thr)} - ${baseThroughput}) MiB/s` }));
        }
    }
    const retention = num(r.inputs.backupRetentionPeriod) ?? 1; // RDS API default: 1 day
    if (retention > 0) {
        parts.push(
            part(ctx, {
                label: "backup storage beyond the free amount",
                rateKey: "rds.backup.gbMonth",
                quantity: ctx.a.rdsBackupGbBeyondFree,
                quantityText: `${qty(ctx.a.rdsBackupGbBeyondFree)} GB`,
                assumption: `rdsBackupGbBeyondFree = ${ctx.a.rdsBackupGbBeyondFree} (backups up to ${qty(storage)} GB, the provisioned storage, are free; retention ${retention} days)`,
                freeTierPool: "rds.backupGb",
            }),
        );
    }
    if (r.inputs.manageMasterUserPassword === true) {
        parts.push(
            part(ctx, {
                label: "RDS-managed master user secret",
                rateKey: "secretsmanager.secret.month",
                quantity: 1,
                quantityText: "1 secret",
                assumption: "the secret RDS creates in Secrets Manager is billed at Secrets Manager rates",
            }),
        );
    }
    const piRetention = num(r.inputs.performanceInsightsRetentionPeriod) ?? 7;
    if (r.inputs.performanceInsightsEnabled === true) {
        if (piRetention <= 7) {
            parts.push(part(ctx, { label: "Performance Insights, 7-day retention", rateKey: "rds.performanceInsights.freeRetention.month", quantity: 1, quantityText: "1 instance" }));
        } else {
            ctx.notes.push({ type: r.type, name: r.name, reason: `Performance Insights retention of ${piRetention} days is billed per vCPU and is not in the catalogue (the instance itself is priced)` });
        }
    }
    return {
        parts,
        inputs: { instanceClass: cls, multiAz, multiAzFactor: multiAz ? 2 : 1, hours: ctx.hours, allocatedStorageGb: storage, storageType, backupRetentionDays: retention },
    };
};

function cacheNodes(inputs: Record<string, any>): { nodes: number; text: string } {
    const clusters = num(inputs.numCacheClusters);
    if (clusters !== undefined) return { nodes: clusters, text: `numCacheClusters ${clusters}` };
    const groups = num(inputs.numNodeGroups);
    const replicas = num(inputs.replicasPerNodeGroup) ?? 0;
    if (groups !== undefined) return { nodes: groups * (1 + replicas), text: `${groups} shard(s) x (1 primary + ${replicas} replica(s))` };
    return { nodes: 1, text: "1 node (numCacheClusters and numNodeGroups unset)" };
}

function priceCacheNodes(r: CapturedResource, ctx: Ctx, nodes: number, nodesText: string): Priced {
    const engine = String(r.inputs.engine ?? "redis").toLowerCase();
    if (engine !== "redis" && engine !== "valkey") throw new Unpriceable(`engine "${engine}" is not in the catalogue (redis, valkey)`);
    const nodeType = r.inputs.nodeType;
    if (typeof nodeType !== "string") throw new Unpriceable("nodeType is not set");
    const pool = freeTierAllowance("elasticache.microNodeHours", ctx.cat).appliesTo?.includes(nodeType) ? "elasticache.microNodeHours" : undefined;
    return {
        parts: [part(ctx, { label: `${engine} node hours`, rateKey: `elasticache.${engine}.${nodeType}`, quantity: nodes * ctx.hours, quantityText: `${nodesText} x ${ctx.hours} h`, freeTierPool: pool })],
        inputs: { engine, nodeType, nodes, hours: ctx.hours },
    };
}

const priceReplicationGroup: Pricer = (r, ctx) => {
    const { nodes, text } = cacheNodes(r.inputs);
    return priceCacheNodes(r, ctx, nodes, text);
};

const priceCacheCluster: Pricer = (r, ctx) => {
    if (typeof r.inputs.replicationGroupId === "string" && r.inputs.nodeType === undefined) {
        return { free: "a member of a replication group, priced on the group" };
    }
    const nodes = num(r.inputs.numCacheNodes) ?? 1;
    return priceCacheNodes(r, ctx, nodes, `${nodes} node(s)`);
};

const priceSecret: Pricer = (_r, ctx) => {
    const calls = ctx.a.secretsApiCallsPerSecretPerMonth;
    return {
        parts: [
            part(ctx, { label: "secret", rateKey: "secretsmanager.secret.month", quantity: 1, quantityText: "1 secret" }),
            part(ctx, { label: "API calls", rateKey: "secretsmanager.apiCalls.per10k", quantity: calls / 10_000, quantityText: `${qty(calls)} / 10,000`, assumption: `secretsApiCallsPerSecretPerMonth = ${qty(calls)}` }),
        ],
        inputs: { apiCalls: calls },
    };
};

const priceKmsKey: Pricer = (r, ctx) => ({
    parts: [part(ctx, { label: "customer managed key", rateKey: "kms.key.month", quantity: 1, quantityText: "1 key" })],
    inputs: { enableKeyRotation: r.inputs.enableKeyRotation === true },
});

const priceMetricAlarm: Pricer = (r, ctx) => {
    const queries: any[] = Array.isArray(r.inputs.metricQueries) ? r.inputs.metricQueries : [];
    const metrics = queries.length > 0 ? Math.max(1, queries.filter((q) => q.metric !== undefined).length) : 1;
    const periods = [num(r.inputs.period), ...queries.map((q) => num(q.metric?.period))].filter((p): p is number => p !== undefined);
    const highRes = periods.some((p) => p < 60);
    return {
        parts: [
            part(ctx, {
                label: highRes ? "high-resolution alarm metrics" : "standard alarm metrics",
                rateKey: highRes ? "cloudwatch.alarm.highResolution.month" : "cloudwatch.alarm.standard.month",
                quantity: metrics,
                quantityText: `${metrics} metric(s)`,
                freeTierPool: highRes ? undefined : "cloudwatch.alarms",
            }),
        ],
        inputs: { metrics, highResolution: highRes },
    };
};

const priceCompositeAlarm: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "composite alarm", rateKey: "cloudwatch.compositeAlarm.month", quantity: 1, quantityText: "1 alarm" })],
    inputs: {},
});

const priceDashboard: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "dashboard", rateKey: "cloudwatch.dashboard.month", quantity: 1, quantityText: "1 dashboard", freeTierPool: "cloudwatch.dashboards" })],
    inputs: {},
});

const priceLogGroup: Pricer = (r, ctx) => {
    const override = ctx.a.logIngestGbByGroup[r.name];
    const withoutOverride = ctx.logGroups.filter((g) => ctx.a.logIngestGbByGroup[g.name] === undefined).length;
    const overridden = Object.entries(ctx.a.logIngestGbByGroup)
        .filter(([n]) => ctx.logGroups.some((g) => g.name === n))
        .reduce((s, [, v]) => s + v, 0);
    const ingest = override ?? (withoutOverride > 0 ? Math.max(0, ctx.a.logIngestGbPerMonth - overridden) / withoutOverride : 0);
    const ingestText = override !== undefined
        ? `logIngestGbByGroup["${r.name}"] = ${override} GB`
        : `logIngestGbPerMonth = ${ctx.a.logIngestGbPerMonth} GB (stack)${overridden > 0 ? ` - ${qty(overridden)} GB set per group` : ""} / ${withoutOverride} log group(s)`;
    const retentionDays = num(r.inputs.retentionInDays) ?? 0;
    const months = retentionDays > 0 ? retentionDays / 30 : ctx.a.logRetentionMonthsWhenUnlimited;
    const ia = r.inputs.logGroupClass === "INFREQUENT_ACCESS";
    return {
        parts: [
            part(ctx, { label: "ingestion", rateKey: ia ? "logs.ingest.infrequentAccess.gb" : "logs.ingest.standard.gb", quantity: ingest, quantityText: `${qty(ingest)} GB`, assumption: ingestText, freeTierPool: "logs.gb" }),
            part(ctx, {
                label: "storage (steady state)",
                rateKey: "logs.storage.gbMonth",
                quantity: ingest * months,
                quantityText: `${qty(ingest)} GB x ${qty(months)} month(s) kept`,
                assumption: retentionDays > 0 ? `retention ${retentionDays} days` : `no retention: logRetentionMonthsWhenUnlimited = ${ctx.a.logRetentionMonthsWhenUnlimited}`,
                freeTierPool: "logs.gb",
            }),
        ],
        inputs: { ingestGb: ingest, retentionDays, logGroupClass: ia ? "INFREQUENT_ACCESS" : "STANDARD" },
    };
};

const priceLambda: Pricer = (r, ctx) => {
    const arch = Array.isArray(r.inputs.architectures) && r.inputs.architectures[0] === "arm64" ? "arm64" : "x86_64";
    const memMb = num(r.inputs.memorySize) ?? 128;
    const inv = ctx.a.lambdaInvocationsPerFunctionPerMonth;
    const gbs = (inv * ctx.a.lambdaAvgDurationMs * memMb) / 1000 / 1024;
    const assumption = `lambdaInvocationsPerFunctionPerMonth = ${qty(inv)}, lambdaAvgDurationMs = ${ctx.a.lambdaAvgDurationMs}`;
    return {
        parts: [
            part(ctx, { label: `${arch} compute`, rateKey: `lambda.${arch}.gbSecond`, quantity: gbs, quantityText: `${qty(inv)} x ${ctx.a.lambdaAvgDurationMs} ms x ${memMb} MB = ${qty(gbs)} GB-s`, assumption, freeTierPool: "lambda.gbSeconds" }),
            part(ctx, { label: `${arch} requests`, rateKey: `lambda.${arch}.requestsPerMillion`, quantity: inv / 1e6, quantityText: `${qty(inv)} / 1M`, assumption, freeTierPool: "lambda.requests" }),
        ],
        inputs: { architecture: arch, memoryMb: memMb, invocations: inv, gbSeconds: gbs },
    };
};

const priceEcr: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "image storage", rateKey: "ecr.storage.gbMonth", quantity: ctx.a.ecrStorageGbPerRepository, quantityText: `${qty(ctx.a.ecrStorageGbPerRepository)} GB`, assumption: `ecrStorageGbPerRepository = ${ctx.a.ecrStorageGbPerRepository}`, freeTierPool: "ecr.storageGb" })],
    inputs: { storageGb: ctx.a.ecrStorageGbPerRepository },
});

const priceBucket: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "Standard storage", rateKey: "s3.standard.gbMonth", quantity: ctx.a.s3StorageGbPerBucket, quantityText: `${qty(ctx.a.s3StorageGbPerBucket)} GB`, assumption: `s3StorageGbPerBucket = ${ctx.a.s3StorageGbPerBucket}`, freeTierPool: "s3.standardGb" })],
    inputs: { storageGb: ctx.a.s3StorageGbPerBucket },
});

const priceVpcEndpoint: Pricer = (r, ctx) => {
    const kind = r.inputs.vpcEndpointType ?? "Gateway"; // the provider's default
    if (kind === "Gateway") return { free: "gateway endpoints (S3, DynamoDB) have no charge" };
    if (kind !== "Interface") throw new Unpriceable(`vpcEndpointType "${kind}" is not in the catalogue`);
    const subnets = Array.isArray(r.inputs.subnetIds) ? r.inputs.subnetIds.length : 0;
    const azs = subnets > 0 ? subnets : ctx.a.vpcEndpointAzsWhenUnknown;
    return {
        parts: [
            part(ctx, { label: "interface endpoint hours", rateKey: "vpc.endpoint.interface.hourPerAz", quantity: azs * ctx.hours, quantityText: `${azs} AZ x ${ctx.hours} h`, assumption: subnets > 0 ? undefined : `vpcEndpointAzsWhenUnknown = ${azs}` }),
            part(ctx, { label: "data processed", rateKey: "vpc.endpoint.interface.gb", quantity: ctx.a.vpcEndpointDataGbPerMonth, quantityText: `${qty(ctx.a.vpcEndpointDataGbPerMonth)} GB`, assumption: `vpcEndpointDataGbPerMonth = ${ctx.a.vpcEndpointDataGbPerMonth}` }),
        ],
        inputs: { vpcEndpointType: kind, azs, hours: ctx.hours },
    };
};

const priceEbsVolume: Pricer = (r, ctx) => {
    const size = num(r.inputs.size);
    if (size === undefined) throw new Unpriceable("size is not set (a volume from a snapshot takes the snapshot's size, unknown offline)");
    const type = String(r.inputs.type ?? "gp2");
    return { parts: ebsParts(ctx, "volume", size, type, num(r.inputs.iops), num(r.inputs.throughput), ""), inputs: { sizeGb: size, volumeType: type } };
};

const priceDlmPolicy: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "snapshot storage", rateKey: "ebs.snapshot.gbMonth", quantity: ctx.a.dlmSnapshotGbPerPolicy, quantityText: `${qty(ctx.a.dlmSnapshotGbPerPolicy)} GB`, assumption: `dlmSnapshotGbPerPolicy = ${ctx.a.dlmSnapshotGbPerPolicy} (incremental snapshots kept by the policy)`, freeTierPool: "ebs.snapshotGb" })],
    inputs: { snapshotGb: ctx.a.dlmSnapshotGbPerPolicy },
});

const priceHostedZone: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "Route 53 hosted zone", rateKey: "route53.hostedZone.month", quantity: 1, quantityText: "1 zone" })],
    inputs: {},
});

const priceCloudMapService: Pricer = (_r, ctx) => ({
    parts: [part(ctx, { label: "registered instances", rateKey: "cloudmap.instance.month", quantity: ctx.a.cloudMapInstancesPerService, quantityText: `${qty(ctx.a.cloudMapInstancesPerService)} instance(s)`, assumption: `cloudMapInstancesPerService = ${ctx.a.cloudMapInstancesPerService}` })],
    inputs: {},
});

const priceSsmParameter: Pricer = (r, ctx) => {
    if (r.inputs.tier !== "Advanced" && r.inputs.tier !== "Intelligent-Tiering") return { free: "standard SSM parameters have no charge" };
    if (r.inputs.tier === "Intelligent-Tiering") throw new Unpriceable("Intelligent-Tiering parameters may be standard or advanced; not known offline");
    return { parts: [part(ctx, { label: "advanced parameter", rateKey: "ssm.parameter.advanced.month", quantity: 1, quantityText: "1 parameter" })], inputs: { tier: "Advanced" } };
};

const priceEcsCluster: Pricer = (r, ctx) => {
    const insights = ((r.inputs.settings ?? []) as any[]).find((s) => s.name === "containerInsights");
    if (insights && insights.value !== "disabled") {
        ctx.notes.push({ type: r.type, name: r.name, reason: `Container Insights (${insights.value}) is billed as CloudWatch custom metrics and log ingestion; not estimated` });
    }
    return { free: "an ECS cluster has no charge (its tasks are priced on the services)" };
};

const priceAsg: Pricer = (r, ctx) => {
    const lt = r.inputs.launchTemplate ?? r.inputs.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification;
    const templates = ctx.byType.get("aws:ec2/launchTemplate:LaunchTemplate") ?? [];
    const template = templates.find((t) => refersTo(lt?.id, t) || refersTo(lt?.name, t)) ?? (templates.length === 1 ? templates[0] : undefined);
    const type = template?.inputs.instanceType;
    if (typeof type !== "string") throw new Unpriceable("cannot find the instance type in the group's launch template");
    const count = num(r.inputs.desiredCapacity) ?? num(r.inputs.minSize) ?? 0;
    return {
        parts: [part(ctx, { label: "instance hours", rateKey: `ec2.instance.${type}`, quantity: count * ctx.hours, quantityText: `${count} instance(s) x ${ctx.hours} h`, assumption: `desiredCapacity (else minSize) = ${count}` })],
        inputs: { instanceType: type, instances: count, hours: ctx.hours, launchTemplate: template!.name },
    };
};

const PRICERS: Record<string, Pricer> = {
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
};

/** Resource types the estimator prices (the rest are free or land in `unpriced`). */
export const PRICED_TYPES: readonly string[] = Object.freeze(Object.keys(PRICERS));

/** Why a resource of this type is free, or undefined when it is not known to be. */
export function freeReason(r: Pick<CapturedResource, "type" | "custom">): string | undefined {
    if (!r.custom && !r.type.startsWith("pulumi:providers:")) return "component resource: groups children, no cloud resource of its own";
    if (FREE_EXACT[r.type] !== undefined) return FREE_EXACT[r.type];
    return FREE_PREFIXES.find(([prefix]) => r.type.startsWith(prefix))?.[1];
}

// ---------------------------------------------------------------------------------------------
// Components and free tier

function componentOf(r: CapturedResource, byUrn: Map<string, CapturedResource>): string {
    let current = r;
    let top: CapturedResource | undefined;
    let topUrn: string | undefined;
    const seen = new Set<string>();
    while (current.parent !== undefined && !seen.has(current.parent)) {
        seen.add(current.parent);
        if (urnType(current.parent) === "pulumi:pulumi:Stack") break;
        topUrn = current.parent;
        const parent = byUrn.get(current.parent);
        if (!parent) break;
        top = parent;
        current = parent;
    }
    if (top) return top.name;
    if (topUrn) return urnName(topUrn);
    return "stack";
}

/** Spends the allowances in resource order (the first eligible resources use them up). */
function applyFreeTier(lines: CostLine[], cat: Catalogue): void {
    const remaining = new Map<string, number>();
    for (const line of lines) {
        for (const p of line.parts) {
            if (!p.freeTier || p.rate <= 0) continue;
            const pool = p.freeTier.allowance;
            const left = remaining.get(pool) ?? freeTierAllowance(pool, cat).quantity;
            const used = Math.min(left, p.quantity);
            remaining.set(pool, left - used);
            p.freeTier.quantityFree = used;
            p.monthlyInsideFreeTier = (p.quantity - used) * p.rate;
            p.formula += ` (free tier ${pool}: ${qty(used)} free, ${usd(p.monthlyInsideFreeTier)} inside free tier)`;
        }
        line.monthlyInsideFreeTier = line.parts.reduce((s, p) => s + p.monthlyInsideFreeTier, 0);
    }
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Monthly cost of a captured stack, priced from the catalogue.
 * Throws only for a broken catalogue or assumptions; a resource it cannot price lands in `unpriced`.
 */
export function estimate(resources: CapturedResource[], options: EstimateOptions = {}): CostEstimate {
    const cat = options.catalogue ?? shippedCatalogue;
    const a: CostAssumptions = {
        ...DEFAULT_ASSUMPTIONS,
        ...(options.catalogue ? { fargateSpotDiscount: catalogueAssumption("fargate.spotDiscount", cat) } : {}),
        ...options.assumptions,
    };
    validateAssumptions(a);
    const byType = new Map<string, CapturedResource[]>();
    for (const r of resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
    const ctx: Ctx = {
        cat,
        hours: cat.hoursPerMonth,
        a,
        all: resources,
        byType,
        notes: [],
        natGateways: (byType.get("aws:ec2/natGateway:NatGateway") ?? []).length,
        logGroups: byType.get("aws:cloudwatch/logGroup:LogGroup") ?? [],
    };

    const lines: CostLine[] = [];
    const unpriced: ResourceNote[] = [];
    const free: ResourceNote[] = [];
    for (const r of resources) {
        const pricer = PRICERS[r.type];
        if (!pricer) {
            const reason = freeReason(r);
            if (reason !== undefined) free.push({ type: r.type, name: r.name, reason });
            else unpriced.push({ type: r.type, name: r.name, reason: `no pricing rule for resource type ${r.type} in cost/estimate.ts` });
            continue;
        }
        let result: ReturnType<Pricer>;
        try {
            result = pricer(r, ctx);
        } catch (e) {
            if (e instanceof Unpriceable || (e instanceof Error && e.name === "UnknownPriceError")) {
                unpriced.push({ type: r.type, name: r.name, reason: e.message });
                continue;
            }
            throw e;
        }
        if ("free" in result) {
            free.push({ type: r.type, name: r.name, reason: result.free });
            continue;
        }
        const parts = result.parts;
        const monthly = parts.reduce((s, p) => s + p.monthly, 0);
        lines.push({
            type: r.type,
            name: r.name,
            urn: r.urn,
            component: componentOf(r, byUrn),
            monthly,
            monthlyInsideFreeTier: monthly,
            formula: `${parts.map((p) => p.formula).join(" + ")} => ${formatMoney(monthly)}/month`,
            inputs: { ...result.inputs, rateKeys: parts.flatMap((p) => (p.rateKey ? [p.rateKey] : [])).join(",") },
            rateKeys: parts.flatMap((p) => (p.rateKey ? [p.rateKey] : [])),
            parts,
        });
    }
    unpriced.push(...ctx.notes);

    const freeTierApplied = options.freeTier === true;
    if (freeTierApplied) applyFreeTier(lines, cat);

    const byComponent: Record<string, number> = {};
    const byComponentInsideFreeTier: Record<string, number> = {};
    for (const l of lines) {
        byComponent[l.component] = (byComponent[l.component] ?? 0) + l.monthly;
        byComponentInsideFreeTier[l.component] = (byComponentInsideFreeTier[l.component] ?? 0) + l.monthlyInsideFreeTier;
    }
    const total = lines.reduce((s, l) => s + l.monthly, 0);
    const totalInsideFreeTier = lines.reduce((s, l) => s + l.monthlyInsideFreeTier, 0);
    return {
        currency: "USD",
        catalogueDate: cat.retrievedAt,
        region: cat.region,
        hoursPerMonth: cat.hoursPerMonth,
        lines,
        byComponent,
        byComponentInsideFreeTier,
        total,
        totalInsideFreeTier,
        totalAfterFreeTier: total,
        freeTierApplied,
        unpriced,
        free,
        assumptions: a,
    };
}

function validateAssumptions(a: CostAssumptions): void {
    for (const [key, value] of Object.entries(a)) {
        if (typeof value === "number" && !(Number.isFinite(value) && value >= 0)) {
            throw new Error(`cost assumption ${key} must be a number >= 0, got ${value}`);
        }
    }
    if (typeof a.averageTasks === "string" && !["min", "max", "desired", "midpoint"].includes(a.averageTasks)) {
        throw new Error(`cost assumption averageTasks must be "min", "max", "desired", "midpoint" or a number, got "${a.averageTasks}"`);
    }
    if (a.fargateSpotDiscount > 1) throw new Error(`cost assumption fargateSpotDiscount must be between 0 and 1, got ${a.fargateSpotDiscount}`);
}
