// The application secret: what its JSON holds (cache AUTH token, JWT signing keys, New Relic), the
// rules its generated values meet, and how long a deleted one can be recovered.

/** AUTH token and JWT secret: 64 alphanumerics. AWS allows 16-128 printable ASCII without / " @. */
export const GENERATED_SECRET_LENGTH = 64;

/** Characters AWS refuses in an ElastiCache AUTH token. */
export const AUTH_TOKEN_FORBIDDEN = ["/", '"', "@"];

/** Whether a token meets the ElastiCache AUTH rules (16-128 printable ASCII, none of / " @). */
export function isValidAuthToken(token: string): boolean {
    return token.length >= 16 && token.length <= 128 && /^[\x21-\x7e]+$/.test(token) && !AUTH_TOKEN_FORBIDDEN.some((c) => token.includes(c));
}

export const JWT_EXPIRES_IN = "15m";
export const JWT_REFRESH_EXPIRES_IN = "7d";

/**
 * The application secret (seed 003 §10.2.6, adapted): connection details plus generated secrets.
 * Database credentials are not copied in: they live in the application database user's own secret
 * (rotated with alternating users), referenced by ARN, so a rotation never leaves a stale copy here.
 * Generic over the value type so the components pass Pulumi outputs and tests pass plain values;
 * lambda/rotation/index.js reads and rotates this shape.
 *
 * `jwt`: apps SIGN with `secret` and VERIFY with every one of `secret`, `previousSecret` and
 * `nextSecret` present. A rotation promotes `nextSecret` (published one period earlier) to
 * `secret` and keeps the old one as `previousSecret`, so during the rolling redeploy old and new
 * tasks accept each other's tokens, and refresh tokens (7 days) survive a rotation (30 days).
 */
export interface AppSecretDocument<S, N> {
    database?: { host: S; port: N; dbname: S; userSecretArn: S };
    redis?: { host: S; port: N; authToken?: S; replicationGroupId: S };
    jwt: { secret: S; previousSecret?: S; nextSecret?: S; expiresIn: string; refreshExpiresIn: string };
    newrelic?: { licenseKey: S; appName: string };
    /** Seed 003's `devices_grpc: { url }`, one `<service>_grpc` entry per gRPC service. */
    [grpc: `${string}_grpc`]: { url: string };
}

export function appSecretDocument<S, N>(parts: {
    database?: { host: S; port: N; dbname: S; userSecretArn: S };
    redis?: { host: S; port: N; authToken?: S; replicationGroupId: S };
    jwtSecret: S;
    /** The secret the next rotation promotes (verify-only until then). */
    jwtNextSecret?: S;
    newrelic?: { licenseKey: S; appName: string };
    /** Service name -> `host:port` of its gRPC endpoint. */
    grpcUrls?: Record<string, string>;
}): AppSecretDocument<S, N> {
    const jwt: AppSecretDocument<S, N>["jwt"] = { secret: parts.jwtSecret, expiresIn: JWT_EXPIRES_IN, refreshExpiresIn: JWT_REFRESH_EXPIRES_IN };
    if (parts.jwtNextSecret !== undefined) jwt.nextSecret = parts.jwtNextSecret;
    let redis: AppSecretDocument<S, N>["redis"];
    if (parts.redis) {
        const { authToken, ...rest } = parts.redis;
        redis = authToken === undefined ? rest : { ...rest, authToken };
    }
    const grpc = Object.fromEntries(
        Object.entries(parts.grpcUrls ?? {})
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([service, url]) => [`${service.replace(/[^A-Za-z0-9]/g, "_")}_grpc`, { url }]),
    );
    // Key order as the seed writes it: database, redis, jwt, newrelic, <service>_grpc.
    return {
        ...(parts.database && { database: { ...parts.database } }),
        ...(redis && { redis }),
        jwt,
        ...(parts.newrelic && { newrelic: { ...parts.newrelic } }),
        ...grpc,
    } as AppSecretDocument<S, N>;
}

/** Secrets Manager recovery window: 30 days where data is protected, 7 otherwise. */
export function recoveryWindowDays(protectData: boolean): number {
    return protectData ? 30 : 7;
}
