// Every policy of the pack, built from the rule factories. policies/pack.ts calls this with the real
// cost estimator; tests call it (or the single factories) with a fake one.

import { Policies } from "@pulumi/policy";
import {
    allowedInstanceSizes,
    Estimator,
    gp3Only,
    gravitonPreferred,
    logRetention,
    monthlyBudget,
    natGatewayCount,
    zeroCostNeverFree,
} from "./cost";
import {
    albDropInvalidHeaders,
    albHttpsRedirect,
    ec2Imdsv2,
    ecsNoPublicIp,
    ecsReadonlyRootFilesystem,
    elasticacheAutomaticFailoverProduction,
    elasticacheBackups,
    elasticacheEncryptionAtRest,
    elasticacheEncryptionInTransit,
    lbAccessLogs,
    lbDeletionProtectionProduction,
    noUnrestrictedIngress,
    rdsDeletionProtectionProduction,
    rdsMultiAzProduction,
    rdsNotPublic,
    rdsStorageEncrypted,
    s3BlockPublicAccess,
    secretsRotation,
} from "./security";
import { costAllocationTags } from "./tags";

export interface PolicyDeps {
    /** Monthly cost estimator for `monthly-budget` (cost/estimate.ts in the pack). */
    estimator: Estimator;
}

/** Cost guard (issue 6). */
export function costPolicies(deps: PolicyDeps): Policies {
    return [
        monthlyBudget(deps.estimator),
        allowedInstanceSizes(),
        natGatewayCount(),
        zeroCostNeverFree(),
        logRetention(),
        gp3Only(),
        costAllocationTags(),
        gravitonPreferred(),
    ];
}

/** Security controls (issue 7). */
export function securityPolicies(): Policies {
    return [
        rdsNotPublic(),
        rdsStorageEncrypted(),
        rdsMultiAzProduction(),
        rdsDeletionProtectionProduction(),
        elasticacheBackups(),
        elasticacheAutomaticFailoverProduction(),
        elasticacheEncryptionAtRest(),
        elasticacheEncryptionInTransit(),
        albHttpsRedirect(),
        albDropInvalidHeaders(),
        lbAccessLogs(),
        lbDeletionProtectionProduction(),
        ec2Imdsv2(),
        noUnrestrictedIngress(),
        ecsNoPublicIp(),
        ecsReadonlyRootFilesystem(),
        secretsRotation(),
        s3BlockPublicAccess(),
    ];
}

/** The whole pack, in the order `pulumi preview` reports it. */
export function createPolicies(deps: PolicyDeps): Policies {
    return [...costPolicies(deps), ...securityPolicies()];
}
