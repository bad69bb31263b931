// What a strict rule is: the resource and context it checks, what it reports, and the type tokens
// the rules apply to. harness/strict.ts assembles the rules of harness/strict/<area>.ts into RULES.

/** A resource as the strict layer sees it: inputs with secrets unwrapped, references as ids/ARNs. */
export interface StrictResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** Region of the provider that creates it (the stack's unless an explicit provider says otherwise). */
    region: string;
    /** What the mock answered for it (stack rules only): lets a rule follow a value to its generator. */
    state?: Record<string, any>;
}

export interface StrictContext {
    /** The stack's `aws:region`. */
    stackRegion: string;
    /** Account of the deploying credentials (the mocked getCallerIdentity). */
    account: string;
    /** Zone id the mocked getAvailabilityZones answered for an AZ name, per region. */
    zoneIdOf(region: string, zoneName: string): string | undefined;
}

/** One offending input: what was given and what AWS accepts. */
export interface Finding {
    input: string;
    value: unknown;
    allowed: string;
}

interface RuleBase {
    id: string;
    /** Type tokens the rule applies to; "*" for every custom resource. */
    types: string[] | "*";
    /** What goes wrong in AWS, one phrase. */
    message: string;
    source: string;
}
export interface ResourceRule extends RuleBase {
    scope: "resource";
    check(resource: StrictResource, ctx: StrictContext): Finding[];
}
export interface StackRule extends RuleBase {
    scope: "stack";
    check(resources: StrictResource[], ctx: StrictContext): { resource: StrictResource; finding: Finding }[];
}
export type StrictRule = ResourceRule | StackRule;

/** Type tokens the rules apply to. */
export const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    listenerCert: "aws:lb/listenerCertificate:ListenerCertificate",
    rule: "aws:lb/listenerRule:ListenerRule",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    task: "aws:ecs/taskDefinition:TaskDefinition",
    lambda: "aws:lambda/function:Function",
    instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    subnet: "aws:ec2/subnet:Subnet",
    discovery: "aws:servicediscovery/service:Service",
    ssmParameter: "aws:ssm/parameter:Parameter",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    distribution: "aws:cloudfront/distribution:Distribution",
    password: "random:index/randomPassword:RandomPassword",
};
