// The stack output contract: what applications may read from a `platform` stack, per tier, and the
// names and README table derived from it. Pure; re-exported by tools/outputs-lib.ts.
import { Tier, TIERS, tiersWhere } from "../config/tiers";

export type { Tier };

/** Every tier, in the order the tier table lists them. */
const ALL: readonly Tier[] = TIERS;
/** Tiers with the VPC / ALB / Fargate / RDS / ElastiCache / Secrets Manager layout. */
const CLOUD: readonly Tier[] = tiersWhere((t) => t.runtime === "fargate");
/** The single-host tiers. */
const HOST: readonly Tier[] = tiersWhere((t) => t.runtime === "host");

export type OutputType = "string" | "number" | "boolean" | "map" | "list";

export interface StackOutputSpec {
    /** Top-level stack output name, as `pulumi stack output` prints it. */
    readonly name: string;
    /** One line for the README and for app developers. */
    readonly description: string;
    /** JSON type of the value; `map` is an object of strings keyed by service or parameter name. */
    readonly type: OutputType;
    /** Exported with `pulumi.secret(...)`: `pulumi stack output` prints `[secret]` without `--show-secrets`. */
    readonly secret: boolean;
    /** Tiers whose stacks export this output (and no others do). */
    readonly tiers: readonly Tier[];
}

/**
 * The stack output contract. The program exports exactly these top-level names, secret exactly where
 * `secret` is true; the README's outputs table, `npm run outputs`, the ESC example and the
 * StackReference example are all derived from or checked against this one table.
 */
export const STACK_OUTPUTS: readonly StackOutputSpec[] = [
    { name: "tier", type: "string", secret: false, tiers: ALL, description: `Tier of the stack: ${TIERS.map((t) => `\`${t}\``).join(", ")}.` },
    {
        name: "url",
        type: "string",
        secret: false,
        tiers: ALL,
        description: "Public base URL of the platform: the edge's `https://` name where a distribution is in front, else the load balancer's or host's.",
    },
    {
        name: "httpsEnabled",
        type: "boolean",
        secret: false,
        tiers: ALL,
        description: "Whether `url` is served over HTTPS (always behind the edge; elsewhere when a certificate is configured).",
    },
    {
        name: "cdnDomainName",
        type: "string",
        secret: false,
        tiers: CLOUD,
        description: "The CloudFront distribution's `*.cloudfront.net` name (target of a CNAME when the DNS is elsewhere).",
    },
    {
        name: "distributionId",
        type: "string",
        secret: false,
        tiers: CLOUD,
        description: "The CloudFront distribution's id, for invalidations (`aws cloudfront create-invalidation`).",
    },
    {
        name: "vpcId",
        type: "string",
        secret: false,
        tiers: ALL,
        description: "VPC of the stack, for other stacks that attach to it (VPC peering, Lambdas in the VPC).",
    },
    { name: "publicSubnetIds", type: "list", secret: false, tiers: ALL, description: "Public subnet ids, one per AZ." },
    {
        name: "privateSubnetIds",
        type: "list",
        secret: false,
        tiers: CLOUD,
        description: "Private (app) subnet ids, one per AZ (zero-cost has public subnets only).",
    },
    { name: "alarmTopicArn", type: "string", secret: false, tiers: ALL, description: "SNS topic every alarm notifies; subscribe more endpoints to it." },
    {
        name: "albDnsName",
        type: "string",
        secret: false,
        tiers: CLOUD,
        description: "DNS name of the Application Load Balancer (target for a CNAME/alias record).",
    },
    { name: "clusterName", type: "string", secret: false, tiers: CLOUD, description: "Name of the ECS cluster running the Fargate services." },
    {
        name: "serviceNames",
        type: "map",
        secret: false,
        tiers: CLOUD,
        description: "ECS service name per service (`api`, `devices`), for `aws ecs update-service`.",
    },
    { name: "ecrRepositoryUrls", type: "map", secret: false, tiers: ALL, description: "ECR repository URL per service, where CI pushes images." },
    {
        name: "serviceDiscoveryNamespace",
        type: "string",
        secret: false,
        tiers: CLOUD,
        description: "Cloud Map private DNS namespace; services reach each other at `<service>.<namespace>`.",
    },
    {
        name: "databaseEndpoint",
        type: "string",
        secret: false,
        tiers: ALL,
        description: "PostgreSQL host name (RDS endpoint address; the host's container on zero-cost).",
    },
    { name: "databasePort", type: "number", secret: false, tiers: ALL, description: "PostgreSQL port." },
    { name: "databaseName", type: "string", secret: false, tiers: ALL, description: "Name of the application database." },
    {
        name: "databaseSecretArn",
        type: "string",
        secret: false,
        tiers: CLOUD,
        description:
            "ARN of the Secrets Manager secret of the application database user (`username`, `password`, `host`...; rotated with alternating users): what apps connect with.",
    },
    {
        name: "databaseMasterSecretArn",
        type: "string",
        secret: false,
        tiers: CLOUD,
        description: "ARN of the RDS-managed master user secret: operators and the schema runner only (`schema/apply.ts --secret-arn`), never apps.",
    },
    {
        name: "cacheEndpoint",
        type: "string",
        secret: false,
        tiers: ALL,
        description: "Cache (Valkey/Redis) endpoint host: configuration endpoint in cluster mode, else primary endpoint.",
    },
    { name: "cachePort", type: "number", secret: false, tiers: ALL, description: "Cache port." },
    {
        name: "cacheMode",
        type: "string",
        secret: false,
        tiers: ALL,
        description: "How to connect to the cache: `cluster` (cluster-mode client), `replication-group` or `host-container`.",
    },
    { name: "appSecretArn", type: "string", secret: false, tiers: CLOUD, description: "ARN of the Secrets Manager secret holding application secrets." },
    { name: "instanceId", type: "string", secret: false, tiers: HOST, description: "EC2 instance id of the zero-cost host (for `aws ssm start-session`)." },
    { name: "publicIp", type: "string", secret: false, tiers: HOST, description: "Public IPv4 address of the zero-cost host." },
    {
        name: "ssmParameterNames",
        type: "map",
        secret: false,
        tiers: HOST,
        description: "SSM Parameter Store names (SecureString) holding the zero-cost host's secrets, by purpose.",
    },
];

