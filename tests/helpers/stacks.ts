// One mocked run per stack file, shared by every spec file in the mocha process (a run takes
// about a second; the captures are read-only for tests).
import { runStack, RunOptions } from "../../harness/run";
import { StackCapture } from "../../harness/types";

const runs = new Map<string, Promise<StackCapture>>();

export function stackRun(stack: string): Promise<StackCapture> {
    let run = runs.get(stack);
    if (!run) {
        run = runStack(stack);
        runs.set(stack, run);
    }
    return run;
}

/** A fresh run with config changes layered over the stack file (never cached). */
export function runWith(stack: string, options: RunOptions): Promise<StackCapture> {
    return runStack(stack, options);
}
