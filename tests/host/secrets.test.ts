// The zero-cost host's identity and secrets (instance role, SSM parameters, the application secret
// and the services' secret variables), read from mocked runs of the dev stack.
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { StackCapture } from "../../harness/types";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { HOST_APP_SECRET_KEYS } from "../../components/host";
import { runWith, stackRun } from "../helpers/stacks";
import {
    ROLE,
    ATTACHMENT,
    ROLE_POLICY,
    PROFILE,
    PARAMETER,
    DOCUMENT,
    instanceOf,
    statementsOf,
    scriptOf,
    desiredFile,
    asList,
    secretEnvBlock,
    strings,
    SECRET_LITERAL,
} from "./captured";

describe("host (dev, zero-cost): newRelicLicenseKey is not ignored on the host", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await runWith("dev", {
            config: { newRelicLicenseKey: "nr-license-key-1234", services: { api: { secrets: { NEW_RELIC_LICENSE_KEY: "newrelic" } } } },
            secretKeys: ["newRelicLicenseKey"],
        });
    });

    it("puts seed 003's newrelic block in the host's application secret, as a secret", () => {
        const parameter = find(capture, PARAMETER, "host-app-secret");
        assert.ok(parameter.secretInputs.includes("value"));
        assert.deepStrictEqual(JSON.parse(parameter.inputs.value).newrelic, { licenseKey: "nr-license-key-1234", appName: "platform-dev" });
    });

    it("gives the service that declares it NEW_RELIC_LICENSE_KEY from that block, and the license is nowhere in plain text", () => {
        const script = scriptOf(find(capture, DOCUMENT, "host-apply"));
        assert.ok(script.includes("app_secret_key 'newrelic.licenseKey'"), "the apply script reads the nested key");
        assert.ok(/env_line NEW_RELIC_LICENSE_KEY "\$value"/.test(script));
        assert.ok(!script.includes("nr-license-key-1234"), "the document holds no secret value");
        assert.strictEqual(
            ofType(capture, PARAMETER).filter((p) => p.name === "newrelic-license-key").length,
            0,
            "no unused Fargate parameter on the host tier",
        );
    });
});

