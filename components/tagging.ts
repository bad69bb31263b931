// Cost-allocation tags (Project, Environment, Tier, CostCenter) on every taggable resource, applied
// once by a stack transformation so no component can forget them and bills group by them. Done on
// the resource's own `tags` input (not only provider default tags) so previews, policies and the
// offline harness all see them.
import * as pulumi from "@pulumi/pulumi";
import { TAGGABLE_TYPES as POLICY_TAGGABLE_TYPES } from "../policies/rules/tags";

/**
 * AWS resource types that accept `tags`: the cost-allocation policy's own list (one home: the
 * policy demands the tags on exactly the types this transformation gives them to; a test checks
 * every entry against the installed SDK's `tags` inputs).
 */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set(POLICY_TAGGABLE_TYPES);

/** Registers the transformation; call once, before the first resource. */
export function applyCostTags(tags: Record<string, string>): void {
    pulumi.runtime.registerStackTransformation((args) => {
        if (!TAGGABLE_TYPES.has(args.type)) return undefined;
        const merged = pulumi.output(args.props.tags as pulumi.Input<Record<string, string>> | undefined)
            .apply((own) => ({ ...(own ?? {}), ...tags }));
        return { props: { ...args.props, tags: merged }, opts: args.opts };
    });
}
