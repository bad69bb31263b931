// The README's configuration table documents every key the validator accepts, so a new setting
// cannot ship undocumented.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SETTINGS, SettingNode } from "../config/settings";
import { applyBlocks, renderBlocks } from "../tools/readme-blocks";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
const configSection = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Dependencies"));

describe("README", () => {
    it("starts with the offline plan command and the test command", () => {
        const firstBlock = readme.slice(readme.indexOf("```bash"), readme.indexOf("```", readme.indexOf("```bash") + 7));
        assert.match(firstBlock, /npm ci && npm run plan -- --stack production/);
        assert.match(firstBlock, /npm ci && npm test/);
    });

    it("documents every key the validator accepts (the generated reference renders each declaration)", () => {
        const keys: string[] = [];
        const walk = (node: SettingNode, path: string) => {
            if (node.node === "leaf") keys.push(path);
            else if (node.node === "services") walk(node.template, `${path}.<name>`);
            else for (const [key, child] of Object.entries(node.children)) walk(child, path === "" ? key : `${path}.${key}`);
        };
        walk(SETTINGS, "");
        assert.ok(keys.length > 100, `only ${keys.length} keys found`);
        const missing = keys.filter((k) => k !== "tier" && !configSection.includes(`| \`${k}\` |`));
        assert.deepStrictEqual(missing, [], `undocumented keys: ${missing.join(", ")}`);
    });
});

describe("README generated blocks", () => {
    it("the outputs contract, control table and cost figures are current (npx tsx tools/readme-blocks.ts)", async () => {
        assert.strictEqual(readme, applyBlocks(readme, await renderBlocks()), "README.md blocks are stale: run npx tsx tools/readme-blocks.ts");
    });
});
