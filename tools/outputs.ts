// `npm run outputs -- --stack <s> --format env|json [--show-secrets] [--from file.json] [--out file]`
// Thin CLI over tools/outputs-lib.ts: gets `pulumi stack output --json` (execFile, no shell) or a
// recorded file, converts it, writes stdout or a 0600 file. Exit codes: 0 ok, 1 error, 2 usage.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { convertOutputs, OutputValues, parseOutputsArgs, parseStackOutputJson, pulumiOutputArgs, USAGE, UsageError } from "./outputs-lib";

export interface Io {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

const processIo: Io = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/** Runs `pulumi stack output --json` for a stack; the error names the missing CLI or the CLI's message. */
export function readFromPulumi(stack: string, showSecrets: boolean): Promise<OutputValues> {
    return new Promise((resolve, reject) => {
        execFile("pulumi", pulumiOutputArgs(stack, showSecrets), { maxBuffer: 16 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
            if (error) {
                const code = (error as NodeJS.ErrnoException).code;
                if (code === "ENOENT") {
                    reject(new Error("the pulumi CLI is not on PATH: install it, or pass --from <file> with recorded outputs"));
                } else {
                    reject(new Error(`pulumi stack output failed: ${stderr.trim() || error.message}`));
                }
                return;
            }
            try {
                resolve(parseStackOutputJson(stdout));
            } catch (e) {
                reject(e);
            }
        });
    });
}

/** Reads recorded `pulumi stack output --json` from a file. */
export function readFromFile(file: string): OutputValues {
    return parseStackOutputJson(fs.readFileSync(file, "utf8"), file);
}

/** Writes with mode 0600: the file may hold secrets (and always holds ARNs and host names). */
function writePrivate(file: string, text: string): void {
    fs.writeFileSync(file, text, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        io.stdout(USAGE + "\n");
        return 0;
    }
    try {
        const options = parseOutputsArgs(argv);
        const raw = options.from !== undefined ? readFromFile(options.from) : await readFromPulumi(options.stack!, options.showSecrets);
        const result = convertOutputs(raw, options);
        for (const warning of result.warnings) io.stderr(`outputs: warning: ${warning}\n`);
        if (result.omittedSecrets.length > 0) {
            io.stderr(`outputs: left out secret outputs ${result.omittedSecrets.join(", ")} (pass --show-secrets to include them)\n`);
        }
        if (options.out !== undefined) {
            writePrivate(options.out, result.text);
            io.stderr(`outputs: wrote ${options.out}\n`);
        } else {
            io.stdout(result.text);
        }
        return 0;
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`outputs: ${e.message}\n${USAGE}\n`);
            return 2;
        }
        io.stderr(`outputs: ${(e as Error).message}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
