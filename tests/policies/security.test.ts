import * as assert from "assert";
import { MARKERS } from "../../policies/rules/common";
import {
    albDropInvalidHeaders,
    albHttpsRedirect,
    ec2Imdsv2,
    ecsNoPublicIp,
    ecsReadonlyRootFilesystem,
    elasticacheAutomaticFailover,
    elasticacheBackups,
    elasticacheEncryptionAtRest,
    elasticacheEncryptionInTransit,
    lbAccessLogs,
    lbDeletionProtection,
    noUnrestrictedIngress,
    rdsDeletionProtection,
    rdsMultiAz,
    rdsNotPublic,
    rdsStorageEncrypted,
    rotationIntervalDays,
    s3BlockPublicAccess,
    secretsRotation,
} from "../../policies/rules/security";
import { CONTROLS, renderControlTable } from "../../policies/controls";
import { assertHasResourceViolation, assertHasStackViolation, assertNoResourceViolations, assertNoStackViolations, res, runStackPolicy, tags } from "./util";

const RDS = "aws:rds/instance:Instance";
const RG = "aws:elasticache/replicationGroup:ReplicationGroup";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";

describe("policies: RDS controls", () => {
    it("RDS.2 rds-not-public", () => {
        assertHasResourceViolation(rdsNotPublic(), res(RDS, "db", { publiclyAccessible: true }), { message: "publiclyAccessible" });
        assertNoResourceViolations(rdsNotPublic(), res(RDS, "db", { publiclyAccessible: false }));
        assertNoResourceViolations(rdsNotPublic(), res(RDS, "db", {}));
    });
    it("RDS.3 rds-storage-encrypted", () => {
        assertHasResourceViolation(rdsStorageEncrypted(), res(RDS, "db", {}), { message: "storageEncrypted" });
        assertNoResourceViolations(rdsStorageEncrypted(), res(RDS, "db", { storageEncrypted: true }));
        assertHasResourceViolation(rdsStorageEncrypted(), res("aws:rds/cluster:Cluster", "aurora", { storageEncrypted: false }));
    });
    it("RDS.5 rds-multi-az: where the tier has high availability (production), not in staging", () => {
        const p = rdsMultiAz();
        assertHasResourceViolation(p, res(RDS, "db", { multiAz: false, tags: tags("production") }), { message: "not Multi-AZ" });
        assertNoResourceViolations(p, res(RDS, "db", { multiAz: true, tags: tags("production") }));
        assertNoResourceViolations(p, res(RDS, "db", { multiAz: false, tags: tags("staging") }));
        assertHasResourceViolation(p, res(RDS, "db", {}), { message: "not Multi-AZ" }, { tier: "production" });
    });
    it("RDS.7/RDS.8 rds-deletion-protection: where the tier protects data (production), not in staging", () => {
        const p = rdsDeletionProtection();
        assertHasResourceViolation(p, res(RDS, "db", { tags: tags("production") }), { message: "deletionProtection" });
        assertHasResourceViolation(p, res("aws:rds/cluster:Cluster", "c", { tags: tags("production") }));
        assertNoResourceViolations(p, res(RDS, "db", { deletionProtection: true, tags: tags("production") }));
        assertNoResourceViolations(p, res(RDS, "db", { tags: tags("staging") }));
    });
});

describe("policies: ElastiCache controls", () => {
    it("ElastiCache.1 backups", () => {
        const p = elasticacheBackups();
        assertHasResourceViolation(p, res(RG, "cache", { snapshotRetentionLimit: 0 }), { message: "snapshotRetentionLimit is 0" });
        assertHasResourceViolation(p, res(RG, "cache", {}), { message: "unset" });
        assertNoResourceViolations(p, res(RG, "cache", { snapshotRetentionLimit: 1 }));
        assertNoResourceViolations(p, res("aws:elasticache/cluster:Cluster", "mc", { engine: "memcached" }));
    });
    it("ElastiCache.3 automatic failover where the tier has high availability (production)", () => {
        const p = elasticacheAutomaticFailover();
        assertHasResourceViolation(p, res(RG, "cache", { tags: tags("production") }), { message: "automaticFailoverEnabled" });
        assertNoResourceViolations(p, res(RG, "cache", { automaticFailoverEnabled: true, tags: tags("production") }));
        assertNoResourceViolations(p, res(RG, "cache", { tags: tags("staging") }));
    });
    it("ElastiCache.4 encryption at rest (Valkey defaults to on)", () => {
        const p = elasticacheEncryptionAtRest();
        assertHasResourceViolation(p, res(RG, "cache", { engine: "redis" }), { message: "default false for redis" });
        assertHasResourceViolation(p, res(RG, "cache", { engine: "valkey", atRestEncryptionEnabled: false }));
        assertNoResourceViolations(p, res(RG, "cache", { engine: "valkey" }));
        assertNoResourceViolations(p, res(RG, "cache", { engine: "redis", atRestEncryptionEnabled: true }));
    });
    it("ElastiCache.5 encryption in transit", () => {
        assertHasResourceViolation(elasticacheEncryptionInTransit(), res(RG, "cache", {}), { message: "transitEncryptionEnabled" });
        assertNoResourceViolations(elasticacheEncryptionInTransit(), res(RG, "cache", { transitEncryptionEnabled: true }));
    });
});

