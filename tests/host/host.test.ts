// The zero-cost host as the real program declares it for the dev stack, read from mocked runs.
import * as assert from "assert";
import { FREE_TIER_EC2_TYPES } from "../../config/allowed-sizes";
import { ServiceSettings } from "../../config/types";
import { assumptionsForTier, estimate } from "../../cost/estimate";
import { find, ofType } from "../../harness/run";
import { computedState, mockId } from "../../harness/mocks";
import { CapturedResource, StackCapture } from "../../harness/types";
import { hasMandatoryFailure } from "../../harness/policy-engine";
import { evaluatePolicies } from "../../harness/policies";
import { NEVER_FREE } from "../../policies/rules/cost";
import { PUBLIC_WEB_INGRESS_TAG } from "../../components/network";
import * as pulumi from "@pulumi/pulumi";
import { gunzipSync } from "zlib";
import { parse } from "yaml";
import {
    DATA_DEVICE_NAME, HOST_APP_SECRET_KEYS, HOST_APPLY_SCHEDULE, HOST_ECR_KEEP_IMAGES, HOST_PATCH_SCHEDULE, hostDocumentName, hostInstanceName,
    hostParameterNames, hostStatusParameterName, planHost, SNAPSHOT_TAG_KEY,
} from "../../components/host";
import { SSM_DOCUMENT_MAX_BYTES } from "../../components/host/document";
import { renderUserData, USER_DATA_MAX_BYTES } from "../../components/host/user-data";
import { outputNamesForTier, STACK_OUTPUTS } from "../../tools/outputs-lib";
import { RELEASE_TAG, runWith, stackRun } from "../helpers/stacks";
import { runRecordingOptions } from "./options";

const INSTANCE = "aws:ec2/instance:Instance";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
const PARAMETER = "aws:ssm/parameter:Parameter";
const DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy";
const EIP = "aws:ec2/eip:Eip";
const EIP_ASSOCIATION = "aws:ec2/eipAssociation:EipAssociation";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ECR = "aws:ecr/repository:Repository";
const VOLUME = "aws:ebs/volume:Volume";
const VOLUME_ATTACHMENT = "aws:ec2/volumeAttachment:VolumeAttachment";
const DOCUMENT = "aws:ssm/document:Document";
const ASSOCIATION = "aws:ssm/association:Association";

/** Never free whatever the free tier: the policy pack's list plus what the zero-cost design rules out. */
const FORBIDDEN_IN_ZERO_COST = [
    ...Object.keys(NEVER_FREE),
    "aws:ec2/natGateway:NatGateway",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/cluster:Cluster",
    "aws:ec2/eip:Eip",
    "aws:kms/key:Key",
    "aws:secretsmanager/secret:Secret",
    "aws:ecs/service:Service",
    "aws:ecs/cluster:Cluster",
    "aws:lambda/function:Function",
    "aws:dlm/lifecyclePolicy:LifecyclePolicy",
];

const instanceOf = (capture: StackCapture) => {
    const instances = ofType(capture, INSTANCE);
    assert.strictEqual(instances.length, 1, `instances: ${instances.map((i) => i.name).join(", ")}`);
    return instances[0];
};
const statementsOf = (policy: CapturedResource): any[] => JSON.parse(policy.inputs.policy).Statement;

/** The apply script inside an SSM document's content (gzip + base64 between the heredoc markers). */
function scriptOf(document: CapturedResource): string {
    const commands: string[] = JSON.parse(document.inputs.content).mainSteps[0].inputs.runCommand;
    const start = commands.findIndex((c) => c.startsWith("base64 -d <<'"));
    const end = commands.indexOf("PLATFORM_APPLY_B64", start + 1);
    return gunzipSync(Buffer.from(commands.slice(start + 1, end).join(""), "base64")).toString("utf8");
}

/** A file the apply script keeps in place (its `put_file <path>` heredoc). */
function desiredFile(script: string, hostPath: string): string {
    const start = script.indexOf(`put_file '${hostPath}' `);
    assert.ok(start >= 0, `no ${hostPath} in the apply script`);
    const body = script.indexOf("\n", start) + 1;
    return script.slice(body, script.indexOf("\nPLATFORM_FILE_END\n", body) + 1);
}
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** The lines that build one service's secrets env file in the apply script (write_app_secret_files). */
function secretEnvBlock(script: string, service: string): string[] {
    const end = script.indexOf(`  write_secret '${service}.secrets.env' `);
    assert.ok(end >= 0, `no ${service}.secrets.env in the apply script`);
    const start = script.lastIndexOf('  app_env="$(\n', end);
    return script.slice(start, end).split("\n").slice(1, -2).map((line) => line.trim());
}

