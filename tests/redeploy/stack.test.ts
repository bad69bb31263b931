// Redeploy-on-rotation through the real program (mocked runs): the rule matches Secrets Manager's
// native "Secret Label Updated" (AWSCURRENT moved) of the two secrets the services read, invokes the
// function, which may update exactly the stack's ECS services.
import { strict as assert } from "assert";
import { find, ofType } from "../../harness/run";
import { computedState } from "../../harness/mocks";
import { runWith, sharedRun, stackRun } from "../helpers/stacks";

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

for (const [stack, retention] of [
    ["staging", 3],
    ["production", 30],
] as const) {
    describe(`redeploy on rotation (${stack})`, () => {
        it("B2: the rule matches AWSCURRENT moving on the two secrets the services read (native event, no CloudTrail), and targets the function", async () => {
            const c = await stackRun(stack);
            const rule = find(c, T.rule, "redeploy");
            const pattern = JSON.parse(rule.inputs.eventPattern);
            // Three secrets rotate: the app secret, the app DB user's and the RDS-managed master secret.
            assert.deepEqual(
                ofType(c, T.rotation)
                    .map((r) => r.name)
                    .sort(),
                ["app-secret-rotation", "database-app-user-rotation", "database-master-secret-rotation"],
            );
            // The services read the app secret and the app DB user's secret (outputs hold the ARNs), never the master's.
            const read = [c.outputs.databaseSecretArn, c.outputs.appSecretArn].sort();
            assert.ok(read.every((arn) => typeof arn === "string" && arn.startsWith("arn:aws:secretsmanager:us-east-1:482917365014:secret:")));
            assert.ok(!read.includes(c.outputs.databaseMasterSecretArn));
            assert.deepEqual(Object.keys(pattern).sort(), ["detail", "detail-type", "resources", "source"]);
            assert.deepEqual(pattern.source, ["aws.secretsmanager"]);
            assert.deepEqual(pattern["detail-type"], ["Secret Label Updated"]);
            assert.deepEqual([...pattern.resources].sort(), read);
            assert.deepEqual(pattern.detail, { labelUpdated: ["AWSCURRENT"] });
            assert.equal(rule.inputs.eventBusName, undefined, "the default bus, where AWS services send their events");

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
            const services = ofType(c, T.service)
                .map((s) => s.inputs.name)
                .sort();
            assert.equal(services.length, 2);
            assert.deepEqual(fn.environment.variables.SERVICES.split(",").sort(), services);
            const [cluster] = ofType(c, "aws:ecs/cluster:Cluster");
            assert.equal(fn.environment.variables.CLUSTER, mocked("aws:ecs/cluster:Cluster", cluster!.name, cluster!.inputs).arn);
        });

        it("IAM: ecs:UpdateService on exactly the service ARNs, logs to its own group; no wildcard", async () => {
            const c = await stackRun(stack);
            const doc = JSON.parse(find(c, T.policy, "redeploy").inputs.policy);
            const serviceArns = ofType(c, T.service)
                .map((s) => mocked(T.service, s.name, s.inputs).arn)
                .sort();
            const logGroup = find(c, T.logGroup, "redeploy");
            assert.deepEqual(
                doc.Statement.map((s: any) => ({ ...s, Resource: Array.isArray(s.Resource) ? [...s.Resource].sort() : s.Resource })),
                [
                    { Sid: "ForceNewDeployment", Effect: "Allow", Action: ["ecs:UpdateService"], Resource: serviceArns },
                    {
                        Sid: "WriteOwnLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: `${mocked(T.logGroup, "redeploy", logGroup.inputs).arn}:*`,
                    },
                ],
            );
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

describe("redeploy on rotation (first deploy)", () => {
    it("no service has been deployed yet (no image): nothing to restart, so no rule or function", async () => {
        const c = await sharedRun("staging", { imageTag: undefined });
        assert.deepEqual(ofType(c, T.service), []);
        assert.ok(!c.resources.some((r) => r.type === "platform:compute:RedeployOnRotation"));
        assert.ok(!ofType(c, T.rule).some((r) => r.name === "redeploy"));
        // The rotation schedules exist from the start.
        assert.equal(ofType(c, T.rotation).length, 3);
    });

    it("only deployed services are restarted", async () => {
        const c = await runWith("staging", { imageTag: undefined, config: { services: { api: { imageTag: "release-1" } } } });
        assert.deepEqual(
            ofType(c, T.service).map((s) => s.name),
            ["api-service"],
        );
        assert.deepEqual(find(c, T.fn, "redeploy").inputs.environment.variables.SERVICES, "platform-staging-api");
    });
});

describe("redeploy on rotation (zero-cost)", () => {
    it("has no rule, target, permission or function of it", async () => {
        const c = await stackRun("dev");
        for (const type of [T.rule, T.target, T.permission]) assert.deepEqual(ofType(c, type), [], type);
        assert.ok(!c.resources.some((r) => r.type === "platform:compute:RedeployOnRotation" || (r.type === T.fn && r.name === "redeploy")));
    });
});
