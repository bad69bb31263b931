// Entry point of the `platform-guard` policy pack for the Pulumi CLI:
//   pulumi preview --policy-pack policies --policy-pack-config policies/config/<stack>.json
// Only wraps the policies in a PolicyPack (whose constructor starts the analyzer's gRPC server):
// never import this file from tests; use policies/pack.ts or harness/policies.ts.

import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./pack";

new PolicyPack(PACK_NAME, {
    policies,
    // Each policy sets its own level; this default only covers a policy that forgets to.
    enforcementLevel: "mandatory",
    description: "Cost guard and AWS Foundational Security Best Practices controls for the platform stacks.",
});
