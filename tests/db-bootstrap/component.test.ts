// components/app-database-user.ts built directly under mocks: what it would ask AWS for. Resource options
// (dependsOn, ignoreChanges) come from a transformation on the component, which sees every child.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, callResult, computedState } from "../../harness/mocks";
import { AppDatabaseUser, MULTI_USER_ROTATION_APP, type AppDatabaseUserArgs } from "../../components/app-database-user";
import { dbBootstrapLambdaPackage } from "../../lambda/db-bootstrap/package";

interface Captured {
    type: string;
    name: string;
    inputs: any;
    dependsOn: string[];
    ignoreChanges: string[];
    protect: boolean;
}

const waitForRPCs: () => Promise<void> = (pulumi.runtime as any).waitForRPCs ?? (async () => undefined);
const REGION = "us-east-1";
const MASTER = `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:rds!db-0123-XyZ123`;
const INSTANCE = `arn:aws:rds:${REGION}:${ACCOUNT_ID}:db:platform-unit-postgres`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/11111111-2222-4333-8444-555555555555`;
const ROTATION_FN = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:platform-unit-db-app-user-rotation`;
const ROTATION_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/serverlessrepo-platform-unit-db-app-user-rotation-RotationLambdaRole-AbC123`;

/** Builds the component in a fresh mocked stack; returns its children with inputs and options. */
async function capture(over: Partial<AppDatabaseUserArgs> = {}): Promise<Captured[]> {
    const inputs = new Map<string, any>();
    const options = new Map<string, Omit<Captured, "type" | "name" | "inputs">>();
    const names = new Map<pulumi.Resource, string>();
    pulumi.runtime.setAllConfig({}, []);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const state = computedState(args.type, args.name, args.inputs, REGION);
                if (args.type === "aws:serverlessrepository/cloudFormationStack:CloudFormationStack")
                    state.outputs = { [MULTI_USER_ROTATION_APP.outputName]: ROTATION_FN };
                if (args.type === "aws:lambda/invocation:Invocation") state.result = JSON.stringify({ username: "platform_app" });
                inputs.set(`${args.type}::${args.name}`, args.inputs);
                return { id: state.id, state: { ...args.inputs, ...state, ...(args.inputs.name !== undefined ? { name: args.inputs.name } : {}) } };
            },
            call(args) {
                if (args.token === "aws:lambda/getFunction:getFunction") {
                    assert.strictEqual(args.inputs.functionName, ROTATION_FN, "the role is looked up from the stack's function");
                    return { id: ROTATION_FN, arn: ROTATION_FN, functionName: "platform-unit-db-app-user-rotation", role: ROTATION_ROLE };
                }
                return callResult(args.token, args.inputs, REGION);
            },
        },
        "platform",
        "unit",
        false,
    );
    const record: pulumi.ResourceTransformation = (args) => {
        names.set(args.resource, `${args.type}::${args.name}`);
        const deps = args.opts.dependsOn;
        options.set(`${args.type}::${args.name}`, {
            dependsOn: ((Array.isArray(deps) ? deps : deps ? [deps] : []) as pulumi.Resource[]).map((d) => names.get(d) ?? "?"),
            ignoreChanges: args.opts.ignoreChanges ?? [],
            protect: args.opts.protect === true,
        });
        return undefined;
    };
    await pulumi.runtime.runInPulumiStack(async () => {
        new AppDatabaseUser(
            "app-db-user",
            {
                namePrefix: "platform-unit",
                database: {
                    endpoint: "platform-unit-postgres.cabc.us-east-1.rds.amazonaws.com",
                    port: 5432,
                    name: "platform",
                    instanceArn: INSTANCE,
                    masterSecretArn: MASTER,
                    securityGroupId: "sg-database",
                },
                network: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] },
                rotationDays: 30,
                logRetentionDays: 3,
                protect: true,
                ...over,
            },
            { transformations: [record] },
        );
        return {};
    });
    await waitForRPCs();
    return [...inputs.entries()].map(([key, value]) => {
        const [type, name] = key.split("::");
        return { type, name, inputs: value, ...(options.get(key) ?? { dependsOn: [], ignoreChanges: [], protect: false }) };
    });
}

const one = (rs: Captured[], type: string, name: string): Captured => {
    const r = rs.find((x) => x.type === type && x.name === name);
    assert.ok(r, `${type} ${name}; have ${rs.map((x) => x.name).join(", ")}`);
    return r!;
};
const unwrap = (v: any): any => (v && typeof v === "object" && "value" in v && Object.keys(v).some((k) => /^[0-9a-f]{32}$/.test(k)) ? v.value : v);

describe("app database user component (direct, under mocks)", function () {
    this.timeout(60_000);
    let rs: Captured[];
    before(async () => {
        rs = await capture();
    });

    it("the secret has a generated name (namePrefix, no fixed name), is protected, and its first version is in the rotation function's shape", () => {
        const secret = one(rs, "aws:secretsmanager/secret:Secret", "app-db-user-secret");
        assert.strictEqual(secret.inputs.name, undefined);
        assert.strictEqual(secret.inputs.namePrefix, "platform-unit/db-app-user-");
        assert.strictEqual(secret.protect, true);
        const version = one(rs, "aws:secretsmanager/secretVersion:SecretVersion", "app-db-user-version");
        assert.deepStrictEqual(version.ignoreChanges, ["secretString"], "rotation owns the value after the first version");
        const doc = JSON.parse(unwrap(version.inputs.secretString));
        assert.deepStrictEqual(
            { ...doc, password: typeof doc.password },
            {
                engine: "postgres",
                host: "platform-unit-postgres.cabc.us-east-1.rds.amazonaws.com",
                port: 5432,
                dbname: "platform",
                username: "platform_app",
                password: "string",
                masterarn: MASTER,
                ssl: true,
            },
        );
        const password = one(rs, "random:index/randomPassword:RandomPassword", "app-db-user-initial-password");
        assert.deepStrictEqual([password.inputs.length, password.inputs.special], [64, false]);
    });

    it("the rotation is enabled without rotating now, after the bootstrap invocation created the user", () => {
        const rotation = one(rs, "aws:secretsmanager/secretRotation:SecretRotation", "app-db-user-rotation");
        assert.deepStrictEqual(
            [rotation.inputs.rotateImmediately, rotation.inputs.rotationRules, rotation.inputs.rotationLambdaArn],
            [false, { automaticallyAfterDays: 30 }, ROTATION_FN],
        );
        assert.ok(rotation.dependsOn.includes("aws:lambda/invocation:Invocation::app-db-user-bootstrap"), `dependsOn ${rotation.dependsOn}`);
        const invocation = one(rs, "aws:lambda/invocation:Invocation", "app-db-user-bootstrap");
        assert.ok(invocation.dependsOn.includes("aws:secretsmanager/secretVersion:SecretVersion::app-db-user-version"), "the secret has its value first");
        // Review: a replaced instance (new ARN, endpoint, master secret) re-runs it, so the new one gets the user.
        assert.deepStrictEqual(Object.keys(invocation.inputs.triggers).sort(), ["code", "host", "instance", "masterSecret", "spec"]);
        assert.strictEqual(invocation.inputs.triggers.code, dbBootstrapLambdaPackage().codeSha256, "new code re-runs the bootstrap");
        assert.deepStrictEqual([invocation.inputs.triggers.instance, invocation.inputs.triggers.masterSecret], [INSTANCE, MASTER]);
        // It waits for its network path both ways, and so does the rotation's test run.
        for (const rule of ["app-db-user-bootstrap-postgres", "app-db-user-bootstrap-https", "app-db-user-bootstrap-to-database"]) {
            assert.ok(
                invocation.dependsOn.some((d: string) => d.endsWith(`::${rule}`)),
                `the invocation waits for ${rule}`,
            );
        }
        assert.ok(
            rotation.dependsOn.some((d: string) => d.endsWith("::app-db-user-rotation-to-database")),
            "the rotation test run waits for its database rule",
        );
    });

    it("security groups: both functions reach the database on 5432 and HTTPS out, nothing in; the database admits exactly them", () => {
        for (const fn of ["bootstrap", "rotation"]) {
            const egress = rs.filter((r) => r.type === "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule" && r.name.startsWith(`app-db-user-${fn}-`));
            assert.deepStrictEqual(egress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4]).sort(), [
                [443, 443, "0.0.0.0/0"],
                [5432, 5432, "sg-database"],
            ]);
            const ingress = one(rs, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `app-db-user-${fn}-to-database`);
            assert.deepStrictEqual(
                [ingress.inputs.securityGroupId, ingress.inputs.fromPort, ingress.inputs.toPort, ingress.inputs.ipProtocol],
                ["sg-database", 5432, 5432, "tcp"],
            );
            const group = one(rs, "aws:ec2/securityGroup:SecurityGroup", `app-db-user-${fn}`);
            assert.strictEqual(ingress.inputs.referencedSecurityGroupId, computedState(group.type, group.name, group.inputs, REGION).id);
        }
        assert.deepStrictEqual(
            rs.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs.securityGroupId),
            ["sg-database", "sg-database"],
            "no ingress into the functions",
        );
    });

    it("IAM: the bootstrap reads exactly the two secrets; no KMS without a key; the rotation role gets only the RDS-managed master's lookups", () => {
        // The ARN Secrets Manager gives the secret created from its namePrefix.
        const secret = one(rs, "aws:secretsmanager/secret:Secret", "app-db-user-secret");
        const appSecretArn = computedState(secret.type, secret.name, secret.inputs, REGION).arn;
        assert.match(appSecretArn, /:secret:platform-unit\/db-app-user-/);
        const policy = JSON.parse(one(rs, "aws:iam/rolePolicy:RolePolicy", "app-db-user-bootstrap").inputs.policy);
        assert.deepStrictEqual(
            policy.Statement.map((s: any) => [s.Sid, s.Action, s.Resource]),
            [
                ["ReadDatabaseSecrets", ["secretsmanager:GetSecretValue"], [MASTER, appSecretArn]],
                ["RepairAppUserSecret", ["secretsmanager:PutSecretValue"], [appSecretArn]],
                [
                    "WriteOwnLogs",
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/aws/lambda/platform-unit-db-bootstrap:*`,
                ],
            ],
        );
        const extra = one(rs, "aws:iam/rolePolicy:RolePolicy", "app-db-user-rotation-rds-master");
        assert.strictEqual(extra.inputs.role, "serverlessrepo-platform-unit-db-app-user-rotation-RotationLambdaRole-AbC123");
        assert.deepStrictEqual(
            JSON.parse(extra.inputs.policy).Statement.map((s: any) => [s.Action, s.Resource]),
            [
                [["secretsmanager:DescribeSecret"], MASTER],
                [["rds:DescribeDBInstances"], INSTANCE],
            ],
        );
        const permission = one(rs, "aws:lambda/permission:Permission", "app-db-user-rotation");
        assert.deepStrictEqual([permission.inputs.principal, permission.inputs.sourceArn], ["secretsmanager.amazonaws.com", appSecretArn]);
    });

    it("the bootstrap function: bundled package in the private subnets, ARNs and CA bundle in its environment, no secret value", () => {
        const fn = one(rs, "aws:lambda/function:Function", "app-db-user-bootstrap");
        const pkg = dbBootstrapLambdaPackage();
        assert.deepStrictEqual(
            [fn.inputs.runtime, fn.inputs.architectures, fn.inputs.handler, fn.inputs.timeout],
            [pkg.runtime, ["arm64"], "index.handler", 60],
        );
        assert.deepStrictEqual(fn.inputs.vpcConfig.subnetIds, ["subnet-a", "subnet-b"]);
        assert.deepStrictEqual(Object.keys(fn.inputs.environment.variables).sort(), [
            "APP_USERNAME",
            "APP_USER_SECRET_ARN",
            "DATABASE_HOST",
            "DATABASE_NAME",
            "DATABASE_PORT",
            "MASTER_SECRET_ARN",
            "NODE_EXTRA_CA_CERTS",
        ]);
        assert.ok(!JSON.stringify(fn.inputs).toLowerCase().includes("password"), "no password in the function's configuration");
    });

    it("deploys AWS's multi-user rotation application at a pinned version, in the VPC, with its master secret", () => {
        const stack = one(rs, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "app-db-user-rotation");
        assert.deepStrictEqual(
            [stack.inputs.applicationId, stack.inputs.semanticVersion, stack.inputs.capabilities],
            [
                "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationMultiUser",
                "1.1.671",
                ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
            ],
        );
        assert.match(stack.inputs.semanticVersion, /^\d+\.\d+\.\d+$/, "pinned, never latest");
        const p = stack.inputs.parameters;
        assert.deepStrictEqual(Object.keys(p).sort(), [
            "endpoint",
            "excludeCharacters",
            "functionName",
            "masterSecretArn",
            "vpcSecurityGroupIds",
            "vpcSubnetIds",
        ]);
        assert.deepStrictEqual(
            [p.endpoint, p.vpcSubnetIds, p.masterSecretArn],
            ["https://secretsmanager.us-east-1.amazonaws.com", "subnet-a,subnet-b", MASTER],
        );
        assert.ok(p.functionName.length <= 64);
    });

    it("with customer-managed keys: the secret uses it, KMS decrypt is scoped to Secrets Manager, both keys reach the template", async () => {
        const withKeys = await capture({
            kmsKeyArn: KEY,
            database: {
                endpoint: "h",
                port: 5432,
                name: "platform",
                instanceArn: INSTANCE,
                masterSecretArn: MASTER,
                masterSecretKmsKeyArn: KEY,
                securityGroupId: "sg-database",
            },
        });
        assert.strictEqual(one(withKeys, "aws:secretsmanager/secret:Secret", "app-db-user-secret").inputs.kmsKeyId, KEY);
        const kms = JSON.parse(one(withKeys, "aws:iam/rolePolicy:RolePolicy", "app-db-user-bootstrap").inputs.policy).Statement[2];
        assert.deepStrictEqual(kms, {
            Sid: "UseSecretKeysViaSecretsManager",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [KEY],
            Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
        });
        const p = one(withKeys, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "app-db-user-rotation").inputs.parameters;
        assert.deepStrictEqual([p.kmsKeyArn, p.masterSecretKmsKeyArn], [KEY, KEY]);
    });

    it("refuses a username the rotation function cannot clone, and a rotation period Secrets Manager refuses, before creating anything", () => {
        const base = {
            namePrefix: "p",
            database: { endpoint: "h", port: 5432, name: "platform", instanceArn: INSTANCE, masterSecretArn: MASTER, securityGroupId: "sg" },
            network: { vpcId: "v", privateSubnetIds: [] },
            rotationDays: 30,
            logRetentionDays: 3,
            protect: false,
        };
        assert.throws(() => AppDatabaseUser.validateArgs({ ...base, username: "platform_app_clone" }), /_clone/);
        assert.throws(() => AppDatabaseUser.validateArgs({ ...base, database: { ...base.database, name: "x".repeat(60) } }), /at most 57/);
        assert.throws(() => AppDatabaseUser.validateArgs({ ...base, rotationDays: 0 }), /1 to 1000/);
        AppDatabaseUser.validateArgs(base);
    });
});
