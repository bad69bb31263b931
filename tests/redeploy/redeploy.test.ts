// lambda/redeploy: the handler against a mocked ECS client, its package description and the
// JavaScript type-check (the same mechanism as lambda/rotation).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { ECSClient, ServiceNotFoundException, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { handler as defaultHandler, makeHandler, RotationSucceededEvent } from "../../lambda/redeploy";
import {
    REDEPLOY_ENV,
    redeployLambda,
    redeployLambdaEnvironment,
    redeployLambdaPackage,
    redeployPolicyStatements,
    currentVersionChangedPattern,
    rotationEventPattern,
} from "../../lambda/redeploy/package";
import { jsLambda } from "../rotation/js-check";

const CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/platform-staging";
const ENV = { CLUSTER, SERVICES: "platform-staging-api, platform-staging-devices" };
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:platform-staging/app-AbCdEf";

/** A CloudTrail-delivered Secrets Manager service event, as EventBridge hands it to the target. */
function event(eventName = "RotationSucceeded"): RotationSucceededEvent {
    return {
        source: "aws.secretsmanager",
        "detail-type": "AWS Service Event via CloudTrail",
        detail: {
            eventSource: "secretsmanager.amazonaws.com",
            eventName,
            requestParameters: null,
            additionalEventData: { SecretId: SECRET_ARN },
        },
    };
}

/** Secrets Manager's native event when AWSCURRENT moves (Secrets Manager "Secret event notifications"). */
function labelUpdated(label = "AWSCURRENT"): RotationSucceededEvent {
    return {
        source: "aws.secretsmanager",
        "detail-type": "Secret Label Updated",
        resources: [SECRET_ARN],
        detail: { name: "platform-staging/app-AbCdEf", labelUpdated: label },
    };
}

/** Runs `fn` with console.log/error captured. */
async function captureLogs<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; logs: string[] }> {
    const logs: string[] = [];
    const saved = { log: console.log, error: console.error };
    console.log = (...args: unknown[]) => {
        logs.push(args.join(" "));
    };
    console.error = (...args: unknown[]) => {
        logs.push(args.join(" "));
    };
    try {
        return { result: await fn(), logs };
    } catch (error) {
        return { error, logs };
    } finally {
        Object.assign(console, saved);
    }
}

describe("redeploy lambda: handler", () => {
    const ecs = mockClient(ECSClient);
    beforeEach(() => ecs.reset());

    const updates = () => ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input);

    it("forces a new deployment of every service for a RotationSucceeded event", async () => {
        ecs.on(UpdateServiceCommand).resolves({});
        const handler = makeHandler({ ecs: new ECSClient({ region: "us-east-1" }), env: ENV });
        const { result, error, logs } = await captureLogs(() => handler(event()));
        assert.equal(error, undefined);
        assert.deepEqual(updates(), [
            { cluster: CLUSTER, service: "platform-staging-api", forceNewDeployment: true },
            { cluster: CLUSTER, service: "platform-staging-devices", forceNewDeployment: true },
        ]);
        assert.deepEqual(result, { cluster: CLUSTER, redeployed: ["platform-staging-api", "platform-staging-devices"] });
        assert.ok(
            logs.some((l) => l.includes(SECRET_ARN)),
            "logs which secret rotated",
        );
    });

    it("forces a new deployment for Secret Label Updated with AWSCURRENT (the event the rule matches)", async () => {
        ecs.on(UpdateServiceCommand).resolves({});
        const handler = makeHandler({ ecs: new ECSClient({ region: "us-east-1" }), env: ENV });
        const { result, error, logs } = await captureLogs(() => handler(labelUpdated()));
        assert.equal(error, undefined);
        assert.deepEqual(result, { cluster: CLUSTER, redeployed: ["platform-staging-api", "platform-staging-devices"] });
        assert.ok(
            logs.some((l) => l.includes(SECRET_ARN)),
            "logs which secret changed",
        );
    });

    it("ignores other event names, other labels and other sources", async () => {
        const handler = makeHandler({ ecs: new ECSClient({}), env: ENV });
        for (const e of [
            event("RotationStarted"),
            event("RotationFailed"),
            event("PutSecretValue"),
            { ...event(), source: "aws.ecs" },
            labelUpdated("AWSPREVIOUS"),
            { ...labelUpdated(), source: "aws.ecs" },
        ]) {
            const { result, error } = await captureLogs(() => handler(e));
            assert.equal(error, undefined);
            assert.deepEqual(result, { redeployed: [] });
        }
        assert.equal(ecs.calls().length, 0);
    });

    it("one failing service: the others are still updated, then it throws naming the failure", async () => {
        ecs.on(UpdateServiceCommand).resolves({});
        ecs.on(UpdateServiceCommand, { service: "platform-staging-api" }).rejects(
            new ServiceNotFoundException({ message: "Service not found.", $metadata: {} }),
        );
        const handler = makeHandler({
            ecs: new ECSClient({}),
            env: { CLUSTER, SERVICES: "platform-staging-api,platform-staging-devices,platform-staging-worker" },
        });
        const { error, logs } = await captureLogs(() => handler(event()));
        assert.deepEqual(
            updates().map((u) => u.service),
            ["platform-staging-api", "platform-staging-devices", "platform-staging-worker"],
        );
        assert.ok(error instanceof Error);
        assert.match(error.message, /failed for 1 of 3 services .*: platform-staging-api/);
        assert.match(error.message, /started for: platform-staging-devices, platform-staging-worker/);
        assert.ok(
            logs.some((l) => l.includes("ServiceNotFoundException")),
            "the failure is logged with its error name",
        );
    });

    it("missing environment: a clear error naming the variables, and no call", async () => {
        for (const [env, missing] of [
            [{}, /CLUSTER .*SERVICES/],
            [{ CLUSTER }, /SERVICES \(comma-separated ECS service names\)/],
            [{ SERVICES: " , " }, /CLUSTER \(ECS cluster name or ARN\)/],
        ] as const) {
            const handler = makeHandler({ ecs: new ECSClient({}), env });
            await assert.rejects(handler(event()), (e: Error) => /environment variable not set/.test(e.message) && missing.test(e.message));
        }
        assert.equal(ecs.calls().length, 0);
    });

    it("the default handler reads process.env", async () => {
        const saved = { ...process.env };
        delete process.env.CLUSTER;
        delete process.env.SERVICES;
        try {
            await assert.rejects(defaultHandler(event()), /environment variable not set: CLUSTER/);
        } finally {
            process.env = saved;
        }
    });
});

