// One mocked run per stack file, shared by every spec file in the mocha process (a run takes
// about a second; the captures are read-only for tests).
import { runStack, RunOptions } from "../../harness/run";
import { StackCapture } from "../../harness/types";

const runs = new Map<string, Promise<StackCapture>>();

/** The tag tests deploy: every service runs a release (see RunOptions.imageTag). */
export const RELEASE_TAG = "release-1";

/** The stack as it runs once a release is deployed (cached). */
export function stackRun(stack: string): Promise<StackCapture> {
    let run = runs.get(stack);
    if (!run) {
        run = runStack(stack, { imageTag: RELEASE_TAG });
        runs.set(stack, run);
    }
    return run;
}

/**
 * A fresh run with config changes layered over the stack file (never cached), with a release
 * deployed unless `options.imageTag` is given (set it to undefined for the first-deploy state).
 */
export function runWith(stack: string, options: RunOptions): Promise<StackCapture> {
    return runStack(stack, { imageTag: RELEASE_TAG, ...options });
}
