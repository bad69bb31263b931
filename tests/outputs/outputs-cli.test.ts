// End to end: the real CLI file, spawned with tsx, reading recorded outputs via --from.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../tools/outputs";
import { parseEnv } from "../../tools/outputs-lib";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures", "outputs");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function runCli(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(TSX, ["tools/outputs.ts", ...args], { cwd: ROOT, encoding: "utf8" }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
        });
    });
}

async function runMain(args: string[]): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
}

describe("outputs CLI (spawned with tsx)", function () {
    this.timeout(60000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "outputs-cli-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints a .env without secrets to stdout", async () => {
        const run = await runCli(["--stack", "staging", "--from", path.join(FIXTURES, "staging.with-secret.json"), "--format", "env"]);
        assert.equal(run.code, 0, run.stderr);
        const vars = parseEnv(run.stdout);
        assert.equal(vars.CLUSTER_NAME, "platform-staging");
        assert.equal(vars.EXTRA_SECRET, undefined);
        assert.ok(!run.stdout.includes("[secret]"));
        assert.match(run.stderr, /left out secret outputs extraSecret/);
    });

    it("writes a 0600 file with the secret when --show-secrets is given", async () => {
        const out = path.join(dir, "staging.env");
        const run = await runCli([
            "--stack",
            "staging",
            "--from",
            path.join(FIXTURES, "staging.with-secret.show-secrets.json"),
            "--show-secrets",
            "--out",
            out,
        ]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, "");
        assert.equal(fs.statSync(out).mode & 0o777, 0o600);
        assert.equal(parseEnv(fs.readFileSync(out, "utf8")).EXTRA_SECRET, "Vk3y$HOME!pa55&w0rd#tok3n-with-16+chars");
    });

    it("exits 2 with the usage text on an unknown format", async () => {
        const run = await runCli(["--stack", "dev", "--format", "yaml"]);
        assert.equal(run.code, 2);
        assert.match(run.stderr, /unknown format "yaml": use one of env, json/);
        assert.match(run.stderr, /Usage: npm run outputs/);
        assert.equal(run.stdout, "");
    });
});

describe("outputs CLI (main())", () => {
    it("prints JSON for the zero-cost stack", async () => {
        const run = await runMain(["--from", path.join(FIXTURES, "zero-cost.json"), "--format", "json", "--strict"]);
        assert.equal(run.code, 0, run.stderr);
        const parsed = JSON.parse(run.stdout);
        assert.equal(parsed.publicIp, "203.0.113.10");
        assert.deepEqual(Object.keys(parsed.ssmParameterNames).sort(), ["appSecret", "databasePassword", "redisPassword"].sort());
        assert.equal(run.stderr, "");
    });

    it("exits 1 and writes nothing when secrets were asked for but the file holds [secret]", async () => {
        const run = await runMain(["--from", path.join(FIXTURES, "staging.with-secret.json"), "--show-secrets"]);
        assert.equal(run.code, 1);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, /refusing to write the placeholder/);
    });

    it("exits 1 naming the file when it does not exist", async () => {
        const run = await runMain(["--from", path.join(FIXTURES, "missing.json")]);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /missing\.json/);
    });

    it("prints the usage with --help", async () => {
        const run = await runMain(["--help"]);
        assert.equal(run.code, 0);
        assert.match(run.stdout, /--show-secrets/);
    });
});
