// The README's configuration table documents every key the validator accepts, so a new setting
// cannot ship undocumented.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SECRET_KEYS, SERVICE_TEMPLATE, TIER_DEFAULTS } from "../config/defaults";
import { applyBlocks, renderBlocks } from "../tools/readme-blocks";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const configSection = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Dependencies"));

describe("README", () => {
    it("starts with the offline plan command and the test command", () => {
        const firstBlock = readme.slice(readme.indexOf("```bash"), readme.indexOf("```", readme.indexOf("```bash") + 7));
        assert.match(firstBlock, /npm ci && npm run plan -- --stack production/);
        assert.match(firstBlock, /npm ci && npm test/);
    });

    it("documents every config key of every tier and every service setting", () => {
        const keys = new Set<string>(SECRET_KEYS);
        for (const defaults of Object.values(TIER_DEFAULTS)) {
            for (const [section, value] of Object.entries(defaults)) {
                keys.add(section);
                if (section !== "services" && value && typeof value === "object") Object.keys(value).forEach((k) => keys.add(k));
            }
        }
        Object.keys(SERVICE_TEMPLATE).forEach((k) => keys.add(k));
        Object.keys(SERVICE_TEMPLATE.scaling).forEach((k) => keys.add(k));
        keys.add("subnets");
        const missing = [...keys].filter((k) => !configSection.includes(`\`${k}\``));
        assert.deepStrictEqual(missing, [], `undocumented keys: ${missing.join(", ")}`);
    });
});

describe("README generated blocks", () => {
    it("the outputs contract, control table and cost figures are current (npx tsx tools/readme-blocks.ts)", async () => {
        
        assert.strictEqual(readme, applyBlocks(readme, await renderBlocks()), "README.md blocks are stale: run npx tsx tools/readme-blocks.ts");
    });
});
