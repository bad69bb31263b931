// The sections after the merge, for what one value cannot say alone: the certificate's region and
// account, a domain inside its zone, HTTPS where the tier demands it, gp3 IOPS against storage,
// cache topologies AWS refuses, windows too short or overlapping, the host's share of free EBS.
import { EXAMPLE_ACCOUNT_IDS, parseArn } from "../aws-limits";
import { cacheTopologyProblems } from "../cache-topology";
import { describe, Problems } from "../merge";
import { RawConfig } from "../settings";
import { PRELOADABLE_LIBRARIES } from "../settings/data";
import { allowedList, CheckContext } from "../settings/dsl";
import { DAILY_WINDOW, WEEKLY_WINDOW, windowLengthMinutes, windowsOverlap } from "../windows";
import { CacheSettings, DatabaseSettings, EdgeSettings, HostSettings, LoadBalancerSettings } from "../types";

type Section<K extends keyof RawConfig> = NonNullable<RawConfig[K]>;

export function resolveLoadBalancer(raw: Section<"loadBalancer">, { traits, tier }: CheckContext, region: string, problems: Problems): LoadBalancerSettings {
    const arn = raw.certificateArn;
    if (arn !== undefined) {
        const parsed = parseArn(arn);
        if (!parsed || parsed.service !== "acm" || !/^certificate\/[0-9a-f-]+$/.test(parsed.resource)) {
            problems.push(
                `platform:loadBalancer.certificateArn: ${describe(arn)} is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`,
            );
        } else if (parsed.region !== region) {
            problems.push(
                `platform:loadBalancer.certificateArn: ${describe(arn)} is in ${parsed.region}, but an ALB can only use an ACM certificate of its own region ${region}`,
            );
        } else if ((EXAMPLE_ACCOUNT_IDS as readonly string[]).includes(parsed.account)) {
            problems.push(
                `platform:loadBalancer.certificateArn: ${describe(arn)} names account ${parsed.account}, an AWS documentation example; ` +
                    "set your own certificate's ARN, or loadBalancer.domainName and loadBalancer.hostedZone to have the stack issue one",
            );
        }
    }
    if (raw.hostedZone !== undefined) {
        if (raw.domainName === undefined)
            problems.push("platform:loadBalancer.hostedZone needs platform:loadBalancer.domainName: the name the stack creates in that zone");
        else if (raw.domainName !== raw.hostedZone && !raw.domainName.endsWith(`.${raw.hostedZone}`)) {
            problems.push(`platform:loadBalancer.domainName: ${raw.domainName} is not inside platform:loadBalancer.hostedZone ${raw.hostedZone}`);
        }
    }
    if (traits.httpsOnly && arn === undefined && (raw.domainName === undefined || raw.hostedZone === undefined)) {
        problems.push(
            `platform:loadBalancer: tier ${tier} serves HTTPS only: set loadBalancer.domainName and loadBalancer.hostedZone ` +
                "(the stack issues a DNS-validated certificate and the record), or loadBalancer.certificateArn (an ACM certificate in " +
                region +
                ")",
        );
    }
    return raw;
}

/** CloudFront only takes ACM certificates of us-east-1 (AWS-FACTS "CloudFront, certificates and DNS"). */
export const CLOUDFRONT_CERTIFICATE_REGION = "us-east-1";

/**
 * The edge's name, zone and certificate, and what it needs of the load balancer behind it: CloudFront
 * reaches an HTTPS load balancer by a name its certificate covers (loadBalancer.domainName), and the
 * two names are distinct records.
 */
