// The Lambda handlers under lambda/ are plain JavaScript (they ship without a build step) and the root
// tsconfig has no allowJs, so `tsc -p .` sees only their declaration files. These helpers type-check
// a folder's index.js with the TypeScript API under the project's strict options, and derive its
// index.d.ts from the JSDoc so the checked-in declarations cannot drift from the code.
//
// Regenerate the declarations after changing an index.js:
//   npx tsx tests/rotation/js-check.ts --write             (lambda/rotation)
//   npx tsx tests/rotation/js-check.ts --write redeploy    (lambda/redeploy, any folder of lambda/)
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const LAMBDA_ROOT = path.resolve(__dirname, "../../lambda");

export const ROTATION_DIR = path.join(LAMBDA_ROOT, "rotation");
export const INDEX_JS = path.join(ROTATION_DIR, "index.js");
export const INDEX_DTS = path.join(ROTATION_DIR, "index.d.ts");

/** One JavaScript Lambda folder of lambda/: its files and the checks on them. */
export interface JsLambda {
    dir: string;
    indexJs: string;
    indexDts: string;
    /** Type errors in index.js, formatted; empty when it type-checks. */
    checkJs(): string[];
    /** index.d.ts as it should be: tsc's declarations for index.js, with package-root type imports. */
    generateDeclarations(): string;
}

function header(folder: string, tests: string): string {
    const command = folder === "rotation" ? "npx tsx tests/rotation/js-check.ts --write" : `npx tsx tests/rotation/js-check.ts --write ${folder}`;
    return `// Generated from index.js's JSDoc by tests/rotation/js-check.ts (${command}).\n` +
        `// Do not edit: ${tests} fail when it differs from what index.js declares.\n`;
}

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

/** The checks for lambda/<folder>; `tests` names the test folder that runs them (for the header). */
export function jsLambda(folder: string, tests = `tests/${folder}`): JsLambda {
    const dir = path.join(LAMBDA_ROOT, folder);
    const indexJs = path.join(dir, "index.js");
    return {
        dir,
        indexJs,
        indexDts: path.join(dir, "index.d.ts"),
        checkJs() {
            const program = ts.createProgram([indexJs], { ...compilerOptions, noEmit: true });
            return ts.getPreEmitDiagnostics(program).map((d) => {
                const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
                const file = d.file ? path.relative(dir, d.file.fileName) : "";
                return `${file}${where ? `:${where.line + 1}:${where.character + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
            });
        },
        generateDeclarations() {
            let output: string | undefined;
            const program = ts.createProgram([indexJs], {
                ...compilerOptions,
                checkJs: false,
                declaration: true,
                emitDeclarationOnly: true,
                outDir: path.join(dir, ".d.ts-out"), // never written: writeFile below captures it
            });
            const result = program.emit(undefined, (fileName, text) => {
                if (fileName.endsWith("index.d.ts")) output = text;
            });
            if (result.emitSkipped || output === undefined) throw new Error(`tsc emitted no declarations for ${folder}/index.js`);
            const text = output
                .replace(/^import \{ (\w+) \} from "(@aws-sdk\/client-[a-z-]+)\/dist-types\/\w+";$/gm, 'import type { $1 } from "$2";')
                .replace(/\r\n/g, "\n");
            return header(folder, tests) + text;
        },
    };
}

const rotation = jsLambda("rotation");

/** Type errors in lambda/rotation/index.js, formatted; empty when it type-checks. */
export function checkJs(): string[] {
    return rotation.checkJs();
}

/** lambda/rotation/index.d.ts as it should be. */
export function generateDeclarations(): string {
    return rotation.generateDeclarations();
}

if (require.main === module) {
    const folder = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "rotation";
    const target = jsLambda(folder);
    const errors = target.checkJs();
    if (errors.length > 0) {
        console.error(errors.join("\n"));
        process.exit(1);
    }
    const dts = target.generateDeclarations();
    if (process.argv.includes("--write")) {
        fs.writeFileSync(target.indexDts, dts);
        console.log(`wrote ${path.relative(process.cwd(), target.indexDts)}`);
    } else {
        process.stdout.write(dts);
    }
}
