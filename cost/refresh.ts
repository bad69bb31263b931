// `npm run prices:refresh [-- --out <file>]`: regenerates cost/price-catalogue.json from the AWS Price List
// API (needs credentials allowed pricing:GetProducts; the API answers from us-east-1).
// It keeps the catalogue's keys: each key maps to one Price List query below. It never writes a
// partial catalogue: every price is fetched in memory, every refreshable key must get exactly one
// price, the result is validated, written to a temporary file beside the target and renamed over
// it. On any failure the existing file is left untouched and the command exits non-zero.

import * as fs from "fs";
import * as path from "path";
import { Filter, GetProductsCommand, GetProductsCommandOutput, PricingClient } from "@aws-sdk/client-pricing";
import { Catalogue, PriceEntry, parseCatalogue } from "./catalogue";

/** Where one catalogue key's price lives in the Price List. */
export interface PriceQuery {
    serviceCode: string;
    /** TERM_MATCH filters sent to GetProducts (regionCode is added unless `global`). */
    filters: Record<string, string>;
    /** The API has no regionCode for this product (Route 53). */
    global?: boolean;
    /** Client-side: the product's usagetype must match. */
    usagetype?: RegExp;
    /** Client-side: other product attributes that must match when present. */
    attributes?: Record<string, RegExp>;
    /** Client-side: the price dimension's unit must match. */
    unit?: RegExp;
    /** Which tier of a tiered price: the one starting at 0 (default) or the first non-zero one (past a free tier). */
    tier?: "first" | "firstPaid";
    /** Multiply the Price List's per-unit price (e.g. 10,000 for "per 10k calls"). */
    scale?: number;
}

/** One product of a GetProducts answer (a PriceList entry parsed from its JSON string). */
export interface PriceListProduct {
    product: { productFamily?: string; sku: string; attributes: Record<string, string> };
    serviceCode?: string;
    terms: {
        OnDemand?: Record<
            string,
            {
                effectiveDate?: string;
                priceDimensions: Record<
                    string,
                    { unit: string; beginRange?: string; endRange?: string; description?: string; pricePerUnit: Record<string, string> }
                >;
            }
        >;
    };
}

const ANY_USE1 = "(?:USE1-)?"; // us-east-1 usage types have either no region prefix or "USE1-"
const ut = (body: string) => new RegExp(`^${ANY_USE1}${body}$`);

