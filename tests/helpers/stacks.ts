// Mocked runs of the stack files for the spec files. A run takes about a second, so a run that
// tests only read is made once per mocha process and shared (stackRun, sharedRun); a run that a
// test observes while it happens (a spy, captured logs, a patched data source) is made fresh
// (runWith). Shared captures are deep-frozen: a test that changed one would change it for every
// other file, so it fails at once instead.
import { runStack, RunOptions } from "../../harness/run";
import { StackCapture } from "../../harness/types";

/** The tag tests deploy: every service runs a release (see RunOptions.imageTag). */
export const RELEASE_TAG = "release-1";

const shared = new Map<string, Promise<StackCapture>>();

/** The options a helper run uses: a release deployed unless `options.imageTag` is given (even as undefined). */
function withRelease(options: RunOptions): RunOptions {
    return { imageTag: RELEASE_TAG, ...options };
}

/**
 * The cache key of a run: the stack and its options as given. Key order is kept (it is the order
 * services are declared in), and an explicit `imageTag: undefined` (first deploy) differs from none.
 */
function runKey(stack: string, options: RunOptions): string {
    if (options.program !== undefined) throw new Error("a run with its own program is never shared: use runWith or runStack");
    return `${stack} ${JSON.stringify(options, (_key, value) => (value === undefined ? { undefined: true } : value))}`;
}

function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value)) deepFreeze(child);
    }
    return value;
}

/**
 * The stack with config changes layered over the stack file, made once per process for the same
 * stack and options and shared, read-only (deep-frozen). A release is deployed unless
 * `options.imageTag` is given (set it to undefined for the first-deploy state). A run that fails
 * fails the same way for every caller.
 */
export function sharedRun(stack: string, options: RunOptions = {}): Promise<StackCapture> {
    const merged = withRelease(options);
    const key = runKey(stack, merged);
    let run = shared.get(key);
    if (!run) {
        run = runStack(stack, merged).then(deepFreeze);
        shared.set(key, run);
    }
    return run;
}

/** The stack as it runs once a release is deployed (shared, read-only). */
export function stackRun(stack: string): Promise<StackCapture> {
    return sharedRun(stack);
}

/**
 * A fresh run with config changes layered over the stack file (never shared), with a release
 * deployed unless `options.imageTag` is given (set it to undefined for the first-deploy state): for
 * tests that watch the run itself (spies, logs, patched modules) or change the capture.
 */
export function runWith(stack: string, options: RunOptions): Promise<StackCapture> {
    return runStack(stack, withRelease(options));
}