export function resolveEdge(raw: Section<"edge">, loadBalancer: Section<"loadBalancer"> | undefined, problems: Problems): EdgeSettings {
    const arn = raw.certificateArn;
    if (arn !== undefined) {
        const parsed = parseArn(arn);
        if (!parsed || parsed.service !== "acm" || !/^certificate\/[0-9a-f-]+$/.test(parsed.resource)) {
            problems.push(`platform:edge.certificateArn: ${describe(arn)} is not an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)`);
        } else if (parsed.region !== CLOUDFRONT_CERTIFICATE_REGION) {
            problems.push(
                `platform:edge.certificateArn: ${describe(arn)} is in ${parsed.region}, but CloudFront only uses ACM certificates of ${CLOUDFRONT_CERTIFICATE_REGION}; ` +
                    "use one from us-east-1, or set edge.domainName and edge.hostedZone to have the stack issue it there",
            );
        } else if ((EXAMPLE_ACCOUNT_IDS as readonly string[]).includes(parsed.account)) {
            problems.push(
                `platform:edge.certificateArn: ${describe(arn)} names account ${parsed.account}, an AWS documentation example; set your own certificate's ARN`,
            );
        }
        if (raw.domainName === undefined)
            problems.push("platform:edge.certificateArn needs platform:edge.domainName: the name viewers use, which the certificate covers");
    }
    if (raw.hostedZone !== undefined && raw.domainName === undefined) {
        problems.push("platform:edge.hostedZone needs platform:edge.domainName: the name the stack creates in that zone");
    }
    if (raw.domainName !== undefined) {
        if (raw.hostedZone === undefined && arn === undefined) {
            problems.push(
                `platform:edge.domainName: ${raw.domainName} needs platform:edge.hostedZone (the stack issues the certificate and writes the records) ` +
                    "or platform:edge.certificateArn (a us-east-1 certificate; you write the DNS record)",
            );
        } else if (raw.hostedZone !== undefined && raw.domainName !== raw.hostedZone && !raw.domainName.endsWith(`.${raw.hostedZone}`)) {
            problems.push(`platform:edge.domainName: ${raw.domainName} is not inside platform:edge.hostedZone ${raw.hostedZone}`);
        }
        if (loadBalancer?.domainName === raw.domainName) {
            problems.push(
                `platform:edge.domainName: ${raw.domainName} is also platform:loadBalancer.domainName; viewers reach the edge by this name, ` +
                    "so give the load balancer its own origin name (for example origin.<domain>)",
            );
        }
    }
    // CloudFront speaks TLS 1.2 at most to origins (CloudFront Developer Guide, "Supported protocols
    // and ciphers between CloudFront and the origin"): a TLS 1.3-only listener would answer nothing.
    if (loadBalancer?.sslPolicy.includes("-TLS13-1-3-")) {
        problems.push(
            `platform:loadBalancer.sslPolicy: ${loadBalancer.sslPolicy} accepts TLS 1.3 only, but CloudFront connects to origins with TLS 1.2 at most; use a TLS13-1-2 policy`,
        );
    }
    if (loadBalancer?.certificateArn !== undefined && loadBalancer.domainName === undefined) {
        problems.push(
            "platform:loadBalancer.certificateArn needs platform:loadBalancer.domainName: CloudFront connects to the load balancer over HTTPS by a name its certificate covers",
        );
    }
    return raw;
}

export function resolveDatabase(raw: Section<"database">, problems: Problems): DatabaseSettings {
    const timescale = raw.preloadLibraries.find((lib) => /timescale/i.test(lib));
    if (timescale) {
        problems.push(
            `platform:database.preloadLibraries: ${describe(timescale)} cannot be used on RDS: Amazon RDS for PostgreSQL does not offer the TimescaleDB extension ` +
                "(the Timescale License forbids offering it as a managed service) and the parameter group would be refused at `pulumi up`. " +
                "Use pg_partman + pg_cron on RDS (schema/rds, see README), the zero-cost tier's TimescaleDB container, or, for production TimescaleDB, Tiger Cloud or self-managed EC2",
        );
    }
    for (const lib of raw.preloadLibraries) {
        if (!PRELOADABLE_LIBRARIES.includes(lib) && lib !== timescale)
            problems.push(`platform:database.preloadLibraries: ${describe(lib)} is not preloadable on RDS; ${allowedList(PRELOADABLE_LIBRARIES)}`);
    }
    if (raw.maxAllocatedStorageGb !== 0 && raw.maxAllocatedStorageGb <= raw.allocatedStorageGb) {
        problems.push(
            `platform:database.maxAllocatedStorageGb: ${raw.maxAllocatedStorageGb} must be greater than allocatedStorageGb (${raw.allocatedStorageGb}), or 0 to disable storage autoscaling`,
        );
    }
    if (raw.iops !== undefined) {
        if (raw.allocatedStorageGb < 400) {
            problems.push(
                `platform:database.iops: gp3 below 400 GiB has a fixed 3,000 IOPS baseline and RDS refuses an iops value; remove it or allocate at least 400 GiB`,
            );
        } else if (raw.iops < 12000 || raw.iops > raw.allocatedStorageGb * 50 || raw.iops > 64000) {
            problems.push(
                `platform:database.iops: ${raw.iops} must be from the 12,000 gp3 baseline to ${Math.min(64000, raw.allocatedStorageGb * 50)} (50 x allocated GiB, at most 64,000)`,
            );
        }
    }
    if (raw.storageThroughput !== undefined) {
        if (raw.iops === undefined) problems.push("platform:database.storageThroughput: only settable together with database.iops (400 GiB or more)");
        else if (raw.storageThroughput < 500 || raw.storageThroughput > 4000)
            problems.push(`platform:database.storageThroughput: ${raw.storageThroughput} must be from the 500 MiB/s baseline to 4000`);
    }
    const { engine: _engine, ...settings } = raw;
    return settings;
}