describe("policies: load balancer controls", () => {
    const alb = (tier: "staging" | "production", extra: Record<string, any> = {}) =>
        res(LB, "alb", { loadBalancerType: "application", tags: tags(tier), ...extra });
    const listener = (name: string, protocol: string, lbUrn: string | undefined, actions: any[]) =>
        res(LISTENER, name, { protocol, port: protocol === "HTTPS" ? 443 : 80, ...(lbUrn ? { loadBalancerArn: lbUrn } : {}), defaultActions: actions });
    const forward = [{ type: "forward", targetGroupArn: "tg" }];
    const redirect = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];

    it("ELB.1: with an HTTPS listener, HTTP must redirect", () => {
        const lb = alb("production");
        const https = listener("https", "HTTPS", lb.urn, forward);
        const bad = listener("http", "HTTP", lb.urn, forward);
        assertHasStackViolation(albHttpsRedirect(), [lb, https, bad], { message: 'HTTP listener "http" does not redirect', urn: bad.urn });
        assertNoStackViolations(albHttpsRedirect(), [lb, https, listener("http", "HTTP", lb.urn, redirect)]);
    });
    it("ELB.1: staging may be HTTP-only (no certificate); production may not", () => {
        const staging = alb("staging");
        assertNoStackViolations(albHttpsRedirect(), [staging, listener("http", "HTTP", staging.urn, forward)]);
        const prod = alb("production");
        assertHasStackViolation(albHttpsRedirect(), [prod, listener("http", "HTTP", prod.urn, forward)], {
            message: "no HTTPS listener; tier production requires HTTPS",
        });
        assertHasStackViolation(
            albHttpsRedirect(),
            [staging, listener("http", "HTTP", staging.urn, forward)],
            { message: "tier staging requires HTTPS" },
            { requireHttpsTiers: ["staging", "production"] },
        );
    });
    it("ELB.1: listeners are linked to their own load balancer", () => {
        const a = res(LB, "alb-a", { tags: tags("staging") });
        const b = res(LB, "alb-b", { tags: tags("staging") });
        // a serves HTTPS and redirects; b is HTTP-only and may forward.
        assertNoStackViolations(albHttpsRedirect(), [
            a,
            b,
            listener("a-https", "HTTPS", a.urn, forward),
            listener("a-http", "HTTP", a.urn, redirect),
            listener("b-http", "HTTP", b.urn, forward),
        ]);
    });
    it("ELB.1: a single ALB owns listeners that cannot be linked", () => {
        const lb = alb("staging");
        assertHasStackViolation(albHttpsRedirect(), [lb, listener("https", "HTTPS", undefined, forward), listener("http", "HTTP", undefined, forward)], {
            message: "does not redirect",
        });
    });
    it("ELB.4 drop invalid headers", () => {
        assertHasResourceViolation(albDropInvalidHeaders(), alb("staging"), { message: "dropInvalidHeaderFields" });
        assertNoResourceViolations(albDropInvalidHeaders(), alb("staging", { dropInvalidHeaderFields: true }));
        assertNoResourceViolations(albDropInvalidHeaders(), res(LB, "nlb", { loadBalancerType: "network" }));
    });
    it("ELB.5 access logs", () => {
        assertHasResourceViolation(lbAccessLogs(), alb("staging"), { message: "no access logging" });
        assertHasResourceViolation(lbAccessLogs(), alb("staging", { accessLogs: { bucket: "logs", enabled: false } }));
        assertNoResourceViolations(lbAccessLogs(), alb("staging", { accessLogs: { bucket: "logs", enabled: true } }));
    });
    it("ELB.6 deletion protection where the tier protects data (production), not in staging", () => {
        assertHasResourceViolation(lbDeletionProtection(), alb("production"), { message: "enableDeletionProtection" });
        assertNoResourceViolations(lbDeletionProtection(), alb("production", { enableDeletionProtection: true }));
        assertNoResourceViolations(lbDeletionProtection(), alb("staging"));
    });
});

