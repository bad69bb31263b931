// The database bootstrap function: `pulumi up` invokes it (aws.lambda.Invocation) so that the
// application's least-privilege user exists, with its grants, before its rotation is enabled and before
// the services start. It reads the RDS-managed master secret and the app-user secret, connects to the
// database as the master with TLS verified, runs ensureAppUser (schema/app-user.ts) and returns a short
// JSON summary. Idempotent: a re-run grants only what is missing and never touches a password.
//
// Bundled with pg into one CommonJS file by package.ts (esbuild); @aws-sdk/* comes from the Node.js 22
// runtime. TLS: `ssl.rejectUnauthorized` with the runtime's trust store. The Node.js 20+ Lambda runtimes
// no longer load Amazon's CA certificates (RDS's included) by default; the component sets
// NODE_EXTRA_CA_CERTS=/var/runtime/ca-cert.pem, the runtime's bundle of them (AWS Compute Blog, "Node.js
// 20.x runtime now available in AWS Lambda", summarised at dev.classmethod.jp/articles/node-extra-ca-certs-influence-cold-start).
//
// Environment: MASTER_SECRET_ARN, APP_USER_SECRET_ARN, APP_USERNAME (the base user), DATABASE_HOST,
// DATABASE_PORT, DATABASE_NAME (the instance as deployed now), optional SECRETS_MANAGER_ENDPOINT.
// Logs never contain secret values: ARNs, role names and decisions only.
//
// A replaced instance (new endpoint, new RDS-managed master secret) leaves the app-user secret's
// connection keys pointing at the old one (Pulumi writes only its first version): the function puts
// a new current version with host, port, dbname and masterarn of the instance it was given, keeping
// the credentials, and then recreates the user there (schema/app-user.ts restores the clone too).
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Client, type ClientConfig } from "pg";
import type { ConnectionOptions } from "tls";
import { appUserFromSecret, ensureAppUser, parseAppUserSecret, type EnsureAppUserResult } from "../../schema/app-user";
import { BOOTSTRAP_ENV } from "./env";

export { BOOTSTRAP_ENV };

/** What the invocation returns (and Pulumi keeps in the Invocation's `result`): no secrets. */
export interface BootstrapResult {
    username: string;
    database: string;
    roleCreated: boolean;
    clone: EnsureAppUserResult["clone"];
    tablesChecked: number;
    missingTables: string[];
    changes: number;
    /** Connection keys of the secret that pointed elsewhere and were repaired. */
    repaired: string[];
}

/** Dependencies, all optional; tests inject a fake Secrets Manager client and the test CA. */
export interface BootstrapDeps {
    secretsManager?: Pick<SecretsManagerClient, "send">;
    /** @default process.env */
    env?: Record<string, string | undefined>;
    /** Extra TLS options (a test CA); in Lambda the runtime's store plus NODE_EXTRA_CA_CERTS. */
    tls?: ConnectionOptions;
    log?: (line: string) => void;
}

export type BootstrapHandler = (event?: unknown) => Promise<BootstrapResult>;

function required(env: Record<string, string | undefined>, name: string): string {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
}

export function makeHandler(deps: BootstrapDeps = {}): BootstrapHandler {
    const log = deps.log ?? ((line: string) => console.log(line));
    let sm = deps.secretsManager;
    const info = (message: string, fields: Record<string, string | number | boolean>) => log(JSON.stringify({ level: "info", message, ...fields }));

    return async () => {
        const env = deps.env ?? process.env;
        const masterArn = required(env, BOOTSTRAP_ENV.masterSecretArn);
        const appArn = required(env, BOOTSTRAP_ENV.appSecretArn);
        const expectedUser = required(env, BOOTSTRAP_ENV.username);
        const endpoint = env[BOOTSTRAP_ENV.secretsManagerEndpoint];
        sm ??= new SecretsManagerClient(endpoint ? { endpoint } : {});
        const read = async (arn: string): Promise<string | undefined> => (await sm!.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;

        const deployed = {
            host: required(env, BOOTSTRAP_ENV.databaseHost),
            port: Number(required(env, BOOTSTRAP_ENV.databasePort)),
            dbname: required(env, BOOTSTRAP_ENV.databaseName),
            // The rotation function logs in with the secret named by masterarn: the master this
            // function was given, or the two would manage the user from different superusers.
            masterarn: masterArn,
        };
        if (!Number.isInteger(deployed.port)) throw new Error(`environment variable ${BOOTSTRAP_ENV.databasePort} is not a port`);
        let appSecret = parseAppUserSecret(await read(appArn), `secret ${appArn}`);
        const stale = (Object.keys(deployed) as (keyof typeof deployed)[]).filter((k) => appSecret[k] !== deployed[k]);
        if (stale.length > 0) {
            appSecret = { ...appSecret, ...deployed };
            await sm.send(new PutSecretValueCommand({ SecretId: appArn, SecretString: JSON.stringify(appSecret) }));
            info("repaired the secret's connection keys (the instance was replaced)", { secret: appArn, keys: stale.join(",") });
        }
        const spec = appUserFromSecret(appSecret, expectedUser);
        let master: { username?: unknown; password?: unknown };
        try {
            master = JSON.parse((await read(masterArn)) ?? "") as typeof master;
        } catch {
            throw new Error(`secret ${masterArn}: SecretString is not JSON`);
        }
        if (typeof master.username !== "string" || typeof master.password !== "string") {
            throw new Error(`secret ${masterArn}: needs "username" and "password"`);
        }

        // The RDS-managed master secret holds only username and password: host, port and database come
        // from the app secret (the same instance, by construction of the component).
        const config: ClientConfig = {
            host: appSecret.host,
            port: appSecret.port,
            database: appSecret.dbname,
            user: master.username,
            password: master.password,
            ssl: { rejectUnauthorized: true, ...deps.tls },
            application_name: "db-bootstrap",
            connectionTimeoutMillis: 10_000,
            statement_timeout: 30_000,
        };
        info("connecting", { host: appSecret.host, database: appSecret.dbname, as: master.username });
        const client = new Client(config);
        await client.connect();
        try {
            const result = await ensureAppUser(client, { ...spec, database: appSecret.dbname });
            for (const change of result.changes) info("changed", { change });
            info("done", { username: result.username, roleCreated: result.roleCreated, clone: result.clone, changes: result.changes.length });
            return {
                username: result.username,
                database: result.database,
                roleCreated: result.roleCreated,
                clone: result.clone,
                tablesChecked: result.tables.length,
                missingTables: result.missingTables,
                changes: result.changes.length,
                repaired: stale,
            };
        } finally {
            await client.end().catch(() => undefined);
        }
    };
}

/** The handler Lambda calls (`index.handler`), with the default client created on first use. */
export const handler: BootstrapHandler = makeHandler();