/** ElastiCache versions by engine (ElastiCache supported engine versions). */
const CACHE_ENGINE_VERSIONS: Record<string, string[]> = { redis: ["7.0", "7.1"], valkey: ["7.2", "8.0", "8.1", "8.2"] };

export function resolveCache(raw: Section<"cache">, problems: Problems): CacheSettings {
    const versions = CACHE_ENGINE_VERSIONS[raw.engine];
    if (versions && !versions.includes(raw.engineVersion)) {
        problems.push(
            `platform:cache.engineVersion: ${describe(raw.engineVersion)} is not a ${raw.engine} version ElastiCache offers; ${allowedList(versions)}`,
        );
    }
    problems.push(...cacheTopologyProblems(raw));
    // The declarations checked both windows' form; AWS also wants 60 minutes and no overlap.
    if (WEEKLY_WINDOW.test(raw.maintenanceWindow) && DAILY_WINDOW.test(raw.snapshotWindow)) {
        const maintenance = windowLengthMinutes(raw.maintenanceWindow);
        const snapshot = windowLengthMinutes(raw.snapshotWindow);
        if (maintenance < 60) problems.push(`platform:cache.maintenanceWindow: ${raw.maintenanceWindow} is ${maintenance} minutes; AWS needs at least 60`);
        if (snapshot < 60) problems.push(`platform:cache.snapshotWindow: ${raw.snapshotWindow} is ${snapshot} minutes; AWS needs at least 60`);
        else if (windowsOverlap(raw.snapshotWindow, raw.maintenanceWindow)) {
            problems.push(
                `platform:cache.snapshotWindow: ${raw.snapshotWindow} overlaps platform:cache.maintenanceWindow ${raw.maintenanceWindow}; AWS refuses overlapping windows`,
            );
        }
    }
    return raw;
}

export function resolveHost(raw: Section<"host">, problems: Problems): HostSettings {
    if (Number.isInteger(raw.rootVolumeGb) && Number.isInteger(raw.dataVolumeGb) && raw.rootVolumeGb + raw.dataVolumeGb > 30) {
        problems.push(
            `platform:host.rootVolumeGb + platform:host.dataVolumeGb: ${raw.rootVolumeGb} + ${raw.dataVolumeGb} GB is over the free tier's 30 GB of EBS; shrink one of them`,
        );
    }
    if (raw.elasticIp && !raw.acceptCost) {
        problems.push(
            "platform:host.elasticIp: an Elastic IP costs $0.005/h outside the free tier's public IPv4 allowance; set platform:host.acceptCost to true to accept it",
        );
    }
    if ((raw.tlsCertificatePath === undefined) !== (raw.tlsKeyPath === undefined)) {
        problems.push("platform:host.tlsCertificatePath and platform:host.tlsKeyPath go together: set both or neither");
    }
    const { acceptCost: _acceptCost, ...settings } = raw;
    return settings;
}
