// The policies the pack serves, bound to its own copies of the shared tables: the tier table and
// the cost estimator with its price catalogue, generated into policies/generated/ from config/ and
// cost/ (tools/generate-pack-tables.ts; a test keeps them current). policies/index.ts wraps exactly
// this list in a PolicyPack; nothing here starts a server. Nothing is imported from outside this
// folder, so `pulumi policy publish` ships a pack that prices and checks exactly as `npm run plan`.

import { Policies } from "@pulumi/policy";
import { assumptionsFor, estimate } from "./generated/cost/estimate";
import { Estimator } from "./rules/cost";
import { createPolicies } from "./rules/index";
import { PACK_TIERS } from "./rules/tiers";

export const PACK_NAME = "platform-guard";

/** The generated cost estimator with the tier's usage assumptions (log ingestion, NAT data, task averages). */
export const packEstimator: Estimator = (resources, options) =>
    estimate(resources, { freeTier: options.freeTier, assumptions: assumptionsFor(options.traits) });

export const policies: Policies = createPolicies({ estimator: packEstimator, tiers: PACK_TIERS });
