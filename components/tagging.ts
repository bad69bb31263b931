// Cost-allocation tags (Project, Environment, Tier, CostCenter) on every taggable resource, applied
// once by a stack transform so no component can forget them and bills group by them. Done on the
// resource's own `tags` input (not only provider default tags) so previews, policies and the
// offline harness all see them.
//
// Registered with `registerResourceTransform` (the engine calls it for every resource, the children
// of packaged components included; "Introducing Resource Transforms", pulumi.com/blog/resource-transforms,
// which plans to deprecate `registerStackTransformation`). Mocks never call such a transform
// (pulumi/pulumi#17090: "no plans to make the mock system call registered transforms"), so the
// offline harness (harness/run.ts) applies this same function through registerStackTransformation.
import * as pulumi from "@pulumi/pulumi";
import { TAGGABLE_TYPES as POLICY_TAGGABLE_TYPES } from "../policies/rules/tags";

/**
 * AWS resource types that accept `tags`: the cost-allocation policy's own list (one home: the
 * policy demands the tags on exactly the types this transform gives them to; a test checks
 * every entry against the installed SDK's `tags` inputs).
 */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set(POLICY_TAGGABLE_TYPES);

/**
 * What the transform reads: present alike in the engine's ResourceTransformArgs and in the
 * in-process ResourceTransformationArgs, so one function serves both registrations.
 */
export type TagTransformArgs = Pick<pulumi.ResourceTransformArgs, "type" | "props" | "opts">;

/**
 * The cost-tag transform: on a taggable type, `tags` becomes the resource's own tags plus `tags`
 * (the cost tags win a collision, so no component can mislabel a bill); every other input and
 * option passes through. Other types are left alone (`undefined`). Synchronous on purpose: the
 * offline harness can only apply synchronous transforms.
 */
export function costTagTransform(tags: Record<string, string>): (args: TagTransformArgs) => pulumi.ResourceTransformResult | undefined {
    const own = { ...tags };
    return (args) => {
        if (!TAGGABLE_TYPES.has(args.type)) return undefined;
        // The engine hands plain (deserialized) props, the in-process path Inputs: output() takes both.
        const merged = pulumi
            .output(args.props.tags as pulumi.Input<Record<string, string>> | undefined)
            .apply((existing) => ({ ...(existing ?? {}), ...own }));
        return { props: { ...args.props, tags: merged }, opts: args.opts };
    };
}

/** Registers the cost-tag transform; call once, before the first resource. */
export function applyCostTags(tags: Record<string, string>): void {
    pulumi.runtime.registerResourceTransform(costTagTransform(tags));
}
