/**
 * The app user's Secrets Manager secret: its JSON shape, parsed and checked, and what ensureAppUser
 * takes from its current version (before and after the first rotation, which switches it to the clone).
 */
import { cloneUsername, CLONE_SUFFIX, validateUsername } from "./app-user-credentials";

/**
 * The app user's Secrets Manager secret, in the JSON shape the AWS alternating-users function expects
 * (its lambda_handler docstring and get_secret_dict: host, username, password, engine required; dbname,
 * port optional; masterarn required for alternating users; `ssl` read by get_ssl_config).
 */
export interface AppUserSecret {
    engine: "postgres";
    host: string;
    port: number;
    dbname: string;
    username: string;
    password: string;
    masterarn: string;
    ssl?: boolean;
}

/** Parses the secret; errors name keys, never values (a JSON.parse message may quote the input). */
export function parseAppUserSecret(secretString: string | undefined, label = "app user secret"): AppUserSecret {
    if (secretString === undefined) throw new Error(`${label}: no SecretString`);
    let raw: unknown;
    try {
        raw = JSON.parse(secretString);
    } catch {
        throw new Error(`${label}: SecretString is not JSON`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${label}: SecretString is not a JSON object`);
    const o = raw as Record<string, unknown>;
    const str = (key: string): string => {
        if (typeof o[key] !== "string" || o[key] === "") throw new Error(`${label}: "${key}" must be a non-empty string`);
        return o[key] as string;
    };
    if (o.engine !== "postgres") throw new Error(`${label}: "engine" must be "postgres" (the rotation function refuses anything else)`);
    const port = o.port === undefined ? 5432 : Number(o.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${label}: "port" must be a TCP port`);
    const ssl = o.ssl === undefined ? undefined : o.ssl === true || o.ssl === "true" ? true : o.ssl === false || o.ssl === "false" ? false : undefined;
    return {
        engine: "postgres",
        host: str("host"),
        port,
        dbname: str("dbname"),
        username: str("username"),
        password: str("password"),
        masterarn: str("masterarn"),
        ...(ssl === undefined ? {} : { ssl }),
    };
}

/**
 * What ensureAppUser gets from the current version of the secret. After the first rotation AWSCURRENT
 * holds `<user>_clone` and the clone's password: the base user then exists already (the clone is made
 * from it), so no password is passed and a missing base role is an error instead of a guess.
 * @param expected the base username the stack configured; a secret naming another user is refused.
 */
export function appUserFromSecret(secret: AppUserSecret, expected?: string): { username: string; password?: string; clonePassword?: string } {
    const base = secret.username.endsWith(CLONE_SUFFIX) ? secret.username.slice(0, -CLONE_SUFFIX.length) : secret.username;
    if (expected !== undefined && base !== expected) {
        throw new Error(`app user secret names ${secret.username}, expected ${expected} or ${cloneUsername(expected)}`);
    }
    validateUsername(base);
    return base === secret.username ? { username: base, password: secret.password } : { username: base, clonePassword: secret.password };
}