/** The id EC2 gives the data volume, as the mocked create returns it. */
const DATA_VOLUME_ID = computedState(VOLUME, "host-data", {}, "us-east-1").id;

/** Every string in a value, with its path (to scan inputs for leaked secrets). */
function strings(value: unknown, path = ""): [string, string][] {
    if (typeof value === "string") return [[path, value]];
    if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
    return [];
}

/** `password=hunter2`, `secret: abc...`, `requirepass abc...`: a literal value after a secret-looking key. */
const SECRET_LITERAL = /(pass(word|wd)?|secret|token|auth)["']?\s*[=:]\s*["']?(?![$"'\s]|\/run\/secrets\/|\/etc\/platform\/)[^\s"']{8,}|requirepass\s+(?!\$)\S+/i;

describe("host (dev, zero-cost): the instance", () => {
    let capture: StackCapture;
    before(async () => { capture = await stackRun("dev"); });

    it("is exactly one instance of a free-tier type (the tier default, t3.micro)", () => {
        const instance = instanceOf(capture);
        assert.ok((FREE_TIER_EC2_TYPES as readonly string[]).includes(instance.inputs.instanceType));
        assert.strictEqual(instance.inputs.instanceType, "t3.micro");
    });

    it("requires IMDSv2 with a hop limit of 1 (containers cannot reach the role's credentials)", () => {
        assert.deepStrictEqual(instanceOf(capture).inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
    });

    it("has a disposable encrypted gp3 root volume of 8 GB (deleted with the instance, not snapshotted)", () => {
        const root = instanceOf(capture).inputs.rootBlockDevice;
        assert.strictEqual(root.volumeType, "gp3");
        assert.strictEqual(root.encrypted, true);
        assert.strictEqual(root.volumeSize, 8);
        assert.strictEqual(root.deleteOnTermination, true);
        assert.strictEqual(root.tags[SNAPSHOT_TAG_KEY], undefined, "DLM targets the data volume");
        assert.deepStrictEqual([root.tags.Project, root.tags.Environment, root.tags.Tier, root.tags.CostCenter], ["platform", "dev", "zero-cost", "platform"]);
    });

    it("has monitoring off, standard CPU credits and no key pair", () => {
        const i = instanceOf(capture).inputs;
        assert.strictEqual(i.monitoring, false);
        assert.strictEqual(i.disableApiTermination, true);
        assert.deepStrictEqual(i.creditSpecification, { cpuCredits: "standard" });
        assert.ok(!("keyName" in i) || i.keyName === undefined, "no key pair");
    });

    it("runs the AL2023 image for its architecture, in the first public subnet, behind the host security group, with a public IPv4", () => {
        const i = instanceOf(capture).inputs;
        assert.strictEqual(i.ami, "ami-0f1e2d3c4b5a69788"); // the mocked x86_64 AL2023 lookup
        assert.strictEqual(i.subnetId, mockId("aws:ec2/subnet:Subnet", "network-public-1"));
        assert.deepStrictEqual(i.vpcSecurityGroupIds, [mockId(SG, "network-host")]);
        assert.strictEqual(i.associatePublicIpAddress, true);
        assert.strictEqual(i.userDataReplaceOnChange, false, "a boot configuration change must not replace the stateful host");
    });

    it("has the constant user data (a swap file) and no image, service or parameter in it", () => {
        const userData: string = instanceOf(capture).inputs.userData;
        assert.strictEqual(userData, renderUserData());
        assert.ok(Buffer.byteLength(userData) <= USER_DATA_MAX_BYTES);
        assert.deepStrictEqual(Object.keys(parse(userData)), ["swap"]);
        for (const word of ["dkr.ecr", "timescale", "/platform/dev/", "api", "devices"]) assert.ok(!userData.includes(word), word);
    });
});

describe("host (dev, zero-cost): releases never touch the instance", () => {
    let capture: StackCapture;
    let release: StackCapture;
    before(async () => {
        capture = await runWith("dev", { config: { services: { api: { imageTag: "2026.12.01-aaaaaaa" } } } });
        release = await runWith("dev", { config: { services: { api: { imageTag: "2026.12.02-bbbbbbb" } } } });
    });

    it("keeps the instance's inputs (user data included) identical across an image-tag change", () => {
        assert.deepStrictEqual(instanceOf(release).inputs, instanceOf(capture).inputs);
        assert.strictEqual(instanceOf(release).name, instanceOf(capture).name);
    });

    it("changes the SSM document and the apply association's revision instead (an updated association runs at once)", () => {
        const before = find(capture, DOCUMENT, "host-apply");
        const after = find(release, DOCUMENT, "host-apply");
        assert.notStrictEqual(after.inputs.content, before.inputs.content);
        assert.ok(scriptOf(before).includes("/platform-dev/api:2026.12.01-aaaaaaa'"));
        assert.ok(scriptOf(after).includes("/platform-dev/api:2026.12.02-bbbbbbb'"));
        const revision = (c: StackCapture) => find(c, ASSOCIATION, "host-apply").inputs.parameters.revision;
        assert.notStrictEqual(revision(release), revision(capture));
        for (const c of [capture, release]) {
            assert.ok(scriptOf(find(c, DOCUMENT, "host-apply")).includes(`readonly REVISION='${revision(c)}'`), "the parameter is the delivered script's revision");
        }
    });
});

describe("host (dev, zero-cost): before the first release", () => {
    let first: StackCapture;
    before(async () => { first = await runWith("dev", { imageTag: undefined }); });

    it("B11: creates the repositories and starts the stores; no app image is made up (no :undefined, no :latest)", () => {
        assert.deepStrictEqual(ofType(first, ECR).map((r) => r.inputs.name).sort(), ["platform-dev/api", "platform-dev/devices"]);
        const script = scriptOf(find(first, DOCUMENT, "host-apply"));
        for (const store of ["nginx:1.26.3-alpine", "redis:7.2.5-alpine", "timescale/timescaledb:2.17.2-pg16"]) assert.ok(script.includes(store), store);
        const images = /^declare -rA IMAGES=\((.*)\)$/m.exec(script)?.[1] ?? "";
        assert.ok(images.includes("[timescaledb]="), `IMAGES: ${images}`);
        for (const tag of [":undefined", ":latest"]) assert.ok(!script.includes(tag), `the apply script names an image ${tag}: ${images}`);
    });
});

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
        assert.strictEqual(ofType(capture, PARAMETER).filter((p) => p.name === "newrelic-license-key").length, 0, "no unused Fargate parameter on the host tier");
    });
});

