// The network: VPC, subnets in each AZ (public / private app / database), routing for the chosen
// NAT strategy, subnet groups for RDS and ElastiCache, a free S3 gateway endpoint, flow logs, and the
// security-group chain ALB -> services -> database / cache (seed 003 §10.2.5).
//
// Cost: the VPC, subnets, route tables, security groups and the S3 gateway endpoint are free. NAT is
// the only cost here: `instance` ~$3/month (t4g.nano) + $3.65 public IPv4; `single` $32.85 + data;
// `per-az` $32.85 per AZ + data.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NatStrategy, NetworkSettings } from "../config/types";
import { AZ_IDS_WITHOUT_FARGATE } from "../config/aws-limits";
import { NatInstance } from "./nat-instance";
import { pickZoneIds } from "./zones";

export interface NetworkArgs {
    settings: NetworkSettings;
    /** Prefix for Name tags and physical names (`<project>-<stack>`). */
    namePrefix: string;
    /** Which links of the security-group chain exist in this tier. */
    chain: {
        loadBalancer: boolean;
        /**
         * The one port CloudFront reaches the load balancer on (443 when it serves HTTPS, else 80):
         * the load balancer then admits CloudFront's origin-facing addresses on it, and nothing else.
         */
        edgeOriginPort?: 80 | 443;
        /** Ports the load balancer forwards to the services (their http ports). */
        serviceHttpPorts: number[];
        /** Ports services reach each other on (gRPC, internal TCP). */
        serviceInternalPorts: number[];
        database: boolean;
        cache: boolean;
        /** The zero-cost host: 80/443 from the internet. */
        publicHost: boolean;
    };
}

/** Marks the security groups that may accept 80/443 from anywhere (read by the EC2.19 policy). */
export const PUBLIC_WEB_INGRESS_TAG = { PublicIngress: "true" };

/** The AWS-managed prefix list of CloudFront's origin-facing addresses (VPC User Guide, "AWS-managed prefix lists"). */
export const CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing";

/** Which NAT each AZ's private route table uses: an index into the NAT gateways, or the NAT instance. */
export function natRouteTargets(nat: NatStrategy, azCount: number): ({ gateway: number } | { instance: true } | undefined)[] {
    return Array.from({ length: azCount }, (_, az) => {
        switch (nat) {
            case "none":
                return undefined;
            case "single":
                return { gateway: 0 };
            case "per-az":
                return { gateway: az };
            case "instance":
                return { instance: true as const };
        }
    });
}

export function natGatewayCount(nat: NatStrategy, azCount: number): number {
    return nat === "per-az" ? azCount : nat === "single" ? 1 : 0;
}

