// Validates .github/workflows with a real validator: action-validator (the SchemaStore GitHub
// workflow schema, plus `needs` resolution), installed by .ci/setup-workflow-tools.sh.
// Missing tool: fails when CI is set, skips with a message otherwise.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const TOOL = "action-validator";

function onPath(command: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, command);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // not in this directory
        }
    }
    return undefined;
}

function validate(file: string): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
        // NO_COLOR/FORCE_COLOR=0 keep chalk's escapes out of the messages.
        execFile(TOOL, [file], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, output: `${stdout}${stderr}` });
        });
    });
}

describe(`workflows: ${TOOL}`, function () {
    this.timeout(60000);

    before(function () {
        if (onPath(TOOL)) return;
        const message = `${TOOL} is not installed: run .ci/setup-workflow-tools.sh`;
        if (process.env.CI) throw new Error(message);
        console.log(`      skipped: ${message}`);
        this.skip();
    });

    for (const file of fs
        .readdirSync(WORKFLOWS)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()) {
        it(`accepts ${file}`, async () => {
            const result = await validate(path.join(".github", "workflows", file));
            assert.equal(result.code, 0, result.output);
        });
    }

    it("rejects a broken workflow (the validator is really checking)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-"));
        try {
            const broken = path.join(dir, "broken.yml");
            fs.writeFileSync(
                broken,
                "name: broken\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: echo hi\n  b:\n    needs: missing\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
            );
            const result = await validate(broken);
            assert.notEqual(result.code, 0);
            assert.match(result.output, /stepz/);
            assert.match(result.output, /unresolved job missing/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
