// Writes policies/generated/: a verbatim mirror of the code the PolicyPack shares with the program
// (the tier table, the instance size facts and the cost estimator with its price catalogue), so the
// pack folder is self-contained for `pulumi policy publish` while config/ and cost/ stay the one
// home of those facts. The mirror keeps each file's path relative to the repository root, so the
// files' own relative imports resolve inside policies/generated/ unchanged.
//
//   npx tsx tools/generate-pack-tables.ts            # rewrite policies/generated/
//   npx tsx tools/generate-pack-tables.ts --check    # exit 1 when it is stale
//
// tests/policies/generated.test.ts fails when the mirror differs from what this would write now.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export const ROOT = path.resolve(__dirname, "..");

/** Where the mirror lives, relative to the repository root. */
export const GENERATED_DIR = path.join("policies", "generated");

/**
 * What the pack reads from the program's code; the generator copies these and everything they
 * import (relative imports only: a bare import would need a dependency the pack does not have).
 */
export const PACK_TABLE_ENTRIES: readonly string[] = ["config/tiers.ts", "config/allowed-sizes.ts", "cost/estimate/index.ts"];

function header(source: string): string {
    return `// GENERATED from ${source} by tools/generate-pack-tables.ts: do not edit (run \`npx tsx tools/generate-pack-tables.ts\`).\n`;
}

/** Relative paths (POSIX) of the files `entries` import, transitively, entries included. */
export function importClosure(root: string, entries: readonly string[]): string[] {
    const seen = new Set<string>();
    const visit = (rel: string, from: string) => {
        const file = path.join(root, rel);
        if (!fs.existsSync(file)) throw new Error(`${rel} (imported by ${from}) does not exist`);
        if (seen.has(rel)) return;
        seen.add(rel);
        if (!rel.endsWith(".ts")) return;
        const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
        for (const { fileName: spec } of info.importedFiles) {
            if (!spec.startsWith(".")) {
                throw new Error(
                    `${rel} imports "${spec}": the policy pack mirrors only files with relative imports ` +
                        `(policies/package.json does not carry the program's dependencies)`,
                );
            }
            const base = path.posix.join(path.posix.dirname(rel), spec);
            const target = [base, `${base}.ts`, `${base}/index.ts`].find((c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile());
            if (target === undefined) throw new Error(`${rel} imports "${spec}", which resolves to no file`);
            if (target.startsWith("..") || target.startsWith(`${GENERATED_DIR.split(path.sep).join("/")}/`)) {
                throw new Error(`${rel} imports "${spec}" outside the mirrored sources`);
            }
            visit(target, rel);
        }
    };
    for (const entry of entries) visit(entry, "the entry list");
    return [...seen].sort();
}

/** Every file of policies/generated/ (path relative to it) with the content the generator writes. */
export function packTableFiles(root: string = ROOT, entries: readonly string[] = PACK_TABLE_ENTRIES): Map<string, string> {
    const files = new Map<string, string>();
    for (const rel of importClosure(root, entries)) {
        const text = fs.readFileSync(path.join(root, rel), "utf8");
        // JSON cannot carry a comment: the manifest says where it came from.
        files.set(rel, rel.endsWith(".ts") ? header(rel) + text : text);
    }
    const manifest = {
        generatedBy: "tools/generate-pack-tables.ts",
        note: "Verbatim copies of these repository files (plus a header line in .ts files); edit the originals and regenerate.",
        entries: [...entries],
        files: [...files.keys()],
    };
    files.set("MANIFEST.json", `${JSON.stringify(manifest, null, 2)}\n`);
    return files;
}

/** Files under `dir`, relative to it (POSIX separators). */
export function listFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    const out: string[] = [];
    const walk = (sub: string) => {
        for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
            const rel = sub ? `${sub}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(rel);
            else out.push(rel);
        }
    };
    walk("");
    return out.sort();
}

/** Differences between policies/generated/ on disk and what the generator would write. */
export function staleFiles(root: string = ROOT): string[] {
    const dir = path.join(root, GENERATED_DIR);
    const want = packTableFiles(root);
    const have = listFiles(dir);
    const problems: string[] = [];
    for (const [rel, text] of want) {
        if (!have.includes(rel)) problems.push(`missing ${rel}`);
        else if (fs.readFileSync(path.join(dir, rel), "utf8") !== text) problems.push(`differs ${rel}`);
    }
    for (const rel of have) if (!want.has(rel)) problems.push(`extra ${rel}`);
    return problems;
}

/** Rewrites policies/generated/ (removing files the mirror no longer has). */
export function writePackTables(root: string = ROOT): string[] {
    const dir = path.join(root, GENERATED_DIR);
    const want = packTableFiles(root);
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [rel, text] of want) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
    }
    return [...want.keys()];
}

if (require.main === module) {
    if (process.argv.includes("--check")) {
        const problems = staleFiles();
        if (problems.length > 0) {
            console.error(`${GENERATED_DIR} is stale (run npx tsx tools/generate-pack-tables.ts):\n  ${problems.join("\n  ")}`);
            process.exit(1);
        }
        console.log(`${GENERATED_DIR} is current`);
    } else {
        const written = writePackTables();
        console.log(`wrote ${written.length} files to ${GENERATED_DIR}`);
    }
}