/** True for a tier the contract knows (a stack's `tier` output is checked against its column). */
export function isContractTier(tier: string): tier is Tier {
    return (ALL as readonly string[]).includes(tier);
}

/** The contract entry for an output name, or undefined when it is not part of the contract. */
export function outputSpec(name: string): StackOutputSpec | undefined {
    return STACK_OUTPUTS.find((o) => o.name === name);
}

/** Names of the outputs a stack of `tier` exports, in contract order. */
export function outputNamesForTier(tier: Tier): string[] {
    return STACK_OUTPUTS.filter((o) => o.tiers.includes(tier)).map((o) => o.name);
}

/** Names of the secret outputs (all tiers). */
export function secretOutputNames(): string[] {
    return STACK_OUTPUTS.filter((o) => o.secret).map((o) => o.name);
}

/**
 * `databaseEndpoint` -> `DATABASE_ENDPOINT`, `api` -> `API`, `my-service` -> `MY_SERVICE`.
 * Anything that is not a letter or digit becomes `_`; a leading digit gets a `_` prefix.
 */
export function toEnvName(name: string): string {
    const snake = name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "")
        .toUpperCase();
    if (snake === "") throw new Error(`cannot derive an environment variable name from ${JSON.stringify(name)}`);
    return /^[0-9]/.test(snake) ? `_${snake}` : snake;
}

/** Markdown table of the contract, for the README (generated, never hand-edited). */
export function renderOutputsMarkdownTable(): string {
    const tierLabel = (tiers: readonly Tier[]) => (tiers.length === ALL.length ? "all" : tiers.join(", "));
    const rows = STACK_OUTPUTS.map((o) => {
        const env = o.type === "map" ? `\`${toEnvName(o.name)}_<KEY>\`` : `\`${toEnvName(o.name)}\``;
        const desc = o.description.replace(/\|/g, "\\|");
        return `| \`${o.name}\` | ${env} | ${o.type} | ${tierLabel(o.tiers)} | ${o.secret ? "yes" : "no"} | ${desc} |`;
    });
    return ["| Output | Env variable | Type | Tiers | Secret | Description |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}