describe("policies: EC2 controls", () => {
    it("EC2.8 IMDSv2", () => {
        assertHasResourceViolation(ec2Imdsv2(), res("aws:ec2/instance:Instance", "host", {}), { message: "httpTokens" });
        assertHasResourceViolation(ec2Imdsv2(), res("aws:ec2/instance:Instance", "host", { metadataOptions: { httpTokens: "optional" } }), {
            message: '"optional"',
        });
        assertNoResourceViolations(ec2Imdsv2(), res("aws:ec2/instance:Instance", "host", { metadataOptions: { httpTokens: "required" } }));
        assertHasResourceViolation(ec2Imdsv2(), res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {}));
    });

    describe("EC2.18/EC2.19 no-unrestricted-ingress (stack)", () => {
        const p = noUnrestrictedIngress();
        const marked = { [MARKERS.publicIngressTag]: "true" };
        const sg = (name: string, extraTags: Record<string, string> = {}, inputs: Record<string, any> = {}) =>
            res(SG, name, { tags: tags("staging", extraTags), ...inputs });
        const rule = (name: string, sgUrn: string, inputs: Record<string, any>, ruleTags: Record<string, string> = {}) =>
            res(INGRESS, name, { securityGroupId: sgUrn, ipProtocol: "tcp", tags: tags("staging", ruleTags), ...inputs });

        it("allows 80/443 from anywhere on a marked SG (marker on the SG or on the rule)", () => {
            const albSg = sg("alb-sg", marked);
            assertNoStackViolations(p, [
                albSg,
                rule("http", albSg.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 80, toPort: 80 }),
                rule("https6", albSg.urn, { cidrIpv6: "::/0", fromPort: 443, toPort: 443 }),
            ]);
            const plain = sg("host-sg");
            assertNoStackViolations(p, [plain, rule("https", plain.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 }, marked)]);
        });
        it("rejects 80/443 from anywhere without the marker", () => {
            const plain = sg("app-sg");
            const r = rule("https", plain.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 });
            assertHasStackViolation(p, [plain, r], { message: 'without the PublicIngress="true" tag', urn: r.urn });
        });
        it("rejects SSH, port ranges and all traffic from anywhere even when marked", () => {
            const albSg = sg("alb-sg", marked);
            assertHasStackViolation(p, [albSg, rule("ssh", albSg.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22 })], { message: "tcp port 22" });
            assertHasStackViolation(p, [albSg, rule("range", albSg.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 80, toPort: 443 })], { message: "ports 80-443" });
            assertHasStackViolation(p, [albSg, rule("all", albSg.urn, { cidrIpv6: "::/0", ipProtocol: "-1" })], { message: "all traffic" });
        });
        it("allows anything from inside the VPC", () => {
            const app = sg("app-sg");
            assertNoStackViolations(p, [app, rule("vpc", app.urn, { cidrIpv4: "10.0.0.0/16", fromPort: 22, toPort: 22 })]);
        });
        it("checks inline ingress on the security group", () => {
            const open = { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] };
            assertHasStackViolation(p, [sg("legacy", {}, open)], { message: "ingress[0] opens tcp port 22" });
            const web = { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] };
            assertNoStackViolations(p, [sg("web", marked, web)]);
            assertHasStackViolation(p, [sg("web", {}, web)], { message: "without the PublicIngress" });
        });
        it("checks aws:ec2/securityGroupRule through its security group", () => {
            const albSg = sg("alb-sg", marked);
            const r = (from: number) =>
                res(SG_RULE, `r${from}`, {
                    type: "ingress",
                    securityGroupId: albSg.urn,
                    protocol: "tcp",
                    fromPort: from,
                    toPort: from,
                    cidrBlocks: ["0.0.0.0/0"],
                });
            assertNoStackViolations(p, [albSg, r(443)]);
            assertHasStackViolation(p, [albSg, r(5432)], { message: "tcp port 5432" });
            const egress = res(SG_RULE, "out", {
                type: "egress",
                securityGroupId: albSg.urn,
                protocol: "-1",
                fromPort: 0,
                toPort: 0,
                cidrBlocks: ["0.0.0.0/0"],
            });
            assertNoStackViolations(p, [albSg, egress]);
        });
        it("looks at every rule, not only the first", () => {
            const albSg = sg("alb-sg", marked);
            const run = runStackPolicy(p, [
                albSg,
                rule("ok", albSg.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 }),
                rule("ssh", albSg.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22 }),
                rule("rdp", albSg.urn, { cidrIpv4: "0.0.0.0/0", fromPort: 3389, toPort: 3389 }),
            ]);
            assert.strictEqual(run.messages.length, 2);
        });
    });
});

