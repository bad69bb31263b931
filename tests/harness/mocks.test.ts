// The mocks answer what later steps of the program read (certificate validation options, hosted
// zones, record names, stack outputs of nested stacks, ids and generated names), in the same
// harness the strict layer runs in.
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { runStack } from "../../harness/run";
import { ACCOUNT_ID } from "../../harness/mocks";
import { accepted, vpcId } from "./strict-helpers";

describe("strict layer: realistic outputs later steps read", () => {
    it("issues ACM certificates in the provider's region with one CNAME validation record per name", async () => {
        const capture = await accepted(async () => {
            const cert = new aws.acm.Certificate("cert", {
                domainName: "api.example.com",
                subjectAlternativeNames: ["*.api.example.com"],
                validationMethod: "DNS",
            });
            const validation = new aws.acm.CertificateValidation("cert", { certificateArn: cert.arn });
            return { arn: cert.arn, options: cert.domainValidationOptions, validated: validation.certificateArn };
        });
        assert.match(String(capture.outputs.arn), new RegExp(`^arn:aws:acm:us-east-1:${ACCOUNT_ID}:certificate/[0-9a-f-]{36}$`));
        assert.strictEqual(capture.outputs.validated, capture.outputs.arn, "the validation hands on the certificate's ARN");
        const options = capture.outputs.options as Record<string, string>[];
        assert.deepStrictEqual(
            options.map((o) => o.domainName),
            ["api.example.com", "*.api.example.com"],
        );
        for (const o of options) {
            assert.match(o.resourceRecordName, /^_[0-9a-f]{32}\.api\.example\.com\.$/);
            assert.strictEqual(o.resourceRecordType, "CNAME");
            assert.match(o.resourceRecordValue, /^_[0-9a-f]{32}\.[0-9a-f]{10}\.acm-validations\.aws\.$/);
        }
    });

    it("finds only the hosted zones that exist, failing with the provider's message otherwise; records get their fqdn", async () => {
        const capture = await accepted(
            async () => {
                const zone = aws.route53.getZoneOutput({ name: "example.com." });
                const record = new aws.route53.Record("api", { zoneId: zone.zoneId, name: "api", type: "CNAME", ttl: 60, records: ["x.example.net"] });
                return { zoneName: zone.name, zoneId: zone.zoneId, fqdn: record.fqdn };
            },
            { hostedZones: ["example.com"] },
        );
        assert.strictEqual(capture.outputs.zoneName, "example.com");
        assert.match(String(capture.outputs.zoneId), /^Z[0-9A-F]{20}$/);
        assert.strictEqual(capture.outputs.fqdn, "api.example.com");
        await assert.rejects(
            runStack("dev", { hostedZones: ["example.com"], program: async () => ({ id: (await aws.route53.getZone({ name: "example.org" })).zoneId }) }),
            /no matching Route 53 Hosted Zone found/,
        );
    });

    it("answers rotation stacks, invocations, SSM documents, volumes, trails and namePrefix names", async () => {
        const capture = await accepted(async () => ({
            rotation: new aws.serverlessrepository.CloudFormationStack("rotation", {
                applicationId: "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationSingleUser",
                capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
                parameters: { functionName: "rotate-db", endpoint: "https://secretsmanager.us-east-1.amazonaws.com" },
            }).outputs,
            invocation: new aws.lambda.Invocation("seed", { functionName: "fn", input: "{}" }).result,
            document: new aws.ssm.Document("doc", { documentType: "Command", content: "{}" }).latestVersion,
            volume: new aws.ebs.Volume("data", { availabilityZone: "us-east-1a", size: 8 }).id,
            trail: new aws.cloudtrail.Trail("trail", { s3BucketName: "trail-logs" }).arn,
            prefixed: new aws.ec2.SecurityGroup("sg", { namePrefix: "web-", vpcId }).name,
        }));
        const o = capture.outputs as Record<string, any>;
        assert.strictEqual(o.rotation.RotationLambdaARN, `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:rotate-db`);
        assert.deepStrictEqual(JSON.parse(o.invocation), { statusCode: 200 });
        assert.strictEqual(o.document, "1");
        assert.match(o.volume, /^vol-[0-9a-f]{17}$/);
        assert.match(o.trail, new RegExp(`^arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/trail-[0-9a-f]{7}$`));
        assert.match(o.prefixed, /^web-\d{18}[0-9a-f]{8}$/);
    });
});
