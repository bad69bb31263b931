// Generated from steps.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).
// Do not edit: tests/rotation fail when it differs from what steps.js declares.
export type AppSecret = import("./secret-shape").AppSecret;
export type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";
export type RotationEvent = {
    SecretId: string;
    ClientRequestToken: string;
    Step: string;
};
/**
 * The part of the Lambda context this function uses.
 */
export type RotationContext = {
    getRemainingTimeInMillis?: (() => number) | undefined;
};
/**
 * Dependencies, all optional; tests inject clients, a fake clock and a no-op sleep.
 */
export type RotationDeps = {
    secretsManager?: Pick<SecretsManagerClient, "send"> | undefined;
    elastiCache?: Pick<ElastiCacheClient, "send"> | undefined;
    /**
     * defaults to process.env
     */
    env?: Record<string, string | undefined> | undefined;
    sleep?: ((ms: number) => Promise<void>) | undefined;
    /**
     * epoch milliseconds
     */
    now?: (() => number) | undefined;
    /**
     * testSecret's delay between DescribeReplicationGroups calls
     */
    pollIntervalMs?: number | undefined;
    /**
     * testSecret's wait when the context gives no remaining time
     */
    maxWaitMs?: number | undefined;
};
export type RotationHandler = (event: RotationEvent, context?: RotationContext) => Promise<void>;
/**
 * @param {RotationDeps} [deps]
 * @returns {RotationHandler}
 */
export function makeHandler(deps?: RotationDeps): RotationHandler;
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { ElastiCacheClient } from "@aws-sdk/client-elasticache";
