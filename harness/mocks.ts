// Realistic answers for the mocked engine: computed resource attributes and data-source results.
// Values a real account would return (ARNs, endpoints, AZ names) so that the program's string
// building, IAM documents and outputs look exactly as they would after `pulumi up`.
import { policyDocument } from "./mocks-iam";
import { edgeCallResult, edgeState } from "./mocks-edge";
import { hex, uuid } from "./mocks-hash";
import { physicalNameOf, randomSuffix, prefixSuffix, NAMING } from "./naming";

/**
 * The mocked caller account: deliberately not one of AWS's documentation example ids
 * (123456789012, 111122223333, ...), so an example ARN pasted into config stands out (harness/strict.ts).
 * A stack's `aws:allowedAccountIds` overrides it (harness/run.ts).
 */
export const ACCOUNT_ID = "482917365014";

/**
 * AZ name -> zone id per region, for one plausible account. AWS maps names to zone ids differently in
 * every account (only zone ids are the same everywhere: "AZ IDs for your AWS resources", AWS RAM User
 * Guide); this one has us-east-1b on use1-az3, the zone without Fargate, so a program that picks AZs by
 * position meets it.
 */
export const AVAILABILITY_ZONES: Record<string, [name: string, zoneId: string][]> = {
    "us-east-1": [
        ["us-east-1a", "use1-az1"],
        ["us-east-1b", "use1-az3"],
        ["us-east-1c", "use1-az5"],
        ["us-east-1d", "use1-az2"],
        ["us-east-1e", "use1-az4"],
        ["us-east-1f", "use1-az6"],
    ],
    "us-west-2": [
        ["us-west-2a", "usw2-az2"],
        ["us-west-2b", "usw2-az1"],
        ["us-west-2c", "usw2-az3"],
        ["us-west-2d", "usw2-az4"],
    ],
    "eu-west-1": [
        ["eu-west-1a", "euw1-az3"],
        ["eu-west-1b", "euw1-az1"],
        ["eu-west-1c", "euw1-az2"],
    ],
};

/** Zone-id prefix AWS uses for a region: us-east-1 -> use1, ap-southeast-2 -> apse2, eu-central-1 -> euc1. */
function zoneIdPrefix(region: string): string {
    const [geo, direction = "", n = ""] = region.split("-");
    return `${geo}${direction.replace(/north|south|east|west|central/g, (w) => w[0])}${n}`;
}

export function availabilityZonesOf(region: string): [name: string, zoneId: string][] {
    return AVAILABILITY_ZONES[region] ?? ["a", "b", "c"].map((s, i) => [`${region}${s}`, `${zoneIdPrefix(region)}-az${i + 1}`]);
}

/** What one mocked run knows beyond a single call: the caller account, regions and what it answered. */
export interface MockContext {
    /** Account of the deploying credentials. */
    account: string;
    /** The stack's `aws:region`. */
    region: string;
    /** Region of each explicit aws.Provider, by the id the mock gave it. */
    providerRegions: Map<string, string>;
    /** AZ name -> zone id that getAvailabilityZones answered, per region (for the strict layer). */
    zoneAnswers: Map<string, Map<string, string>>;
    /** Route 53 hosted zones that exist; undefined: every requested zone exists. */
    hostedZones?: string[];
    /** Zone id -> zone name of every zone getZone answered (record fqdn). */
    zoneNames: Map<string, string>;
}

export function newMockContext(region: string, account: string = ACCOUNT_ID, hostedZones?: string[]): MockContext {
    return { account, region, providerRegions: new Map(), zoneAnswers: new Map(), hostedZones, zoneNames: new Map() };
}

/** Region a resource is created in: its explicit provider's (reference `urn::id`), else the stack's. */
export function regionOfProvider(ctx: MockContext, provider: string | undefined): string {
    const id = provider ? provider.slice(provider.lastIndexOf("::") + 2) : "";
    return ctx.providerRegions.get(id) ?? ctx.region;
}

/** ELB account ids for access-log bucket policies in regions opened before August 2022. */
const ELB_ACCOUNT_IDS: Record<string, string> = {
    "us-east-1": "127311923021",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
};

function service(type: string): string {
    // "aws:rds/instance:Instance" -> "rds"
    const match = /^aws:([a-zA-Z0-9]+)\//.exec(type);
    return (match?.[1] ?? "unknown").toLowerCase();
}

