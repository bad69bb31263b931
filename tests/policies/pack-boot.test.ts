// The pack as `pulumi preview --policy-pack policies` runs it: the Node entry the CLI launches
// (@pulumi/pulumi/cmd/run-policy-pack, ts-node with type checking, cwd = the pack folder) must
// start the analyzer and print its port; then, over the analyzer's own gRPC API, the served policies
// must be the pack's and must report what the offline evaluator reports for the same resources.
// No Pulumi CLI involved: this is the closest check of the real path these machines allow.

import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { CapturedResource } from "../../harness/types";
import { loadPackConfig } from "../../harness/policies";
import { evaluatePolicyList, reconcileConfig } from "../../harness/policy-engine";
import { policies as packPolicies } from "../../policies/pack";
import { res, tags } from "./util";

const PACK = path.resolve(__dirname, "../../policies");
// The pack runner's own copies of grpc and the protobufs, resolved from @pulumi/policy as the CLI would.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fromPolicy = (m: string) => require(require.resolve(m, { paths: [path.dirname(require.resolve("@pulumi/policy"))] }));
const grpc = fromPolicy("@grpc/grpc-js");
const analyzerPb = fromPolicy("@pulumi/pulumi/proto/analyzer_pb");
const analyzerRpc = fromPolicy("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Empty } = fromPolicy("google-protobuf/google/protobuf/empty_pb");
const { Struct } = fromPolicy("google-protobuf/google/protobuf/struct_pb");

const LEVEL = ["advisory", "mandatory", "remediate", "disabled"];

function call<T>(client: any, method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](request, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));
}

function toAnalyzerResource(r: CapturedResource, Cls: any): any {
    const a = new Cls();
    a.setType(r.type);
    a.setName(r.name);
    a.setUrn(r.urn);
    a.setProperties(Struct.fromJavaScript(r.inputs));
    a.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return a;
}

describe("policies: the pack under the CLI's policy-pack runner", function () {
    this.timeout(120_000);
    let child: ChildProcess | undefined;
    let client: any;
    let bootError = "";

    before(async () => {
        child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], {
            cwd: PACK,
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.stderr!.on("data", (d) => (bootError += String(d)));
        const port = await new Promise<string | undefined>((resolve) => {
            let out = "";
            child!.stdout!.on("data", (d) => {
                out += String(d);
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(m[1]);
            });
            child!.on("exit", () => resolve(undefined));
        });
        if (port) client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        if (child && child.exitCode === null) child.kill();
    });

    it("starts and serves exactly the pack's policies", async () => {
        assert.ok(client, `the policy pack did not start:\n${bootError}`);
        const info: any = await call(client, "getAnalyzerInfo", new Empty());
        assert.strictEqual(info.getName(), "platform-guard");
        const served = info.getPoliciesList().map((p: any) => `${p.getName()}:${LEVEL[p.getEnforcementlevel()]}`);
        assert.deepStrictEqual(
            served,
            packPolicies.map((p) => `${p.name}:${p.enforcementLevel}`),
        );
    });

    it("reports what the offline evaluator reports (dev config, zero-cost resources)", async () => {
        assert.ok(client, `the policy pack did not start:\n${bootError}`);
        const packConfig = loadPackConfig("dev");
        const configure = new analyzerPb.ConfigureAnalyzerRequest();
        for (const [name, c] of reconcileConfig(packPolicies, packConfig)) {
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVEL.indexOf(c.enforcementLevel));
            pc.setProperties(Struct.fromJavaScript(c.properties as Record<string, any>));
            configure.getPolicyconfigMap().set(name, pc);
        }
        await call(client, "configure", configure);

        const resources = [
            res("aws:ec2/instance:Instance", "host", {
                instanceType: "m5.large",
                tags: tags("zero-cost"),
                metadataOptions: { httpTokens: "required" },
                rootBlockDevice: { volumeType: "gp3" },
            }),
            res("aws:ec2/natGateway:NatGateway", "nat", { tags: tags("zero-cost") }),
            res("aws:cloudwatch/logGroup:LogGroup", "logs", {}),
        ];
        const offline = evaluatePolicyList(packPolicies, resources, packConfig)
            .map((v) => `${v.policy}|${v.enforcementLevel}|${v.resource ?? ""}|${v.message}`)
            .sort();

        const real: string[] = [];
        const collect = (resp: any) => {
            for (const d of resp.getDiagnosticsList()) {
                // The server prefixes the policy description to the message.
                const message = String(d.getMessage()).split("\n").slice(1).join("\n");
                real.push(`${d.getPolicyname()}|${LEVEL[d.getEnforcementlevel()]}|${d.getUrn()}|${message}`);
            }
        };
        for (const r of resources) {
            const req = toAnalyzerResource(r, analyzerPb.AnalyzeRequest);
            collect(await call(client, "analyze", req));
            // resource diagnostics carry no urn in the response: fill it in for comparison.
            for (let i = 0; i < real.length; i++) real[i] = real[i].replace(/^([^|]*\|[^|]*\|)\|/, `$1${r.urn}|`);
        }
        const stack = new analyzerPb.AnalyzeStackRequest();
        stack.setResourcesList(resources.map((r) => toAnalyzerResource(r, analyzerPb.AnalyzerResource)));
        collect(await call(client, "analyzeStack", stack));

        assert.deepStrictEqual(real.sort(), offline);
        assert.ok(offline.some((v) => v.startsWith("nat-gateway-count|mandatory")));
        assert.ok(offline.some((v) => v.startsWith("monthly-budget|mandatory")));
    });
});
