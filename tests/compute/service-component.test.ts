// The Fargate service component built directly under mocks, with and without a data tier: secrets by
// ARN and an execution role that reads exactly those secrets (and decrypts with the data key).
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { callResult, computedState } from "../../harness/mocks";
import { resolveSettings } from "../../config/validate";
import { DataTier } from "../../components/contracts";
import { FargateService } from "../../components/fargate-service";

interface Captured {
    type: string;
    name: string;
    inputs: any;
}

const waitForRPCs: () => Promise<void> = (pulumi.runtime as any).waitForRPCs ?? (async () => undefined);

/** Runs `build` in a fresh mocked stack and returns what it registered. */
async function capture(build: () => void): Promise<Captured[]> {
    const captured: Captured[] = [];
    pulumi.runtime.setAllConfig({}, []);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const state = computedState(args.type, args.name, args.inputs, "us-east-1");
                captured.push({ type: args.type, name: args.name, inputs: args.inputs });
                return { id: state.id, state: { ...args.inputs, ...state, ...(args.inputs.name !== undefined ? { name: args.inputs.name } : {}) } };
            },
            call(args) {
                return callResult(args.token, args.inputs, "us-east-1");
            },
        },
        "platform",
        "unit",
        false,
    );
    await pulumi.runtime.runInPulumiStack(async () => {
        build();
        return {};
    });
    await waitForRPCs();
    return captured;
}

const APP = "arn:aws:secretsmanager:us-east-1:482917365014:secret:platform-unit/app-20261201000000000000000002-AbCdEf";
// `database:*` reads the application DB user's secret (never the RDS-managed master secret).
const DB = "arn:aws:secretsmanager:us-east-1:482917365014:secret:platform-unit/db-app-user-20261201000000000000000001-XyZ123";
const KEY = "arn:aws:kms:us-east-1:482917365014:key/11111111-2222-4333-8444-555555555555";

function buildApi(data: DataTier | undefined): void {
    const settings = resolveSettings({
        project: "platform",
        stack: "unit",
        region: "us-east-1",
        values: { tier: "staging", services: { api: { imageTag: "release-1" } } },
        secretKeys: [],
    });
    const api = settings.services.find((s) => s.name === "api")!;
    new FargateService("api", {
        service: api,
        namePrefix: settings.namePrefix,
        region: "us-east-1",
        protectData: false,
        cluster: {
            arn: "arn:aws:ecs:us-east-1:482917365014:cluster/platform-unit",
            name: "platform-unit",
            capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
            dependsOn: [],
            logRetentionDays: 3,
            ecrKeepImages: 10,
        },
        network: { privateSubnetIds: ["subnet-a", "subnet-b"], securityGroupId: "sg-services" },
        targets: [],
        loadBalancerDependsOn: [],
        data,
    });
}

const find = (resources: Captured[], type: string, name: string) => {
    const match = resources.find((r) => r.type === type && r.name === name);
    assert.ok(match, `${type} ${name}`);
    return match!;
};

describe("fargate service component (direct)", () => {
    it("with a data tier: secrets by ARN (json keys in ECS syntax), execution role reads exactly them and decrypts with the key", async () => {
        const data: DataTier = { appSecretArn: pulumi.output(APP), databaseSecretArn: pulumi.output(DB), secretsKmsKeyArn: pulumi.output(KEY), ready: [] };
        const resources = await capture(() => buildApi(data));
        const [container] = JSON.parse(find(resources, "aws:ecs/taskDefinition:TaskDefinition", "api-task").inputs.containerDefinitions);
        assert.deepStrictEqual(container.secrets, [
            { name: "APP_SECRET_JWT", valueFrom: `${APP}:jwt::` },
            { name: "APP_SECRET_REDIS", valueFrom: `${APP}:redis::` },
            { name: "DATABASE_PASSWORD", valueFrom: `${DB}:password::` },
            { name: "DATABASE_USERNAME", valueFrom: `${DB}:username::` },
        ]);
        const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "api-execution").inputs.policy);
        const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
        assert.deepStrictEqual(bySid.ReadSecrets.Resource, [APP, DB].sort());
        assert.deepStrictEqual([bySid.DecryptSecrets.Action, bySid.DecryptSecrets.Resource], [["kms:Decrypt"], KEY]);
        // A service without a target group has no grace period and no load balancers.
        const service = find(resources, "aws:ecs/service:Service", "api-service").inputs;
        assert.deepStrictEqual([service.healthCheckGracePeriodSeconds, service.loadBalancers], [undefined, []]);
    });

    it("without a data tier: no secret variables, no secret or KMS permissions (the code path stays)", async () => {
        const resources = await capture(() => buildApi(undefined));
        const [container] = JSON.parse(find(resources, "aws:ecs/taskDefinition:TaskDefinition", "api-task").inputs.containerDefinitions);
        assert.deepStrictEqual(container.secrets, []);
        const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "api-execution").inputs.policy);
        assert.deepStrictEqual(
            policy.Statement.map((s: any) => s.Sid),
            ["EcrAuth", "PullImage", "WriteLogs"],
        );
    });

    it("with only the application secret: database variables are left out", async () => {
        const resources = await capture(() => buildApi({ appSecretArn: pulumi.output(APP), ready: [] }));
        const [container] = JSON.parse(find(resources, "aws:ecs/taskDefinition:TaskDefinition", "api-task").inputs.containerDefinitions);
        assert.deepStrictEqual(
            container.secrets.map((s: any) => s.name),
            ["APP_SECRET_JWT", "APP_SECRET_REDIS"],
        );
    });
});