describe("host (dev, zero-cost): configuration through State Manager", () => {
    let capture: StackCapture;
    before(async () => { capture = await stackRun("dev"); });

    it("has a Command document (schema 2.2, aws:runShellScript) for EC2 instances, named after the stack", () => {
        const document = find(capture, DOCUMENT, "host-apply");
        assert.deepStrictEqual([document.inputs.name, document.inputs.documentType, document.inputs.documentFormat, document.inputs.targetType],
            ["platform-dev-host-apply", "Command", "JSON", "/AWS::EC2::Instance"]);
        const content = JSON.parse(document.inputs.content);
        assert.strictEqual(content.schemaVersion, "2.2");
        assert.deepStrictEqual(content.mainSteps.map((s: any) => s.action), ["aws:runShellScript"]);
        assert.ok(Buffer.byteLength(document.inputs.content) < SSM_DOCUMENT_MAX_BYTES);
        const script = scriptOf(document);
        // The deployed release's tag (stackRun deploys RELEASE_TAG), never a default such as latest.
        for (const image of [
            `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/api:${RELEASE_TAG}`,
            `482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/devices:${RELEASE_TAG}`,
            "timescale/timescaledb:2.17.2-pg16",
        ]) assert.ok(script.includes(image), image);
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
        for (const dependency of [`${VOLUME_ATTACHMENT}::host-data`, `${ROLE_POLICY}::host-access`, `${PARAMETER}::host-status`, `${PARAMETER}::host-database-password`]) {
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
        const big = await runWith("dev", { config: {
            host: { instanceType: "t3.small", tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" },
            services: { reports: { cpu: 512, memory: 1024, ports: [{ port: 9000, protocol: "http" }], routing: { paths: ["/reports/*"] } } },
        } });
        const document = find(big, DOCUMENT, "host-apply");
        const bytes = Buffer.byteLength(document.inputs.content);
        const userData = Buffer.byteLength(instanceOf(big).inputs.userData);
        console.log(`      dev with TLS and 3 services: SSM document ${bytes} of ${SSM_DOCUMENT_MAX_BYTES} bytes (script ${Buffer.byteLength(scriptOf(document))} before gzip), user data ${userData} of ${USER_DATA_MAX_BYTES}`);
        assert.ok(scriptOf(document).includes(`/platform-dev/reports:${RELEASE_TAG}'`));
        assert.ok(bytes < SSM_DOCUMENT_MAX_BYTES / 2, `${bytes} bytes`);
        assert.ok(userData < 1024, `${userData} bytes`);
    });
});

describe("host (dev, zero-cost): the data volume and a replaceable instance", () => {
    let capture: StackCapture;
    before(async () => { capture = await stackRun("dev"); });

    it("keeps TimescaleDB's data on its own encrypted gp3 volume, protected, with a final snapshot, root + data within 30 GB", () => {
        const volume = find(capture, VOLUME, "host-data");
        assert.strictEqual(volume.protect, true, "Pulumi refuses to delete or replace it");
        assert.deepStrictEqual(volume.ignoreChanges, ["availabilityZone"], "a planned replacement instance's unknown AZ is no move of the volume");
        assert.deepStrictEqual([volume.inputs.type, volume.inputs.encrypted, volume.inputs.size, volume.inputs.finalSnapshot], ["gp3", true, 12, true]);
        assert.strictEqual(volume.inputs.tags[SNAPSHOT_TAG_KEY], "platform-dev-host");
        assert.deepStrictEqual([volume.inputs.tags.Project, volume.inputs.tags.Environment, volume.inputs.tags.Tier, volume.inputs.tags.CostCenter], ["platform", "dev", "zero-cost", "platform"]);
        assert.ok(volume.inputs.size + instanceOf(capture).inputs.rootBlockDevice.volumeSize <= 30);
    });

    it("attaches it as /dev/sdf, stopping the old instance before a detach, replaced delete-first", async () => {
        const attachment = find(capture, VOLUME_ATTACHMENT, "host-data");
        assert.deepStrictEqual([attachment.inputs.deviceName, attachment.inputs.volumeId, attachment.inputs.instanceId, attachment.inputs.stopInstanceBeforeDetaching],
            [DATA_DEVICE_NAME, DATA_VOLUME_ID, mockId(INSTANCE, "host-instance"), true]);
        const { options } = await runRecordingOptions("dev", { config: { host: { elasticIp: true, acceptCost: true } } });
        const of = (type: string, name: string) => options.find((o) => o.type === type && o.name === name)!;
        assert.strictEqual(of(VOLUME_ATTACHMENT, "host-data").deleteBeforeReplace, true);
        assert.strictEqual(of(EIP_ASSOCIATION, "host-eip").deleteBeforeReplace, true);
        assert.strictEqual(of(VOLUME, "host-data").deleteBeforeReplace, false);
    });

    it("ignores a new AMI for the same architecture, and declares another instance (arm64 AMI) for a Graviton type", async () => {
        const x86 = instanceOf(capture);
        assert.strictEqual(x86.name, "host-instance");
        assert.deepStrictEqual(x86.ignoreChanges, ["ami"]);
        assert.strictEqual(x86.inputs.tags.Architecture, "x86_64");
        const arm = await runWith("dev", { config: { host: { instanceType: "t4g.micro" } } });
        const graviton = instanceOf(arm);
        assert.strictEqual(graviton.name, "host-instance-arm64", "a new logical resource: created from its own inputs, not the old AMI");
        assert.strictEqual(graviton.inputs.ami, "ami-0a1b2c3d4e5f6a7b8");
        assert.strictEqual(graviton.inputs.tags.Architecture, "arm64");
        assert.deepStrictEqual(graviton.ignoreChanges, ["ami"]);
        assert.deepStrictEqual(graviton.inputs.creditSpecification, { cpuCredits: "standard" });
        // The same data volume follows: the attachment and both associations target the new instance.
        assert.strictEqual(find(arm, VOLUME_ATTACHMENT, "host-data").inputs.instanceId, mockId(INSTANCE, "host-instance-arm64"));
        for (const name of ["host-apply", "host-patching"]) {
            assert.deepStrictEqual(find(arm, ASSOCIATION, name).inputs.targets[0].values, [mockId(INSTANCE, "host-instance-arm64")]);
        }
        assert.deepStrictEqual(ofType(arm, VOLUME).map((v) => v.name), ["host-data"]);
        // A size change within the architecture keeps the logical instance (in-place stop/start).
        const small = await runWith("dev", { config: { host: { instanceType: "t3.small" } } });
        assert.strictEqual(instanceOf(small).name, "host-instance");
    });

    it("keeps termination protection (the provider lifts it for Pulumi's own replacement)", () => {
        assert.strictEqual(instanceOf(capture).inputs.disableApiTermination, true);
    });
});

describe("host (dev, zero-cost): identity and secrets", () => {
    let capture: StackCapture;
    before(async () => { capture = await stackRun("dev"); });

    it("has an instance profile whose EC2 role has AmazonSSMManagedInstanceCore", () => {
        const role = find(capture, ROLE, "host-role");
        const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement;
        assert.deepStrictEqual(trust.map((s: any) => s.Principal.Service), ["ec2.amazonaws.com"]);
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
        assert.deepStrictEqual([asList(write.Action), asList(write.Resource)], [["ssm:PutParameter"], ["arn:aws:ssm:us-east-1:482917365014:parameter/platform/dev/host/status"]]);
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
        assert.deepStrictEqual(parameters.map((p) => p.inputs.name).sort(), ["/platform/dev/app-secret", "/platform/dev/database-password", "/platform/dev/redis-password"]);
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
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => { warnings.push(message); };
        try {
            await stackRun("dev");
            assert.deepStrictEqual(warnings.filter((w) => w.includes("zero-cost host")), []);
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
        for (const [what, text] of [["user data", instanceOf(capture).inputs.userData as string], ["apply script", script]]) {
            assert.ok(!text.includes("MOCK-SECRET-"), `${what} holds a generated password`);
            const literal = text.split("\n").filter((line) => !/^\s*#/.test(line)).find((line) => SECRET_LITERAL.test(line));
            assert.strictEqual(literal, undefined, `${what} line with a literal secret: ${literal}`);
        }
        for (const r of capture.resources) {
            for (const [path, text] of strings(r.inputs)) {
                if (text.includes("MOCK-SECRET-")) assert.ok(r.secretInputs.some((s) => path === s || path.startsWith(`${s}.`)), `${r.type} ${r.name}: ${path} holds a password in plain text`);
            }
        }
        assert.ok(!JSON.stringify(capture.outputs).includes("MOCK-SECRET-"));
        // The scan does catch a literal.
        assert.ok(SECRET_LITERAL.test("REDIS_PASSWORD=abcdefgh12345678") && SECRET_LITERAL.test("requirepass abcdefgh12345678"));
    });
});

describe("host (dev, zero-cost): nothing that costs money", () => {
    let capture: StackCapture;
    before(async () => { capture = await stackRun("dev"); });

    it("has no NAT gateway, load balancer, RDS, ElastiCache, EIP, KMS key, secret, Fargate, DLM or other never-free type", () => {
        const types = new Set(capture.resources.map((r) => r.type));
        const present = FORBIDDEN_IN_ZERO_COST.filter((t) => types.has(t));
        assert.deepStrictEqual(present, []);
        assert.ok(!capture.resources.some((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && (r.inputs.vpcEndpointType ?? "Gateway") !== "Gateway"));
        assert.ok(!capture.resources.some((r) => r.type === "aws:ssm/parameter:Parameter" && r.inputs.tier !== "Standard"));
    });

    it("opens only 80 and 443 on the host security group, and no other ingress at all", () => {
        const sg = find(capture, SG, "network-host");
        assert.strictEqual(sg.inputs.tags.PublicIngress, PUBLIC_WEB_INGRESS_TAG.PublicIngress);
        const rules = ofType(capture, INGRESS);
        assert.deepStrictEqual(rules.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]).sort(), [
            [mockId(SG, "network-host"), 443, 443, "0.0.0.0/0"],
            [mockId(SG, "network-host"), 80, 80, "0.0.0.0/0"],
        ]);
    });

    it("costs $0 inside the free tier except ECR image storage (estimate with the zero-cost assumptions)", () => {
        const e = estimate(capture.resources, { freeTier: true, assumptions: assumptionsForTier("zero-cost") });
        // SSM documents and State Manager associations have no charge (Run Command and State Manager
        // on EC2 are "offered at no additional cost"); until cost/estimate.ts lists them as free, they
        // are the only resources allowed to come back unpriced.
        const awaitingFreeEntries = ["aws:ssm/document:Document", "aws:ssm/association:Association"];
        assert.deepStrictEqual(e.unpriced.filter((u) => !awaitingFreeEntries.includes(u.type)), []);
        const charged = e.lines.filter((l) => l.monthlyInsideFreeTier > 0.0001).map((l) => l.type);
        assert.ok(charged.every((t) => t === ECR), `charged inside the free tier: ${charged.join(", ")}`);
        const instance = e.lines.find((l) => l.type === INSTANCE)!;
        assert.strictEqual(instance.monthlyInsideFreeTier, 0);
        // Two images kept per repository at <= 125 MB each fit the 500 MB ECR allowance: $0.
        const kept = estimate(capture.resources, { freeTier: true, assumptions: assumptionsForTier("zero-cost", { ecrStorageGbPerRepository: 0.25 }) });
        assert.strictEqual(kept.totalInsideFreeTier, 0);
    });

    it("costs exactly $0 and passes every mandatory policy when the services' images are configured (no ECR)", async () => {
        const images = await runWith("dev", { config: { services: { api: { image: "ghcr.io/acme/api:1.0.0" }, devices: { image: "ghcr.io/acme/devices:1.0.0" } } } });
        assert.strictEqual(ofType(images, ECR).length, 0);
        assert.deepStrictEqual(images.outputs.ecrRepositoryUrls, {});
        const script = scriptOf(find(images, DOCUMENT, "host-apply"));
        assert.ok(script.includes("ghcr.io/acme/api:1.0.0") && script.includes("ghcr.io/acme/devices:1.0.0"));
        assert.match(script, /^readonly -a ECR_LOGINS=\(\)$/m, "no ECR login without ECR images");
        assert.ok(!statementsOf(find(images, ROLE_POLICY, "host-access")).some((s) => asList(s.Action).some((a) => String(a).startsWith("ecr:"))), "no ECR grant without ECR images");
        const e = estimate(images.resources, { freeTier: true, assumptions: assumptionsForTier("zero-cost") });
        assert.strictEqual(e.totalInsideFreeTier, 0);
        const violations = evaluatePolicies(images);
        assert.strictEqual(hasMandatoryFailure(violations), false, violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`).join("\n"));
    });

    it("keeps two tagged images per ECR repository (untagged index children and attestations are never counted or expired)", () => {
        const policies = ofType(capture, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.deepStrictEqual(policies.map((p) => p.name), ["host-api-repo", "host-devices-repo"]);
        for (const policy of policies) {
            const rules = JSON.parse(policy.inputs.policy).rules;
            assert.deepStrictEqual(rules.map((r: any) => [r.rulePriority, r.selection, r.action.type]), [
                [1, { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: HOST_ECR_KEEP_IMAGES }, "expire"],
            ]);
        }
        assert.strictEqual(HOST_ECR_KEEP_IMAGES, 2);
    });
});

describe("host (dev, zero-cost): snapshots and the Elastic IP", () => {
    it("has no DLM policy by default (snapshots are not free)", async () => {
        const capture = await stackRun("dev");
        assert.strictEqual(ofType(capture, DLM).length, 0);
        assert.ok(!capture.resources.some((r) => r.type === ROLE && r.name === "host-dlm"));
    });

    it("snapshots the data volume daily with the configured retain count when enabled", async () => {
        const capture = await runWith("dev", { config: { host: { snapshots: { enabled: true, retainCount: 5 } } } });
        const policies = ofType(capture, DLM);
        assert.strictEqual(policies.length, 1);
        const details = policies[0].inputs.policyDetails;
        assert.deepStrictEqual(details.resourceTypes, ["VOLUME"]);
        assert.deepStrictEqual(details.targetTags, { [SNAPSHOT_TAG_KEY]: "platform-dev-host" });
        assert.strictEqual(find(capture, VOLUME, "host-data").inputs.tags[SNAPSHOT_TAG_KEY], details.targetTags[SNAPSHOT_TAG_KEY], "the policy targets the data volume's tag");
        assert.strictEqual(instanceOf(capture).inputs.rootBlockDevice.tags[SNAPSHOT_TAG_KEY], undefined, "not the disposable root volume");
        assert.strictEqual(details.schedules.length, 1);
        assert.deepStrictEqual(details.schedules[0].retainRule, { count: 5 });
        assert.deepStrictEqual([details.schedules[0].createRule.interval, details.schedules[0].createRule.intervalUnit], [24, "HOURS"]);
        assert.strictEqual(policies[0].inputs.state, "ENABLED");
        const role = find(capture, ROLE, "host-dlm");
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement.map((s: any) => s.Principal.Service), ["dlm.amazonaws.com"]);
        assert.strictEqual(find(capture, ATTACHMENT, "host-dlm").inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole");
        assert.match(policies[0].inputs.executionRoleArn, /^arn:aws:iam::482917365014:role\/host-dlm/);
    });

    it("has no Elastic IP by default: the URL is the instance's own public IPv4", async () => {
        const capture = await stackRun("dev");
        assert.strictEqual(ofType(capture, EIP).length + ofType(capture, EIP_ASSOCIATION).length, 0);
        assert.strictEqual(capture.outputs.publicIp, "203.0.113.10");
        assert.strictEqual(capture.outputs.url, "http://203.0.113.10");
        assert.strictEqual(capture.outputs.httpsEnabled, false);
    });

    it("allocates and associates an Elastic IP only with elasticIp and acceptCost", async () => {
        const capture = await runWith("dev", { config: { host: { elasticIp: true, acceptCost: true } } });
        const eips = ofType(capture, EIP);
        assert.strictEqual(eips.length, 1);
        assert.strictEqual(eips[0].inputs.domain, "vpc");
        const association = find(capture, EIP_ASSOCIATION, "host-eip");
        assert.strictEqual(association.inputs.instanceId, mockId(INSTANCE, "host-instance"));
        assert.strictEqual(association.inputs.allocationId, mockId(EIP, "host-eip"));
        assert.strictEqual(capture.outputs.publicIp, "198.51.100.7");
        assert.strictEqual(capture.outputs.url, "http://198.51.100.7");
        assert.strictEqual(instanceOf(capture).inputs.associatePublicIpAddress, true, "unchanged: toggling it would replace the host");
    });

    it("serves https when both TLS paths are set", async () => {
        const capture = await runWith("dev", { config: { host: { tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" } } });
        assert.strictEqual(capture.outputs.url, "https://203.0.113.10");
        assert.strictEqual(capture.outputs.httpsEnabled, true);
        assert.ok(desiredFile(scriptOf(find(capture, DOCUMENT, "host-apply")), "/etc/platform/nginx/default.conf").includes("listen 443 ssl"));
    });
});

describe("host (dev, zero-cost): bad input fails through the real program", () => {
    const rejects = (config: Record<string, unknown>, message: RegExp) =>
        assert.rejects(runWith("dev", { config }), (e: Error) => {
            assert.strictEqual(e.name, "ConfigError");
            assert.match(e.message, message);
            return true;
        });

    it("refuses a type outside the free tier", () =>
        rejects({ host: { instanceType: "m5.large" } }, /platform:host\.instanceType: "m5\.large" is not free-tier eligible/));
    it("refuses a root volume over 30 GB", () =>
        rejects({ host: { rootVolumeGb: 31 } }, /platform:host\.rootVolumeGb: 31 must be a whole number from 8 to 30/));
    it("refuses a data volume that is not a whole number of GB from 1 to 22", () =>
        rejects({ host: { dataVolumeGb: 0.5 } }, /platform:host\.dataVolumeGb: 0\.5 must be a whole number from 1 to 22/));
    it("refuses root + data volumes over the free tier's 30 GB", () =>
        rejects({ host: { rootVolumeGb: 10, dataVolumeGb: 21 } }, /platform:host\.rootVolumeGb \+ platform:host\.dataVolumeGb: 10 \+ 21 GB is over the free tier's 30 GB/));
    it("refuses an Elastic IP without acceptCost", () =>
        rejects({ host: { elasticIp: true } }, /platform:host\.elasticIp: an Elastic IP costs \$0\.005\/h .*acceptCost/));
});

describe("host (dev, zero-cost): outputs", () => {
    let capture: StackCapture;
    before(async () => { capture = await stackRun("dev"); });

    it("exports every output the contract lists for zero-cost, and none of the cloud tiers' own", () => {
        const names = Object.keys(capture.outputs);
        for (const name of outputNamesForTier("zero-cost")) assert.ok(names.includes(name), `missing ${name}`);
        const cloudOnly = STACK_OUTPUTS.filter((o) => !o.tiers.includes("zero-cost")).map((o) => o.name);
        assert.deepStrictEqual(names.filter((n) => cloudOnly.includes(n)), []);
        assert.deepStrictEqual(capture.secretOutputs, []);
    });

    it("describes the host's view: compose service names for the data stores, parameter names, repositories", () => {
        const o = capture.outputs;
        assert.strictEqual(o.tier, "zero-cost");
        assert.strictEqual(o.instanceId, mockId(INSTANCE, "host-instance"));
        assert.deepStrictEqual(o.ssmParameterNames, hostParameterNames("platform", "dev"));
        assert.deepStrictEqual([o.databaseEndpoint, o.databasePort, o.databaseName], ["timescaledb", 5432, "platform"]);
        assert.deepStrictEqual([o.cacheEndpoint, o.cachePort, o.cacheMode], ["redis", 6379, "host-container"]);
        assert.deepStrictEqual(o.ecrRepositoryUrls, {
            api: "482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/api",
            devices: "482917365014.dkr.ecr.us-east-1.amazonaws.com/platform-dev/devices",
        });
    });
});

describe("host plan (pure)", () => {
    const service = (name: string, extra: Partial<ServiceSettings> = {}): ServiceSettings => ({
        name, cpu: 256, memory: 512, architecture: "ARM64", imageTag: "latest",
        ports: [{ port: 8080, protocol: "http" }], healthCheckPath: "/health/readiness",
        routing: { default: false, paths: [], hosts: [], priority: 1 }, environment: {}, secrets: {}, containerHealthCheck: { kind: "none" },
        readOnlyRootFilesystem: true, publicTcp: false, healthCheckGracePeriodSeconds: 60,
        scaling: { min: 1, max: 1, desired: 1, cpuTarget: 70, memoryTarget: 80, scaleOutCooldownSeconds: 60, scaleInCooldownSeconds: 300 },
        ...extra,
    });
    const host = { instanceType: "t3.micro", rootVolumeGb: 8, dataVolumeGb: 12, elasticIp: false, snapshots: { enabled: false, retainCount: 7 }, timescaleImage: "timescale/timescaledb:2.17.2-pg16" };

    it("fits the two seed services on 1 GiB and serves the default-routed one at /", () => {
        const plan = planHost(host, [service("devices", { ports: [{ port: 8080, protocol: "http" }, { port: 50051, protocol: "grpc" }] }), service("api", { routing: { default: true, paths: [], hosts: [], priority: 2 } })]);
        assert.strictEqual(plan.defaultApp, "api");
        assert.ok(plan.budget.appMiB >= 96, `${plan.budget.appMiB} MiB per app`);
        assert.ok(plan.budget.totalLimitsMiB <= plan.budget.instanceMiB - plan.budget.osReserveMiB);
        assert.deepStrictEqual(plan.apps.map((a) => a.port), [8080, 8080]);
    });

    it("supplies app and database secrets, and reports only the keys the host's secrets lack", () => {
        const [app] = planHost(host, [service("api", { secrets: {
            DATABASE_USERNAME: { source: "database", jsonKey: "username" },
            DATABASE_PASSWORD: { source: "database", jsonKey: "password" },
            APP_SECRET: { source: "app" },
            JWT: { source: "app", jsonKey: "jwt" },
            STRIPE: { source: "app", jsonKey: "stripe" },
            DB_HOST: { source: "database", jsonKey: "host" },
        } })]).apps;
        assert.deepStrictEqual(app.secrets, {
            DATABASE_USERNAME: { source: "database", jsonKey: "username" },
            DATABASE_PASSWORD: { source: "database", jsonKey: "password" },
            APP_SECRET: { source: "app", jsonKey: undefined },
            JWT: { source: "app", jsonKey: "jwt" },
        });
        assert.deepStrictEqual(app.environment, {}, "no secret stand-ins in the plain environment");
        assert.deepStrictEqual(app.unsupplied, ["STRIPE (app:stripe)", "DB_HOST (database:host)"]);
    });

    it("refuses a routing pattern NGINX cannot follow, naming the config key", () => {
        assert.throws(() => planHost(host, [service("api", { routing: { default: true, paths: [], hosts: [], priority: 2 } }), service("devices", { routing: { default: false, paths: ["/ok/*", "devices/*"], hosts: [], priority: 3 } })]),
            /platform:services\.devices\.routing\.paths\[1\]: "devices\/\*" is not a valid ALB path pattern/);
    });

    it("refuses a service without an http port, naming the key", () => {
        assert.throws(() => planHost(host, [service("tcp-only", { ports: [{ port: 5000, protocol: "tcp" }] })]), /platform:services\.tcp-only\.ports: .*no http port/);
    });

    it("names the instance by architecture, so only a t3 <-> t4g switch declares a new one", () => {
        assert.deepStrictEqual(["t2.micro", "t3.micro", "t3.small", "t4g.micro", "t4g.small"].map((t) => hostInstanceName("host", t)),
            ["host-instance", "host-instance", "host-instance", "host-instance-arm64", "host-instance-arm64"]);
    });

    it("refuses an SSM document name SSM reserves (aws, amazon, amzn prefixes) or cannot hold", () => {
        assert.strictEqual(hostDocumentName("platform-dev"), "platform-dev-host-apply");
        for (const prefix of ["aws-dev", "Amazon-x", "amzn-y", "bad name"]) assert.throws(() => hostDocumentName(prefix), /SSM document name/, prefix);
    });

    it("refuses more services than 1 GiB can hold", () => {
        assert.throws(() => planHost(host, ["a", "b", "c"].map((n) => service(n))), /at least 96 MiB per app/);
    });
});
