// ESLint and Prettier are failing checks of npm test: the configuration refuses what it should, and
// .ci/test.sh runs both beside tsc and fails when one does.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ESLint } from "eslint";
import * as prettier from "prettier";

const ROOT = path.join(__dirname, "..", "..");

async function eslintMessages(relative: string, text: string): Promise<string[]> {
    const eslint = new ESLint({ cwd: ROOT });
    const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, relative) });
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

async function formatted(relative: string, text: string): Promise<boolean> {
    const file = path.join(ROOT, relative);
    const options = await prettier.resolveConfig(file);
    return prettier.check(text, { ...options, filepath: file });
}

describe("lint: ESLint and Prettier as failing checks", function () {
    this.timeout(60_000);

    it("ESLint refuses an unused import in a component, and accepts an _-prefixed unused argument", async () => {
        const bad = await eslintMessages("components/probe.ts", 'import * as fs from "fs";\nexport const x = 1;\n');
        assert.deepStrictEqual(bad, ["@typescript-eslint/no-unused-vars: 'fs' is defined but never used. Allowed unused vars must match /^_/u."]);
        assert.deepStrictEqual(await eslintMessages("components/probe.ts", "export const f = (_unused: number): number => 1;\n"), []);
    });

    it("ESLint refuses `any` in a component but allows it where inputs are untyped (harness, tests)", async () => {
        const text = "export const f = (x: any): unknown => x;\n";
        assert.deepStrictEqual(await eslintMessages("components/probe.ts", text), [
            "@typescript-eslint/no-explicit-any: Unexpected any. Specify a different type.",
        ]);
        assert.deepStrictEqual(await eslintMessages("harness/probe.ts", text), []);
        assert.deepStrictEqual(await eslintMessages("tests/probe.test.ts", text), []);
    });

    it("ESLint reads the Lambdas' plain JavaScript as CommonJS (require is fine there)", async () => {
        assert.deepStrictEqual(await eslintMessages("lambda/rotation/probe.js", 'const { X } = require("x");\nmodule.exports = { X };\n'), []);
    });

    it("Prettier refuses code not in its style (4 spaces, double quotes) and accepts it formatted", async () => {
        assert.strictEqual(await formatted("components/probe.ts", "export const x = {a: 'b'};\n"), false);
        assert.strictEqual(await formatted("components/probe.ts", 'export const x = { a: "b" };\n'), true);
        assert.strictEqual(await formatted("components/probe.ts", "export function f() {\n  return 1;\n}\n"), false, "2-space indent");
    });

    it("npm test runs tsc, ESLint and Prettier --check and fails when any of them fails", () => {
        const script = fs.readFileSync(path.join(ROOT, ".ci", "test.sh"), "utf8");
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.strictEqual(pkg.scripts.test, "bash .ci/test.sh");
        for (const check of ["npx tsc --noEmit", "npx eslint", "npx prettier --check"]) assert.ok(script.includes(check), `.ci/test.sh runs ${check}`);
        assert.match(script, /\[ "\$mocha_status" -eq 0 \] && \[ "\$checks_status" -eq 0 \]\s*$/, "the script's status is mocha's and the checks' together");
    });
});
