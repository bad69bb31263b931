/**
 * The app user's credentials as PostgreSQL and AWS's alternating-users rotation function see them:
 * which base names are allowed, the clone's name, what a new role's password may be, and the
 * SCRAM-SHA-256 verifier sent instead of the password (schema/app-user.ts explains why).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "crypto";

/** Suffix AWS's alternating-users function appends for the second user (lambda_function.py, get_alt_username). */
export const CLONE_SUFFIX = "_clone";
/** PostgreSQL identifiers: 63 bytes (NAMEDATALEN - 1); the AWS function refuses a clone name over 63. */
export const MAX_IDENTIFIER_LENGTH = 63;
/** So that `<user>_clone` still fits. */
export const MAX_APP_USERNAME_LENGTH = MAX_IDENTIFIER_LENGTH - CLONE_SUFFIX.length;

/** Throws unless `name` can be the base app user; the messages name the rule, never a secret. */
export function validateUsername(name: string): void {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
        throw new Error(`app user ${JSON.stringify(name)}: use lowercase letters, digits and underscores, not starting with a digit`);
    }
    if (name.length > MAX_APP_USERNAME_LENGTH) {
        throw new Error(
            `app user ${name}: at most ${MAX_APP_USERNAME_LENGTH} characters, so that ${name}${CLONE_SUFFIX} fits PostgreSQL's ${MAX_IDENTIFIER_LENGTH}`,
        );
    }
    if (name.endsWith(CLONE_SUFFIX)) {
        throw new Error(`app user ${name}: must not end with ${CLONE_SUFFIX} (the rotation function's name for the second user)`);
    }
    // pg_ is reserved by PostgreSQL (CREATE ROLE refuses it); rds* names are Amazon RDS's own roles.
    if (name.startsWith("pg_") || name.startsWith("rds") || ["postgres", "public", "none", "current_user", "session_user"].includes(name)) {
        throw new Error(`app user ${name}: reserved name (pg_*, rds*, postgres, public and SQL keywords are not allowed)`);
    }
}

export function cloneUsername(base: string): string {
    return `${base}${CLONE_SUFFIX}`;
}

/** A password for a new role: printable ASCII (SASLprep leaves it unchanged), 16 characters or more. */
export function validatePassword(password: string): void {
    if (password.length < 16) throw new Error("app user password: at least 16 characters");
    if (!/^[\x21-\x7e]+$/.test(password)) throw new Error("app user password: printable ASCII only, no spaces");
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (pg_authid.rolpassword:
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5803): SaltedPassword = PBKDF2-HMAC-SHA-256,
 * ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = SHA-256(ClientKey), ServerKey =
 * HMAC(SaltedPassword, "Server Key") (RFC 5802 §3). 4096 iterations is PostgreSQL's default
 * (scram_iterations). Only ASCII passwords: no SASLprep needed.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
    validatePassword(password);
    const salted = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
    const clientKey = createHmac("sha256", salted).update("Client Key").digest();
    const storedKey = createHash("sha256").update(clientKey).digest();
    const serverKey = createHmac("sha256", salted).update("Server Key").digest();
    return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}
