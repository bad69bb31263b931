// The rotation handler is plain JavaScript (it ships without a build step) and the root tsconfig has
// no allowJs, so `tsc -p .` sees only its declaration file. These helpers type-check index.js with
// the TypeScript API under the project's strict options, and derive index.d.ts from its JSDoc so the
// checked-in declarations cannot drift from the code.
//
// Regenerate the declarations after changing index.js:  npx tsx tests/rotation/js-check.ts --write
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export const ROTATION_DIR = path.resolve(__dirname, "../../lambda/rotation");
export const INDEX_JS = path.join(ROTATION_DIR, "index.js");
export const INDEX_DTS = path.join(ROTATION_DIR, "index.d.ts");

const HEADER =
    "// Generated from index.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).\n" +
    "// Do not edit: tests/rotation fail when it differs from what index.js declares.\n";

const compilerOptions: ts.CompilerOptions = {
    allowJs: true,
    checkJs: true,
    strict: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ["node"],
    skipLibCheck: true,
};

/** Type errors in index.js, formatted; empty when it type-checks. */
export function checkJs(): string[] {
    const program = ts.createProgram([INDEX_JS], { ...compilerOptions, noEmit: true });
    return ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        const file = d.file ? path.relative(ROTATION_DIR, d.file.fileName) : "";
        return `${file}${where ? `:${where.line + 1}:${where.character + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
}

/** index.d.ts as it should be: tsc's declarations for index.js, with package-root type imports. */
export function generateDeclarations(): string {
    let output: string | undefined;
    const program = ts.createProgram([INDEX_JS], {
        ...compilerOptions,
        checkJs: false,
        declaration: true,
        emitDeclarationOnly: true,
        outDir: path.join(ROTATION_DIR, ".d.ts-out"), // never written: writeFile below captures it
    });
    const result = program.emit(undefined, (fileName, text) => {
        if (fileName.endsWith("index.d.ts")) output = text;
    });
    if (result.emitSkipped || output === undefined) throw new Error("tsc emitted no declarations for index.js");
    const text = output
        .replace(/^import \{ (\w+) \} from "(@aws-sdk\/client-[a-z-]+)\/dist-types\/\w+";$/gm, 'import type { $1 } from "$2";')
        .replace(/\r\n/g, "\n");
    return HEADER + text;
}

if (require.main === module) {
    const errors = checkJs();
    if (errors.length > 0) {
        console.error(errors.join("\n"));
        process.exit(1);
    }
    const dts = generateDeclarations();
    if (process.argv.includes("--write")) {
        fs.writeFileSync(INDEX_DTS, dts);
        console.log(`wrote ${path.relative(process.cwd(), INDEX_DTS)}`);
    } else {
        process.stdout.write(dts);
    }
}
