// Realistic answers for the mocked engine: computed resource attributes and data-source results.
// Values a real account would return (ARNs, endpoints, AZ names) so that the program's string
// building, IAM documents and outputs look exactly as they would after `pulumi up`.

export const ACCOUNT_ID = "123456789012";

/** AZs per region, with the zone ids AWS pairs them with. */
const AVAILABILITY_ZONES: Record<string, string[]> = {
    "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"],
    "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
    "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
};

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

function hex(name: string, length: number): string {
    let h = 2166136261;
    for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    return h.toString(16).padStart(8, "0").repeat(3).slice(0, length);
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
            Array.from({ length: perShard }, (_, node) => `${group}-${pad(shard + 1, 4)}-${pad(node + 1, 3)}`)).flat();
    }
    return Array.from({ length: inputs.numCacheClusters ?? 1 }, (_, node) => `${group}-${pad(node + 1, 3)}`);
}

/** Attributes AWS computes on create, merged over the inputs. */
export function computedState(type: string, name: string, inputs: Record<string, any>, region: string): Record<string, any> {
    const id = mockId(type, name);
    const arn = `arn:aws:${service(type)}:${region}:${ACCOUNT_ID}:${slug(name)}`;
    const physicalName = inputs.name ?? `${slug(name)}-${hex(name, 7)}`;
    const state: Record<string, any> = { id, arn, name: physicalName };
    switch (type) {
        case "aws:rds/instance:Instance": {
            const address = `${inputs.identifier ?? slug(name)}.c${hex(name, 11)}.${region}.rds.amazonaws.com`;
            Object.assign(state, {
                address,
                endpoint: `${address}:5432`,
                port: inputs.port ?? 5432,
                arn: `arn:aws:rds:${region}:${ACCOUNT_ID}:db:${inputs.identifier ?? slug(name)}`,
                masterUserSecrets: inputs.manageMasterUserPassword
                    ? [{ secretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:rds!db-${hex(name, 8)}-AbCdEf`, secretStatus: "active", kmsKeyId: "" }]
                    : [],
            });
            break;
        }
        case "aws:elasticache/replicationGroup:ReplicationGroup": {
            const host = `${inputs.replicationGroupId ?? slug(name)}.${hex(name, 6)}.cache.amazonaws.com`;
            const clustered = inputs.clusterMode === "enabled" || inputs.numNodeGroups !== undefined;
            Object.assign(state, {
                arn: `arn:aws:elasticache:${region}:${ACCOUNT_ID}:replicationgroup:${inputs.replicationGroupId ?? slug(name)}`,
                configurationEndpointAddress: clustered ? `clustercfg.${host}` : undefined,
                primaryEndpointAddress: clustered ? undefined : `master.${host}`,
                readerEndpointAddress: clustered ? undefined : `replica.${host}`,
                port: inputs.port ?? 6379,
                // AWS names member clusters <group>-<shard>-<node> in cluster mode, <group>-<node> otherwise.
                memberClusters: memberClusters(inputs.replicationGroupId ?? slug(name), inputs),
            });
            break;
        }
        case "aws:lb/loadBalancer:LoadBalancer":
            Object.assign(state, {
                dnsName: `${inputs.name ?? slug(name)}-${hex(name, 10)}.${region}.elb.amazonaws.com`,
                arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:loadbalancer/${inputs.loadBalancerType === "network" ? "net" : "app"}/${inputs.name ?? slug(name)}/${hex(name, 16)}`,
                arnSuffix: `${inputs.loadBalancerType === "network" ? "net" : "app"}/${inputs.name ?? slug(name)}/${hex(name, 16)}`,
                zoneId: "Z35SXDOTRQ7X7K",
            });
            break;
        case "aws:lb/targetGroup:TargetGroup":
            Object.assign(state, {
                arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:targetgroup/${inputs.name ?? slug(name)}/${hex(name, 16)}`,
                arnSuffix: `targetgroup/${inputs.name ?? slug(name)}/${hex(name, 16)}`,
            });
            break;
        case "aws:ecr/repository:Repository":
            Object.assign(state, {
                repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${inputs.name ?? slug(name)}`,
                arn: `arn:aws:ecr:${region}:${ACCOUNT_ID}:repository/${inputs.name ?? slug(name)}`,
            });
            break;
        case "aws:secretsmanager/secret:Secret":
            state.arn = `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${inputs.name ?? slug(name)}-${hex(name, 6)}`;
            break;
        case "aws:cloudwatch/logGroup:LogGroup":
            state.arn = `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${inputs.name ?? slug(name)}`;
            break;
        case "aws:iam/role:Role":
            state.arn = `arn:aws:iam::${ACCOUNT_ID}:role/${inputs.name ?? physicalName}`;
            break;
        case "aws:ecs/cluster:Cluster":
            state.arn = `arn:aws:ecs:${region}:${ACCOUNT_ID}:cluster/${inputs.name ?? physicalName}`;
            break;
        case "aws:ecs/taskDefinition:TaskDefinition":
            state.arn = `arn:aws:ecs:${region}:${ACCOUNT_ID}:task-definition/${inputs.family ?? slug(name)}:1`;
            state.revision = 1;
            break;
        case "aws:ecs/service:Service":
            state.arn = `arn:aws:ecs:${region}:${ACCOUNT_ID}:service/${slug(name)}`;
            break;
        case "aws:kms/key:Key":
            state.arn = `arn:aws:kms:${region}:${ACCOUNT_ID}:key/${hex(name, 8)}-0000-4000-8000-${hex(name + "k", 12)}`;
            state.keyId = state.arn.split("/")[1];
            break;
        case "aws:ssm/parameter:Parameter":
            state.arn = `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${String(inputs.name).startsWith("/") ? "" : "/"}${inputs.name}`;
            break;
        case "aws:s3/bucketV2:BucketV2":
        case "aws:s3/bucket:Bucket": {
            const bucket = inputs.bucket ?? `${slug(name)}-${hex(name, 7)}`;
            Object.assign(state, { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com` });
            break;
        }
        case "aws:ec2/instance:Instance":
            Object.assign(state, {
                publicIp: "203.0.113.10",
                publicDns: `ec2-203-0-113-10.compute-1.amazonaws.com`,
                privateIp: "10.0.1.10",
                primaryNetworkInterfaceId: `eni-${hex(name, 17)}`,
                arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:instance/${id}`,
            });
            break;
        case "aws:ec2/eip:Eip":
            Object.assign(state, { publicIp: "198.51.100.7", allocationId: id });
            break;
        case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
            Object.assign(state, { hostedZone: `Z${hex(name, 13).toUpperCase()}` });
            break;
        case "aws:lambda/function:Function":
            state.arn = `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${inputs.name ?? physicalName}`;
            state.invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
            break;
        case "aws:sns/topic:Topic":
            state.arn = `arn:aws:sns:${region}:${ACCOUNT_ID}:${inputs.name ?? physicalName}`;
            break;
        case "random:index/randomPassword:RandomPassword":
            // Deterministic stand-in; tests scan for it to prove it never leaks in plain text.
            state.result = `MOCK-SECRET-${hex(name, 24)}`;
            break;
    }
    return state;
}

/** IAM policy JSON from `getPolicyDocument` statements, as the real data source renders it. */
function policyDocument(args: Record<string, any>): string {
    const statements = (args.statements ?? []).map((s: Record<string, any>) => {
        const out: Record<string, any> = { Effect: s.effect ?? "Allow" };
        if (s.sid) out.Sid = s.sid;
        if (s.actions) out.Action = s.actions.length === 1 ? s.actions[0] : s.actions;
        if (s.resources) out.Resource = s.resources.length === 1 ? s.resources[0] : s.resources;
        if (s.principals) {
            out.Principal = Object.fromEntries(s.principals.map((p: any) => [p.type, p.identifiers.length === 1 ? p.identifiers[0] : p.identifiers]));
        }
        if (s.conditions) {
            out.Condition = {};
            for (const c of s.conditions) out.Condition[c.test] = { ...(out.Condition[c.test] ?? {}), [c.variable]: c.values.length === 1 ? c.values[0] : c.values };
        }
        return out;
    });
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Data-source answers; an unknown token fails loudly instead of returning an empty shape. */
export function callResult(token: string, args: Record<string, any>, region: string): Record<string, any> {
    switch (token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = AVAILABILITY_ZONES[region] ?? ["a", "b", "c"].map((s) => `${region}${s}`);
            return { id: region, names, zoneIds: names.map((_, i) => `${region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`), groupNames: names.map(() => region), state: "available" };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: ACCOUNT_ID, accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`, userId: "AIDAEXAMPLE" };
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
        case "aws:ssm/getParameter:getParameter": {
            const arm = String(args.name).includes("arm64");
            return { id: args.name, name: args.name, type: "String", value: arm ? "ami-0a1b2c3d4e5f6a7b8" : "ami-0f1e2d3c4b5a69788" };
        }
        default:
            throw new Error(`harness/mocks.ts has no answer for data source ${token}; add a realistic one`);
    }
}
