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
        before(async () => {
            capture = await stackRun(stack);
        });
        const secretArn = () => capture.outputs.appSecretArn;

        it(`C4: is one secret named from the prefix platform-${stack}/app- (never a fixed name), ${tier.kms ? "encrypted with the stack's KMS key" : "on the AWS-managed key"}, ${tier.recovery}-day recovery window`, () => {
            // The stack's two secrets: this one and the application database user's (B10).
            assert.deepStrictEqual(
                ofType(capture, T.secret)
                    .map((r) => r.name)
                    .sort(),
                ["app-secret-secret", "database-app-user-secret"],
            );
            const secret = find(capture, T.secret, "app-secret-secret");
            assert.strictEqual(secret.inputs.namePrefix, `platform-${stack}/app-`);
            assert.ok(!("name" in secret.inputs), "a fixed name collides with a deleted secret still in its recovery window");
            assert.strictEqual(secret.inputs.kmsKeyId, tier.kms ? mocked(T.kmsKey, "data-key-key", "arn") : undefined);
            assert.strictEqual(secret.inputs.recoveryWindowInDays, tier.recovery);
            assert.strictEqual(secret.protect, tier.protect);
            assert.strictEqual(secretArn(), mocked(T.secret, "app-secret-secret", "arn", { namePrefix: `platform-${stack}/app-` }));
        });

        it("holds the seed 003 §10.2.6 shape, as a secret, readable by the rotation Lambda", () => {
            const version = find(capture, T.secretVersion, "app-secret-version");
            assert.ok(version.secretInputs.includes("secretString"), `secret inputs: ${version.secretInputs}`);
            const doc = JSON.parse(version.inputs.secretString);
            // Seed key order: database, redis, jwt, (newrelic: no license key here), <service>_grpc.
            assert.deepStrictEqual(Object.keys(doc), ["database", "redis", "jwt", "devices_grpc"]);
            assert.deepStrictEqual(doc.database, {
                host: capture.outputs.databaseEndpoint,
                port: 5432,
                dbname: "platform",
                userSecretArn: capture.outputs.databaseSecretArn,
            });
            assert.deepStrictEqual(doc.redis, {
                host: capture.outputs.cacheEndpoint,
                port: 6379,
                authToken: mocked(T.password, "cache-auth-token", "result"),
                replicationGroupId: `platform-${stack}-cache`,
            });
            assert.deepStrictEqual(doc.jwt, {
                secret: mocked(T.password, "app-secret-jwt", "result"),
                nextSecret: mocked(T.password, "app-secret-jwt-next", "result"),
                expiresIn: "15m",
                refreshExpiresIn: "7d",
            });
            assert.deepStrictEqual(doc.devices_grpc, { url: `devices.${stack}.platform.internal:50051` });
            assert.ok(!("password" in doc.database) && !("username" in doc.database), "the database credentials stay in the app user's secret");
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

        it("B10: points the apps at the application user's secret, never the RDS master's", () => {
            const doc = JSON.parse(find(capture, T.secretVersion, "app-secret-version").inputs.secretString);
            assert.strictEqual(
                doc.database.userSecretArn,
                mocked(T.secret, "database-app-user-secret", "arn", { namePrefix: `platform-${stack}/db-app-user-` }),
            );
            assert.notStrictEqual(doc.database.userSecretArn, capture.outputs.databaseMasterSecretArn);
            assert.ok(!JSON.stringify(doc).includes("rds!db-"), "no reference to the RDS-managed master secret");
        });

        it("B9: generates the next JWT secret beside the current one (64 letters and digits, its own RandomPassword)", () => {
            const next = find(capture, T.password, "app-secret-jwt-next").inputs;
            assert.deepStrictEqual([next.length, next.special], [64, false]);
            assert.notStrictEqual(mocked(T.password, "app-secret-jwt-next", "result"), mocked(T.password, "app-secret-jwt", "result"));
        });

        it("E: deploys lambda/rotation on Node.js 22 arm64 outside the VPC (AWS APIs only), told which replication group to rotate", () => {
            const fn = find(capture, T.lambda, "app-secret-rotation").inputs;
            assert.deepStrictEqual([fn.runtime, fn.architectures, fn.handler, fn.memorySize], ["nodejs22.x", ["arm64"], "index.handler", 128]);
            assert.strictEqual(fn.timeout, rotationLambda.timeout);
            assert.ok(fn.code.__pulumiArchive, "code is an archive");
            assert.ok(fs.existsSync(path.join(rotationLambda.path, "index.js")), "the archived folder has index.js");
            assert.strictEqual(fn.vpcConfig, undefined);
            assert.deepStrictEqual(fn.environment.variables, { REPLICATION_GROUP_ID: `platform-${stack}-cache` });
            const logGroup = find(capture, T.logGroup, "app-secret-rotation").inputs;
            assert.strictEqual(fn.loggingConfig.logGroup, logGroup.name);
            assert.strictEqual(logGroup.retentionInDays, tier.logDays);
        });

        it("E: outside the VPC the function has no security group, no rules and no VPC access policy", () => {
            const sgId = mockId(T.sg, "app-secret-rotation");
            assert.ok(!capture.resources.some((r) => r.type === T.sg && r.name.startsWith("app-secret")), "no security group of its own");
            for (const type of [T.egress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"]) {
                assert.ok(!ofType(capture, type).some((r) => r.inputs.securityGroupId === sgId || r.name.startsWith("app-secret")), type);
            }
            // No managed policy on its role (AWSLambdaVPCAccessExecutionRole was only for its ENIs).
            assert.deepStrictEqual(
                ofType(capture, T.attachment)
                    .filter((r) => r.name.startsWith("app-secret"))
                    .map((r) => r.name),
                [],
            );
            const policy = find(capture, T.rolePolicy, "app-secret-rotation").inputs.policy;
            assert.ok(!policy.includes("ec2:"), "no ENI permissions");
        });

        it("lets only Secrets Manager invoke it, for this secret", () => {
            const permission = find(capture, T.permission, "app-secret-rotation").inputs;
            assert.deepStrictEqual(
                [permission.action, permission.principal, permission.sourceArn],
                ["lambda:InvokeFunction", "secretsmanager.amazonaws.com", secretArn()],
            );
            assert.strictEqual(permission.function, `platform-${stack}-app-secret-rotation`);
        });

        it("grants least privilege: this secret, this replication group, its own log group, the KMS key where there is one", () => {
            const role = find(capture, T.role, "app-secret-rotation").inputs;
            assert.strictEqual(JSON.parse(role.assumeRolePolicy).Statement[0].Principal.Service, "lambda.amazonaws.com");
            const statements: any[] = JSON.parse(find(capture, T.rolePolicy, "app-secret-rotation").inputs.policy).Statement;
            const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
            assert.strictEqual(bySid.RotateAppSecret.Resource, secretArn());
            assert.strictEqual(bySid.RotateCacheAuthToken.Resource, `arn:aws:elasticache:us-east-1:482917365014:replicationgroup:platform-${stack}-cache`);
            assert.strictEqual(
                bySid.WriteOwnLogs.Resource,
                `arn:aws:logs:us-east-1:482917365014:log-group:/aws/lambda/platform-${stack}-app-secret-rotation:*`,
            );
            assert.strictEqual(bySid.UseSecretKmsKey?.Resource, tier.kms ? mocked(T.kmsKey, "data-key-key", "arn") : undefined);
            // D: the key only through Secrets Manager in this region, only for this secret.
            assert.deepStrictEqual(
                bySid.UseSecretKmsKey?.Condition,
                tier.kms
                    ? { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com", "kms:EncryptionContext:SecretARN": secretArn() } }
                    : undefined,
            );
            // Only GetRandomPassword (which has no resource) may use "*".
            assert.deepStrictEqual(
                statements.filter((s) => s.Resource === "*").map((s) => s.Action),
                [["secretsmanager:GetRandomPassword"]],
            );
        });

        it(tier.kms ? "has the stack KMS key" : "has no stack KMS key", () => {
            assert.strictEqual(ofType(capture, T.kmsKey).length, tier.kms ? 1 : 0);
        });

        if (tier.kms) {
            it("D: the stack key's policy lets the account administer it but use it only through RDS, Secrets Manager and ElastiCache here", () => {
                const policy = JSON.parse(find(capture, T.kmsKey, "data-key-key").inputs.policy);
                const root = "arn:aws:iam::482917365014:root";
                const via = ["rds.us-east-1.amazonaws.com", "secretsmanager.us-east-1.amazonaws.com", "elasticache.us-east-1.amazonaws.com"];
                const bySid = Object.fromEntries(policy.Statement.map((st: any) => [st.Sid, st]));
                assert.deepStrictEqual(Object.keys(bySid), ["AccountAdministersTheKey", "UseOnlyThroughTheStacksServices", "GrantsOnlyForAwsResources"]);
                for (const st of policy.Statement) assert.deepStrictEqual([st.Effect, st.Principal], ["Allow", { AWS: root }]);
                // Administration, and nothing cryptographic, without conditions.
                const admin: string[] = bySid.AccountAdministersTheKey.Action;
                assert.strictEqual(bySid.AccountAdministersTheKey.Condition, undefined);
                assert.ok(!admin.some((a) => /^kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant)/.test(a)), `unconditioned: ${admin}`);
                assert.ok(admin.includes("kms:ScheduleKeyDeletion") && admin.includes("kms:Put*"), "the account can still manage the key");
                assert.deepStrictEqual(bySid.UseOnlyThroughTheStacksServices.Action, [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                ]);
                assert.deepStrictEqual(bySid.UseOnlyThroughTheStacksServices.Condition, {
                    StringEquals: { "kms:CallerAccount": "482917365014", "kms:ViaService": via },
                });
                assert.deepStrictEqual(bySid.GrantsOnlyForAwsResources.Condition, {
                    StringEquals: { "kms:CallerAccount": "482917365014", "kms:ViaService": via },
                    Bool: { "kms:GrantIsForAWSResource": "true" },
                });
            });
        }
    });
}