export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: string;
    readonly publicSubnetIds: pulumi.Output<string>[];
    /** AZ names of the public subnets, index by index (AWS resolves them from the zone ids). */
    readonly publicSubnetAzs: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly databaseSubnetIds: pulumi.Output<string>[];
    readonly dbSubnetGroupName?: pulumi.Output<string>;
    readonly cacheSubnetGroupName?: pulumi.Output<string>;
    readonly securityGroups: {
        loadBalancer?: pulumi.Output<string>;
        services?: pulumi.Output<string>;
        database?: pulumi.Output<string>;
        cache?: pulumi.Output<string>;
        host?: pulumi.Output<string>;
    };
    readonly natGatewayIds: pulumi.Output<string>[];
    /** The zone ids of the subnets, index by index. */
    readonly zoneIds: pulumi.Output<string[]>;
    /** The public subnets' default route and associations: what an instance booting there needs first. */
    readonly internetRoute: pulumi.Resource[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:network:Network", name, {}, opts);
        const { settings, namePrefix, chain } = args;
        const parent = { parent: this };
        const named = (suffix: string) => ({ Name: `${namePrefix}-${suffix}` });
        // Regular AZs only: opted-in Local Zones (us-east-1-atl-2a...) have no NAT gateways or RDS.
        // No state filter (an impaired zone must not shift the list) and no zone without Fargate.
        const azs = aws.getAvailabilityZonesOutput(
            {
                excludeZoneIds: [...AZ_IDS_WITHOUT_FARGATE],
                filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
            },
            parent,
        );
        const zoneIds = azs.zoneIds.apply((offered) => pickZoneIds(offered, settings.azCount, settings.availabilityZoneIds));
        this.zoneIds = zoneIds;

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: settings.vpcCidr,
                enableDnsSupport: true,
                enableDnsHostnames: true,
                tags: named("vpc"),
            },
            parent,
        );
        this.vpcId = vpc.id;
        this.vpcCidr = settings.vpcCidr;

        const subnets = (tier: "public" | "private" | "database") =>
            settings.subnets[tier].map(
                (cidr, i) =>
                    new aws.ec2.Subnet(
                        `${name}-${tier}-${i + 1}`,
                        {
                            vpcId: vpc.id,
                            cidrBlock: cidr,
                            availabilityZoneId: zoneIds[i],
                            // Public subnets hand out no public IPs by default: only what asks for one gets one.
                            mapPublicIpOnLaunch: false,
                            tags: { ...named(`${tier}-${i + 1}`), SubnetTier: tier },
                        },
                        parent,
                    ),
            );
        const publicSubnets = subnets("public");
        const privateSubnets = subnets("private");
        const databaseSubnets = subnets("database");
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.publicSubnetAzs = publicSubnets.map((s) => s.availabilityZone);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.databaseSubnetIds = databaseSubnets.map((s) => s.id);

        // The internet gateway is always created: it is free.
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: named("igw") }, parent);
        const publicTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: named("public") }, parent);
        const publicRoute = new aws.ec2.Route(
            `${name}-public-internet`,
            {
                routeTableId: publicTable.id,
                destinationCidrBlock: "0.0.0.0/0",
                gatewayId: igw.id,
            },
            parent,
        );
        this.internetRoute = [
            publicRoute,
            ...publicSubnets.map(
                (subnet, i) =>
                    new aws.ec2.RouteTableAssociation(
                        `${name}-public-${i + 1}`,
                        {
                            subnetId: subnet.id,
                            routeTableId: publicTable.id,
                        },
                        parent,
                    ),
            ),
        ];

        // One private route table per AZ whatever the NAT choice, so changing NAT only changes routes.
        const privateTables = privateSubnets.map((subnet, i) => {
            const table = new aws.ec2.RouteTable(`${name}-private-${i + 1}`, { vpcId: vpc.id, tags: named(`private-${i + 1}`) }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}`, { subnetId: subnet.id, routeTableId: table.id }, parent);
            return table;
        });
        // Database subnets have no route to the internet at all.
        const databaseTable =
            databaseSubnets.length > 0 ? new aws.ec2.RouteTable(`${name}-database`, { vpcId: vpc.id, tags: named("database") }, parent) : undefined;
        databaseSubnets.forEach(
            (subnet, i) =>
                new aws.ec2.RouteTableAssociation(
                    `${name}-database-${i + 1}`,
                    {
                        subnetId: subnet.id,
                        routeTableId: databaseTable!.id,
                    },
                    parent,
                ),
        );

        const natGateways = Array.from({ length: settings.privateSubnets ? natGatewayCount(settings.nat, settings.azCount) : 0 }, (_, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${i + 1}`, { domain: "vpc", tags: named(`nat-${i + 1}`) }, parent);
            return new aws.ec2.NatGateway(
                `${name}-nat-${i + 1}`,
                {
                    allocationId: eip.id,
                    subnetId: publicSubnets[i].id,
                    tags: named(`nat-${i + 1}`),
                },
                { parent: this, dependsOn: [igw] },
            );
        });
        this.natGatewayIds = natGateways.map((n) => n.id);

        const natInstance =
            settings.privateSubnets && settings.nat === "instance" ? this.natInstance(name, args, vpc, publicSubnets[0], namePrefix) : undefined;

        natRouteTargets(settings.privateSubnets ? settings.nat : "none", privateTables.length).forEach((target, i) => {
            if (!target) return;
            new aws.ec2.Route(
                `${name}-private-${i + 1}-egress`,
                {
                    routeTableId: privateTables[i].id,
                    destinationCidrBlock: "0.0.0.0/0",
                    ...("gateway" in target
                        ? { natGatewayId: natGateways[target.gateway].id }
                        : { networkInterfaceId: natInstance!.primaryNetworkInterfaceId }),
                },
                parent,
            );
        });

        // S3 gateway endpoint: free, and keeps image layers (ECR stores them in S3) off the NAT bill.
        new aws.ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: vpc.id,
                serviceName: `com.amazonaws.${aws.config.region ?? "us-east-1"}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: [publicTable, ...privateTables, ...(databaseTable ? [databaseTable] : [])].map((t) => t.id),
                tags: named("s3"),
            },
            parent,
        );

        if (databaseSubnets.length > 0) {
            this.dbSubnetGroupName = new aws.rds.SubnetGroup(
                `${name}-database`,
                {
                    name: `${namePrefix}-database`,
                    description: `Database subnets of ${namePrefix}`,
                    subnetIds: this.databaseSubnetIds,
                    tags: named("database"),
                },
                parent,
            ).name;
            this.cacheSubnetGroupName = new aws.elasticache.SubnetGroup(
                `${name}-cache`,
                {
                    name: `${namePrefix}-cache`,
                    description: `Cache subnets of ${namePrefix}`,
                    subnetIds: this.databaseSubnetIds,
                    tags: named("cache"),
                },
                parent,
            ).name;
        }

        if (settings.flowLogs.enabled) this.flowLogs(name, vpc, settings, namePrefix);
        this.securityGroups = this.securityGroupChain(name, vpc, chain, namePrefix);

        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            databaseSubnetIds: this.databaseSubnetIds,
        });
    }

    private natInstance(name: string, args: NetworkArgs, vpc: aws.ec2.Vpc, subnet: aws.ec2.Subnet, namePrefix: string): NatInstance {
        return new NatInstance(
            `${name}-nat`,
            {
                vpcId: vpc.id,
                vpcCidr: args.settings.vpcCidr,
                subnetId: subnet.id,
                privateSubnetCidrs: args.settings.subnets.private,
                instanceType: args.settings.natInstanceType,
                namePrefix,
                internetRoute: this.internetRoute,
            },
            { parent: this },
        );
    }

    private flowLogs(name: string, vpc: aws.ec2.Vpc, settings: NetworkSettings, namePrefix: string): void {
        const parent = { parent: this };
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                name: `/${namePrefix}/vpc-flow-logs`,
                retentionInDays: settings.flowLogs.retentionDays,
            },
            parent,
        );
        const caller = aws.getCallerIdentityOutput({}, parent);
        const region = aws.getRegionOutput({}, parent);
        // VPC flow logs IAM role page: the service assumes it only for this account's flow logs.
        const role = new aws.iam.Role(
            `${name}-flow-logs`,
            {
                assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
                    {
                        statements: [
                            {
                                actions: ["sts:AssumeRole"],
                                principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
                                conditions: [
                                    { test: "StringEquals", variable: "aws:SourceAccount", values: [caller.accountId] },
                                    {
                                        test: "ArnLike",
                                        variable: "aws:SourceArn",
                                        values: [pulumi.interpolate`arn:aws:ec2:${region.region}:${caller.accountId}:vpc-flow-log/*`],
                                    },
                                ],
                            },
                        ],
                    },
                    parent,
                ).json,
            },
            parent,
        );
        // The documented minimum: create/describe groups and streams, put events (AWS-FACTS).
        const policy = new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: role.id,
                policy: aws.iam.getPolicyDocumentOutput(
                    {
                        statements: [
                            {
                                actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                resources: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
                            },
                            // DescribeLogGroups takes no log-group resource.
                            { actions: ["logs:DescribeLogGroups"], resources: ["*"] },
                        ],
                    },
                    parent,
                ).json,
            },
            parent,
        );
        new aws.ec2.FlowLog(
            `${name}-flow-logs`,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
            },
            { parent: this, dependsOn: [policy] },
        ); // delivery fails (and stays failed) while the role has no policy
    }

    private securityGroupChain(name: string, vpc: aws.ec2.Vpc, chain: NetworkArgs["chain"], namePrefix: string): Network["securityGroups"] {
        const parent = { parent: this };
        const group = (suffix: string, description: string, extraTags: Record<string, string> = {}) =>
            new aws.ec2.SecurityGroup(
                `${name}-${suffix}`,
                {
                    vpcId: vpc.id,
                    description,
                    tags: { Name: `${namePrefix}-${suffix}`, ...extraTags },
                },
                parent,
            );
        const ingress = (
            ruleName: string,
            groupId: pulumi.Input<string>,
            port: number,
            from: { cidr: string } | { group: pulumi.Input<string> } | { prefixList: pulumi.Input<string> },
            description: string,
        ) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${ruleName}`,
                {
                    securityGroupId: groupId,
                    description,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    ...("cidr" in from
                        ? { cidrIpv4: from.cidr }
                        : "group" in from
                          ? { referencedSecurityGroupId: from.group }
                          : { prefixListId: from.prefixList }),
                },
                parent,
            );
        const egress = (
            ruleName: string,
            groupId: pulumi.Input<string>,
            port: number | "all",
            to: { cidr: string } | { group: pulumi.Input<string> },
            description: string,
        ) =>
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-${ruleName}`,
                {
                    securityGroupId: groupId,
                    description,
                    ipProtocol: port === "all" ? "-1" : "tcp",
                    ...(port === "all" ? {} : { fromPort: port, toPort: port }),
                    ...("cidr" in to ? { cidrIpv4: to.cidr } : { referencedSecurityGroupId: to.group }),
                },
                parent,
            );

        const result: Network["securityGroups"] = {};
        if (chain.publicHost) {
            const host = group("host", "Zero-cost host: HTTP and HTTPS from the internet, nothing else", PUBLIC_WEB_INGRESS_TAG);
            ingress("host-http", host.id, 80, { cidr: "0.0.0.0/0" }, "HTTP from the internet");
            ingress("host-https", host.id, 443, { cidr: "0.0.0.0/0" }, "HTTPS from the internet");
            // The host pulls images and packages and talks to SSM.
            egress("host-egress", host.id, "all", { cidr: "0.0.0.0/0" }, "Outbound to the internet");
            result.host = host.id;
        }
        if (!chain.loadBalancer) return result;

        const edgePort = chain.edgeOriginPort;
        // Behind the edge: one rule from CloudFront's origin-facing prefix list, which weighs 55 of a
        // group's 60 inbound rules (AWS-FACTS "CloudFront, certificates and DNS"), so one port only.
        const alb = edgePort
            ? // A constant description: changing it forces a new group (aws_security_group).
              group("alb", "Load balancer: from CloudFront's origin-facing addresses only")
            : group("alb", "Load balancer: HTTP and HTTPS from the internet", PUBLIC_WEB_INGRESS_TAG);
        const services = group("services", "Services: app ports from the load balancer, internal ports from each other");
        if (edgePort) {
            const cloudFront = aws.ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING }, parent);
            ingress(`alb-from-cloudfront-${edgePort}`, alb.id, edgePort, { prefixList: cloudFront.id }, "From CloudFront (origin-facing prefix list)");
        } else {
            ingress("alb-http", alb.id, 80, { cidr: "0.0.0.0/0" }, "HTTP from the internet (redirected to HTTPS)");
            ingress("alb-https", alb.id, 443, { cidr: "0.0.0.0/0" }, "HTTPS from the internet");
        }
        for (const port of chain.serviceHttpPorts) {
            egress(`alb-to-services-${port}`, alb.id, port, { group: services.id }, `To the services on ${port}`);
            ingress(`services-from-alb-${port}`, services.id, port, { group: alb.id }, `App port ${port} from the load balancer`);
        }
        for (const port of chain.serviceInternalPorts) {
            ingress(`services-from-services-${port}`, services.id, port, { group: services.id }, `Port ${port} between services`);
            egress(`services-to-services-${port}`, services.id, port, { group: services.id }, `Port ${port} between services`);
        }
        // Out: HTTPS only (image pulls, AWS APIs, third parties) through NAT, and the data tier below.
        // DNS (the VPC resolver), the metadata and time services are not filtered by security groups.
        egress("services-https", services.id, 443, { cidr: "0.0.0.0/0" }, "HTTPS out through NAT");
        result.loadBalancer = alb.id;
        result.services = services.id;

        if (chain.database) {
            const database = group("database", "Database: PostgreSQL from the services only");
            ingress("database-from-services", database.id, 5432, { group: services.id }, "PostgreSQL from the services");
            egress("services-to-database", services.id, 5432, { group: database.id }, "PostgreSQL to the database");
            result.database = database.id;
        }
        if (chain.cache) {
            const cache = group("cache", "Cache: Redis protocol from the services only");
            ingress("cache-from-services", cache.id, 6379, { group: services.id }, "Redis/Valkey from the services");
            egress("services-to-cache", services.id, 6379, { group: cache.id }, "Redis/Valkey to the cache");
            result.cache = cache.id;
        }
        return result;
    }
}
