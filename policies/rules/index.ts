// Every policy of the pack, built from the rule factories. policies/pack.ts calls this with the
// pack's generated tables; the offline evaluator (harness/policies.ts) with the live ones; tests
// call it (or the single factories) with a fake estimator.

import { Policies } from "@pulumi/policy";
import { allowedInstanceSizes, Estimator, gp3Only, gravitonPreferred, logRetention, monthlyBudget, natGatewayCount, zeroBudgetNeverFree } from "./cost";
import {
    albDropInvalidHeaders,
    albHttpsRedirect,
    cloudfrontOriginsClosed,
    cloudfrontViewerHttps,
    cloudfrontViewerTls,
    cloudfrontWebAcl,
    ec2Imdsv2,
    ecsNoPublicIp,
    ecsReadonlyRootFilesystem,
    elasticacheAutomaticFailover,
    elasticacheBackups,
    elasticacheEncryptionAtRest,
    elasticacheEncryptionInTransit,
    lbAccessLogs,
    lbDeletionProtection,
    noUnrestrictedIngress,
    rdsDeletionProtection,
    rdsMultiAz,
    rdsNotPublic,
    rdsStorageEncrypted,
    s3BlockPublicAccess,
    secretsRotation,
} from "./security";
import { costAllocationTags } from "./tags";
import { PACK_TIERS, TierTable } from "./tiers";

export interface PolicyDeps {
    /** Monthly cost estimator for `monthly-budget`. */
    estimator: Estimator;
    /** The tier table tier-aware policies read traits from (default: the pack's generated copy). */
    tiers?: TierTable;
}

/** Cost guard (issue 6). */
export function costPolicies(deps: PolicyDeps): Policies {
    const tiers = deps.tiers ?? PACK_TIERS;
    return [
        monthlyBudget(deps.estimator, tiers),
        allowedInstanceSizes(tiers),
        natGatewayCount(tiers),
        zeroBudgetNeverFree(tiers),
        logRetention(tiers),
        gp3Only(),
        costAllocationTags(tiers),
        gravitonPreferred(tiers),
    ];
}

/** Security controls (issue 7). */
export function securityPolicies(tiers: TierTable = PACK_TIERS): Policies {
    return [
        rdsNotPublic(),
        rdsStorageEncrypted(),
        rdsMultiAz(tiers),
        rdsDeletionProtection(tiers),
        elasticacheBackups(),
        elasticacheAutomaticFailover(tiers),
        elasticacheEncryptionAtRest(),
        elasticacheEncryptionInTransit(),
        albHttpsRedirect(tiers),
        albDropInvalidHeaders(),
        lbAccessLogs(),
        lbDeletionProtection(tiers),
        ec2Imdsv2(),
        noUnrestrictedIngress(),
        ecsNoPublicIp(),
        ecsReadonlyRootFilesystem(),
        secretsRotation(),
        s3BlockPublicAccess(),
        cloudfrontViewerHttps(),
        cloudfrontViewerTls(),
        cloudfrontWebAcl(tiers),
        cloudfrontOriginsClosed(),
    ];
}

/** The whole pack, in the order `pulumi preview` reports it. */
export function createPolicies(deps: PolicyDeps): Policies {
    return [...costPolicies(deps), ...securityPolicies(deps.tiers)];
}
