// Regenerates tests/fixtures/outputs/*.json from mocked runs of the real program, as
// `pulumi stack output --json [--show-secrets]` would print them, so the outputs tool is tested on
// exactly what the program exports. Run after changing the outputs: `npx tsx tools/record-outputs.ts`.
import * as fs from "fs";
import * as path from "path";
import { runStack } from "../harness/run";
import { StackCapture } from "../harness/types";

const FIXTURES = path.join(__dirname, "..", "tests", "fixtures", "outputs");
/** An AUTH token with the punctuation ElastiCache allows, to exercise .env escaping. */
const SHOWN_TOKEN = "Vk3y$HOME!pa55&w0rd#tok3n-with-16+chars";

function sorted(values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.keys(values).sort().map((k) => [k, values[k]]));
}

function asCli(capture: StackCapture, showSecrets: boolean): Record<string, unknown> {
    const values = { ...capture.outputs };
    for (const name of capture.secretOutputs) values[name] = showSecrets ? SHOWN_TOKEN : "[secret]";
    return sorted(values);
}

async function main(): Promise<void> {
    const write = (file: string, values: Record<string, unknown>) =>
        fs.writeFileSync(path.join(FIXTURES, file), `${JSON.stringify(values, null, 2)}\n`);
    const staging = await runStack("staging");
    write("staging.json", asCli(staging, false));
    write("staging.show-secrets.json", asCli(staging, true));
    write("zero-cost.json", asCli(await runStack("dev"), false));
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
