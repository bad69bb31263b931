// Physical names as `pulumi up` would create them: which input of a type carries the AWS name, how
// Pulumi autonames it when it is absent, how the provider expands a `namePrefix`, and what AWS
// accepts there. Pure data and functions: the mocks use them for realistic names and ARNs, the
// strict layer (harness/strict.ts) checks the result.

/** How one resource type is named. */
export interface NamingRule {
    /** The input that holds the physical name. */
    property: string;
    /** Longest name AWS (or the provider's validation) accepts. */
    max: number;
    /** Shortest name AWS accepts (1 unless stated). */
    min?: number;
    /** What AWS accepts, as a test and a sentence for error messages. */
    valid?: (name: string) => boolean;
    allowed: string;
    /**
     * Pulumi's autonaming: `<logical name><separator><7 random chars>`, refused at preview when longer
     * than `autonameMax` ("plus 7 random chars is longer than maximum length"). Undefined: never autonamed.
     */
    autoname?: { max: number; lowercase?: boolean };
    /** `namePrefix`-style input: the provider appends a 26-character unique suffix. */
    prefix?: { property: string; max: number };
    source: string;
}

/** Pulumi's default autoname: separator and random suffix length (tfbridge.AutoName, Randlen 7). */
export const AUTONAME_RANDOM_LENGTH = 7;
/**
 * terraform-plugin-sdk helper/id: `PrefixedUniqueId` appends an 18-digit timestamp and an 8-digit hex
 * counter, `UniqueIDSuffixLength = 26` (hashicorp/terraform-plugin-sdk helper/id/id.go).
 */
export const PREFIX_SUFFIX_LENGTH = 26;

const PULUMI_OVERRIDES = "pulumi/pulumi-aws provider/resource_overrides.go";
const PULUMI_DEFAULT = "pulumi/pulumi-aws provider/autonaming.go (every input `name`: AutoName max 255)";

const noEdgeHyphen = (n: string) => !n.startsWith("-") && !n.endsWith("-");
/** RDS / ElastiCache identifiers: letter first, letters, digits, hyphens, no trailing or double hyphen. */
const awsIdentifier = (n: string) => /^[A-Za-z][A-Za-z0-9-]*$/.test(n) && !n.endsWith("-") && !n.includes("--");
const IDENTIFIER_TEXT = "letters, digits and hyphens, a letter first, no trailing hyphen or two consecutive hyphens";

