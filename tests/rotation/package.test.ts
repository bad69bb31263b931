import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type * as aws from "@pulumi/aws";
import type { Output } from "@pulumi/pulumi";
import {
    REPLICATION_GROUP_ACTIONS,
    ROTATION_ENV,
    rotationLambda,
    rotationLambdaEnvironment,
    rotationLambdaPackage,
    rotationPolicyStatements,
    SECRET_ACTIONS,
    secretsManagerViaService,
} from "../../lambda/rotation/package";
import { checkJs, generateAllDeclarations, generateDeclarations, INDEX_DTS, ROTATION_DIR, rotationJsFiles } from "./js-check";

/** What Lambda runs: index.js and the modules it requires, all shipped in the folder (FileArchive). */
const shippedSources = () => rotationJsFiles().map((file) => ({ file: path.basename(file), source: fs.readFileSync(file, "utf8") }));
const requiresOf = (source: string) => [...source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform/staging/app-AbCdEf";
const GROUP_ARN = "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:platform-staging-cache";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

// Compile-time only (never called): what the Pulumi component will write must type-check against
// the provider's own input types, with Output<string> ARNs.
export function _typeCheckAgainstPulumiAws(secretArn: Output<string>, groupArn: Output<string>, roleArn: Output<string>) {
    const fn = rotationLambdaPackage();
    const args: aws.lambda.FunctionArgs = {
        role: roleArn,
        handler: fn.handler,
        runtime: fn.runtime,
        architectures: fn.architectures,
        timeout: fn.timeout,
        memorySize: fn.memorySize,
        environment: { variables: rotationLambdaEnvironment({ replicationGroupId: groupArn }) },
    };
    const policy: aws.iam.PolicyDocument = {
        Version: "2012-10-17",
        Statement: rotationPolicyStatements(secretArn, groupArn, { kmsKeyArn: secretArn, region: "us-east-1" }),
    };
    return { args, policy };
}

describe("rotation lambda: package", () => {
    it("describes the folder, handler, runtime and architecture", () => {
        const pkg = rotationLambdaPackage();
        assert.ok(path.isAbsolute(pkg.path), "path is absolute");
        assert.equal(pkg.path, ROTATION_DIR);
        assert.deepEqual(
            { ...pkg, path: undefined },
            {
                path: undefined,
                handler: "index.handler",
                runtime: "nodejs22.x",
                architecture: "arm64",
                architectures: ["arm64"],
                timeout: 900,
                memorySize: 128,
                runsInVpc: false,
            },
        );
        assert.deepEqual(rotationLambda, pkg);
        pkg.architectures.push("arm64" as never);
        assert.deepEqual(rotationLambdaPackage().architectures, ["arm64"], "each call returns fresh arrays");
    });

    it("the handler named by `handler` is exported by the file at the folder root", () => {
        const [file, exportName] = rotationLambda.handler.split(".");
        const modulePath = path.join(rotationLambda.path, `${file}.js`);
        assert.ok(fs.existsSync(modulePath), `${modulePath} exists`);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(modulePath) as Record<string, unknown>;
        assert.equal(typeof mod[exportName!], "function");
    });

    it("the function's JavaScript needs nothing the Node.js 22 runtime and the folder do not provide", () => {
        const sources = shippedSources();
        assert.ok(
            sources.some((s) => s.file === "index.js"),
            "index.js is among the folder's JavaScript files",
        );
        const packages = new Set<string>();
        for (const { file, source } of sources) {
            for (const required of requiresOf(source)) {
                if (!required.startsWith(".")) {
                    packages.add(required);
                    continue;
                }
                // A relative require must name a module of this folder, which the FileArchive ships with index.js.
                assert.ok(/^\.\/[a-z-]+$/.test(required), `${file}: require("${required}") stays in the folder`);
                assert.ok(fs.existsSync(path.join(ROTATION_DIR, `${required}.js`)), `${file}: ${required}.js exists in the folder`);
            }
            assert.ok(!/^\s*(import|export)\s/m.test(source), `${file}: CommonJS only, no ES module syntax`);
            assert.ok(source.startsWith("// @ts-check\n"), `${file} starts with // @ts-check`);
        }
        assert.deepEqual([...packages].sort(), ["@aws-sdk/client-elasticache", "@aws-sdk/client-secrets-manager"]);
        assert.ok(!fs.existsSync(path.join(ROTATION_DIR, "node_modules")), "no node_modules in the shipped folder");
    });

    it("every module of the folder is reached from index.js (no dead file shipped, none missing)", () => {
        const reached = new Set<string>(["index.js"]);
        const queue = ["index.js"];
        while (queue.length > 0) {
            const source = fs.readFileSync(path.join(ROTATION_DIR, queue.shift()!), "utf8");
            for (const required of requiresOf(source).filter((r) => r.startsWith("./"))) {
                const file = `${required.slice(2)}.js`;
                if (!reached.has(file)) {
                    reached.add(file);
                    queue.push(file);
                }
            }
        }
        assert.deepEqual(
            [...reached].sort(),
            shippedSources()
                .map((s) => s.file)
                .sort(),
        );
    });

    it("names the environment variables the function reads", () => {
        const source = shippedSources()
            .map((s) => s.source)
            .join("\n");
        const read = [...new Set([...source.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]))].sort();
        assert.deepEqual(read, Object.values(ROTATION_ENV).sort());
        assert.deepEqual(rotationLambdaEnvironment({ replicationGroupId: "g" }), { REPLICATION_GROUP_ID: "g" });
        assert.deepEqual(rotationLambdaEnvironment({ replicationGroupId: "g", secretsManagerEndpoint: "https://e" }), {
            REPLICATION_GROUP_ID: "g",
            SECRETS_MANAGER_ENDPOINT: "https://e",
        });
        assert.deepEqual(rotationLambdaEnvironment({}), {});
    });
});

