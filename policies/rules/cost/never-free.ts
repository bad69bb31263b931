// `zero-budget-never-free`: a tier whose budget is $0 (`budgetUsd: 0`) has no resource that costs
// money whatever the free tier, so the budget policy's estimate cannot be $0 by accident of an
// unpriced resource.

import { ResourceValidationPolicy } from "@pulumi/policy";
import { safeGet } from "../common";
import { PACK_TIERS, schemaWithTier, TierConfig, TierTable, tierOf } from "../tiers";
import { T } from "../types";

/** Types that cost money whatever the free tier, with the reason shown in the violation. */
export const NEVER_FREE: Readonly<Record<string, string>> = {
    [T.natGateway]: "a NAT gateway costs $0.045/h plus $0.045/GB",
    "aws:lb/loadBalancer:LoadBalancer": "a load balancer costs about $16/month before LCUs",
    "aws:alb/loadBalancer:LoadBalancer": "a load balancer costs about $16/month before LCUs",
    "aws:elb/loadBalancer:LoadBalancer": "a load balancer costs about $18/month",
    [T.rdsInstance]: "RDS is never free in this design (a $0 tier runs its database on the host)",
    [T.rdsCluster]: "RDS/Aurora is never free",
    [T.rdsClusterInstance]: "RDS/Aurora is never free",
    [T.cacheReplicationGroup]: "ElastiCache is never free in this design (a $0 tier runs Redis on the host)",
    [T.cacheCluster]: "ElastiCache is never free in this design (a $0 tier runs Redis on the host)",
    [T.cacheServerless]: "ElastiCache Serverless is never free",
    [T.eip]: "an Elastic IP costs $0.005/h (set allowElasticIp when the free-tier public IPv4 allowance covers it)",
    [T.kmsKey]: "a customer-managed KMS key costs $1/month",
    [T.secret]: "a Secrets Manager secret costs $0.40/month",
    "aws:ec2/transitGateway:TransitGateway": "a transit gateway is billed per attachment-hour",
    "aws:ec2/clientVpnEndpoint:ClientVpnEndpoint": "a Client VPN endpoint is billed per association-hour",
    "aws:ec2/vpnConnection:VpnConnection": "a site-to-site VPN is billed per hour",
    "aws:eks/cluster:Cluster": "an EKS control plane costs $0.10/h",
    "aws:opensearch/domain:Domain": "OpenSearch domains are billed per instance-hour",
    "aws:globalaccelerator/accelerator:Accelerator": "Global Accelerator is billed per hour",
    "aws:networkfirewall/firewall:Firewall": "Network Firewall is billed per endpoint-hour",
    "aws:route53/zone:Zone": "a hosted zone costs $0.50/month",
};

export interface NeverFreeConfig extends TierConfig {
    allowElasticIp?: boolean;
    /** Type tokens to allow in a $0 tier despite the list. */
    allowTypes?: string[];
}

/**
 * `zero-budget-never-free` (resource, mandatory): in a tier with a $0 budget, no resource that
 * costs money whatever the free tier: NAT gateways, load balancers, RDS, ElastiCache, Elastic IPs
 * (unless `allowElasticIp`), interface/GWLB VPC endpoints (gateway endpoints are free), KMS keys,
 * Secrets Manager secrets, Fargate services, and the others in NEVER_FREE.
 */
export function zeroBudgetNeverFree(tiers: TierTable = PACK_TIERS): ResourceValidationPolicy {
    return {
        name: "zero-budget-never-free",
        description:
            "A tier with a $0 budget has no never-free resource (NAT gateway, load balancer, RDS, ElastiCache, EIP, interface VPC endpoint, KMS key, ...).",
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["cost"],
        configSchema: schemaWithTier(tiers, {
            allowElasticIp: { type: "boolean", default: false, description: "Allow Elastic IPs in a $0 tier." },
            allowTypes: { type: "array", items: { type: "string" }, default: [], description: "Type tokens allowed in a $0 tier despite the list." },
        }),
        validateResource: (args, report) => {
            let reason: string | undefined = NEVER_FREE[args.type];
            if (args.type === T.vpcEndpoint) {
                const kind = safeGet(args.props, "vpcEndpointType") ?? "Gateway";
                reason = kind === "Gateway" ? undefined : `a ${kind} VPC endpoint costs about $7.30/month per AZ plus $0.01/GB`;
            }
            if (args.type === T.ecsService && safeGet(args.props, "launchType") === "FARGATE") {
                reason = "Fargate tasks are never free";
            }
            if (reason === undefined) {
                return;
            }
            const config = args.getConfig<NeverFreeConfig>();
            if (config.allowTypes?.includes(args.type) || (args.type === T.eip && config.allowElasticIp === true)) {
                return;
            }
            const tier = tierOf(args, report, tiers);
            if (tier !== undefined && tier.traits.budgetUsd === 0) {
                report(`${args.type} "${args.name}" is not allowed in tier ${tier.name} (budget $0): ${reason}.`);
            }
        },
    };
}
