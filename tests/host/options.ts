// Resource options the harness does not capture (deleteBeforeReplace, replaceOnChanges), read from a
// mocked run of the real program. harness/run.ts records protect, retainOnDelete, ignoreChanges and
// dependsOn through a stack transformation; this adds a second transformation next to it for one run.
// Stopgap until the harness records these options itself (see the host report).
import * as pulumi from "@pulumi/pulumi";
import { RunOptions } from "../../harness/run";
import { StackCapture } from "../../harness/types";
import { runWith } from "../helpers/stacks";

export interface RecordedOptions {
    type: string;
    name: string;
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
}

type Transformation = Parameters<typeof pulumi.runtime.registerStackTransformation>[0];

export async function runRecordingOptions(stack: string, options: RunOptions = {}): Promise<{ capture: StackCapture; options: RecordedOptions[] }> {
    const runtime = pulumi.runtime as { registerStackTransformation: (t: Transformation) => void };
    const original = runtime.registerStackTransformation;
    const recorded: RecordedOptions[] = [];
    let added = false;
    runtime.registerStackTransformation = (t: Transformation) => {
        original(t);
        if (added) return;
        added = true;
        original((args) => {
            recorded.push({
                type: args.type,
                name: args.name,
                deleteBeforeReplace: Boolean((args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace),
                replaceOnChanges: args.opts.replaceOnChanges ?? [],
            });
            return undefined;
        });
    };
    try {
        const capture = await runWith(stack, options);
        if (recorded.length === 0) throw new Error("no resource options recorded: harness/run.ts no longer registers its transformation through pulumi.runtime");
        return { capture, options: recorded };
    } finally {
        runtime.registerStackTransformation = original;
    }
}
