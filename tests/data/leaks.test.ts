// Secrets stay secret: generated values (mocked as `MOCK-SECRET-...`) appear only in inputs and
// outputs marked secret, never in plain inputs, plain outputs or log lines; and `ignoreChanges`
// keeps Pulumi from undoing a rotation.
import * as assert from "assert";
import { StackCapture } from "../../harness/types";
import { runWith } from "../helpers/stacks";
import { find } from "../../harness/run";
import { captureLogs, findStrings, leaksInInputs, mocked, T } from "./helpers";

for (const stack of ["staging", "production"]) {
    describe(`data: no secret in plain text (${stack})`, () => {
        let capture: StackCapture;
        let lines: string[];
        before(async () => {
            ({ result: capture, lines } = await captureLogs(() => runWith(stack, {})));
        });

        it("generated passwords exist (the scan has something to find)", () => {
            const passwords = capture.resources.filter((r) => r.type === T.password).map((r) => r.name).sort();
            assert.deepStrictEqual(passwords, ["app-secret-jwt", "cache-auth-token"]);
        });

        it("appear in no resource input that is not marked secret", () => {
            assert.deepStrictEqual(leaksInInputs(capture), []);
            // ...and do appear where they belong, marked secret.
            const secretHolders = capture.resources.filter((r) => findStrings(r.inputs, "MOCK-SECRET-", []).length > 0).map((r) => `${r.name}:${r.secretInputs}`).sort();
            assert.deepStrictEqual(secretHolders, ["app-secret-version:secretString", "cache-group:authToken"]);
        });

        it("cacheAuthToken is a secret output; no other output is secret or holds a secret", () => {
            assert.deepStrictEqual(capture.secretOutputs, ["cacheAuthToken"]);
            assert.strictEqual(capture.outputs.cacheAuthToken, mocked(T.password, "cache-auth-token", "result"));
            const plain = Object.fromEntries(Object.entries(capture.outputs).filter(([name]) => !capture.secretOutputs.includes(name)));
            assert.deepStrictEqual(findStrings(plain, "MOCK-SECRET-", []), []);
            for (const name of ["databaseEndpoint", "databasePort", "databaseName", "databaseSecretArn", "cacheEndpoint", "cachePort", "cacheMode", "appSecretArn"]) {
                assert.ok(capture.outputs[name] !== undefined && !capture.secretOutputs.includes(name), `${name} is a plain output`);
            }
        });

        it("appear in no log line of the run", () => {
            assert.deepStrictEqual(lines.filter((l) => l.includes("MOCK-SECRET-")), []);
        });

        it("ignoreChanges keeps a rotation from being reverted by the next `pulumi up`", () => {
            assert.deepStrictEqual(find(capture, T.cache, "cache-group").ignoreChanges, ["authToken"]);
            assert.deepStrictEqual(find(capture, T.secretVersion, "app-secret-version").ignoreChanges, ["secretString"]);
        });

        it("the rotation starts only after the Lambda permission and the first secret version exist", () => {
            const dependsOn = find(capture, T.rotation, "app-secret-rotation").dependsOn ?? [];
            assert.deepStrictEqual([...dependsOn].sort(), [`${T.permission}::app-secret-rotation`, `${T.secretVersion}::app-secret-version`]);
        });
    });
}
