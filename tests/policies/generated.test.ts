// policies/generated/ is the pack's copy of what it shares with the program (tier table, size facts,
// cost estimator and catalogue). It must be what tools/generate-pack-tables.ts writes from the
// current sources, so a change to config/tiers.ts or cost/ fails here until it is regenerated.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GENERATED_DIR, importClosure, PACK_TABLE_ENTRIES, packTableFiles, ROOT, staleFiles, writePackTables } from "../../tools/generate-pack-tables";

/** A scratch repository holding only the mirrored sources and their current mirror. */
function scratchRepo(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pack-tables-"));
    for (const rel of [
        ...importClosure(ROOT, PACK_TABLE_ENTRIES),
        ...fs.readdirSync(path.join(ROOT, GENERATED_DIR), { recursive: true, withFileTypes: false }).map((f) => path.join(GENERATED_DIR, String(f))),
    ]) {
        const from = path.join(ROOT, rel);
        if (fs.statSync(from).isDirectory()) continue;
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.copyFileSync(from, path.join(dir, rel));
    }
    return dir;
}

describe("policies/generated: the pack's copy of the shared tables", () => {
    it("matches what `npx tsx tools/generate-pack-tables.ts` writes from the current sources", () => {
        assert.deepStrictEqual(staleFiles(), [], "run npx tsx tools/generate-pack-tables.ts");
    });

    it("holds the tier table, the size facts and the estimator's whole import closure, and says where each came from", () => {
        const files = packTableFiles();
        for (const rel of ["config/tiers.ts", "config/allowed-sizes.ts", "cost/estimate/index.ts", "cost/price-catalogue.json"]) assert.ok(files.has(rel), rel);
        const manifest = JSON.parse(files.get("MANIFEST.json")!);
        assert.deepStrictEqual(
            manifest.files,
            [...files.keys()].filter((f) => f !== "MANIFEST.json"),
        );
        assert.match(files.get("config/tiers.ts")!, /^\/\/ GENERATED from config\/tiers\.ts by tools\/generate-pack-tables\.ts: do not edit/);
    });

    describe("in a scratch copy of the sources", () => {
        let dir: string;
        beforeEach(() => (dir = scratchRepo()));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("a changed tier table makes the mirror stale until it is regenerated", () => {
            assert.deepStrictEqual(staleFiles(dir), []);
            const tiers = path.join(dir, "config", "tiers.ts");
            fs.writeFileSync(
                tiers,
                fs.readFileSync(tiers, "utf8").replace(/budgetUsd: (\d+),/, (_m, n) => `budgetUsd: ${Number(n) + 1},`),
            );
            assert.deepStrictEqual(staleFiles(dir), ["differs config/tiers.ts"]);
            writePackTables(dir);
            assert.deepStrictEqual(staleFiles(dir), []);
        });

        it("a file the estimator stops importing is removed from the mirror; a new import is added", () => {
            fs.writeFileSync(path.join(dir, GENERATED_DIR, "cost", "old.ts"), "export {};\n");
            assert.deepStrictEqual(staleFiles(dir), ["extra cost/old.ts"]);
            fs.writeFileSync(path.join(dir, "cost", "extra.ts"), "export const X = 1;\n");
            fs.appendFileSync(path.join(dir, "cost", "format.ts"), 'export { X } from "./extra";\n');
            assert.deepStrictEqual(
                staleFiles(dir).sort(),
                ["differs cost/format.ts", "differs MANIFEST.json", "extra cost/old.ts", "missing cost/extra.ts"].sort(),
            );
            writePackTables(dir);
            assert.ok(fs.existsSync(path.join(dir, GENERATED_DIR, "cost", "extra.ts")));
            assert.ok(!fs.existsSync(path.join(dir, GENERATED_DIR, "cost", "old.ts")));
        });

        it("refuses a shared file that imports a package the pack does not carry", () => {
            fs.appendFileSync(path.join(dir, "config", "allowed-sizes.ts"), 'import * as pulumi from "@pulumi/pulumi";\nexport const p = pulumi;\n');
            assert.throws(
                () => packTableFiles(dir),
                /config\/allowed-sizes\.ts imports "@pulumi\/pulumi": the policy pack mirrors only files with relative imports/,
            );
        });
    });
});