/** The Price List query for a catalogue key; undefined when the key has no known query. */
export function queryFor(key: string): PriceQuery | undefined {
    let m: RegExpMatchArray | null;
    if ((m = key.match(/^ec2\.instance\.(.+)$/))) {
        return {
            serviceCode: "AmazonEC2",
            filters: {
                productFamily: "Compute Instance",
                instanceType: m[1],
                operatingSystem: "Linux",
                tenancy: "Shared",
                preInstalledSw: "NA",
                capacitystatus: "Used",
                licenseModel: "No License required",
            },
            unit: /^Hrs$/,
        };
    }
    if ((m = key.match(/^rds\.postgres\.(singleAz|multiAz)\.(.+)$/))) {
        return {
            serviceCode: "AmazonRDS",
            filters: {
                productFamily: "Database Instance",
                instanceType: m[2],
                databaseEngine: "PostgreSQL",
                deploymentOption: m[1] === "multiAz" ? "Multi-AZ" : "Single-AZ",
            },
            unit: /^Hrs$/,
        };
    }
    if ((m = key.match(/^elasticache\.(redis|valkey)\.(.+)$/))) {
        return {
            serviceCode: "AmazonElastiCache",
            filters: { productFamily: "Cache Instance", instanceType: m[2], cacheEngine: m[1] === "redis" ? "Redis" : "Valkey" },
            unit: /^Hrs$/,
        };
    }
    if ((m = key.match(/^rds\.storage\.(gp2|gp3)\.(singleAz|multiAz)\.(gbMonth|iopsMonth|throughputMibpsMonth)$/))) {
        const [, vol, az, what] = m;
        const multi = az === "multiAz" ? "Multi-AZ-" : "";
        const V = vol.toUpperCase();
        const usagetype = { gbMonth: `RDS:${multi}${V}-Storage`, iopsMonth: `RDS:${multi}${V}-PIOPS`, throughputMibpsMonth: `RDS:${multi}${V}-Throughput` }[
            what
        ]!;
        const productFamily = { gbMonth: "Database Storage", iopsMonth: "Provisioned IOPS", throughputMibpsMonth: "Provisioned Throughput" }[what]!;
        return {
            serviceCode: "AmazonRDS",
            filters: { productFamily, deploymentOption: az === "multiAz" ? "Multi-AZ" : "Single-AZ" },
            usagetype: ut(escapeRe(usagetype)),
            attributes: { databaseEngine: /^(PostgreSQL|Any)$/ },
        };
    }
    const fixed: Record<string, PriceQuery> = {
        "ebs.gp3.gbMonth": { serviceCode: "AmazonEC2", filters: { productFamily: "Storage", volumeApiName: "gp3" }, unit: /^GB-Mo$/i },
        "ebs.gp2.gbMonth": { serviceCode: "AmazonEC2", filters: { productFamily: "Storage", volumeApiName: "gp2" }, unit: /^GB-Mo$/i },
        "ebs.gp3.iopsMonth": {
            serviceCode: "AmazonEC2",
            filters: { productFamily: "System Operation", volumeApiName: "gp3" },
            usagetype: ut("EBS:VolumeP-IOPS\\.gp3"),
        },
        "ebs.gp3.throughputMibpsMonth": {
            serviceCode: "AmazonEC2",
            filters: { productFamily: "Provisioned Throughput", volumeApiName: "gp3" },
            usagetype: ut("EBS:VolumeP-Throughput\\.gp3"),
        },
        "ebs.snapshot.gbMonth": { serviceCode: "AmazonEC2", filters: { productFamily: "Storage Snapshot" }, usagetype: ut("EBS:SnapshotUsage") },
        "vpc.publicIpv4.hour": { serviceCode: "AmazonVPC", filters: { productFamily: "VPC Public IPv4 Address" }, usagetype: ut("PublicIPv4:InUseAddress") },
        "vpc.natGateway.hour": { serviceCode: "AmazonEC2", filters: { productFamily: "NAT Gateway" }, usagetype: ut("NatGateway-Hours") },
        "vpc.natGateway.gb": { serviceCode: "AmazonEC2", filters: { productFamily: "NAT Gateway" }, usagetype: ut("NatGateway-Bytes") },
        "vpc.endpoint.interface.hourPerAz": { serviceCode: "AmazonVPC", filters: { productFamily: "VpcEndpoint" }, usagetype: ut("VpcEndpoint-Hours") },
        "vpc.endpoint.interface.gb": { serviceCode: "AmazonVPC", filters: { productFamily: "VpcEndpoint" }, usagetype: ut("VpcEndpoint-Bytes") },
        "elb.application.hour": { serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Application" }, usagetype: ut("LoadBalancerUsage") },
        "elb.application.lcuHour": { serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Application" }, usagetype: ut("LCUUsage") },
        "elb.network.hour": { serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Network" }, usagetype: ut("LoadBalancerUsage") },
        "elb.network.nlcuHour": { serviceCode: "AWSELB", filters: { productFamily: "Load Balancer-Network" }, usagetype: ut("LCUUsage") },
        "fargate.x86_64.vcpuHour": { serviceCode: "AmazonECS", filters: {}, usagetype: ut("Fargate-vCPU-Hours:perCPU") },
        "fargate.x86_64.gbHour": { serviceCode: "AmazonECS", filters: {}, usagetype: ut("Fargate-GB-Hours") },
        "fargate.arm64.vcpuHour": { serviceCode: "AmazonECS", filters: {}, usagetype: ut("Fargate-ARM-vCPU-Hours:perCPU") },
        "fargate.arm64.gbHour": { serviceCode: "AmazonECS", filters: {}, usagetype: ut("Fargate-ARM-GB-Hours") },
        "rds.backup.gbMonth": { serviceCode: "AmazonRDS", filters: { productFamily: "Storage Snapshot" }, usagetype: ut("RDS:ChargedBackupUsage") },
        "secretsmanager.secret.month": { serviceCode: "AWSSecretsManager", filters: {}, usagetype: ut("AWSSecretsManager-Secrets") },
        "secretsmanager.apiCalls.per10k": { serviceCode: "AWSSecretsManager", filters: {}, usagetype: ut("AWSSecretsManager-APIRequest"), scale: 10_000 },
        "kms.key.month": { serviceCode: "awskms", filters: {}, usagetype: ut("KMS-Keys") },
        "kms.requests.per10k": { serviceCode: "awskms", filters: {}, usagetype: ut("KMS-Requests"), tier: "firstPaid", scale: 10_000 },
        "cloudwatch.alarm.standard.month": { serviceCode: "AmazonCloudWatch", filters: {}, usagetype: ut("CW:AlarmMonitorUsage") },
        "cloudwatch.alarm.highResolution.month": { serviceCode: "AmazonCloudWatch", filters: {}, usagetype: ut("CW:HighResAlarmMonitorUsage") },
        "cloudwatch.compositeAlarm.month": { serviceCode: "AmazonCloudWatch", filters: {}, usagetype: ut("CW:CompositeAlarmMonitorUsage") },
        "cloudwatch.dashboard.month": { serviceCode: "AmazonCloudWatch", filters: {}, usagetype: ut("DashboardsUsageHour(-Basic)?"), tier: "firstPaid" },
        "logs.ingest.standard.gb": { serviceCode: "AmazonCloudWatch", filters: {}, usagetype: ut("DataProcessing-Bytes"), tier: "firstPaid" },
        "logs.ingest.infrequentAccess.gb": { serviceCode: "AmazonCloudWatch", filters: {}, usagetype: ut("DataProcessingIA-Bytes"), tier: "firstPaid" },
        "logs.storage.gbMonth": { serviceCode: "AmazonCloudWatch", filters: {}, usagetype: ut("TimedStorage-ByteHrs"), tier: "firstPaid" },
        "lambda.x86_64.gbSecond": { serviceCode: "AWSLambda", filters: {}, usagetype: ut("Lambda-GB-Second") },
        "lambda.arm64.gbSecond": { serviceCode: "AWSLambda", filters: {}, usagetype: ut("Lambda-GB-Second-ARM") },
        "lambda.x86_64.requestsPerMillion": { serviceCode: "AWSLambda", filters: {}, usagetype: ut("Request"), scale: 1e6 },
        "lambda.arm64.requestsPerMillion": { serviceCode: "AWSLambda", filters: {}, usagetype: ut("Request-ARM"), scale: 1e6 },
        "ecr.storage.gbMonth": { serviceCode: "AmazonECR", filters: {}, usagetype: ut("TimedStorage-ByteHrs") },
        "s3.standard.gbMonth": {
            serviceCode: "AmazonS3",
            filters: { productFamily: "Storage", volumeType: "Standard" },
            usagetype: ut("TimedStorage-ByteHrs"),
        },
        "cloudmap.instance.month": { serviceCode: "AWSCloudMap", filters: {}, usagetype: ut("RegisteredResource") },
        "route53.hostedZone.month": { serviceCode: "AmazonRoute53", filters: { productFamily: "DNS Zone" }, global: true, usagetype: /^HostedZone$/ },
        "sns.publish.perMillion": { serviceCode: "AmazonSNS", filters: {}, usagetype: ut("Requests-Tier1"), tier: "firstPaid", scale: 1e6 },
        "sns.email.per100k": { serviceCode: "AmazonSNS", filters: {}, usagetype: ut("DeliveryAttempts-SMTP"), tier: "firstPaid", scale: 1e5 },
        "ssm.parameter.advanced.month": { serviceCode: "AWSSystemsManager", filters: {}, usagetype: ut("PS-Advanced-Param-Tier1") },
    };
    return fixed[key];
}

function escapeRe(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class RefreshError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "RefreshError";
    }
}

/** Parses GetProducts' PriceList (JSON strings, or already-parsed objects) into products. */
export function parsePriceList(list: unknown): PriceListProduct[] {
    if (list === undefined) return [];
    if (!Array.isArray(list)) throw new RefreshError("GetProducts returned a PriceList that is not an array");
    return list.map((item) => (typeof item === "string" || item instanceof String ? JSON.parse(String(item)) : item) as PriceListProduct);
}

/** All products for a service and filters, following NextToken. */
export async function fetchProducts(client: PricingClient, serviceCode: string, filters: Record<string, string>): Promise<PriceListProduct[]> {
    const Filters: Filter[] = Object.entries(filters).map(([Field, Value]) => ({ Type: "TERM_MATCH", Field, Value }));
    const products: PriceListProduct[] = [];
    let NextToken: string | undefined;
    const seenTokens = new Set<string>();
    do {
        const out: GetProductsCommandOutput = await client.send(
            new GetProductsCommand({ ServiceCode: serviceCode, Filters, FormatVersion: "aws_v1", MaxResults: 100, ...(NextToken ? { NextToken } : {}) }),
        );
        products.push(...parsePriceList(out.PriceList));
        NextToken = out.NextToken || undefined;
        if (NextToken !== undefined) {
            if (seenTokens.has(NextToken)) throw new RefreshError(`GetProducts ${serviceCode} returned the same NextToken twice`);
            seenTokens.add(NextToken);
        }
    } while (NextToken !== undefined);
    return products;
}

export interface SelectedPrice {
    usd: number;
    sku: string;
    usagetype?: string;
    unit: string;
    effectiveDate?: string;
}

/** The one on-demand price a query designates among `products`; throws when there is none or several. */
export function selectPrice(key: string, q: PriceQuery, products: PriceListProduct[]): SelectedPrice {
    const candidates: SelectedPrice[] = [];
    for (const p of products) {
        const attrs = p.product?.attributes ?? {};
        if (q.usagetype && !q.usagetype.test(attrs.usagetype ?? "")) continue;
        if (q.attributes && Object.entries(q.attributes).some(([k, re]) => attrs[k] !== undefined && !re.test(attrs[k]))) continue;
        for (const term of Object.values(p.terms?.OnDemand ?? {})) {
            const dims = Object.values(term.priceDimensions ?? {})
                .filter((d) => !q.unit || q.unit.test(d.unit))
                .map((d) => ({ d, usd: Number(d.pricePerUnit?.USD), begin: Number(d.beginRange ?? 0) }))
                .filter((x) => Number.isFinite(x.usd))
                .sort((a, b) => a.begin - b.begin);
            const pick = q.tier === "firstPaid" ? dims.find((x) => x.usd > 0) : dims.find((x) => x.begin === 0);
            if (pick) {
                candidates.push({
                    usd: pick.usd * (q.scale ?? 1),
                    sku: p.product.sku,
                    usagetype: attrs.usagetype,
                    unit: pick.d.unit,
                    effectiveDate: term.effectiveDate,
                });
            }
        }
    }
    if (candidates.length === 0) {
        throw new RefreshError(
            `no on-demand price for "${key}" (${q.serviceCode} ${JSON.stringify(q.filters)}${q.usagetype ? ` usagetype ${q.usagetype}` : ""})`,
        );
    }
    const distinct = [...new Set(candidates.map((c) => c.usd))];
    if (distinct.length > 1) {
        throw new RefreshError(`ambiguous price for "${key}": ${candidates.map((c) => `${c.usd} (${c.sku} ${c.usagetype ?? ""})`).join(", ")}`);
    }
    return candidates.sort((a, b) => a.sku.localeCompare(b.sku))[0];
}

export interface RefreshResult {
    catalogue: Catalogue;
    refreshed: string[];
    /** Keys kept as they were (`refresh: false`: not in the Price List). */
    kept: string[];
    /** Refreshed prices that moved by more than half (worth a look before committing). */
    warnings: string[];
}

/** Builds the refreshed catalogue in memory. Throws (RefreshError or the SDK's error) on any failure. */
export async function buildRefreshedCatalogue(current: Catalogue, client: PricingClient, now: Date = new Date()): Promise<RefreshResult> {
    const cache = new Map<string, Promise<PriceListProduct[]>>();
    const fetchCached = (serviceCode: string, filters: Record<string, string>) => {
        const id = `${serviceCode} ${JSON.stringify(Object.entries(filters).sort())}`;
        if (!cache.has(id)) cache.set(id, fetchProducts(client, serviceCode, filters));
        return cache.get(id)!;
    };
    const prices: Record<string, PriceEntry> = {};
    const refreshed: string[] = [];
    const kept: string[] = [];
    const warnings: string[] = [];
    const problems: string[] = [];
    // Sequential on purpose: the Price List API throttles bursts, and one failure stops the run.
    for (const [key, entry] of Object.entries(current.prices)) {
        if (entry.refresh === false) {
            prices[key] = entry;
            kept.push(key);
            continue;
        }
        const q = queryFor(key);
        if (!q) {
            problems.push(`no Price List query for "${key}" (add one to queryFor in cost/refresh.ts, or mark the entry "refresh": false)`);
            continue;
        }
        const filters = q.global ? q.filters : { regionCode: current.region, ...q.filters };
        let selected: SelectedPrice;
        try {
            selected = selectPrice(key, q, await fetchCached(q.serviceCode, filters));
        } catch (e) {
            if (e instanceof RefreshError) {
                problems.push(e.message);
                continue;
            }
            throw e; // throttling, credentials, network: stop at once
        }
        const { derived: _derived, note: _note, ...rest } = entry;
        void _derived;
        void _note;
        prices[key] = {
            ...rest,
            usd: selected.usd,
            source: "AWS Price List",
            priceList: {
                sku: selected.sku,
                unit: selected.unit,
                ...(selected.usagetype ? { usagetype: selected.usagetype } : {}),
                ...(selected.effectiveDate ? { effectiveDate: selected.effectiveDate } : {}),
            },
        };
        if (entry.usd > 0 && Math.abs(selected.usd - entry.usd) / entry.usd > 0.5) {
            warnings.push(`${key}: ${entry.usd} -> ${selected.usd}`);
        }
        refreshed.push(key);
    }
    if (problems.length > 0) {
        throw new RefreshError(`${problems.length} price(s) could not be refreshed:\n  - ${problems.join("\n  - ")}`);
    }
    const missing = Object.keys(current.prices).filter((k) => !(k in prices));
    if (missing.length > 0) throw new RefreshError(`keys missing from the refreshed catalogue: ${missing.join(", ")}`);
    const next: Catalogue = parseCatalogue(
        {
            ...current,
            retrievedAt: now.toISOString(),
            retrievedFrom: `AWS Price List API (GetProducts), region ${current.region}, ${refreshed.length} prices refreshed, ${kept.length} kept`,
            prices,
        },
        "refreshed catalogue",
    );
    return { catalogue: next, refreshed, kept, warnings };
}

export interface RefreshOptions {
    /** Catalogue file to read and replace. */
    file: string;
    client: PricingClient;
    now?: Date;
}

/** Reads `file`, refreshes it and atomically replaces it. On failure `file` is untouched and the error is rethrown. */
export async function refreshCatalogueFile(opts: RefreshOptions): Promise<RefreshResult> {
    const original = fs.readFileSync(opts.file, "utf8");
    const current = parseCatalogue(JSON.parse(original), opts.file);
    const result = await buildRefreshedCatalogue(current, opts.client, opts.now);
    const tmp = path.join(path.dirname(opts.file), `.${path.basename(opts.file)}.${process.pid}.${Date.now()}.tmp`);
    try {
        fs.writeFileSync(tmp, JSON.stringify(result.catalogue, null, 2) + "\n", { flag: "wx" });
        parseCatalogue(JSON.parse(fs.readFileSync(tmp, "utf8")), tmp); // what is on disk parses back
        fs.renameSync(tmp, opts.file);
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e;
    }
    return result;
}

export const DEFAULT_CATALOGUE_FILE = path.join(__dirname, "price-catalogue.json");

/** CLI: `tsx cost/refresh.ts [--out <file>]`. Returns the exit code. */
export async function main(argv: string[], deps: { client?: PricingClient; log?: (s: string) => void; error?: (s: string) => void } = {}): Promise<number> {
    const log = deps.log ?? ((s: string) => console.log(s));
    const error = deps.error ?? ((s: string) => console.error(s));
    let file = DEFAULT_CATALOGUE_FILE;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--out" || arg === "--file") {
            const value = argv[++i];
            if (!value) {
                error(`${arg} needs a path`);
                return 2;
            }
            file = path.resolve(value);
        } else if (arg.startsWith("--out=")) {
            file = path.resolve(arg.slice("--out=".length));
        } else if (arg === "--help" || arg === "-h") {
            log("usage: npm run prices:refresh [-- --out <price-catalogue.json>]  (default: cost/price-catalogue.json)");
            return 0;
        } else {
            error(`unknown argument ${arg} (usage: prices:refresh [--out <file>])`);
            return 2;
        }
    }
    // The Price List API is served from us-east-1 (also eu-central-1, ap-south-1), whatever region is priced.
    const client = deps.client ?? new PricingClient({ region: "us-east-1" });
    try {
        const r = await refreshCatalogueFile({ file, client });
        log(`Refreshed ${r.refreshed.length} prices (${r.kept.length} kept as they were) in ${file}, retrievedAt ${r.catalogue.retrievedAt}.`);
        for (const w of r.warnings) log(`  price moved by more than 50%: ${w}`);
        return 0;
    } catch (e) {
        const name = e instanceof Error ? e.name : "Error";
        error(`prices:refresh failed, ${file} left unchanged: ${name}: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