function slug(name: string): string {
    return name.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/** Physical id a real create would return for this type. */
export function mockId(type: string, name: string): string {
    const prefixes: Record<string, string> = {
        "aws:ec2/vpc:Vpc": "vpc-",
        "aws:ec2/subnet:Subnet": "subnet-",
        "aws:ec2/securityGroup:SecurityGroup": "sg-",
        "aws:ec2/internetGateway:InternetGateway": "igw-",
        "aws:ec2/natGateway:NatGateway": "nat-",
        "aws:ec2/routeTable:RouteTable": "rtb-",
        "aws:ec2/eip:Eip": "eipalloc-",
        "aws:ec2/instance:Instance": "i-",
        "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
        "aws:ec2/flowLog:FlowLog": "fl-",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
    };
    const prefix = prefixes[type];
    return prefix ? `${prefix}${hex(name, 17)}` : `${slug(name)}-id`;
}

function memberClusters(group: string, inputs: Record<string, any>): string[] {
    const pad = (n: number, width: number) => String(n).padStart(width, "0");
    if (inputs.numNodeGroups !== undefined) {
        const perShard = 1 + (inputs.replicasPerNodeGroup ?? 0);
        return Array.from({ length: inputs.numNodeGroups }, (_, shard) =>
            Array.from({ length: perShard }, (_, node) => `${group}-${pad(shard + 1, 4)}-${pad(node + 1, 3)}`),
        ).flat();
    }
    return Array.from({ length: inputs.numCacheClusters ?? 1 }, (_, node) => `${group}-${pad(node + 1, 3)}`);
}

/** The name a create would give: explicit, `namePrefix` + the provider's suffix, or Pulumi's autoname. */
export function mockName(type: string, name: string, inputs: Record<string, any>): string {
    const known = physicalNameOf(type, name, inputs);
    if (known) return known.value;
    if (typeof inputs.name === "string") return inputs.name;
    if (!NAMING[type] && typeof inputs.namePrefix === "string") return `${inputs.namePrefix}${prefixSuffix(name)}`;
    return `${name}-${randomSuffix(name)}`;
}

/** ACM's DNS validation record for one domain name (a wildcard shares its base name's record). */
function validationOption(domain: string): Record<string, string> {
    const base = domain.replace(/^\*\./, "");
    return {
        domainName: domain,
        resourceRecordName: `_${hex(base, 32)}.${base}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${hex(`${base}#value`, 32)}.${hex(`${base}#zone`, 10)}.acm-validations.aws.`,
    };
}

/** Attributes AWS computes on create, merged over the inputs. `region` is the creating provider's. */
export function computedState(
    type: string,
    name: string,
    inputs: Record<string, any>,
    region: string,
    account: string = ACCOUNT_ID,
    ctx?: MockContext,
): Record<string, any> {
    const id = mockId(type, name);
    const physical = mockName(type, name, inputs);
    const arn = `arn:aws:${service(type)}:${region}:${account}:${slug(name)}`;
    const state: Record<string, any> = { id, arn, name: physical };
    switch (type) {
        case "aws:rds/instance:Instance": {
            const address = `${physical.toLowerCase()}.c${hex(name, 11)}.${region}.rds.amazonaws.com`;
            Object.assign(state, {
                identifier: physical,
                address,
                endpoint: `${address}:5432`,
                port: inputs.port ?? 5432,
                arn: `arn:aws:rds:${region}:${account}:db:${physical.toLowerCase()}`,
                masterUserSecrets: inputs.manageMasterUserPassword
                    ? [{ secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:rds!db-${hex(name, 8)}-AbCdEf`, secretStatus: "active", kmsKeyId: "" }]
                    : [],
            });
            delete state.name;
            break;
        }
        case "aws:elasticache/replicationGroup:ReplicationGroup": {
            const group = physical.toLowerCase();
            const host = `${group}.${hex(name, 6)}.cache.amazonaws.com`;
            const clustered = inputs.clusterMode === "enabled" || inputs.numNodeGroups !== undefined;
            Object.assign(state, {
                replicationGroupId: group,
                arn: `arn:aws:elasticache:${region}:${account}:replicationgroup:${group}`,
                configurationEndpointAddress: clustered ? `clustercfg.${host}` : undefined,
                primaryEndpointAddress: clustered ? undefined : `master.${host}`,
                readerEndpointAddress: clustered ? undefined : `replica.${host}`,
                port: inputs.port ?? 6379,
                // AWS names member clusters <group>-<shard>-<node> in cluster mode, <group>-<node> otherwise.
                memberClusters: memberClusters(group, inputs),
            });
            delete state.name;
            break;
        }
        case "aws:lb/loadBalancer:LoadBalancer": {
            const kind = inputs.loadBalancerType === "network" ? "net" : "app";
            Object.assign(state, {
                dnsName: `${physical}-${hex(name, 10)}.${region}.elb.amazonaws.com`,
                arn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/${kind}/${physical}/${hex(name, 16)}`,
                arnSuffix: `${kind}/${physical}/${hex(name, 16)}`,
                zoneId: "Z35SXDOTRQ7X7K",
            });
            break;
        }
        case "aws:lb/targetGroup:TargetGroup":
            Object.assign(state, {
                arn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${physical}/${hex(name, 16)}`,
                arnSuffix: `targetgroup/${physical}/${hex(name, 16)}`,
            });
            break;
        case "aws:ecr/repository:Repository":
            Object.assign(state, {
                repositoryUrl: `${account}.dkr.ecr.${region}.amazonaws.com/${physical}`,
                arn: `arn:aws:ecr:${region}:${account}:repository/${physical}`,
            });
            break;
        case "aws:secretsmanager/secret:Secret":
            // Secrets Manager appends "-" and six random characters to the name in the ARN.
            state.arn = `arn:aws:secretsmanager:${region}:${account}:secret:${physical}-${hex(name, 6)}`;
            break;
        case "aws:cloudwatch/logGroup:LogGroup":
            state.arn = `arn:aws:logs:${region}:${account}:log-group:${physical}`;
            break;
        case "aws:iam/role:Role":
            // The provider's id of a role is its name.
            Object.assign(state, { id: physical, arn: `arn:aws:iam::${account}:role/${physical}`, uniqueId: `AROA${hex(name, 17).toUpperCase()}` });
            break;
        case "aws:ecs/cluster:Cluster":
            state.arn = `arn:aws:ecs:${region}:${account}:cluster/${physical}`;
            break;
        case "aws:ecs/taskDefinition:TaskDefinition":
            state.arn = `arn:aws:ecs:${region}:${account}:task-definition/${inputs.family ?? slug(name)}:1`;
            state.revision = 1;
            break;
        case "aws:ecs/service:Service":
            state.arn = `arn:aws:ecs:${region}:${account}:service/${slug(name)}`;
            break;
        case "aws:kms/key:Key":
            state.arn = `arn:aws:kms:${region}:${account}:key/${hex(name, 8)}-0000-4000-8000-${hex(name + "k", 12)}`;
            state.keyId = state.arn.split("/")[1];
            break;
        case "aws:ssm/parameter:Parameter":
            state.arn = `arn:aws:ssm:${region}:${account}:parameter${String(inputs.name).startsWith("/") ? "" : "/"}${inputs.name}`;
            break;
        case "aws:s3/bucketV2:BucketV2":
        case "aws:s3/bucket:Bucket":
            Object.assign(state, { bucket: physical, arn: `arn:aws:s3:::${physical}`, bucketDomainName: `${physical}.s3.amazonaws.com` });
            break;
        case "aws:ec2/instance:Instance":
            Object.assign(state, {
                publicIp: "203.0.113.10",
                publicDns: `ec2-203-0-113-10.compute-1.amazonaws.com`,
                privateIp: "10.0.1.10",
                primaryNetworkInterfaceId: `eni-${hex(name, 17)}`,
                arn: `arn:aws:ec2:${region}:${account}:instance/${id}`,
            });
            break;
        case "aws:ec2/eip:Eip":
            Object.assign(state, { publicIp: "198.51.100.7", allocationId: id });
            break;
        case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            Object.assign(state, { hostedZone: `Z${hex(name, 13).toUpperCase()}` });
            break;
        case "aws:lambda/function:Function":
            state.arn = `arn:aws:lambda:${region}:${account}:function:${physical}`;
            state.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
            state.qualifiedArn = `${state.arn}:$LATEST`;
            break;
        case "aws:lambda/invocation:Invocation":
            // The function's response payload as JSON text; the mock cannot run the function.
            state.result = JSON.stringify({ statusCode: 200 });
            break;
        case "aws:sns/topic:Topic":
            state.arn = `arn:aws:sns:${region}:${account}:${physical}`;
            break;
        case "aws:acm/certificate:Certificate": {
            const domains = [...new Set([inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].filter((d) => typeof d === "string"))];
            state.arn = `arn:aws:acm:${region}:${account}:certificate/${uuid(name)}`;
            state.id = state.arn;
            state.domainValidationOptions = domains.map(validationOption);
            state.status = "PENDING_VALIDATION";
            delete state.name;
            break;
        }
        case "aws:acm/certificateValidation:CertificateValidation":
            Object.assign(state, { id: "2026-12-01 00:00:00 +0000 UTC", certificateArn: inputs.certificateArn });
            delete state.arn;
            delete state.name;
            break;
        case "aws:route53/record:Record": {
            // The provider appends the zone's name to a record name that does not end with it.
            const zone = ctx?.zoneNames.get(inputs.zoneId);
            const record = String(inputs.name ?? "").replace(/\.$/, "");
            const fqdn = zone && record !== zone && !record.endsWith(`.${zone}`) ? `${record}.${zone}` : record;
            Object.assign(state, { id: `${inputs.zoneId}_${record}_${inputs.type}`, fqdn });
            delete state.arn;
            break;
        }
        case "aws:serverlessrepository/cloudFormationStack:CloudFormationStack":
            Object.assign(state, {
                id: `arn:aws:cloudformation:${region}:${account}:stack/serverlessrepo-${physical}/${uuid(name)}`,
                // AWS's rotation applications export the function they create as RotationLambdaARN.
                outputs: { RotationLambdaARN: `arn:aws:lambda:${region}:${account}:function:${inputs.parameters?.functionName ?? physical}` },
            });
            delete state.arn;
            break;
        case "aws:ssm/document:Document":
            Object.assign(state, {
                arn: `arn:aws:ssm:${region}:${account}:document/${physical}`,
                latestVersion: "1",
                defaultVersion: "1",
                documentVersion: "1",
                status: "Active",
            });
            break;
        case "aws:ec2/subnet:Subnet": {
            // AWS fills in the other half of the zone pair: the name from the id, or the id from the name.
            const pairs = availabilityZonesOf(region);
            const byId = pairs.find(([, zoneId]) => zoneId === inputs.availabilityZoneId);
            const byName = pairs.find(([zoneName]) => zoneName === inputs.availabilityZone);
            Object.assign(state, {
                availabilityZone: inputs.availabilityZone ?? byId?.[0],
                availabilityZoneId: inputs.availabilityZoneId ?? byName?.[1],
                arn: `arn:aws:ec2:${region}:${account}:subnet/${state.id}`,
            });
            break;
        }
        case "aws:ebs/volume:Volume":
            Object.assign(state, { id: `vol-${hex(name, 17)}`, arn: `arn:aws:ec2:${region}:${account}:volume/vol-${hex(name, 17)}` });
            delete state.name;
            break;
        case "aws:cloudtrail/trail:Trail":
            Object.assign(state, { arn: `arn:aws:cloudtrail:${region}:${account}:trail/${physical}`, homeRegion: region });
            break;
        case "random:index/randomString:RandomString": {
            // Not secret (final snapshot suffixes): lowercase hex of the requested length, as the
            // provider would give with upper/special off.
            const length = Number(inputs.length ?? 8);
            state.result = hex(name, length);
            delete state.arn;
            delete state.name;
            break;
        }
        case "random:index/randomPassword:RandomPassword":
            // Deterministic stand-in; tests scan for it to prove it never leaks in plain text.
            state.result = `MOCK-SECRET-${hex(name, 24)}`;
            delete state.arn;
            delete state.name;
            break;
    }
    edgeState(type, name, state, region, account);
    return state;
}

const norm = (zone: string) => zone.replace(/\.$/, "").toLowerCase();

/** getAvailabilityZones as EC2 DescribeAvailabilityZones answers it, honouring the data source's arguments. */
function availabilityZones(args: Record<string, any>, region: string, ctx?: MockContext): Record<string, any> {
    const all = availabilityZonesOf(region).map(([name, zoneId]) => ({
        "zone-name": name,
        "zone-id": zoneId,
        state: "available",
        "opt-in-status": "opt-in-not-required",
        "region-name": region,
        "group-name": region,
        "zone-type": "availability-zone",
    }));
    ctx?.zoneAnswers.set(region, new Map(all.map((z) => [z["zone-name"], z["zone-id"]])));
    const filters: { name: string; values: string[] }[] = args.filters ?? [];
    for (const f of filters) {
        if (!(f.name in all[0])) throw new Error(`harness/mocks.ts: getAvailabilityZones filter ${f.name} is not modelled; add it`);
    }
    const zones = all.filter(
        (z) =>
            (args.state === undefined || z.state === args.state) &&
            !(args.excludeNames ?? []).includes(z["zone-name"]) &&
            !(args.excludeZoneIds ?? []).includes(z["zone-id"]) &&
            filters.every((f) => f.values.includes((z as Record<string, string>)[f.name])),
    );
    return {
        id: region,
        names: zones.map((z) => z["zone-name"]),
        zoneIds: zones.map((z) => z["zone-id"]),
        groupNames: [...new Set(zones.map((z) => z["group-name"]))],
        ...(args.state !== undefined ? { state: args.state } : {}),
        excludeNames: args.excludeNames,
        excludeZoneIds: args.excludeZoneIds,
        filters: args.filters,
    };
}

/** Route 53 getZone: the requested public zone, or the provider's own error when it does not exist. */
function hostedZone(args: Record<string, any>, ctx?: MockContext): Record<string, any> {
    const wanted = args.name !== undefined ? norm(String(args.name)) : [...(ctx?.zoneNames.entries() ?? [])].find(([id]) => id === args.zoneId)?.[1];
    const exists = wanted !== undefined && (ctx?.hostedZones === undefined || ctx.hostedZones.map(norm).includes(wanted));
    // terraform-provider-aws data source aws_route53_zone (pulumi-aws > 6.37): "no matching Route 53 Hosted Zone found".
    // The runtime rethrows an invoke failure with the gRPC error's `details` (runtime/invoke.js), as the engine would.
    if (!exists) throw Object.assign(new Error("no matching Route 53 Hosted Zone found"), { details: "no matching Route 53 Hosted Zone found" });
    const zoneId = args.zoneId ?? `Z${hex(wanted, 20).toUpperCase()}`;
    ctx?.zoneNames.set(zoneId, wanted);
    return {
        id: zoneId,
        zoneId,
        name: wanted,
        arn: `arn:aws:route53:::hostedzone/${zoneId}`,
        privateZone: Boolean(args.privateZone),
        resourceRecordSetCount: 2,
        comment: "",
        callerReference: `mock-${hex(wanted, 8)}`,
        nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"],
        primaryNameServer: "ns-1.awsdns-01.org",
        tags: {},
    };
}

function unanswered(token: string): never {
    throw new Error(`harness/mocks.ts has no answer for data source ${token}; add a realistic one`);
}

/** Data-source answers; an unknown token fails loudly instead of returning an empty shape. */
export function callResult(token: string, args: Record<string, any>, region: string, ctx?: MockContext): Record<string, any> {
    const account = ctx?.account ?? ACCOUNT_ID;
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availabilityZones(args, region, ctx);
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: account, accountId: account, arn: `arn:aws:iam::${account}:user/deployer`, userId: "AIDAEXAMPLE" };
        case "aws:route53/getZone:getZone":
            return hostedZone(args, ctx);
        case "aws:index/getRegion:getRegion":
            return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        case "aws:index/getPartition:getPartition":
            return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            return { id: "policy", json: policyDocument(args), minifiedJson: policyDocument(args) };
        case "aws:elb/getServiceAccount:getServiceAccount": {
            const account = ELB_ACCOUNT_IDS[region] ?? "127311923021";
            return { id: account, arn: `arn:aws:iam::${account}:root`, region };
        }
        case "aws:ec2/getAmi:getAmi": {
            const arm = JSON.stringify(args).includes("arm64");
            return {
                id: arm ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788",
                architecture: arm ? "arm64" : "x86_64",
                name: `al2023-ami-2023.6.20241121.0-kernel-6.1-${arm ? "arm64" : "x86_64"}`,
                rootDeviceName: "/dev/xvda",
                ownerId: "137112412989",
            };
        }
        case "aws:lambda/getFunction:getFunction": {
            // A function CloudFormation created (the SAR rotation application): its role has a generated name.
            const fn = String(args.functionName);
            const functionName = fn.startsWith("arn:") ? fn.split(":").pop()! : fn;
            return {
                id: functionName,
                functionName,
                arn: fn.startsWith("arn:") ? fn : `arn:aws:lambda:${region}:${account}:function:${functionName}`,
                role: `arn:aws:iam::${account}:role/serverlessrepo-${functionName.slice(0, 30)}-LambdaRole-${hex(functionName, 12).toUpperCase()}`,
                runtime: "python3.12",
                handler: "lambda_function.lambda_handler",
                architectures: ["x86_64"],
            };
        }
        case "aws:ssm/getParameter:getParameter": {
            const arm = String(args.name).includes("arm64");
            return { id: args.name, name: args.name, type: "String", value: arm ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788" };
        }
        default:
            return edgeCallResult(token, args, region) ?? unanswered(token);
    }
}
