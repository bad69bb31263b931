// The strict layer over the real stack files: dev, staging and production pass it entirely, before
// the first release and with one.
import * as assert from "assert";
import { find, RunOptions } from "../../harness/run";
import { ACCOUNT_ID } from "../../harness/mocks";
import { StrictViolationError } from "../../harness/strict";
import { RELEASE_TAG, sharedRun } from "../helpers/stacks";

describe("strict layer over the real stacks", () => {
    const violationsOf = async (stack: string, options: RunOptions = {}): Promise<string[]> => {
        try {
            await sharedRun(stack, { imageTag: undefined, ...options });
            return [];
        } catch (error) {
            if (!(error instanceof StrictViolationError)) throw error;
            return error.violations.map((v) => `${v.rule} ${v.type} ${v.name}`).sort();
        }
    };
    const DISCOVERY = "aws:servicediscovery/service:Service";

    it("passes dev (zero-cost) entirely", async () => {
        assert.deepStrictEqual(await violationsOf("dev"), []);
        const capture = await sharedRun("dev", { imageTag: undefined });
        assert.ok(find(capture, "aws:ec2/instance:Instance", "host-instance"));
    });

    // The two violations this layer found in the real stacks are fixed in the program: the Cloud Map
    // input the provider deprecates (C9, components/fargate-service.ts) and the example certificate
    // of Pulumi.production.yaml (A1). Both stacks pass before the first release and with one.
    for (const stack of ["staging", "production"]) {
        it(`passes ${stack} entirely, before the first release and with one`, async () => {
            assert.deepStrictEqual(await violationsOf(stack), []);
            assert.deepStrictEqual(await violationsOf(stack, { imageTag: RELEASE_TAG }), []);
        });
    }

    it("C9: the real stacks' Cloud Map services carry no healthCheckCustomConfig (deprecated field; an empty block would be replaced on every update)", async () => {
        const capture = await sharedRun("staging", { imageTag: RELEASE_TAG });
        const services = capture.resources.filter((r) => r.type === DISCOVERY);
        assert.deepStrictEqual(
            services.map((r) => r.name),
            ["devices-discovery"],
            "devices (gRPC) registers in Cloud Map",
        );
        for (const service of services) assert.strictEqual(service.inputs.healthCheckCustomConfig, undefined, service.name);
    });

    it("A1: production issues its own certificate; a certificate of this account and region pasted instead passes too", async () => {
        const capture = await sharedRun("production", { imageTag: RELEASE_TAG });
        assert.ok(!JSON.stringify(find(capture, "aws:lb/listener:Listener", "alb-https").inputs).includes("123456789012"), "no example account");
        const ownCertificate = `arn:aws:acm:us-east-1:${ACCOUNT_ID}:certificate/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d`;
        assert.deepStrictEqual(
            await violationsOf("production", { config: { loadBalancer: { certificateArn: ownCertificate, domainName: "origin.api.example.com" } } }),
            [],
        );
    });
});