describe("host (dev, zero-cost): identity and secrets", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("dev");
    });

    it("has an instance profile whose EC2 role has AmazonSSMManagedInstanceCore", () => {
        const role = find(capture, ROLE, "host-role");
        const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement;
        assert.deepStrictEqual(
            trust.map((s: any) => s.Principal.Service),
            ["ec2.amazonaws.com"],
        );
        const profile = find(capture, PROFILE, "host-profile");
        const attachment = find(capture, ATTACHMENT, "host-ssm-core");
        assert.strictEqual(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
        assert.strictEqual(profile.inputs.role, attachment.inputs.role, "profile and attachment use the same role");
        assert.match(profile.inputs.role, /^host-role-/, "the host role's name");
        assert.match(instanceOf(capture).inputs.iamInstanceProfile, /^host-profile-/, "the instance uses the profile");
    });

    it("lets the role read exactly the three parameters, write exactly the status parameter, and pull only from the stack's repositories", () => {
        const statements = statementsOf(find(capture, ROLE_POLICY, "host-access"));
        const ssm = statements.filter((s) => asList(s.Action).some((a) => String(a).startsWith("ssm:")));
        assert.strictEqual(ssm.length, 2);
        const write = ssm.find((s) => s.Sid === "WriteHostStatus");
        assert.deepStrictEqual(
            [asList(write.Action), asList(write.Resource)],
            [["ssm:PutParameter"], ["arn:aws:ssm:us-east-1:482917365014:parameter/platform/dev/host/status"]],
        );
        const read = ssm.find((s) => s.Sid === "ReadHostPasswords");
        assert.deepStrictEqual(asList(read.Action).sort(), ["ssm:GetParameter", "ssm:GetParameters"]);
        assert.deepStrictEqual(asList(read.Resource), [
            "arn:aws:ssm:us-east-1:482917365014:parameter/platform/dev/redis-password",
            "arn:aws:ssm:us-east-1:482917365014:parameter/platform/dev/database-password",
            "arn:aws:ssm:us-east-1:482917365014:parameter/platform/dev/app-secret",
        ]);
        assert.ok(!statements.some((s) => asList(s.Action).some((a) => String(a).startsWith("kms:"))), "aws/ssm needs no kms grant");
        for (const s of statements) {
            if (asList(s.Resource).includes("*")) assert.deepStrictEqual(asList(s.Action), ["ecr:GetAuthorizationToken"], "only the ECR login is account-wide");
        }
        const pull = statements.find((s) => s.Sid === "EcrPull");
        assert.deepStrictEqual(asList(pull.Resource), [
            "arn:aws:ecr:us-east-1:482917365014:repository/platform-dev/api",
            "arn:aws:ecr:us-east-1:482917365014:repository/platform-dev/devices",
        ]);
    });

    it("stores generated passwords as standard-tier SecureString parameters, marked secret", () => {
        const parameters = ofType(capture, PARAMETER).filter((p) => p.name !== "host-status");
        assert.deepStrictEqual(parameters.map((p) => p.inputs.name).sort(), [
            "/platform/dev/app-secret",
            "/platform/dev/database-password",
            "/platform/dev/redis-password",
        ]);
        for (const p of parameters) {
            assert.strictEqual(p.inputs.type, "SecureString");
            assert.strictEqual(p.inputs.tier, "Standard");
            assert.ok(p.secretInputs.includes("value"), `${p.name}: value is a secret input`);
            assert.match(p.inputs.value, /MOCK-SECRET-/);
            assert.strictEqual(p.inputs.keyId, undefined, "AWS-managed aws/ssm key");
        }
        const passwords = ofType(capture, "random:index/randomPassword:RandomPassword");
        assert.deepStrictEqual(passwords.map((p) => [p.name, p.inputs.length, p.inputs.special]).sort(), [
            ["host-database-password", 32, false],
            ["host-jwt-secret", 64, false],
            ["host-redis-password", 32, false],
        ]);
    });

    it("stores the application secret in the Fargate tiers' shape, with the host's view", () => {
        const parameter = find(capture, PARAMETER, "host-app-secret");
        assert.ok(Buffer.byteLength(parameter.inputs.value) < 4096, "standard tier: at most 4 KB");
        const doc = JSON.parse(parameter.inputs.value);
        const redis = find(capture, PARAMETER, "host-redis-password").inputs.value;
        assert.deepStrictEqual(Object.keys(doc), ["database", "redis", "jwt", "devices_grpc"]);
        // Seed 003's devices_grpc.url: on the host, the compose service name and its gRPC port.
        assert.deepStrictEqual(doc.devices_grpc, { url: "devices:50051" });
        // B10's shape: apps find their credentials by `userSecretArn` (none on the host: they come from the env file).
        assert.deepStrictEqual(doc.database, { host: "timescaledb", port: 5432, dbname: "platform", userSecretArn: null });
        assert.deepStrictEqual(doc.redis, { host: "redis", port: 6379, authToken: redis, replicationGroupId: null });
        assert.deepStrictEqual([doc.jwt.expiresIn, doc.jwt.refreshExpiresIn], ["15m", "7d"]);
        assert.match(doc.jwt.secret, /^MOCK-SECRET-/);
        assert.notStrictEqual(doc.jwt.secret, redis);
        assert.deepStrictEqual(HOST_APP_SECRET_KEYS, ["database", "redis", "jwt"]);
        // The apply script reads it by name.
        assert.ok(scriptOf(find(capture, DOCUMENT, "host-apply")).includes("readonly APP_SECRET_PARAMETER='/platform/dev/app-secret'"));
    });

    it("gives both seed services their declared secrets and routes /devices/* to devices, URI unchanged", () => {
        const script = scriptOf(find(capture, DOCUMENT, "host-apply"));
        const compose = parse(desiredFile(script, "/etc/platform/compose.yaml"));
        for (const service of ["api", "devices"]) {
            assert.ok(compose.services[service].env_file.includes(`/etc/platform/secrets/${service}.secrets.env`), `${service}: env_file`);
            assert.ok(script.includes(`write_secret '${service}.secrets.env'`), `${service}: written by the apply script`);
        }
        // D: each service gets only the parts of the app secret it declares (no whole-secret APP_SECRET).
        const database = ['env_line DATABASE_PASSWORD "$database_password"', 'env_line DATABASE_USERNAME "$DATABASE_USER"'];
        const redis = [`value="$(app_secret_key 'redis')"`, 'env_line APP_SECRET_REDIS "$value"'];
        assert.deepStrictEqual(secretEnvBlock(script, "api"), [`value="$(app_secret_key 'jwt')"`, 'env_line APP_SECRET_JWT "$value"', ...redis, ...database]);
        assert.deepStrictEqual(secretEnvBlock(script, "devices"), [...redis, ...database]);
        assert.doesNotMatch(script, /env_line APP_SECRET "/);
        const nginx = desiredFile(script, "/etc/platform/nginx/default.conf");
        assert.match(nginx, /location ~ \^\/devices\/ \{\n\s+set \$upstream_devices http:\/\/devices:8080;\n\s+proxy_pass \$upstream_devices;/);
        assert.doesNotMatch(nginx, /\brewrite\b/);
    });

    it("warns about no secret variable on the seed config, and names a source the host lacks", async () => {
        const warnings: string[] = [];
        const original = pulumi.log.warn;
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
            warnings.push(message);
        };
        try {
            await stackRun("dev");
            assert.deepStrictEqual(
                warnings.filter((w) => w.includes("zero-cost host")),
                [],
            );
            await runWith("dev", { config: { services: { api: { secrets: { STRIPE_KEY: "app:stripe" } } } } });
            const warned = warnings.filter((w) => w.includes("zero-cost host"));
            assert.strictEqual(warned.length, 1, warnings.join("\n"));
            assert.match(warned[0], /api: STRIPE_KEY \(app:stripe\)/);
            assert.doesNotMatch(warned[0], /APP_SECRET/);
        } finally {
            (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
        }
    });

    it("puts no secret in the user data, the SSM document, any other plain input or the outputs", () => {
        const script = scriptOf(find(capture, DOCUMENT, "host-apply"));
        for (const [what, text] of [
            ["user data", instanceOf(capture).inputs.userData as string],
            ["apply script", script],
        ]) {
            assert.ok(!text.includes("MOCK-SECRET-"), `${what} holds a generated password`);
            const literal = text
                .split("\n")
                .filter((line) => !/^\s*#/.test(line))
                .find((line) => SECRET_LITERAL.test(line));
            assert.strictEqual(literal, undefined, `${what} line with a literal secret: ${literal}`);
        }
        for (const r of capture.resources) {
            for (const [path, text] of strings(r.inputs)) {
                if (text.includes("MOCK-SECRET-"))
                    assert.ok(
                        r.secretInputs.some((s) => path === s || path.startsWith(`${s}.`)),
                        `${r.type} ${r.name}: ${path} holds a password in plain text`,
                    );
            }
        }
        assert.ok(!JSON.stringify(capture.outputs).includes("MOCK-SECRET-"));
        // The scan does catch a literal.
        assert.ok(SECRET_LITERAL.test("REDIS_PASSWORD=abcdefgh12345678") && SECRET_LITERAL.test("requirepass abcdefgh12345678"));
    });
});
