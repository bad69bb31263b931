// The compute tier's load balancer (ALB, listeners and certificate, target groups, listener rules,
// access logs) as the real program declares it for the staging and production stack files, read
// from a mocked run.
import * as assert from "assert";
import { find, ofType } from "../../harness/run";
import { computedState, mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { rulePriority, servicePriorityBlock } from "../../config/priorities";
import { stackRun } from "../helpers/stacks";
import { LB, LISTENER, RULE, TG, SG, SUBNET, CERTIFICATE, CERT_VALIDATION, RECORD, TLS_POLICY, DEVICES_PATH_PRIORITY, targetGroupArn } from "./captured";

for (const stack of ["staging", "production"]) {
    const production = stack === "production";
    describe(`compute (${stack})`, () => {
        let capture: StackCapture;
        before(async () => {
            capture = await stackRun(stack);
        });

        it("runs an internet-facing ALB in the public subnets: cross-zone, 60 s idle, invalid headers dropped, deletion protection per tier", () => {
            const alb = find(capture, LB, "alb");
            const publicSubnets = ofType(capture, SUBNET)
                .filter((s) => s.inputs.tags.SubnetTier === "public")
                .map((s) => mockId(SUBNET, s.name));
            assert.deepStrictEqual(
                [
                    alb.inputs.loadBalancerType,
                    alb.inputs.internal,
                    alb.inputs.subnets,
                    alb.inputs.enableCrossZoneLoadBalancing,
                    alb.inputs.idleTimeout,
                    alb.inputs.dropInvalidHeaderFields,
                    alb.inputs.enableDeletionProtection,
                ],
                ["application", false, publicSubnets, true, 60, true, production],
            );
            assert.deepStrictEqual(alb.inputs.securityGroups, [mockId(SG, "network-alb")]);
            assert.deepStrictEqual(
                [alb.inputs.accessLogs.enabled, alb.inputs.accessLogs.prefix, alb.inputs.accessLogs.bucket],
                [true, "alb", find(capture, "aws:s3/bucket:Bucket", "alb-logs").inputs.bucket ?? alb.inputs.accessLogs.bucket],
            );
        });

        if (production) {
            it("serves HTTPS on 443 with the certificate and the TLS 1.3 policy, and redirects 80 to HTTPS with a 301", () => {
                const https = find(capture, LISTENER, "alb-https");
                // The certificate the stack issued, once validated (CertificateValidation's certificateArn).
                const issued = computedState(CERTIFICATE, "alb-certificate", find(capture, CERTIFICATE, "alb-certificate").inputs, "us-east-1").arn;
                assert.deepStrictEqual(
                    [https.inputs.port, https.inputs.protocol, https.inputs.certificateArn, https.inputs.sslPolicy],
                    [443, "HTTPS", issued, TLS_POLICY],
                );
                // Behind the edge: without CloudFront's header, 403; with it, the default service (rule 50000).
                assert.deepStrictEqual(
                    https.inputs.defaultActions.map((a: any) => [a.type, a.fixedResponse?.statusCode]),
                    [["fixed-response", "403"]],
                );
                assert.ok(String(find(capture, RULE, "alb-edge-default").inputs.listenerArn).includes("alb-https"));
                const http = find(capture, LISTENER, "alb-http");
                assert.deepStrictEqual([http.inputs.port, http.inputs.protocol], [80, "HTTP"]);
                assert.deepStrictEqual(http.inputs.defaultActions, [
                    { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
                ]);
                assert.strictEqual(capture.outputs.httpsEnabled, true);
                assert.strictEqual(capture.outputs.url, "https://api.example.com");
            });

            it("A1: issues its own DNS-validated certificate for loadBalancer.domainName (the origin name) and points the name at the ALB", () => {
                const certificate = find(capture, CERTIFICATE, "alb-certificate");
                assert.deepStrictEqual(
                    [certificate.inputs.domainName, certificate.inputs.validationMethod, certificate.inputs.subjectAlternativeNames],
                    ["origin.api.example.com", "DNS", undefined],
                );
                const issued = computedState(CERTIFICATE, "alb-certificate", certificate.inputs, "us-east-1");
                const [option] = issued.domainValidationOptions;
                // ACM's validation CNAME, written into the hosted zone ...
                const record = find(capture, RECORD, "alb-certificate-validation").inputs;
                assert.deepStrictEqual(
                    [record.name, record.type, record.records, record.ttl, record.allowOverwrite],
                    [option.resourceRecordName, "CNAME", [option.resourceRecordValue], 300, true],
                );
                assert.match(record.zoneId, /^Z[0-9A-Z]+$/);
                // ... which CertificateValidation waits on: the listener uses its certificateArn, so it waits for issuance.
                const validation = find(capture, CERT_VALIDATION, "alb-certificate").inputs;
                assert.deepStrictEqual(
                    [validation.certificateArn, validation.validationRecordFqdns],
                    [issued.arn, [option.resourceRecordName.replace(/\.$/, "")]],
                );
                assert.strictEqual(find(capture, LISTENER, "alb-https").inputs.certificateArn, issued.arn);
                // The public name: an A alias to the ALB in the same zone.
                const alias = find(capture, RECORD, "alb-alias").inputs;
                const alb = computedState(LB, "alb", find(capture, LB, "alb").inputs, "us-east-1");
                assert.deepStrictEqual(
                    [alias.zoneId, alias.name, alias.type, alias.aliases],
                    [record.zoneId, "origin.api.example.com", "A", [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }]],
                );
                assert.deepStrictEqual(
                    ofType(capture, RECORD)
                        .map((r) => r.name)
                        .filter((n) => n.startsWith("alb-")),
                    ["alb-certificate-validation", "alb-alias"],
                );
            });
        } else {
            it("runs HTTP-only behind the edge without a certificate: port 80 answers 403 unless the edge's header is there, viewers get HTTPS on the distribution's name", () => {
                assert.strictEqual(ofType(capture, LISTENER).filter((l) => l.name === "alb-https").length, 0);
                const http = find(capture, LISTENER, "alb-http");
                assert.deepStrictEqual(
                    http.inputs.defaultActions.map((a: any) => [a.type, a.fixedResponse?.statusCode]),
                    [["fixed-response", "403"]],
                );
                const edgeDefault = find(capture, RULE, "alb-edge-default");
                assert.deepStrictEqual(
                    [
                        String(edgeDefault.inputs.listenerArn).includes("alb-http"),
                        edgeDefault.inputs.priority,
                        edgeDefault.inputs.actions.map((a: any) => a.targetGroupArn),
                    ],
                    [true, 50000, [targetGroupArn(capture, "tg-api")]],
                );
                assert.strictEqual(edgeDefault.inputs.conditions[0].httpHeader.httpHeaderName, "X-Origin-Verify");
                assert.strictEqual(capture.outputs.httpsEnabled, true);
                assert.strictEqual(capture.outputs.url, `https://${capture.outputs.cdnDomainName}`);
                // No domain configured: no certificate and no DNS records.
                for (const type of [CERTIFICATE, CERT_VALIDATION, RECORD]) assert.strictEqual(ofType(capture, type).length, 0, type);
            });
        }

        it("has one ip target group per HTTP service with the seed's health check", () => {
            const tgs = ofType(capture, TG);
            assert.deepStrictEqual(
                tgs.map((t) => t.name),
                ["tg-api", "tg-devices"],
            );
            for (const tg of tgs) {
                assert.deepStrictEqual(
                    [tg.inputs.targetType, tg.inputs.protocol, tg.inputs.port, tg.inputs.vpcId],
                    ["ip", "HTTP", 8080, mockId("aws:ec2/vpc:Vpc", "network-vpc")],
                );
                // Autonamed (no explicit name): `tg-<service>-<7 chars>` fits ELB's 32 characters.
                assert.strictEqual(tg.inputs.name, undefined);
                assert.deepStrictEqual(tg.inputs.tags.Service, tg.name.replace(/^tg-/, ""));
                const hc = tg.inputs.healthCheck;
                assert.deepStrictEqual(
                    [hc.path, hc.interval, hc.timeout, hc.healthyThreshold, hc.unhealthyThreshold, hc.matcher],
                    ["/health/readiness", 30, 5, 2, 3, "200"],
                );
            }
        });

        it("E: target groups drain for 30 s, not the default 300 s, on every deploy", () => {
            assert.deepStrictEqual(
                ofType(capture, TG).map((t) => t.inputs.deregistrationDelay),
                [30, 30],
            );
        });

        it("routes /devices and /devices/* to devices by a listener rule on the serving listener, at a priority of devices' own block", () => {
            const rule = find(capture, RULE, "alb-devices-path-1");
            assert.strictEqual(rule.inputs.priority, DEVICES_PATH_PRIORITY);
            assert.strictEqual(rule.inputs.priority, rulePriority(servicePriorityBlock("devices"), "path", 0));
            // The edge's header is the second condition: the value CloudFront sends, the same secret on both sides.
            const edgeHeader = find(capture, "aws:cloudfront/distribution:Distribution", "edge-distribution").inputs.origins[0].customHeaders[0];
            assert.deepStrictEqual(rule.inputs.conditions, [
                { pathPattern: { values: ["/devices", "/devices/*"] } },
                { httpHeader: { httpHeaderName: edgeHeader.name, values: [edgeHeader.value] } },
            ]);
            assert.strictEqual(edgeHeader.name, "X-Origin-Verify");
            assert.deepStrictEqual(
                rule.inputs.actions.map((a: any) => a.targetGroupArn),
                [targetGroupArn(capture, "tg-devices")],
            );
            assert.ok(rule.inputs.listenerArn.includes(production ? "alb-https" : "alb-http"), rule.inputs.listenerArn);
        });

        it("keeps access logs in an AES256-encrypted, fully private, owner-enforced bucket the ELB may write to", () => {
            const sse = find(capture, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "alb-logs");
            assert.strictEqual(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            const pab = find(capture, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "alb-logs").inputs;
            assert.deepStrictEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
            assert.strictEqual(
                find(capture, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "alb-logs").inputs.rule.objectOwnership,
                "BucketOwnerEnforced",
            );
            const lifecycle = find(capture, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "alb-logs").inputs.rules[0];
            assert.deepStrictEqual([lifecycle.status, lifecycle.expiration.days], ["Enabled", production ? 90 : 14]);
            assert.strictEqual(find(capture, "aws:s3/bucket:Bucket", "alb-logs").inputs.forceDestroy, !production);

            const policy = JSON.parse(find(capture, "aws:s3/bucketPolicy:BucketPolicy", "alb-logs").inputs.policy);
            const writers = policy.Statement.filter((s: any) => s.Effect === "Allow");
            assert.deepStrictEqual(
                writers.map((s: any) => s.Principal),
                [{ AWS: "arn:aws:iam::127311923021:root" }, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }],
            );
            for (const s of writers) {
                assert.strictEqual(s.Action, "s3:PutObject");
                assert.match(s.Resource, /^arn:aws:s3:::[^/]+\/alb\/AWSLogs\/482917365014\/\*$/);
            }
            assert.ok(policy.Statement.some((s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"));
            // AWS checks the bucket policy when access logging is enabled: the ALB waits for it.
            const alb = ofType(capture, "aws:lb/loadBalancer:LoadBalancer").find((lb) => lb.inputs.loadBalancerType === "application")!;
            assert.deepStrictEqual(alb.dependsOn, ["aws:s3/bucketPolicy:BucketPolicy::alb-logs"]);
        });
    });
}
