// Resource options of a mocked run of the real program (deleteBeforeReplace, replaceOnChanges), by
// resource, as harness/run.ts records them from the same stack transformation that records parents,
// protect and dependsOn. The run is shared (tests/helpers/stacks.ts): the options are read, not watched.
import { RunOptions } from "../../harness/run";
import { StackCapture } from "../../harness/types";
import { sharedRun } from "../helpers/stacks";

export interface RecordedOptions {
    type: string;
    name: string;
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
}

export async function runRecordingOptions(stack: string, options: RunOptions = {}): Promise<{ capture: StackCapture; options: RecordedOptions[] }> {
    const capture = await sharedRun(stack, options);
    const missing = capture.resources.filter((r) => r.deleteBeforeReplace === undefined || r.replaceOnChanges === undefined);
    if (missing.length > 0) throw new Error(`harness/run.ts recorded no deleteBeforeReplace/replaceOnChanges for ${missing.map((r) => r.name).join(", ")}`);
    return {
        capture,
        options: capture.resources.map((r) => ({
            type: r.type,
            name: r.name,
            deleteBeforeReplace: r.deleteBeforeReplace!,
            replaceOnChanges: r.replaceOnChanges!,
        })),
    };
}
