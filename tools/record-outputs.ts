// Regenerates tests/fixtures/outputs/*.json from mocked runs of the real program, as
// `pulumi stack output --json [--show-secrets]` would print them, so the outputs tool is tested on
// exactly what the program exports. Run after changing the outputs: `npx tsx tools/record-outputs.ts`.
import * as fs from "fs";
import * as path from "path";
import { runStack } from "../harness/run";
import { StackCapture } from "../harness/types";

const FIXTURES = path.join(__dirname, "..", "tests", "fixtures", "outputs");
/** A token with shell-significant punctuation, to exercise .env escaping. */
const SHOWN_TOKEN = "Vk3y$HOME!pa55&w0rd#tok3n-with-16+chars";
/**
 * The contract exports no secret (credentials are read from the secrets by ARN, never outputs), but
 * a team may export one of its own: these fixtures add one to test the tool's secret handling.
 */
const EXTRA_SECRET = "extraSecret";

function sorted(values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.keys(values)
            .sort()
            .map((k) => [k, values[k]]),
    );
}

function asCli(capture: StackCapture, showSecrets: boolean, secrets: string[] = capture.secretOutputs): Record<string, unknown> {
    const values: Record<string, unknown> = { ...capture.outputs };
    for (const name of secrets) values[name] = showSecrets ? SHOWN_TOKEN : "[secret]";
    return sorted(values);
}

async function main(): Promise<void> {
    const write = (file: string, values: Record<string, unknown>) => fs.writeFileSync(path.join(FIXTURES, file), `${JSON.stringify(values, null, 2)}\n`);
    const staging = await runStack("staging", { imageTag: "release-1" });
    if (staging.secretOutputs.length > 0) throw new Error(`secret outputs ${staging.secretOutputs.join(", ")}: the contract has none`);
    write("staging.json", asCli(staging, false));
    write("staging.with-secret.json", asCli(staging, false, [EXTRA_SECRET]));
    write("staging.with-secret.show-secrets.json", asCli(staging, true, [EXTRA_SECRET]));
    write("zero-cost.json", asCli(await runStack("dev", { imageTag: "release-1" }), false));
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
