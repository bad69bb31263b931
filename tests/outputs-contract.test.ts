// The program exports exactly the documented output contract for each tier, with the right
// outputs secret, and the recorded fixtures the outputs tool is tested on are what it exports.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { outputNamesForTier, secretOutputNames } from "../tools/outputs-lib";
import { stackRun } from "./helpers/stacks";

const TIERS: Record<string, "zero-cost" | "staging" | "production"> = { dev: "zero-cost", staging: "staging", production: "production" };

describe("stack outputs contract", () => {
    for (const [stack, tier] of Object.entries(TIERS)) {
        it(`${stack}: exports exactly the contract's outputs for tier ${tier}, secrets marked secret`, async () => {
            const capture = await stackRun(stack);
            assert.deepStrictEqual(Object.keys(capture.outputs).sort(), [...outputNamesForTier(tier)].sort());
            const expectedSecret = secretOutputNames().filter((name) => outputNamesForTier(tier).includes(name));
            assert.deepStrictEqual([...capture.secretOutputs].sort(), expectedSecret.sort());
            for (const [name, value] of Object.entries(capture.outputs)) assert.notStrictEqual(value, undefined, name);
        });
    }

    it("the recorded fixtures hold the outputs the program exports (npx tsx tools/record-outputs.ts)", async () => {
        for (const [file, stack] of [
            ["staging.json", "staging"],
            ["zero-cost.json", "dev"],
        ]) {
            const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "outputs", file), "utf8"));
            const capture = await stackRun(stack);
            const expected = Object.fromEntries(Object.entries(capture.outputs).map(([k, v]) => [k, capture.secretOutputs.includes(k) ? "[secret]" : v]));
            assert.deepStrictEqual(recorded, JSON.parse(JSON.stringify(expected)), file);
        }
    });
});