describe("redeploy lambda: package", () => {
    it("describes the folder, handler, runtime and architecture", () => {
        const pkg = redeployLambdaPackage();
        assert.equal(pkg.path, path.resolve(__dirname, "../../lambda/redeploy"));
        assert.deepEqual(
            { ...pkg, path: undefined },
            {
                path: undefined,
                handler: "index.handler",
                runtime: "nodejs22.x",
                architecture: "arm64",
                architectures: ["arm64"],
                timeout: 60,
                memorySize: 128,
            },
        );
        assert.deepEqual(redeployLambda, pkg);
        const [file, exportName] = pkg.handler.split(".");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(path.join(pkg.path, `${file}.js`)) as Record<string, unknown>;
        assert.equal(typeof mod[exportName!], "function");
    });

    it("index.js is CommonJS, // @ts-check, and needs only @aws-sdk/client-ecs", () => {
        const source = fs.readFileSync(path.join(redeployLambda.path, "index.js"), "utf8");
        assert.ok(source.startsWith("// @ts-check\n"));
        assert.deepEqual(
            [...source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]),
            ["@aws-sdk/client-ecs"],
        );
        assert.ok(!/^\s*(import|export)\s/m.test(source));
        const read = [...new Set([...source.matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]))].sort();
        assert.deepEqual(read, Object.values(REDEPLOY_ENV).sort());
    });

    it("environment: cluster and comma-separated services", () => {
        assert.deepEqual(redeployLambdaEnvironment(CLUSTER, ["a", "b"]), { CLUSTER, SERVICES: "a,b" });
        assert.throws(() => redeployLambdaEnvironment(CLUSTER, []), /no services/);
        assert.throws(() => redeployLambdaEnvironment(CLUSTER, ["a,b"]), /no comma/);
    });

    it("IAM: ecs:UpdateService on exactly the given services", () => {
        const arns = ["arn:aws:ecs:us-east-1:123456789012:service/c/a", "arn:aws:ecs:us-east-1:123456789012:service/c/b"];
        assert.deepEqual(redeployPolicyStatements(arns), [{ Sid: "ForceNewDeployment", Effect: "Allow", Action: ["ecs:UpdateService"], Resource: arns }]);
        assert.throws(() => redeployPolicyStatements([]), /no service ARNs/);
    });

    it("event pattern: Secrets Manager's own Secret Label Updated (AWSCURRENT) for the given secrets only: no trail needed", () => {
        const pattern = currentVersionChangedPattern([SECRET_ARN, SECRET_ARN]) as any;
        assert.deepEqual(pattern, {
            source: ["aws.secretsmanager"],
            "detail-type": ["Secret Label Updated"],
            resources: [SECRET_ARN],
            detail: { labelUpdated: ["AWSCURRENT"] },
        });
        assert.throws(() => currentVersionChangedPattern([]), /no secret ARNs/);
    });

    it("rotation outcome pattern (the RotationFailed notification): CloudTrail service events for the given secrets", () => {
        const pattern = rotationEventPattern(["RotationFailed"], [SECRET_ARN]) as any;
        assert.deepEqual(pattern["detail-type"], ["AWS Service Event via CloudTrail"]);
        assert.deepEqual(pattern.detail.eventName, ["RotationFailed"]);
        assert.deepEqual(pattern.detail.$or, [{ additionalEventData: { SecretId: [SECRET_ARN] } }, { requestParameters: { secretId: [SECRET_ARN] } }]);
        assert.throws(() => rotationEventPattern(["RotationFailed"], []), /no secret ARNs/);
    });
});

describe("redeploy lambda: JavaScript type-check", function () {
    this.timeout(60_000);
    const redeploy = jsLambda("redeploy");

    it("index.js type-checks under strict options (// @ts-check with JSDoc)", () => {
        assert.deepEqual(redeploy.checkJs(), []);
    });

    it("index.d.ts matches the declarations tsc derives from index.js", () => {
        assert.equal(fs.readFileSync(redeploy.indexDts, "utf8"), redeploy.generateDeclarations(), "run: npx tsx tests/rotation/js-check.ts --write redeploy");
    });
});
