// The zero-cost host's instance as the real program declares it for the dev stack, read from mocked
// runs: what it is, what a release leaves alone, the first release, and the data volume that
// survives a replacement.
import * as assert from "assert";
import { FREE_TIER_EC2_TYPES } from "../../config/allowed-sizes";
import { find, ofType } from "../../harness/run";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { parse } from "yaml";
import { DATA_DEVICE_NAME, SNAPSHOT_TAG_KEY } from "../../components/host";
import { renderUserData, USER_DATA_MAX_BYTES } from "../../components/host/user-data";
import { runWith, sharedRun, stackRun } from "../helpers/stacks";
import { runRecordingOptions } from "./options";
import { INSTANCE, EIP_ASSOCIATION, SG, ECR, VOLUME, VOLUME_ATTACHMENT, DOCUMENT, ASSOCIATION, instanceOf, scriptOf, DATA_VOLUME_ID } from "./captured";

describe("host (dev, zero-cost): the instance", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("dev");
    });

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
            assert.ok(
                scriptOf(find(c, DOCUMENT, "host-apply")).includes(`readonly REVISION='${revision(c)}'`),
                "the parameter is the delivered script's revision",
            );
        }
    });
});

describe("host (dev, zero-cost): before the first release", () => {
    let first: StackCapture;
    before(async () => {
        first = await sharedRun("dev", { imageTag: undefined });
    });

    it("B11: creates the repositories and starts the stores; no app image is made up (no :undefined, no :latest)", () => {
        assert.deepStrictEqual(
            ofType(first, ECR)
                .map((r) => r.inputs.name)
                .sort(),
            ["platform-dev/api", "platform-dev/devices"],
        );
        const script = scriptOf(find(first, DOCUMENT, "host-apply"));
        for (const store of ["nginx:1.26.3-alpine", "redis:7.2.5-alpine", "timescale/timescaledb:2.17.2-pg16"]) assert.ok(script.includes(store), store);
        const images = /^declare -rA IMAGES=\((.*)\)$/m.exec(script)?.[1] ?? "";
        assert.ok(images.includes("[timescaledb]="), `IMAGES: ${images}`);
        for (const tag of [":undefined", ":latest"]) assert.ok(!script.includes(tag), `the apply script names an image ${tag}: ${images}`);
    });
});

describe("host (dev, zero-cost): the data volume and a replaceable instance", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("dev");
    });

    it("keeps TimescaleDB's data on its own encrypted gp3 volume, protected, with a final snapshot, root + data within 30 GB", () => {
        const volume = find(capture, VOLUME, "host-data");
        assert.strictEqual(volume.protect, true, "Pulumi refuses to delete or replace it");
        assert.deepStrictEqual(volume.ignoreChanges, ["availabilityZone"], "a planned replacement instance's unknown AZ is no move of the volume");
        assert.deepStrictEqual([volume.inputs.type, volume.inputs.encrypted, volume.inputs.size, volume.inputs.finalSnapshot], ["gp3", true, 12, true]);
        assert.strictEqual(volume.inputs.tags[SNAPSHOT_TAG_KEY], "platform-dev-host");
        assert.deepStrictEqual(
            [volume.inputs.tags.Project, volume.inputs.tags.Environment, volume.inputs.tags.Tier, volume.inputs.tags.CostCenter],
            ["platform", "dev", "zero-cost", "platform"],
        );
        assert.ok(volume.inputs.size + instanceOf(capture).inputs.rootBlockDevice.volumeSize <= 30);
    });

    it("attaches it as /dev/sdf, stopping the old instance before a detach, replaced delete-first", async () => {
        const attachment = find(capture, VOLUME_ATTACHMENT, "host-data");
        assert.deepStrictEqual(
            [attachment.inputs.deviceName, attachment.inputs.volumeId, attachment.inputs.instanceId, attachment.inputs.stopInstanceBeforeDetaching],
            [DATA_DEVICE_NAME, DATA_VOLUME_ID, mockId(INSTANCE, "host-instance"), true],
        );
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
        assert.deepStrictEqual(
            ofType(arm, VOLUME).map((v) => v.name),
            ["host-data"],
        );
        // A size change within the architecture keeps the logical instance (in-place stop/start).
        const small = await runWith("dev", { config: { host: { instanceType: "t3.small" } } });
        assert.strictEqual(instanceOf(small).name, "host-instance");
    });

    it("keeps termination protection (the provider lifts it for Pulumi's own replacement)", () => {
        assert.strictEqual(instanceOf(capture).inputs.disableApiTermination, true);
    });
});
