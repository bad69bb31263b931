// policies/ is a PolicyPack `pulumi policy publish` can ship: the CLI packs the folder with `npm pack`
// and, where the pack is enforced, unpacks it and runs `npm install` in it before starting it
// (pulumi/pulumi pkg/backend/httpstate/policypack.go: Publish -> npm.Pack, installRequiredPolicy ->
// completeNodeJSInstall). So the folder must carry every file it runs, import nothing from outside
// itself, and install, type-check and boot from its own package.json and lock.
import * as assert from "assert";
import { builtinModules } from "module";
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { TIERS } from "../../config/tiers";
import { listFiles } from "../../tools/generate-pack-tables";

const PACK = path.resolve(__dirname, "../../policies");

/** The pack's own files (what a copy of the folder holds), relative, without node_modules. */
function packFiles(dir: string = PACK): string[] {
    return listFiles(dir).filter((f) => !f.startsWith("node_modules/"));
}

/** Imports of the pack's .ts files that a copy of the folder alone could not resolve. */
export function importProblems(dir: string, files: string[], dependencies: readonly string[]): string[] {
    const problems: string[] = [];
    for (const rel of files.filter((f) => f.endsWith(".ts"))) {
        const info = ts.preProcessFile(fs.readFileSync(path.join(dir, rel), "utf8"), true, true);
        for (const { fileName: spec } of info.importedFiles) {
            if (spec.startsWith(".")) {
                const target = path.resolve(dir, path.dirname(rel), spec);
                const inside = target === dir || target.startsWith(dir + path.sep);
                const exists = [target, `${target}.ts`, path.join(target, "index.ts")].some((c) => fs.existsSync(c) && fs.statSync(c).isFile());
                if (!inside || !exists) problems.push(`${rel}: "${spec}" ${inside ? "resolves to no file" : "is outside the pack folder"}`);
            } else {
                const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                const builtin = builtinModules.includes(pkg.replace(/^node:/, ""));
                if (!builtin && !dependencies.includes(pkg)) problems.push(`${rel}: "${spec}" is not a dependency in policies/package.json`);
            }
        }
    }
    return problems;
}

/** Lines of the pack's own sources that name a tier (tier names live in the tier table only). */
export function tierNameProblems(dir: string, files: string[], tiers: readonly string[]): string[] {
    const problems: string[] = [];
    for (const rel of files) {
        // The generated mirror is the tier table itself; per-stack config files name their stack.
        if (rel.startsWith("generated/") || /^config\/[^/]+\.json$/.test(rel) || rel === "package-lock.json") continue;
        fs.readFileSync(path.join(dir, rel), "utf8")
            .split("\n")
            .forEach((line, i) => {
                for (const tier of tiers) {
                    if (new RegExp(`(^|[^A-Za-z0-9])${tier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^A-Za-z0-9]|$)`, "i").test(line))
                        problems.push(`${rel}:${i + 1}: ${tier}`);
                }
            });
    }
    return problems;
}

function packageJson(dir: string = PACK): { dependencies: Record<string, string>; devDependencies?: Record<string, string>; version: string } {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
}

