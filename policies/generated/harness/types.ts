// GENERATED from harness/types.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Shapes of a mocked run of the program: the one source of truth shared by tests, the cost
// estimator, the plan command and offline policy evaluation.

/** One resource the program registered, as the engine would see its inputs. */
export interface CapturedResource {
    /** Type token, e.g. `aws:ec2/vpc:Vpc` or `platform:network:Network` for components. */
    type: string;
    /** Logical name given to the constructor. */
    name: string;
    /** Resource inputs with secrets unwrapped and resource references replaced by their ids/URNs. */
    inputs: Record<string, any>;
    /** Names of inputs that were marked secret. */
    secretInputs: string[];
    /** URN of the parent component, when there is one. */
    parent?: string;
    urn: string;
    /** True for custom (cloud) resources, false for component resources. */
    custom: boolean;
    /** Resource options that matter to policies and safety tests. */
    protect: boolean;
    retainOnDelete: boolean;
    /** Replaced delete-first (`deleteBeforeReplace`); always set by the harness. */
    deleteBeforeReplace?: boolean;
    /** Inputs whose change forces a replacement (`replaceOnChanges`); always set by the harness. */
    replaceOnChanges?: string[];
    /** Properties whose changes Pulumi ignores after create (`ignoreChanges`); always set by the harness. */
    ignoreChanges?: string[];
    /** Explicit `dependsOn`, as `type::name` of each resource; always set by the harness. */
    dependsOn?: string[];
    /** Region of the provider that creates it (an explicit aws.Provider's, else the stack's); custom resources only. */
    region?: string;
}

/** Everything one mocked run produced. */
export interface StackCapture {
    project: string;
    stack: string;
    resources: CapturedResource[];
    /** Stack outputs, secrets unwrapped. */
    outputs: Record<string, any>;
    /** Names of stack outputs that are secret. */
    secretOutputs: string[];
}