describe("policies: ECS controls", () => {
    const TD = "aws:ecs/taskDefinition:TaskDefinition";
    it("ECS.2 no public IP", () => {
        assertHasResourceViolation(ecsNoPublicIp(), res("aws:ecs/service:Service", "api", { networkConfiguration: { assignPublicIp: true, subnets: [] } }), {
            message: "assignPublicIp",
        });
        assertNoResourceViolations(ecsNoPublicIp(), res("aws:ecs/service:Service", "api", { networkConfiguration: { assignPublicIp: false, subnets: [] } }));
    });
    it("ECS.5 read-only root filesystem, reading the JSON container definitions", () => {
        const td = (containers: any[]) => res(TD, "api", { containerDefinitions: JSON.stringify(containers) });
        assertHasResourceViolation(ecsReadonlyRootFilesystem(), td([{ name: "app", image: "x" }]), { message: 'Container "app"' });
        assertNoResourceViolations(ecsReadonlyRootFilesystem(), td([{ name: "app", image: "x", readonlyRootFilesystem: true }]));
        const two = td([{ name: "app", readonlyRootFilesystem: true }, { name: "sidecar" }]);
        assertHasResourceViolation(ecsReadonlyRootFilesystem(), two, { message: 'Container "sidecar"' });
    });
    it("ECS.5 opt-out only through the documented docker label with a reason", () => {
        const td = (labels: Record<string, string>) => res(TD, "api", { containerDefinitions: JSON.stringify([{ name: "nginx", dockerLabels: labels }]) });
        assertNoResourceViolations(ecsReadonlyRootFilesystem(), td({ [MARKERS.writableRootLabel]: "nginx writes its pid file to /run" }));
        assertHasResourceViolation(ecsReadonlyRootFilesystem(), td({ [MARKERS.writableRootLabel]: "" }));
        assertHasResourceViolation(ecsReadonlyRootFilesystem(), td({ writable: "true" }));
    });
    it("ECS.5 rejects definitions that are not JSON", () => {
        assertHasResourceViolation(ecsReadonlyRootFilesystem(), res(TD, "api", { containerDefinitions: "{nope" }), { message: "not valid JSON" });
    });
});

