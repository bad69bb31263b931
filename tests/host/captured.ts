// Reading the zero-cost host from a mocked run of the real program: resource types, the apply
// script inside the SSM document, and the scans the host specs share.
import * as assert from "assert";
import { ofType } from "../../harness/run";
import { computedState } from "../../harness/mocks";
import { CapturedResource, StackCapture } from "../../harness/types";
import { NEVER_FREE } from "../../policies/rules/cost";
import { gunzipSync } from "zlib";

export const INSTANCE = "aws:ec2/instance:Instance";
export const ROLE = "aws:iam/role:Role";
export const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
export const PARAMETER = "aws:ssm/parameter:Parameter";
export const DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy";
export const EIP = "aws:ec2/eip:Eip";
export const EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation";
export const SG = "aws:ec2/securityGroup:SecurityGroup";
export const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const ECR = "aws:ecr/repository:Repository";
export const VOLUME = "aws:ebs/volume:Volume";
export const VOLUME_ATTACHMENT = "aws:ec2/volumeAttachment:VolumeAttachment";
export const DOCUMENT = "aws:ssm/document:Document";
export const ASSOCIATION = "aws:ssm/association:Association";

/** Never free whatever the free tier: the policy pack's list plus what the zero-cost design rules out. */
export const FORBIDDEN_IN_ZERO_COST = [
    ...Object.keys(NEVER_FREE),
    "aws:ec2/natGateway:NatGateway",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:ec2/eip:Eip",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:ecs/service:Service",
    "aws:ecs/cluster:Cluster",
    "aws:lambda/function:Function",
    "aws:dlm/lifecyclePolicy:LifecyclePolicy",
];

export const instanceOf = (capture: StackCapture) => {
    const instances = ofType(capture, INSTANCE);
    assert.strictEqual(instances.length, 1, `instances: ${instances.map((i) => i.name).join(", ")}`);
    return instances[0];
};
export const statementsOf = (policy: CapturedResource): any[] => JSON.parse(policy.inputs.policy).Statement;

/** The apply script inside an SSM document's content (gzip + base64 between the heredoc markers). */
export function scriptOf(document: CapturedResource): string {
    const commands: string[] = JSON.parse(document.inputs.content).mainSteps[0].inputs.runCommand;
    const start = commands.findIndex((c) => c.startsWith("base64 -d <<'"));
    const end = commands.indexOf("PLATFORM_APPLY_B64", start + 1);
    return gunzipSync(Buffer.from(commands.slice(start + 1, end).join(""), "base64")).toString("utf8");
}

/** A file the apply script keeps in place (its `put_file <path>` heredoc). */
export function desiredFile(script: string, hostPath: string): string {
    const start = script.indexOf(`put_file '${hostPath}' `);
    assert.ok(start >= 0, `no ${hostPath} in the apply script`);
    const body = script.indexOf("\n", start) + 1;
    return script.slice(body, script.indexOf("\nPLATFORM_FILE_END\n", body) + 1);
}
export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** The lines that build one service's secrets env file in the apply script (write_app_secret_files). */
export function secretEnvBlock(script: string, service: string): string[] {
    const end = script.indexOf(`  write_secret '${service}.secrets.env' `);
    assert.ok(end >= 0, `no ${service}.secrets.env in the apply script`);
    const start = script.lastIndexOf('  app_env="$(\n', end);
    return script
        .slice(start, end)
        .split("\n")
        .slice(1, -2)
        .map((line) => line.trim());
}

/** The id EC2 gives the data volume, as the mocked create returns it. */
export const DATA_VOLUME_ID = computedState(VOLUME, "host-data", {}, "us-east-1").id;

/** Every string in a value, with its path (to scan inputs for leaked secrets). */
export function strings(value: unknown, path = ""): [string, string][] {
    if (typeof value === "string") return [[path, value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
    return [];
}

/** `password=hunter2`, `secret: abc...`, `requirepass abc...`: a literal value after a secret-looking key. */
export const SECRET_LITERAL =
    /(pass(word|wd)?|secret|token|auth)["']?\s*[=:]\s*["']?(?![$"'\s]|\/run\/secrets\/|\/etc\/platform\/)[^\s"']{8,}|requirepass\s+(?!\$)\S+/i;
