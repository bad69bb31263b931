// The policies the pack serves, with the real cost estimator. policies/index.ts wraps exactly this
// list in a PolicyPack for `pulumi preview --policy-pack policies`; policies/offline.ts evaluates
// exactly this list against a mocked run. Nothing here starts a server.

import { Policies } from "@pulumi/policy";
import { assumptionsForTier, estimate } from "../cost/estimate";
import { Estimator } from "./rules/cost";
import { createPolicies } from "./rules/index";

export const PACK_NAME = "platform-guard";

/** cost/estimate.ts with the tier's usage assumptions (log ingestion, NAT data). */
export const packEstimator: Estimator = (resources, options) =>
    estimate(resources, {
        freeTier: options?.freeTier,
        assumptions: options?.tier ? assumptionsForTier(options.tier) : undefined,
    });

export const policies: Policies = createPolicies({ estimator: packEstimator });