describe("policies: SecretsManager.1/4 secrets-rotation (stack)", () => {
    const p = secretsRotation();
    const secret = (name: string, extra: Record<string, string> = {}) => res("aws:secretsmanager/secret:Secret", name, { tags: tags("staging", extra) });
    const rotation = (name: string, secretUrn: string, rules: Record<string, any>) =>
        res("aws:secretsmanager/secretRotation:SecretRotation", name, { secretId: secretUrn, rotationRules: rules });

    it("every secret needs a rotation", () => {
        const s = secret("db");
        assertHasStackViolation(p, [s], { message: 'Secret "db" has no', urn: s.urn });
        assertNoStackViolations(p, [s, rotation("db-rot", s.urn, { automaticallyAfterDays: 30 })]);
    });
    it("a rotation for one secret does not cover another", () => {
        const a = secret("a");
        const b = secret("b");
        assertHasStackViolation(p, [a, b, rotation("a-rot", a.urn, { automaticallyAfterDays: 7 })], { message: 'Secret "b" has no', urn: b.urn });
    });
    it("rotation within 30 days (configurable)", () => {
        const s = secret("db");
        assertHasStackViolation(p, [s, rotation("r", s.urn, { automaticallyAfterDays: 90 })], { message: "every 90 days; at most 30" });
        assertHasStackViolation(p, [s, rotation("r", s.urn, { scheduleExpression: "cron(0 4 1 * ? *)" })], { message: "every 31 days" });
        assertNoStackViolations(p, [s, rotation("r", s.urn, { scheduleExpression: "rate(7 days)" })]);
        assertNoStackViolations(p, [s, rotation("r", s.urn, { automaticallyAfterDays: 60 })], { maxDays: 90 });
        assertHasStackViolation(p, [s, rotation("r", s.urn, {})], { message: "sets neither" });
    });
    it("exempts secrets tagged RotationExempt with a reason", () => {
        assertNoStackViolations(p, [secret("auth-token", { [MARKERS.rotationExemptTag]: "ElastiCache AUTH has no managed rotation" })]);
    });
    it("parses schedule expressions", () => {
        assert.strictEqual(rotationIntervalDays({ scheduleExpression: "rate(10 days)" }), 10);
        assert.strictEqual(rotationIntervalDays({ scheduleExpression: "rate(12 hours)" }), 0.5);
        assert.strictEqual(rotationIntervalDays({ scheduleExpression: "cron(0 4 ? * SUN *)" }), 7);
        assert.strictEqual(rotationIntervalDays({ scheduleExpression: "cron(0 4 1,15 * ? *)" }), 17); // 15th to the 1st of a 31-day month
        assert.strictEqual(rotationIntervalDays({ scheduleExpression: "cron(0 4 */14 * ? *)" }), 14);
        assert.ok(rotationIntervalDays({ scheduleExpression: "cron(0 4 1 */3 ? *)" })! > 30);
    });
});

describe("policies: S3.8 s3-block-public-access (stack)", () => {
    const p = s3BlockPublicAccess();
    const bucket = res("aws:s3/bucketV2:BucketV2", "logs", { tags: tags("staging") });
    const all = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
    it("every bucket has a block with all four flags", () => {
        assertHasStackViolation(p, [bucket], { message: 'Bucket "logs" has no', urn: bucket.urn });
        assertNoStackViolations(p, [bucket, res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-pab", { bucket: bucket.urn, ...all })]);
        assertHasStackViolation(
            p,
            [bucket, res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs-pab", { bucket: bucket.urn, ...all, restrictPublicBuckets: false })],
            { message: "restrictPublicBuckets" },
        );
    });
});

describe("policies: control table", () => {
    it("lists every security control with its policy name", () => {
        const ids = CONTROLS.map((c) => c.id);
        for (const id of [
            "RDS.2",
            "RDS.3",
            "RDS.5",
            "RDS.7 / RDS.8",
            "ElastiCache.1",
            "ElastiCache.3",
            "ElastiCache.4",
            "ElastiCache.5",
            "ELB.1",
            "ELB.4",
            "ELB.5",
            "ELB.6",
            "EC2.8",
            "EC2.18 / EC2.19",
            "ECS.2",
            "ECS.5",
            "SecretsManager.1 / SecretsManager.4",
            "S3.8",
            "CloudWatch.16",
        ]) {
            assert.ok(ids.includes(id), `missing ${id}`);
        }
        assert.strictEqual(new Set(CONTROLS.map((c) => c.policy)).size, CONTROLS.length);
        assert.match(renderControlTable(), /^\| Control \| Requirement \| Policy \|\n\|---\|---\|---\|\n\| RDS\.2 \|/);
    });
});

describe("policies: linking referrers to targets", () => {
    const p = secretsRotation();
    const secret = (name: string) => res("aws:secretsmanager/secret:Secret", name, { tags: tags("staging") });
    const rotation = (name: string, secretId: string) =>
        res("aws:secretsmanager/secretRotation:SecretRotation", name, { secretId, rotationRules: { automaticallyAfterDays: 7 } });
    it("pairs by count only when nothing links (a run without identifiers)", () => {
        assertNoStackViolations(p, [secret("a"), rotation("r", "opaque-id")]);
        assertHasStackViolation(p, [secret("a"), secret("b"), rotation("r", "opaque-id")], { message: "has no" });
    });
    it("an unlinked rotation (RDS-managed master secret) does not cover another secret once links resolve", () => {
        const a = secret("a");
        const b = secret("b");
        assertHasStackViolation(p, [a, b, rotation("a-rot", a.urn), rotation("rds-master", "arn:aws:secretsmanager:us-east-1:1:secret:rds!db-x")], {
            message: 'Secret "b" has no',
            urn: b.urn,
        });
    });
});
