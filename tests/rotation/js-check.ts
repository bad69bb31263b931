// The Lambda handlers under lambda/ are plain JavaScript (they ship without a build step) and the root
// tsconfig has no allowJs, so `tsc -p .` sees only their declaration files. These helpers type-check
// a folder's JavaScript files (index.js and the modules it requires) with the TypeScript API under
// the project's strict options, and derive one .d.ts per file from the JSDoc so the checked-in
// declarations cannot drift from the code.
//
// Regenerate the declarations after changing a folder's JavaScript:
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
    /** The folder's JavaScript files (index.js and the modules it requires), absolute paths, sorted. */
    jsFiles(): string[];
    /** Type errors in the folder's JavaScript files, formatted; empty when they type-check. */
    checkJs(): string[];
    /** index.d.ts as it should be: tsc's declarations for index.js, with package-root type imports. */
    generateDeclarations(): string;
    /**
     * Every declaration file as it should be, by file name (`index.d.ts`, `steps.d.ts`, ...): one per
     * JavaScript file, since index.d.ts refers to the modules index.js re-exports from.
     */
    generateAllDeclarations(): Map<string, string>;
}

function header(folder: string, tests: string, jsFile: string): string {
    const command = folder === "rotation" ? "npx tsx tests/rotation/js-check.ts --write" : `npx tsx tests/rotation/js-check.ts --write ${folder}`;
    return (
        `// Generated from ${jsFile}'s JSDoc by tests/rotation/js-check.ts (${command}).\n` +
        `// Do not edit: ${tests} fail when it differs from what ${jsFile} declares.\n`
    );
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
    const jsFiles = () =>
        fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".js"))
            .sort()
            .map((f) => path.join(dir, f));
    const generateAllDeclarations = () => {
        const outDir = path.join(dir, ".d.ts-out"); // never written: writeFile below captures it
        const emitted = new Map<string, string>();
        const program = ts.createProgram(jsFiles(), {
            ...compilerOptions,
            checkJs: false,
            declaration: true,
            emitDeclarationOnly: true,
            outDir,
        });
        const result = program.emit(undefined, (fileName, text) => {
            emitted.set(path.relative(outDir, fileName), text);
        });
        if (result.emitSkipped || !emitted.has("index.d.ts")) throw new Error(`tsc emitted no declarations for ${folder}/index.js`);
        const declarations = new Map<string, string>();
        for (const [name, text] of [...emitted.entries()].sort(([a], [b]) => a.localeCompare(b))) {
            const cleaned = text
                .replace(/^import \{ (\w+) \} from "(@aws-sdk\/client-[a-z-]+)\/dist-types\/\w+";$/gm, 'import type { $1 } from "$2";')
                .replace(/\r\n/g, "\n");
            declarations.set(name, header(folder, tests, name.replace(/\.d\.ts$/, ".js")) + cleaned);
        }
        return declarations;
    };
    return {
        dir,
        indexJs,
        indexDts: path.join(dir, "index.d.ts"),
        jsFiles,
        checkJs() {
            const program = ts.createProgram(jsFiles(), { ...compilerOptions, noEmit: true });
            return ts.getPreEmitDiagnostics(program).map((d) => {
                const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
                const file = d.file ? path.relative(dir, d.file.fileName) : "";
                return `${file}${where ? `:${where.line + 1}:${where.character + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
            });
        },
        generateDeclarations() {
            return generateAllDeclarations().get("index.d.ts")!;
        },
        generateAllDeclarations,
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

/** Every declaration file of lambda/rotation as it should be, by file name. */
export function generateAllDeclarations(): Map<string, string> {
    return rotation.generateAllDeclarations();
}

/** lambda/rotation's JavaScript files (what the FileArchive ships besides package.ts and declarations). */
export function rotationJsFiles(): string[] {
    return rotation.jsFiles();
}

if (require.main === module) {
    const folder = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "rotation";
    const target = jsLambda(folder);
    const errors = target.checkJs();
    if (errors.length > 0) {
        console.error(errors.join("\n"));
        process.exit(1);
    }
    const declarations = target.generateAllDeclarations();
    if (process.argv.includes("--write")) {
        for (const [name, text] of declarations) {
            const file = path.join(target.dir, name);
            fs.writeFileSync(file, text);
            console.log(`wrote ${path.relative(process.cwd(), file)}`);
        }
    } else {
        for (const text of declarations.values()) process.stdout.write(text);
    }
}
