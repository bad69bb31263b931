// Values and limits AWS itself enforces, as data with their sources. Config validation reads them to
// refuse a bad value before any resource is declared; the offline harness's strict layer reads the
// same table to refuse what a real preview or `pulumi up` would refuse. Pure: no Pulumi imports.

/**
 * The only retention periods CloudWatch Logs accepts (PutRetentionPolicy API reference,
 * `retentionInDays` valid values; AWS-FACTS "Found in the pre-deploy review").
 */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * TLS policies of ALB HTTPS listeners that negotiate TLS 1.2 or newer only ("Security policies for
 * your Application Load Balancer", Elastic Load Balancing User Guide; the authoritative list is
 * `aws elbv2 describe-ssl-policies`). Older policies that still allow TLS 1.0/1.1 exist but are
 * refused here on purpose (FSBP ELB.17). Without an explicit policy the API picks
 * ELBSecurityPolicy-2016-08 (TLS 1.0): the listener always sets one.
 */
export const ALB_TLS12_POLICIES = [
    // Post-quantum hybrid key exchange (2025-09); the first is AWS's recommendation and console default.
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
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
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
] as const;

/** ALB connection idle timeout, seconds (CreateLoadBalancer attribute `idle_timeout.timeout_seconds`). */
export const ALB_IDLE_TIMEOUT_SECONDS = { min: 1, max: 4000 } as const;

/** Target group `deregistration_delay.timeout_seconds` (ModifyTargetGroupAttributes). */
export const DEREGISTRATION_DELAY_SECONDS = { min: 0, max: 3600 } as const;

/** ALB listener rule priorities (CreateRule API reference: 1-50000, unique per listener). */
export const LISTENER_RULE_PRIORITY = { min: 1, max: 50000 } as const;

/**
 * Availability Zone ids without Fargate and without current Graviton families: us-east-1's
 * use1-az3 (AWS-FACTS; Fargate "Regions and Availability Zones": "Fargate is not supported in
 * use1-az3"). Names map to ids differently in every account, so zones are excluded by id.
 */
export const AZ_IDS_WITHOUT_FARGATE = ["use1-az3"] as const;

/**
 * AWS documentation's example account ids: an ARN naming one of them was pasted from an example and
 * can never be a real resource of the deploying account.
 */
export const EXAMPLE_ACCOUNT_IDS = ["123456789012", "111122223333", "444455556666", "555555555555", "999999999999", "000000000000"] as const;

/** Regions (commercial partition) whose names the program accepts for `aws:region`. */
export const AWS_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "ca-central-1", "ca-west-1", "mx-central-1", "sa-east-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
    "me-south-1", "me-central-1", "il-central-1", "af-south-1",
] as const;

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, or undefined when it is not an ARN. */
export function parseArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
    const match = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(arn);
    return match ? { partition: match[1], service: match[2], region: match[3], account: match[4], resource: match[5] } : undefined;
}
