// Secrets stay secret: generated values (mocked as `MOCK-SECRET-...`) appear only in inputs and
// outputs marked secret, never in plain inputs, plain outputs or log lines; and `ignoreChanges`
// keeps Pulumi from undoing a rotation.
import * as assert from "assert";
import { StackCapture } from "../../harness/types";
import { runWith } from "../helpers/stacks";
import { find } from "../../harness/run";
import { captureLogs, findStrings, leaksInInputs, T } from "./helpers";

for (const stack of ["staging", "production"]) {
    describe(`data: no secret in plain text (${stack})`, () => {
        let capture: StackCapture;
        let lines: string[];
        before(async () => {
            ({ result: capture, lines } = await captureLogs(() => runWith(stack, {})));
        });

        it("generated passwords exist (the scan has something to find)", () => {
            const passwords = capture.resources
                .filter((r) => r.type === T.password)
                .map((r) => r.name)
                .sort();
            assert.deepStrictEqual(passwords, [
                "alb-edge-secret",
                "app-secret-jwt",
                "app-secret-jwt-next",
                "cache-auth-token",
                "database-app-user-initial-password",
            ]);
        });

        it("appear in no resource input that is not marked secret", () => {
            assert.deepStrictEqual(leaksInInputs(capture), []);
            // ...and do appear where they belong, marked secret.
            const secretHolders = capture.resources
                .filter((r) => findStrings(r.inputs, "MOCK-SECRET-", []).length > 0)
                .map((r) => `${r.name}:${r.secretInputs}`)
                .sort();
            // The edge's origin header: in the listener rules' conditions and the distribution's origins, secret.
            assert.deepStrictEqual(secretHolders, [
                "alb-devices-path-1:conditions",
                "alb-edge-default:conditions",
                "app-secret-version:secretString",
                "cache-group:authToken",
                "database-app-user-version:secretString",
                "edge-distribution:origins",
            ]);
        });

        it("D: no output is secret or holds a secret (no cacheAuthToken output keeping the first token in state)", () => {
            assert.deepStrictEqual(capture.secretOutputs, []);
            assert.ok(!("cacheAuthToken" in capture.outputs), `outputs: ${Object.keys(capture.outputs)}`);
            assert.deepStrictEqual(findStrings(capture.outputs, "MOCK-SECRET-", []), []);
            for (const name of [
                "databaseEndpoint",
                "databasePort",
                "databaseName",
                "databaseSecretArn",
                "databaseMasterSecretArn",
                "cacheEndpoint",
                "cachePort",
                "cacheMode",
                "appSecretArn",
            ]) {
                assert.ok(capture.outputs[name] !== undefined, `${name} is an output (plain: none is secret)`);
            }
        });

        it("appear in no log line of the run", () => {
            assert.deepStrictEqual(
                lines.filter((l) => l.includes("MOCK-SECRET-")),
                [],
            );
        });

        it("C6: ignoreChanges keeps a rotation from being reverted by the next `pulumi up`, the AUTH strategy included", () => {
            assert.deepStrictEqual(find(capture, T.cache, "cache-group").ignoreChanges, ["authToken", "authTokenUpdateStrategy"]);
            assert.deepStrictEqual(find(capture, T.secretVersion, "app-secret-version").ignoreChanges, ["secretString"]);
            assert.deepStrictEqual(find(capture, T.secretVersion, "database-app-user-version").ignoreChanges, ["secretString"]);
        });

        it("the rotation starts only after the Lambda permission and the first secret version exist", () => {
            const dependsOn = find(capture, T.rotation, "app-secret-rotation").dependsOn ?? [];
            assert.deepStrictEqual([...dependsOn].sort(), [`${T.permission}::app-secret-rotation`, `${T.secretVersion}::app-secret-version`]);
        });
    });
}