export const NAMING: Record<string, NamingRule> = {
    "aws:lb/loadBalancer:LoadBalancer": {
        property: "name",
        max: 32,
        valid: (n) => /^[0-9A-Za-z-]+$/.test(n) && noEdgeHyphen(n) && !n.startsWith("internal-"),
        allowed: "at most 32 alphanumeric characters or hyphens, no hyphen at either end, not starting with internal-",
        autoname: { max: 255 },
        prefix: { property: "namePrefix", max: 6 },
        source: `terraform-provider-aws internal/service/elbv2 validName/validNamePrefix (32, prefix 6); ELB API CreateLoadBalancer Name ("must not begin with internal-"); ${PULUMI_DEFAULT}`,
    },
    "aws:lb/targetGroup:TargetGroup": {
        property: "name",
        max: 32,
        valid: (n) => /^[0-9A-Za-z-]+$/.test(n) && noEdgeHyphen(n),
        allowed: "at most 32 alphanumeric characters or hyphens, no hyphen at either end",
        autoname: { max: 32 },
        prefix: { property: "namePrefix", max: 32 - PREFIX_SUFFIX_LENGTH },
        source: "terraform-provider-aws internal/service/elbv2 validTargetGroupName/validTargetGroupNamePrefix (prefix max 32 - UniqueIDSuffixLength); pulumi/pulumi-aws provider/aliases.go (aws_lb_target_group AutoName 32)",
    },
    "aws:iam/role:Role": {
        property: "name",
        max: 64,
        valid: (n) => /^[\w+=,.@-]+$/.test(n),
        allowed: "1-64 characters of [A-Za-z0-9_+=,.@-]",
        autoname: { max: 64 },
        prefix: { property: "namePrefix", max: 64 - PREFIX_SUFFIX_LENGTH },
        source: `IAM API PolicyRole/CreateRole RoleName (1-64, [\\w+=,.@-]+); ${PULUMI_OVERRIDES} (aws_iam_role AutoName 64); prefix 64-26 (unconfirmed: terraform-provider-aws internal/service/iam/role.go not read)`,
    },
    "aws:iam/instanceProfile:InstanceProfile": {
        property: "name",
        max: 128,
        valid: (n) => /^[\w+=,.@-]+$/.test(n),
        allowed: "1-128 characters of [A-Za-z0-9_+=,.@-]",
        autoname: { max: 255 },
        source: `@pulumi/aws 7.48.0 iam/instanceProfile.d.ts (characters); IAM API CreateInstanceProfile (max 128, unconfirmed); ${PULUMI_DEFAULT}`,
    },
    "aws:lambda/function:Function": {
        property: "name",
        max: 64,
        valid: (n) => /^[a-zA-Z0-9_-]+$/.test(n),
        allowed: "1-64 characters of [a-zA-Z0-9-_]",
        autoname: { max: 64 },
        source: `Lambda API FunctionName ("If you specify only the function name, it is limited to 64 characters"; pattern [a-zA-Z0-9-_]+); ${PULUMI_OVERRIDES} (aws_lambda_function AutoName 64)`,
    },
    "aws:lambda/permission:Permission": {
        property: "statementId",
        max: 100,
        valid: (n) => /^[a-zA-Z0-9_-]+$/.test(n),
        allowed: "1-100 characters of [a-zA-Z0-9-_]",
        autoname: { max: 100 },
        source: `Lambda API AddPermission StatementId (1-100, ([a-zA-Z0-9-_]+)); ${PULUMI_OVERRIDES} (statement_id AutoName 100)`,
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        property: "replicationGroupId",
        max: 40,
        valid: awsIdentifier,
        allowed: `1-40 ${IDENTIFIER_TEXT}`,
        autoname: { max: 40, lowercase: true },
        source: `ElastiCache API CreateReplicationGroup ReplicationGroupId (1-40 alphanumeric or hyphens, first a letter, no trailing or consecutive hyphens); ${PULUMI_OVERRIDES} (AutoNameTransform 40, lowercase)`,
    },
    "aws:rds/instance:Instance": {
        property: "identifier",
        max: 63,
        valid: awsIdentifier,
        allowed: `1-63 ${IDENTIFIER_TEXT}`,
        autoname: { max: 255 },
        source: `RDS API CreateDBInstance DBInstanceIdentifier (1-63 letters, numbers or hyphens, first a letter, no trailing or consecutive hyphens); ${PULUMI_OVERRIDES} (aws_db_instance identifier: Randlen 7, Maxlen 255)`,
    },
    "aws:s3/bucket:Bucket": {
        property: "bucket",
        max: 63,
        min: 3,
        valid: (n) => /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(n) && !n.includes(".."),
        allowed: "3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit",
        autoname: { max: 63, lowercase: true },
        prefix: { property: "bucketPrefix", max: 37 },
        source: `@pulumi/aws 7.48.0 s3/bucket.d.ts (bucket: lowercase, at most 63; bucketPrefix at most 37); S3 User Guide "General purpose bucket naming rules"; ${PULUMI_OVERRIDES} (bucket AutoNameTransform 63)`,
    },
    "aws:sns/topic:Topic": {
        property: "name",
        max: 256,
        valid: (n) => /^[A-Za-z0-9_-]+(\.fifo)?$/.test(n),
        allowed: "1-256 ASCII letters, digits, underscores or hyphens (.fifo suffix for FIFO topics)",
        autoname: { max: 80 },
        source: `@pulumi/aws 7.48.0 sns/topic.d.ts (name rules); ${PULUMI_OVERRIDES} (aws_sns_topic AutoName Maxlen 80)`,
    },
    "aws:cloudwatch/eventRule:EventRule": {
        property: "name",
        max: 64,
        valid: (n) => /^[.\-_A-Za-z0-9]+$/.test(n),
        allowed: "1-64 characters of [.-_A-Za-z0-9]",
        autoname: { max: 64 },
        prefix: { property: "namePrefix", max: 38 },
        source: `${PULUMI_OVERRIDES} (aws_cloudwatch_event_rule AutoName 64); @pulumi/aws 7.48.0 cloudwatch/eventRule.d.ts (namePrefix "must be 38 characters or less"); pattern from EventBridge API PutRule (unconfirmed)`,
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        property: "targetId",
        max: 64,
        valid: (n) => /^[.\-_A-Za-z0-9]+$/.test(n),
        allowed: "1-64 characters of [.-_A-Za-z0-9]",
        autoname: { max: 255 },
        source: `EventBridge API PutTargets Target.Id (1-64, [\\.\\-_A-Za-z0-9]+; unconfirmed in this session); ${PULUMI_OVERRIDES} (target_id AutoName 255)`,
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        property: "name",
        max: 255,
        allowed: "1-255 characters",
        autoname: { max: 255 },
        source: `${PULUMI_OVERRIDES} (alarm_name AutoName 255); CloudWatch API PutMetricAlarm AlarmName 1-255`,
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        property: "dashboardName",
        max: 255,
        valid: (n) => /^[-_A-Za-z0-9]+$/.test(n),
        allowed: "1-255 characters of [-_A-Za-z0-9] (no dot)",
        source: "terraform-provider-aws internal/service/cloudwatch validDashboardName; CloudWatch API PutDashboard DashboardName",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        property: "name",
        max: 512,
        valid: (n) => /^[.\-_/#A-Za-z0-9]+$/.test(n),
        allowed: "1-512 characters of [.-_/#A-Za-z0-9]",
        autoname: { max: 255 },
        // The provider's validLogGroupNamePrefix: 483 (terraform-provider-aws internal/service/logs).
        prefix: { property: "namePrefix", max: 483 },
        source: `CloudWatch Logs API CreateLogGroup logGroupName (1-512, [\\.\\-_/#A-Za-z0-9]+; unconfirmed in this session); ${PULUMI_DEFAULT}; terraform-provider-aws validLogGroupNamePrefix (483)`,
    },
    "aws:ecs/cluster:Cluster": {
        property: "name",
        max: 255,
        valid: (n) => /^[A-Za-z0-9_-]+$/.test(n),
        allowed: "up to 255 letters, numbers, underscores and hyphens",
        autoname: { max: 255 },
        source: `ECS API CreateCluster clusterName (@aws-sdk/client-ecs 3.1127.0 models: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens"); ${PULUMI_DEFAULT}`,
    },
    "aws:ecs/service:Service": {
        property: "name",
        max: 255,
        valid: (n) => /^[A-Za-z0-9_-]+$/.test(n),
        allowed: "up to 255 letters, numbers, underscores and hyphens",
        autoname: { max: 255 },
        source: `ECS API CreateService serviceName (@aws-sdk/client-ecs 3.1127.0 models: "Up to 255 letters ..., numbers, underscores, and hyphens"); ${PULUMI_DEFAULT}`,
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        property: "family",
        max: 255,
        valid: (n) => /^[A-Za-z0-9_-]+$/.test(n),
        allowed: "up to 255 letters, numbers, underscores and hyphens",
        source: 'ECS API RegisterTaskDefinition family (@aws-sdk/client-ecs 3.1127.0 models: "Up to 255 letters ..., numbers, underscores, and hyphens")',
    },
    "aws:secretsmanager/secret:Secret": {
        property: "name",
        max: 512,
        valid: (n) => /^[A-Za-z0-9/_+=.@-]+$/.test(n),
        allowed: "1-512 ASCII letters, numbers and /_+=.@-",
        autoname: { max: 255 },
        prefix: { property: "namePrefix", max: 512 - PREFIX_SUFFIX_LENGTH },
        source: `Secrets Manager API CreateSecret Name (@aws-sdk/client-secrets-manager models: "ASCII letters, numbers, and /_+=.@-"; length 512 unconfirmed); ${PULUMI_DEFAULT}`,
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        property: "name",
        max: 255,
        valid: (n) => !/^sg-/i.test(n),
        allowed: "up to 255 characters, not starting with sg-",
        autoname: { max: 255 },
        prefix: { property: "namePrefix", max: 255 - PREFIX_SUFFIX_LENGTH },
        source: `EC2 API CreateSecurityGroup GroupName ("Up to 255 characters in length. Cannot start with sg-"; unconfirmed in this session); ${PULUMI_DEFAULT}`,
    },
    "aws:cloudtrail/trail:Trail": {
        property: "name",
        max: 128,
        min: 3,
        valid: (n) => /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/.test(n) && !/[._-]{2}/.test(n),
        allowed: "3-128 letters, numbers, periods, underscores or dashes, starting and ending with a letter or number, no adjacent periods/underscores/dashes",
        autoname: { max: 255 },
        source: `CloudTrail API CreateTrail Name (unconfirmed in this session); ${PULUMI_DEFAULT}`,
    },
    "aws:ssm/document:Document": {
        property: "name",
        max: 128,
        min: 3,
        valid: (n) => /^[a-zA-Z0-9_.-]+$/.test(n) && !/^(aws|amazon|amzn)/i.test(n),
        allowed: "3-128 characters of [a-zA-Z0-9_.-], not starting with aws, amazon or amzn",
        autoname: { max: 255 },
        source: `SSM API CreateDocument Name (^[a-zA-Z0-9_\\-.]{3,128}$, reserved prefixes; unconfirmed in this session); ${PULUMI_DEFAULT}`,
    },
    "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": {
        // The provider deploys the stack as `serverlessrepo-<name>`; CloudFormation stack names are 128 at most.
        property: "name",
        max: 128 - "serverlessrepo-".length,
        valid: (n) => /^[A-Za-z][A-Za-z0-9-]*$/.test(n),
        allowed: "a letter then letters, digits or hyphens, at most 113 (128 minus the serverlessrepo- prefix)",
        autoname: { max: 255 },
        source: `@pulumi/aws 7.48.0 serverlessrepository/cloudFormationStack.d.ts ("prefixed with serverlessrepo-"); CloudFormation CreateStack StackName (128, [a-zA-Z][-a-zA-Z0-9]*; unconfirmed in this session); ${PULUMI_DEFAULT}`,
    },
    "aws:ecr/repository:Repository": {
        property: "name",
        max: 256,
        min: 2,
        valid: (n) => /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(n),
        allowed: "2-256 lowercase path segments of [a-z0-9] joined by . _ - and /",
        autoname: { max: 255 },
        source: `ECR API CreateRepository repositoryName (2-256, (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*; unconfirmed in this session); ${PULUMI_DEFAULT}`,
    },
    "aws:appautoscaling/policy:Policy": {
        property: "name",
        max: 255,
        allowed: "1-255 characters",
        autoname: { max: 255 },
        source: `@pulumi/aws 7.48.0 appautoscaling/policy.d.ts ("Must be between 1 and 255 characters"); ${PULUMI_DEFAULT}`,
    },
};
// BucketV2 is the same API as Bucket (alias in pulumi-aws provider/resource_overrides.go).
NAMING["aws:s3/bucketV2:BucketV2"] = NAMING["aws:s3/bucket:Bucket"];

function hash(text: string): number {
    let h = 2166136261;
    for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    return h;
}

/** Deterministic stand-in for Pulumi's 7 random hex characters (resource.NewUniqueHex). */
export function randomSuffix(name: string): string {
    return hash(name).toString(16).padStart(8, "0").slice(0, AUTONAME_RANDOM_LENGTH);
}

/** Deterministic stand-in for the provider's 26-character unique suffix (18-digit timestamp + 8 hex). */
export function prefixSuffix(name: string): string {
    return `202612010000000000${hash(name).toString(16).padStart(8, "0")}`;
}

export type NameOrigin = "explicit" | "prefix" | "autoname";

export interface PhysicalName {
    /** The input that carries it (`name`, `namePrefix`, `replicationGroupId`, ...). */
    property: string;
    value: string;
    origin: NameOrigin;
}

/** The physical name a create would use, or undefined when the type has no naming rule or the name is unknown. */
export function physicalNameOf(type: string, name: string, inputs: Record<string, any>): PhysicalName | undefined {
    const rule = NAMING[type];
    if (!rule) return undefined;
    const explicit = inputs[rule.property];
    if (typeof explicit === "string") return { property: rule.property, value: explicit, origin: "explicit" };
    if (explicit !== undefined) return undefined; // not yet known (an unresolved output)
    const prefix = rule.prefix && inputs[rule.prefix.property];
    if (typeof prefix === "string") return { property: rule.prefix!.property, value: `${prefix}${prefixSuffix(name)}`, origin: "prefix" };
    if (!rule.autoname) return undefined;
    const base = `${name}-${randomSuffix(name)}`;
    return { property: rule.property, value: rule.autoname.lowercase ? base.toLowerCase() : base, origin: "autoname" };
}