describe("rotation lambda: IAM statements", () => {
    it("grants exactly the actions the function calls, on its own resources", () => {
        assert.deepEqual(rotationPolicyStatements(SECRET_ARN, GROUP_ARN), [
            {
                Sid: "RotateAppSecret",
                Effect: "Allow",
                Action: [
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage",
                ],
                Resource: SECRET_ARN,
            },
            { Sid: "GenerateRandomPassword", Effect: "Allow", Action: ["secretsmanager:GetRandomPassword"], Resource: "*" },
            {
                Sid: "RotateCacheAuthToken",
                Effect: "Allow",
                Action: ["elasticache:DescribeReplicationGroups", "elasticache:ModifyReplicationGroup"],
                Resource: GROUP_ARN,
            },
        ]);
    });

    it("grants no ElastiCache action without a replication group, and KMS only when asked", () => {
        const jwtOnly = rotationPolicyStatements(SECRET_ARN);
        assert.deepEqual(
            jwtOnly.map((s) => s.Sid),
            ["RotateAppSecret", "GenerateRandomPassword"],
        );
        assert.ok(!jwtOnly.some((s) => s.Action.some((a) => a.startsWith("kms:"))), "no KMS statement for the AWS-managed key");
    });

    // Secrets Manager guide, "Secret encryption and decryption": the caller needs kms:GenerateDataKey
    // and kms:Decrypt; kms:ViaService `secretsmanager.<Region>.amazonaws.com` limits them to requests
    // Secrets Manager makes; every such request carries the encryption context SecretARN=<secret ARN>.
    it("lets the KMS key be used only through Secrets Manager in the stack's region, only for this secret (review D)", () => {
        const withKey = rotationPolicyStatements(SECRET_ARN, undefined, { kmsKeyArn: KEY_ARN, region: "eu-central-1" });
        assert.deepEqual(withKey[2], {
            Sid: "UseSecretKmsKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: KEY_ARN,
            Condition: {
                StringEquals: {
                    "kms:ViaService": "secretsmanager.eu-central-1.amazonaws.com",
                    "kms:EncryptionContext:SecretARN": SECRET_ARN,
                },
            },
        });
    });

    it("refuses a KMS key without the region rather than grant decrypt unconditioned", () => {
        assert.throws(() => rotationPolicyStatements(SECRET_ARN, GROUP_ARN, { kmsKeyArn: KEY_ARN }), /options.region is required with options.kmsKeyArn/);
    });

    it("refuses a region that is not an AWS region name", () => {
        for (const region of ["", "us-east", "US-EAST-1", "secretsmanager.us-east-1.amazonaws.com", "us-east-1 "]) {
            assert.throws(
                () => rotationPolicyStatements(SECRET_ARN, undefined, { kmsKeyArn: KEY_ARN, region }),
                /is not an AWS region such as us-east-1/,
                region,
            );
        }
        assert.equal(secretsManagerViaService("us-gov-west-1"), "secretsmanager.us-gov-west-1.amazonaws.com");
    });

    it("asks for no VPC permission: the function runs outside the VPC (review E)", () => {
        const all = rotationPolicyStatements(SECRET_ARN, GROUP_ARN, { kmsKeyArn: KEY_ARN, region: "us-east-1" }).flatMap((s) => s.Action);
        assert.deepEqual(
            all.filter((a) => a.startsWith("ec2:")),
            [],
            "no ENI actions (AWSLambdaVPCAccessExecutionRole's job)",
        );
        assert.equal(rotationLambda.runsInVpc, false);
    });

    it("covers every command the function sends, and nothing more", () => {
        const source = shippedSources()
            .map((s) => s.source)
            .join("\n");
        const sentCommands = new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]!));
        const service = (op: string) => (/ReplicationGroup/.test(op) ? "elasticache" : "secretsmanager");
        const needed = [...sentCommands].map((op) => `${service(op)}:${op}`).sort();
        const granted = rotationPolicyStatements(SECRET_ARN, GROUP_ARN)
            .flatMap((s) => s.Action)
            .sort();
        assert.deepEqual(granted, needed);
        assert.deepEqual([...SECRET_ACTIONS, "secretsmanager:GetRandomPassword", ...REPLICATION_GROUP_ACTIONS].sort(), needed);
        for (const s of rotationPolicyStatements(SECRET_ARN, GROUP_ARN)) {
            assert.ok(
                s.Action.every((a) => !a.includes("*")),
                "no wildcard actions",
            );
            if (s.Resource === "*") assert.deepEqual(s.Action, ["secretsmanager:GetRandomPassword"], "only the resource-less action gets *");
        }
    });
});

describe("rotation lambda: JavaScript type-check", function () {
    this.timeout(60_000);

    it("the folder's JavaScript type-checks under strict options (// @ts-check with JSDoc)", () => {
        assert.deepEqual(checkJs(), []);
    });

    it("index.d.ts matches the declarations tsc derives from index.js", () => {
        assert.equal(fs.readFileSync(INDEX_DTS, "utf8"), generateDeclarations(), "run: npx tsx tests/rotation/js-check.ts --write");
    });

    it("each module's .d.ts matches the declarations tsc derives from it, and no other .d.ts is left", () => {
        const generated = generateAllDeclarations();
        const onDisk = fs
            .readdirSync(ROTATION_DIR)
            .filter((f) => f.endsWith(".d.ts"))
            .sort();
        assert.deepEqual(onDisk, [...generated.keys()].sort(), "one declaration file per JavaScript file");
        for (const [name, text] of generated) {
            assert.equal(fs.readFileSync(path.join(ROTATION_DIR, name), "utf8"), text, `${name}: run npx tsx tests/rotation/js-check.ts --write`);
        }
    });
});
