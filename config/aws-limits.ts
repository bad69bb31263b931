// Values and limits AWS itself enforces, as data with their sources. Config validation reads them to
// refuse a bad value before any resource is declared; the offline harness's strict layer reads the
// same table to refuse what a real preview or `pulumi up` would refuse. Pure: no Pulumi imports.

/**
 * The only retention periods CloudWatch Logs accepts (PutRetentionPolicy API reference,
 * `retentionInDays` valid values; AWS-FACTS "Found in the pre-deploy review").
 */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Predefined ELB security policies ("Security policies for your Application Load Balancer",
 * docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html; the 2025-09
 * post-quantum names as listed there and by Datadog's rule vn4-vpi-u7q; the authoritative list is
 * `aws elbv2 describe-ssl-policies`). Not included: the RFC 9151 policies that page mentions, whose
 * exact names were not retrieved (unconfirmed): add them with a source. What a listener may name.
 */
export const ELB_SSL_POLICIES: readonly string[] = [
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-1-2021-06",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-FS-1-1-2019-08",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-2015-05",
];

/**
 * The policies that still negotiate TLS 1.0 or 1.1 (their names say so: `-1-0-`, `-1-1-`, and the
 * older general ones), which config refuses on purpose (FSBP ELB.17). The API's own default without
 * an sslPolicy is ELBSecurityPolicy-2016-08 (TLS 1.0): the listener always sets one.
 */
const ALLOWS_TLS_BELOW_1_2 = /-1-0-|-1-1-|^ELBSecurityPolicy-(2016-08|2015-05|FS-2018-06)$/;

/** What config accepts for `loadBalancer.sslPolicy`: predefined policies with TLS 1.2 or newer only. */
export const ALB_TLS12_POLICIES: readonly string[] = ELB_SSL_POLICIES.filter((p) => !ALLOWS_TLS_BELOW_1_2.test(p));

/**
 * Fargate task cpu -> accepted memory (MiB): "Troubleshoot Amazon ECS task definition invalid CPU or
 * memory errors" (docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html) and
 * the ECS API TaskDefinition.memory reference. 8 and 16 vCPU need Linux platform 1.4.0.
 */
export function fargateMemoryOptions(cpu: number): number[] {
    const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
    switch (cpu) {
        case 256:
            return [512, 1024, 2048];
        case 512:
            return range(1024, 4096, 1024);
        case 1024:
            return range(2048, 8192, 1024);
        case 2048:
            return range(4096, 16384, 1024);
        case 4096:
            return range(8192, 30720, 1024);
        case 8192:
            return range(16384, 61440, 4096);
        case 16384:
            return range(32768, 122880, 8192);
        default:
            return [];
    }
}
export const FARGATE_CPU_VALUES = [256, 512, 1024, 2048, 4096, 8192, 16384];

/** ALB connection idle timeout, seconds (CreateLoadBalancer attribute `idle_timeout.timeout_seconds`). */
export const ALB_IDLE_TIMEOUT_SECONDS = { min: 1, max: 4000 } as const;

/** Target group `deregistration_delay.timeout_seconds` (ModifyTargetGroupAttributes). */
export const DEREGISTRATION_DELAY_SECONDS = { min: 0, max: 3600 } as const;

/** ALB listener rule priorities (CreateRule API reference: 1-50000, unique per listener). */
export const LISTENER_RULE_PRIORITY = { min: 1, max: 50000 } as const;

/**
 * Availability Zone ids without ARM64 (Graviton) Fargate and without current Graviton instance
 * families: us-east-1's use1-az3 (ECS guide "64-bit ARM workloads": "the use1-az3 Availability Zone";
 * AWS-FACTS). Names map to ids differently in every account, so zones are excluded by id.
 */
export const AZ_IDS_WITHOUT_FARGATE: readonly string[] = ["use1-az3"];

/**
 * Account ids that AWS documentation uses in examples: 123456789012 (API references and most guides),
 * 111122223333 and 444455556666 (IAM User Guide), 777788889999 and 555555555555 (IAM and Organizations
 * examples). An ARN naming one of them was pasted from an example and cannot exist in a real account.
 */
export const EXAMPLE_ACCOUNT_IDS: readonly string[] = ["123456789012", "111122223333", "444455556666", "777788889999", "555555555555"];

/** Regions (commercial partition) whose names the program accepts for `aws:region` (@pulumi/aws 7.48 `Region` enum). */
export const AWS_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "mx-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "me-south-1",
    "me-central-1",
    "il-central-1",
    "af-south-1",
] as const;

/** Parses `arn:partition:service:region:account:resource`; undefined for anything else. */
export function parseArn(text: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
    const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/.exec(text);
    return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}