describe("policies: a self-contained pack folder", () => {
    it("imports nothing from outside policies/, and only packages its package.json declares", () => {
        const deps = Object.keys(packageJson().dependencies);
        assert.deepStrictEqual(importProblems(PACK, packFiles(), deps), []);
    });

    it("the import check refuses a rule that reaches into config/ or an undeclared package", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-imports-"));
        try {
            fs.mkdirSync(path.join(dir, "rules"));
            fs.writeFileSync(
                path.join(dir, "rules", "bad.ts"),
                'import { TIERS } from "../../config/tiers";\nimport * as aws from "@pulumi/aws";\nimport * as fs from "fs";\n',
            );
            assert.deepStrictEqual(importProblems(dir, ["rules/bad.ts"], ["@pulumi/policy"]), [
                'rules/bad.ts: "../../config/tiers" is outside the pack folder',
                'rules/bad.ts: "@pulumi/aws" is not a dependency in policies/package.json',
            ]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names no tier outside the generated tier table and the per-stack config files", () => {
        assert.deepStrictEqual(tierNameProblems(PACK, packFiles(), TIERS), []);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-tiers-"));
        try {
            const [first, last] = [TIERS[0], TIERS[TIERS.length - 1]];
            fs.writeFileSync(path.join(dir, "rule.ts"), `const strict = tier === "${last}";\n// the ${first}-never-free policy\nconst x${last}y = 1;\n`);
            assert.deepStrictEqual(tierNameProblems(dir, ["rule.ts"], TIERS), [`rule.ts:1: ${last}`, `rule.ts:2: ${first}`]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("pins exact versions (typescript and @types/node too: the pack is compiled when it starts), and its lock matches", () => {
        const pkg = packageJson();
        assert.strictEqual(pkg.devDependencies, undefined, "everything the pack needs at start-up is a dependency");
        for (const [name, version] of Object.entries(pkg.dependencies)) assert.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version}`);
        // Same set as TOOLCHAIN.md's known-good list: @pulumi/pulumi 3.248.0 is the last for Node 20; typescript 5 (7 loops npm).
        assert.deepStrictEqual(pkg.dependencies, { "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.248.0", "@types/node": "20.19.9", typescript: "5.9.3" });
        const lock = JSON.parse(fs.readFileSync(path.join(PACK, "package-lock.json"), "utf8"));
        assert.deepStrictEqual(lock.packages[""].dependencies, pkg.dependencies);
        assert.strictEqual(lock.packages[""].version, pkg.version);
        for (const [name, version] of Object.entries(packageJson().dependencies))
            assert.strictEqual(lock.packages[`node_modules/${name}`].version, version, name);
    });

    it("npm pack (what `pulumi policy publish` uploads) carries every file the pack runs, and no node_modules", () => {
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: PACK,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        });
        const shipped = new Set<string>(JSON.parse(out)[0].files.map((f: { path: string }) => f.path));
        const needed = packFiles().filter((f) => f !== "package-lock.json"); // npm never packs the lock file
        assert.deepStrictEqual(
            needed.filter((f) => !shipped.has(f)),
            [],
        );
        assert.deepStrictEqual(
            [...shipped].filter((f) => f.startsWith("node_modules/")),
            [],
        );
        for (const f of ["PulumiPolicy.yaml", "package.json", "tsconfig.json", "index.ts", "generated/config/tiers.ts", "generated/cost/price-catalogue.json"])
            assert.ok(shipped.has(f), f);
    });
});

/** npm ci in `dir`: from the local cache first, else from the registry; undefined when the registry is unreachable. */
function npmCi(dir: string): { ok: true } | { ok: false; offline: boolean; output: string } {
    const run = (args: string[]) => spawnSync("npm", ["ci", "--no-audit", "--no-fund", ...args], { cwd: dir, encoding: "utf8", timeout: 300_000 });
    if (run(["--offline"]).status === 0) return { ok: true };
    const online = run([]);
    if (online.status === 0) return { ok: true };
    const output = `${online.stdout}\n${online.stderr}`;
    return { ok: false, offline: /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network/i.test(output), output };
}

describe("policies: a copy of the folder alone installs, type-checks and starts", function () {
    this.timeout(360_000);
    let dir: string;
    let child: ChildProcess | undefined;

    before(function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
        for (const rel of packFiles()) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.copyFileSync(path.join(PACK, rel), path.join(dir, rel));
        }
        const ci = npmCi(dir);
        if (!ci.ok) {
            if (ci.offline && !process.env.CI) {
                console.log(`      skipped: the npm registry is unreachable and the cache lacks the pack's lock (set CI=1 to fail instead)`);
                this.skip();
            }
            assert.fail(`npm ci in a copy of policies/ failed:\n${ci.output}`);
        }
    });

    after(() => {
        if (child && child.exitCode === null) child.kill();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("npx tsc --noEmit passes in the copy", () => {
        execFileSync(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "--noEmit"], { cwd: dir, encoding: "utf8" });
    });

    it("starts under its own @pulumi/pulumi's policy-pack runner (as the CLI runs an installed pack)", async () => {
        child = spawn(process.execPath, [path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack"), "127.0.0.1:1", "."], {
            cwd: dir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (d) => (stderr += String(d)));
        const port = await new Promise<string | undefined>((resolve) => {
            let out = "";
            child!.stdout!.on("data", (d) => {
                out += String(d);
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) resolve(m[1]);
            });
            child!.on("exit", () => resolve(undefined));
        });
        assert.ok(port, `the copied pack did not start:\n${stderr}`);
    });
});
