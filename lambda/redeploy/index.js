// @ts-check
// Forces a new deployment of the stack's ECS services after one of their secrets rotated.
//
// ECS resolves a task definition's `secrets` (Secrets Manager `valueFrom` ARNs) only when a task
// starts, so running tasks keep the old values after a rotation (with alternating users and the
// AUTH token's ROTATE strategy the old values keep working for one more rotation period: the new
// deployment must happen inside it). An EventBridge rule sends Secrets Manager's native
// `Secret Label Updated` event (AWSCURRENT moved: a rotation finished, or someone put a new value;
// Secrets Manager "Secret event notifications", no CloudTrail trail needed) here; this function
// calls UpdateService(forceNewDeployment) on every configured service, and ECS replaces the tasks
// with a rolling deployment (circuit breaker on) that reads the current values. A CloudTrail
// `RotationSucceeded` event is accepted too (the same outcome, older delivery path).
//
// Environment: CLUSTER (cluster name or ARN), SERVICES (comma-separated service names).
// Logs name the cluster, services and secret only: the event carries no secret value.
// Fails (after trying every service) when any update fails, so the invocation is retried.
"use strict";

const { ECSClient, UpdateServiceCommand } = require("@aws-sdk/client-ecs");

/**
 * The part of the EventBridge event this function reads: Secrets Manager's `Secret Label Updated`
 * (`resources: [secret ARN]`, `detail.labelUpdated`), or a CloudTrail `AwsServiceEvent`
 * (`detail-type: "AWS Service Event via CloudTrail"`, `detail.eventName: "RotationSucceeded"`).
 * @typedef {object} RotationSucceededEvent
 * @property {string} [source] `aws.secretsmanager`
 * @property {string} [detail-type]
 * @property {string[]} [resources]
 * @property {{
 *   eventName?: string,
 *   eventSource?: string,
 *   labelUpdated?: string,
 *   name?: string,
 *   additionalEventData?: { SecretId?: string } | null,
 *   requestParameters?: { secretId?: string } | null,
 * }} [detail]
 */

/**
 * Dependencies, all optional; tests inject a mocked client and an environment.
 * @typedef {object} RedeployDeps
 * @property {Pick<ECSClient, "send">} [ecs]
 * @property {Record<string, string | undefined>} [env] defaults to process.env
 */

/**
 * What an invocation did: the services given a new deployment (none for an ignored event).
 * @typedef {{ cluster?: string, redeployed: string[] }} RedeployResult
 */

/** @typedef {(event: RotationSucceededEvent) => Promise<RedeployResult>} RedeployHandler */

/** The events this function acts on; any other is ignored. */
const EVENT_SOURCE = "aws.secretsmanager";
const LABEL_UPDATED = "Secret Label Updated";
const ROTATION_SUCCEEDED = "RotationSucceeded";

/**
 * True when the event says the secret's current value changed.
 * @param {RotationSucceededEvent} event
 */
function currentValueChanged(event) {
    if (event?.source !== EVENT_SOURCE) return false;
    if (event["detail-type"] === LABEL_UPDATED) return event.detail?.labelUpdated === "AWSCURRENT";
    return event.detail?.eventName === ROTATION_SUCCEEDED;
}

/**
 * Cluster and services from the environment, with a clear error when either is missing.
 * @param {Record<string, string | undefined>} env
 * @returns {{ cluster: string, services: string[] }}
 */
function readConfig(env) {
    const cluster = (env.CLUSTER ?? "").trim();
    const services = (env.SERVICES ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    const missing = [];
    if (cluster === "") missing.push("CLUSTER (ECS cluster name or ARN)");
    if (services.length === 0) missing.push("SERVICES (comma-separated ECS service names)");
    if (missing.length > 0) throw new Error(`redeploy: environment variable not set: ${missing.join(", ")}`);
    return { cluster, services };
}

/**
 * The rotated secret's ARN (or id) as the event gives it, for logs only.
 * @param {RotationSucceededEvent} event
 * @returns {string}
 */
function secretIdOf(event) {
    const detail = event.detail ?? {};
    return event.resources?.[0] ?? detail.additionalEventData?.SecretId ?? detail.requestParameters?.secretId ?? detail.name ?? "(unknown secret)";
}

/**
 * An error's name and message, never its request or response.
 * @param {unknown} err
 * @returns {string}
 */
function describeError(err) {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    return String(err);
}

/**
 * @param {RedeployDeps} [deps]
 * @returns {RedeployHandler}
 */
function makeHandler(deps = {}) {
    /** @type {Pick<ECSClient, "send"> | undefined} */
    let ecs = deps.ecs;
    return async (event) => {
        const env = deps.env ?? process.env;
        const { cluster, services } = readConfig(env);
        if (!currentValueChanged(event)) {
            console.log(
                JSON.stringify({
                    message: "ignored event",
                    source: event?.source,
                    detailType: event?.["detail-type"],
                    eventName: event?.detail?.eventName,
                    labelUpdated: event?.detail?.labelUpdated,
                }),
            );
            return { redeployed: [] };
        }
        const client = (ecs ??= new ECSClient({}));
        const secretId = secretIdOf(event);
        console.log(JSON.stringify({ message: "secret rotated: forcing new deployments", secretId, cluster, services }));

        const results = await Promise.allSettled(
            services.map((service) => client.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }))),
        );
        /** @type {string[]} */
        const redeployed = [];
        /** @type {string[]} */
        const failed = [];
        results.forEach((result, i) => {
            const service = /** @type {string} */ (services[i]);
            if (result.status === "fulfilled") {
                redeployed.push(service);
                console.log(JSON.stringify({ message: "new deployment started", cluster, service }));
            } else {
                failed.push(service);
                console.error(JSON.stringify({ message: "UpdateService failed", cluster, service, error: describeError(result.reason) }));
            }
        });
        if (failed.length > 0) {
            throw new Error(
                `redeploy: forceNewDeployment failed for ${failed.length} of ${services.length} services in ${cluster}: ${failed.join(", ")}` +
                    (redeployed.length > 0 ? ` (started for: ${redeployed.join(", ")})` : ""),
            );
        }
        return { cluster, redeployed };
    };
}

/** Handler with the default client, created on first use. */
const handler = makeHandler();

module.exports = { handler, makeHandler };
