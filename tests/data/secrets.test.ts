// The application secret, its rotation Lambda and the stack's KMS key (mocked runs).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { find, ofType } from "../../harness/run";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { rotationLambda } from "../../lambda/rotation/package";
import { stackRun } from "../helpers/stacks";
import { mocked, T } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseAppSecret } = require("../../lambda/rotation/index.js") as typeof import("../../lambda/rotation/index");

const tiers = { staging: { kms: false, recovery: 7, protect: false, logDays: 3 }, production: { kms: true, recovery: 30, protect: true, logDays: 30 } };

for (const [stack, tier] of Object.entries(tiers)) {
    describe(`data: application secret (${stack})`, () => {
        let capture: StackCapture;
        before(async () => { capture = await stackRun(stack); });
        const secretArn = () => capture.outputs.appSecretArn;

        it(`is one secret named platform-${stack}/app, ${tier.kms ? "encrypted with the stack's KMS key" : "on the AWS-managed key"}, ${tier.recovery}-day recovery window`, () => {
            assert.strictEqual(ofType(capture, T.secret).length, 1);
            const secret = find(capture, T.secret, "app-secret-secret");
            assert.strictEqual(secret.inputs.name, `platform-${stack}/app`);
            assert.strictEqual(secret.inputs.kmsKeyId, tier.kms ? mocked(T.kmsKey, "data-key-key", "arn") : undefined);
            assert.strictEqual(secret.inputs.recoveryWindowInDays, tier.recovery);
            assert.strictEqual(secret.protect, tier.protect);
            assert.strictEqual(secretArn(), mocked(T.secret, "app-secret-secret", "arn", { name: `platform-${stack}/app` }));
        });

        it("holds the seed 003 §10.2.6 shape, as a secret, readable by the rotation Lambda", () => {
            const version = find(capture, T.secretVersion, "app-secret-version");
            assert.ok(version.secretInputs.includes("secretString"), `secret inputs: ${version.secretInputs}`);
            const doc = JSON.parse(version.inputs.secretString);
            assert.deepStrictEqual(doc.database, {
                host: capture.outputs.databaseEndpoint,
                port: 5432,
                dbname: "platform",
                masterSecretArn: capture.outputs.databaseSecretArn,
            });
            assert.deepStrictEqual(doc.redis, {
                host: capture.outputs.cacheEndpoint,
                port: 6379,
                authToken: mocked(T.password, "cache-auth-token", "result"),
                replicationGroupId: `platform-${stack}-cache`,
            });
            assert.deepStrictEqual(doc.jwt, { secret: mocked(T.password, "app-secret-jwt", "result"), expiresIn: "15m", refreshExpiresIn: "7d" });
            assert.ok(!("password" in doc.database), "the database password stays in the RDS-managed secret");
            assert.strictEqual(find(capture, T.password, "app-secret-jwt").inputs.length, 64);
            // The contract with lambda/rotation: what the program writes, the function accepts.
            assert.doesNotThrow(() => parseAppSecret(version.inputs.secretString, "AWSCURRENT"));
        });

        it("rotates every 30 days through the rotation Lambda, first rotation one interval after creation", () => {
            const rotation = find(capture, T.rotation, "app-secret-rotation").inputs;
            assert.strictEqual(rotation.secretId, mockId(T.secret, "app-secret-secret"));
            assert.strictEqual(rotation.rotationLambdaArn, mocked(T.lambda, "app-secret-rotation", "arn", { name: `platform-${stack}-app-secret-rotation` }));
            assert.deepStrictEqual(rotation.rotationRules, { automaticallyAfterDays: 30 });
            assert.strictEqual(rotation.rotateImmediately, false);
        });

        it("deploys lambda/rotation on Node.js 22 arm64 in the private subnets, told which replication group to rotate", () => {
            const fn = find(capture, T.lambda, "app-secret-rotation").inputs;
            assert.deepStrictEqual([fn.runtime, fn.architectures, fn.handler, fn.memorySize], ["nodejs22.x", ["arm64"], "index.handler", 128]);
            assert.strictEqual(fn.timeout, rotationLambda.timeout);
            assert.ok(fn.code.__pulumiArchive, "code is an archive");
            assert.ok(fs.existsSync(path.join(rotationLambda.path, "index.js")), "the archived folder has index.js");
            assert.deepStrictEqual(fn.vpcConfig.subnetIds, capture.outputs.privateSubnetIds);
            assert.deepStrictEqual(fn.vpcConfig.securityGroupIds, [mockId(T.sg, "app-secret-rotation")]);
            assert.deepStrictEqual(fn.environment.variables, { REPLICATION_GROUP_ID: `platform-${stack}-cache` });
            const logGroup = find(capture, T.logGroup, "app-secret-rotation").inputs;
            assert.strictEqual(fn.loggingConfig.logGroup, logGroup.name);
            assert.strictEqual(logGroup.retentionInDays, tier.logDays);
        });

        it("gives the function HTTPS egress only, and no inbound rule", () => {
            const sgId = mockId(T.sg, "app-secret-rotation");
            const egress = ofType(capture, T.egress).filter((r) => r.inputs.securityGroupId === sgId);
            assert.deepStrictEqual(egress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]), [["tcp", 443, 443, "0.0.0.0/0"]]);
            assert.ok(!ofType(capture, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some((r) => r.inputs.securityGroupId === sgId));
        });

        it("lets only Secrets Manager invoke it, for this secret", () => {
            const permission = find(capture, T.permission, "app-secret-rotation").inputs;
            assert.deepStrictEqual([permission.action, permission.principal, permission.sourceArn], ["lambda:InvokeFunction", "secretsmanager.amazonaws.com", secretArn()]);
            assert.strictEqual(permission.function, `platform-${stack}-app-secret-rotation`);
        });

        it("grants least privilege: this secret, this replication group, its own log group, the KMS key where there is one", () => {
            const role = find(capture, T.role, "app-secret-rotation").inputs;
            assert.strictEqual(JSON.parse(role.assumeRolePolicy).Statement[0].Principal.Service, "lambda.amazonaws.com");
            assert.strictEqual(find(capture, T.attachment, "app-secret-rotation-vpc").inputs.policyArn,
                "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole");
            const statements: any[] = JSON.parse(find(capture, T.rolePolicy, "app-secret-rotation").inputs.policy).Statement;
            const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
            assert.strictEqual(bySid.RotateAppSecret.Resource, secretArn());
            assert.strictEqual(bySid.RotateCacheAuthToken.Resource, `arn:aws:elasticache:us-east-1:482917365014:replicationgroup:platform-${stack}-cache`);
            assert.strictEqual(bySid.WriteOwnLogs.Resource, `arn:aws:logs:us-east-1:482917365014:log-group:/aws/lambda/platform-${stack}-app-secret-rotation:*`);
            assert.strictEqual(bySid.UseSecretKmsKey?.Resource, tier.kms ? mocked(T.kmsKey, "data-key-key", "arn") : undefined);
            // Only GetRandomPassword (which has no resource) may use "*".
            assert.deepStrictEqual(statements.filter((s) => s.Resource === "*").map((s) => s.Action), [["secretsmanager:GetRandomPassword"]]);
        });

        it(tier.kms ? "has the stack KMS key" : "has no stack KMS key", () => {
            assert.strictEqual(ofType(capture, T.kmsKey).length, tier.kms ? 1 : 0);
        });
    });
}
