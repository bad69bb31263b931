// What the zero-cost host costs: nothing that is never free, the estimate and policies, and the
// opt-in snapshots and Elastic IP, read from mocked runs of the dev stack.
import * as assert from "assert";
import { assumptionsForTier, estimate } from "../../cost/estimate";
import { find, ofType } from "../../harness/run";
import { mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { hasMandatoryFailure } from "../../harness/policy-engine";
import { evaluatePolicies } from "../../harness/policies";
import { PUBLIC_WEB_INGRESS_TAG } from "../../components/network";
import { HOST_ECR_KEEP_IMAGES, SNAPSHOT_TAG_KEY } from "../../components/host";
import { runWith, sharedRun, stackRun } from "../helpers/stacks";
import {
    INSTANCE,
    ROLE,
    ATTACHMENT,
    ROLE_POLICY,
    DLM,
    EIP,
    EIP_ASSOCIATION,
    SG,
    INGRESS,
    ECR,
    VOLUME,
    DOCUMENT,
    FORBIDDEN_IN_ZERO_COST,
    instanceOf,
    statementsOf,
    scriptOf,
    desiredFile,
    asList,
} from "./captured";

describe("host (dev, zero-cost): nothing that costs money", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("dev");
    });

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
        assert.deepStrictEqual(
            e.unpriced.filter((u) => !awaitingFreeEntries.includes(u.type)),
            [],
        );
        const charged = e.lines.filter((l) => l.monthlyInsideFreeTier > 0.0001).map((l) => l.type);
        assert.ok(
            charged.every((t) => t === ECR),
            `charged inside the free tier: ${charged.join(", ")}`,
        );
        const instance = e.lines.find((l) => l.type === INSTANCE)!;
        assert.strictEqual(instance.monthlyInsideFreeTier, 0);
        // Two images kept per repository at <= 125 MB each fit the 500 MB ECR allowance: $0.
        const kept = estimate(capture.resources, { freeTier: true, assumptions: assumptionsForTier("zero-cost", { ecrStorageGbPerRepository: 0.25 }) });
        assert.strictEqual(kept.totalInsideFreeTier, 0);
    });

    it("costs exactly $0 and passes every mandatory policy when the services' images are configured (no ECR)", async () => {
        const images = await runWith("dev", {
            config: { services: { api: { image: "ghcr.io/acme/api:1.0.0" }, devices: { image: "ghcr.io/acme/devices:1.0.0" } } },
        });
        assert.strictEqual(ofType(images, ECR).length, 0);
        assert.deepStrictEqual(images.outputs.ecrRepositoryUrls, {});
        const script = scriptOf(find(images, DOCUMENT, "host-apply"));
        assert.ok(script.includes("ghcr.io/acme/api:1.0.0") && script.includes("ghcr.io/acme/devices:1.0.0"));
        assert.match(script, /^readonly -a ECR_LOGINS=\(\)$/m, "no ECR login without ECR images");
        assert.ok(
            !statementsOf(find(images, ROLE_POLICY, "host-access")).some((s) => asList(s.Action).some((a) => String(a).startsWith("ecr:"))),
            "no ECR grant without ECR images",
        );
        const e = estimate(images.resources, { freeTier: true, assumptions: assumptionsForTier("zero-cost") });
        assert.strictEqual(e.totalInsideFreeTier, 0);
        const violations = evaluatePolicies(images);
        assert.strictEqual(
            hasMandatoryFailure(violations),
            false,
            violations
                .filter((v) => v.enforcementLevel === "mandatory")
                .map((v) => `${v.policy}: ${v.message}`)
                .join("\n"),
        );
    });

    it("keeps two tagged images per ECR repository (untagged index children and attestations are never counted or expired)", () => {
        const policies = ofType(capture, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.deepStrictEqual(
            policies.map((p) => p.name),
            ["host-api-repo", "host-devices-repo"],
        );
        for (const policy of policies) {
            const rules = JSON.parse(policy.inputs.policy).rules;
            assert.deepStrictEqual(
                rules.map((r: any) => [r.rulePriority, r.selection, r.action.type]),
                [[1, { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: HOST_ECR_KEEP_IMAGES }, "expire"]],
            );
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
        assert.strictEqual(
            find(capture, VOLUME, "host-data").inputs.tags[SNAPSHOT_TAG_KEY],
            details.targetTags[SNAPSHOT_TAG_KEY],
            "the policy targets the data volume's tag",
        );
        assert.strictEqual(instanceOf(capture).inputs.rootBlockDevice.tags[SNAPSHOT_TAG_KEY], undefined, "not the disposable root volume");
        assert.strictEqual(details.schedules.length, 1);
        assert.deepStrictEqual(details.schedules[0].retainRule, { count: 5 });
        assert.deepStrictEqual([details.schedules[0].createRule.interval, details.schedules[0].createRule.intervalUnit], [24, "HOURS"]);
        assert.strictEqual(policies[0].inputs.state, "ENABLED");
        const role = find(capture, ROLE, "host-dlm");
        assert.deepStrictEqual(
            JSON.parse(role.inputs.assumeRolePolicy).Statement.map((s: any) => s.Principal.Service),
            ["dlm.amazonaws.com"],
        );
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
        const capture = await sharedRun("dev", { config: { host: { elasticIp: true, acceptCost: true } } });
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
        const capture = await runWith("dev", {
            config: { host: { tlsCertificatePath: "/etc/platform/tls/cert.pem", tlsKeyPath: "/etc/platform/tls/key.pem" } },
        });
        assert.strictEqual(capture.outputs.url, "https://203.0.113.10");
        assert.strictEqual(capture.outputs.httpsEnabled, true);
        assert.ok(desiredFile(scriptOf(find(capture, DOCUMENT, "host-apply")), "/etc/platform/nginx/default.conf").includes("listen 443 ssl"));
    });
});
