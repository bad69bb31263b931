// Redeploy-on-rotation through the real program (mocked runs): the rule matches both secrets'
// RotationSucceeded, invokes the function, which may update exactly the stack's ECS services.
import { strict as assert } from "assert";
import { find, ofType } from "../../harness/run";
import { computedState } from "../../harness/mocks";
import { stackRun } from "../helpers/stacks";

const T = {
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    permission: "aws:lambda/permission:Permission",
    fn: "aws:lambda/function:Function",
    policy: "aws:iam/rolePolicy:RolePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    service: "aws:ecs/service:Service",
    rotation: "aws:secretsmanager/secretRotation:SecretRotation",
};
const mocked = (type: string, name: string, inputs: Record<string, any>) => computedState(type, name, inputs, "us-east-1");

for (const [stack, retention] of [["staging", 3], ["production", 30]] as const) {
    describe(`redeploy on rotation (${stack})`, () => {
        it("the rule matches RotationSucceeded of both rotated secrets, and targets the function", async () => {
            const c = await stackRun(stack);
            const rule = find(c, T.rule, "redeploy");
            const pattern = JSON.parse(rule.inputs.eventPattern);
            // The two secrets with a rotation schedule (the mocks give a secret's id != its ARN; the outputs hold the ARNs).
            assert.equal(ofType(c, T.rotation).length, 2);
            const rotated = [c.outputs.databaseSecretArn, c.outputs.appSecretArn].sort();
            assert.ok(rotated.every((arn) => typeof arn === "string" && arn.startsWith("arn:aws:secretsmanager:")));
            assert.deepEqual(pattern.source, ["aws.secretsmanager"]);
            assert.deepEqual(pattern["detail-type"], ["AWS Service Event via CloudTrail"]);
            assert.deepEqual(pattern.detail.eventName, ["RotationSucceeded"]);
            assert.deepEqual([...pattern.detail.$or[0].additionalEventData.SecretId].sort(), rotated);
            assert.deepEqual([...pattern.detail.$or[1].requestParameters.secretId].sort(), rotated);

            const fn = find(c, T.fn, "redeploy");
            const fnArn = mocked(T.fn, "redeploy", fn.inputs).arn;
            const target = find(c, T.target, "redeploy").inputs;
            assert.equal(target.rule, rule.inputs.name);
            assert.equal(target.arn, fnArn);
            assert.ok(target.retryPolicy.maximumRetryAttempts > 0);

            const permission = find(c, T.permission, "redeploy").inputs;
            assert.equal(permission.principal, "events.amazonaws.com");
            assert.equal(permission.action, "lambda:InvokeFunction");
            assert.equal(permission.function, fn.inputs.name);
            assert.equal(permission.sourceArn, mocked(T.rule, "redeploy", rule.inputs).arn);
        });

        it("the function: lambda/redeploy on Node.js 22 arm64, outside the VPC, told the cluster and both services", async () => {
            const c = await stackRun(stack);
            const fn = find(c, T.fn, "redeploy").inputs;
            assert.equal(fn.runtime, "nodejs22.x");
            assert.deepEqual(fn.architectures, ["arm64"]);
            assert.equal(fn.timeout, 60);
            assert.equal(fn.memorySize, 128);
            assert.equal(fn.vpcConfig, undefined);
            const services = ofType(c, T.service).map((s) => s.inputs.name).sort();
            assert.equal(services.length, 2);
            assert.deepEqual(fn.environment.variables.SERVICES.split(",").sort(), services);
            const [cluster] = ofType(c, "aws:ecs/cluster:Cluster");
            assert.equal(fn.environment.variables.CLUSTER, mocked("aws:ecs/cluster:Cluster", cluster!.name, cluster!.inputs).arn);
        });

        it("IAM: ecs:UpdateService on exactly the service ARNs, logs to its own group; no wildcard", async () => {
            const c = await stackRun(stack);
            const doc = JSON.parse(find(c, T.policy, "redeploy").inputs.policy);
            const serviceArns = ofType(c, T.service).map((s) => mocked(T.service, s.name, s.inputs).arn).sort();
            const logGroup = find(c, T.logGroup, "redeploy");
            assert.deepEqual(doc.Statement.map((s: any) => ({ ...s, Resource: Array.isArray(s.Resource) ? [...s.Resource].sort() : s.Resource })), [
                { Sid: "ForceNewDeployment", Effect: "Allow", Action: ["ecs:UpdateService"], Resource: serviceArns },
                { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${mocked(T.logGroup, "redeploy", logGroup.inputs).arn}:*` },
            ]);
            assert.ok(!JSON.stringify(doc).includes('"*"'), "no wildcard resource or action");
        });

        it(`the log group is the function's, kept ${retention} days (the tier's retention)`, async () => {
            const c = await stackRun(stack);
            const logGroup = find(c, T.logGroup, "redeploy").inputs;
            assert.equal(logGroup.name, `/aws/lambda/${find(c, T.fn, "redeploy").inputs.name}`);
            assert.equal(logGroup.retentionInDays, retention);
            assert.equal(find(c, T.fn, "redeploy").inputs.loggingConfig.logGroup, logGroup.name);
        });
    });
}

describe("redeploy on rotation (zero-cost)", () => {
    it("has no rule, target, permission or function of it", async () => {
        const c = await stackRun("dev");
        for (const type of [T.rule, T.target, T.permission]) assert.deepEqual(ofType(c, type), [], type);
        assert.ok(!c.resources.some((r) => r.type === "platform:compute:RedeployOnRotation" || (r.type === T.fn && r.name === "redeploy")));
    });
});
