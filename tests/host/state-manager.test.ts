// The zero-cost host's configuration through SSM State Manager (document, associations, status
// parameter), read from mocked runs of the dev stack.
import * as assert from "assert";
import { find } from "../../harness/run";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { HOST_APPLY_SCHEDULE, HOST_PATCH_SCHEDULE, hostStatusParameterName } from "../../components/host";
import { SSM_DOCUMENT_MAX_BYTES } from "../../components/host/document";
import { USER_DATA_MAX_BYTES } from "../../components/host/user-data";
import { RELEASE_TAG, runWith, stackRun } from "../helpers/stacks";
import { INSTANCE, ROLE_POLICY, PARAMETER, VOLUME_ATTACHMENT, DOCUMENT, ASSOCIATION, instanceOf, scriptOf, DATA_VOLUME_ID } from "./captured";

describe("host (dev, zero-cost): configuration through State Manager", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("dev");
    });

    it("has a Command document (schema 2.2, aws:runShellScript) for EC2 instances, named after the stack", () => {
        const document = find(capture, DOCUMENT, "host-apply");
        assert.deepStrictEqual(
            [document.inputs.name, document.inputs.documentType, document.inputs.documentFormat, document.inputs.targetType],
            ["platform-dev-host-apply", "Command", "JSON", "/AWS::EC2::Instance"],
        );
        const content = JSON.parse(document.inputs.content);
        assert.strictEqual(content.schemaVersion, "2.2");
        assert.deepStrictEqual(
            content.mainSteps.map((s: any) => s.action),
            ["aws:runShellScript"],
        );
        assert.ok(Buffer.byteLength(document.inputs.content) < SSM_DOCUMENT_MAX_BYTES);
        const script = scriptOf(document);
        // The deployed release's tag (stackRun deploys RELEASE_TAG), never a default such as latest.
        for (const image of [
            `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/api:${RELEASE_TAG}`,
            `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/devices:${RELEASE_TAG}`,
            "timescale/timescaledb:2.17.2-pg16",
        ])
            assert.ok(script.includes(image), image);
        assert.ok(!script.includes(":latest"), "no mutable latest tag");
        assert.match(DATA_VOLUME_ID, /^vol-[0-9a-f]{17}$/);
        assert.ok(script.includes(`readonly DATA_VOLUME_ID='${DATA_VOLUME_ID}'`), "the data volume's id (the mock's) reaches the script");
        assert.ok(script.includes(`readonly STATUS_PARAMETER='${hostStatusParameterName("platform", "dev")}'`));
    });

    it("applies it with an association on the instance: at creation, on every change, and hourly as self-healing", () => {
        const association = find(capture, ASSOCIATION, "host-apply");
        assert.strictEqual(association.inputs.name, "platform-dev-host-apply");
        assert.deepStrictEqual(association.inputs.targets, [{ key: "InstanceIds", values: [mockId(INSTANCE, "host-instance")] }]);
        assert.strictEqual(association.inputs.scheduleExpression, HOST_APPLY_SCHEDULE);
        assert.strictEqual(HOST_APPLY_SCHEDULE, "rate(1 hour)");
        assert.notStrictEqual(association.inputs.applyOnlyAtCronInterval, true, "it must run when created and when updated");
        assert.match(association.inputs.parameters.revision, /^[0-9a-f]{64}$/);
        // The run needs the attached volume, the role's grants and the parameters it reads.
        for (const dependency of [
            `${VOLUME_ATTACHMENT}::host-data`,
            `${ROLE_POLICY}::host-access`,
            `${PARAMETER}::host-status`,
            `${PARAMETER}::host-database-password`,
        ]) {
            assert.ok(association.dependsOn!.includes(dependency), dependency);
        }
    });

    it("patches weekly with AWS-RunPatchBaseline (Install, reboot only if needed), never at creation", () => {
        const patching = find(capture, ASSOCIATION, "host-patching");
        assert.strictEqual(patching.inputs.name, "AWS-RunPatchBaseline");
        assert.deepStrictEqual(patching.inputs.parameters, { Operation: "Install", RebootOption: "RebootIfNeeded" });
        assert.strictEqual(patching.inputs.scheduleExpression, HOST_PATCH_SCHEDULE);
        assert.match(HOST_PATCH_SCHEDULE, /^cron\(0 4 \? \* SUN \*\)$/);
        assert.strictEqual(patching.inputs.applyOnlyAtCronInterval, true);
        assert.deepStrictEqual(patching.inputs.targets, [{ key: "InstanceIds", values: [mockId(INSTANCE, "host-instance")] }]);
    });

    it("creates the status parameter the host writes (String, standard tier), and never resets its value", () => {
        const status = find(capture, PARAMETER, "host-status");
        assert.deepStrictEqual([status.inputs.name, status.inputs.type, status.inputs.tier], ["/platform/dev/host/status", "String", "Standard"]);
        assert.deepStrictEqual(status.ignoreChanges, ["value"]);
        assert.deepStrictEqual(JSON.parse(status.inputs.value).state, "pending");
    });

    it("stays well under the document and user-data limits with TLS and three services (sizes printed)", async () => {
        const big = await runWith("dev", {
            config: {
                host: { instanceType: "t3.small", tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" },
                services: { reports: { cpu: 512, memory: 1024, ports: [{ port: 9000, protocol: "http" }], routing: { paths: ["/reports/*"] } } },
            },
        });
        const document = find(big, DOCUMENT, "host-apply");
        const bytes = Buffer.byteLength(document.inputs.content);
        const userData = Buffer.byteLength(instanceOf(big).inputs.userData);
        console.log(
            `      dev with TLS and 3 services: SSM document ${bytes} of ${SSM_DOCUMENT_MAX_BYTES} bytes (script ${Buffer.byteLength(scriptOf(document))} before gzip), user data ${userData} of ${USER_DATA_MAX_BYTES}`,
        );
        assert.ok(scriptOf(document).includes(`/platform-dev/reports:${RELEASE_TAG}'`));
        assert.ok(bytes < SSM_DOCUMENT_MAX_BYTES / 2, `${bytes} bytes`);
        assert.ok(userData < 1024, `${userData} bytes`);
    });
});
