// The application's side of the contract lambda/rotation/index.js documents: a task reads the app
// secret once, when it starts (ECS resolves `secrets[].valueFrom` only at task start: AWS-FACTS), then
// - signs JWTs with `jwt.secret` and verifies with each of secret/previousSecret/nextSecret present;
// - authenticates to the cache with `redis.authToken`.
// Tokens are real HS256 JWTs (RFC 7519 / RFC 7518 §3.2: HMAC-SHA256 over `header.payload`, base64url),
// built with Node's crypto, so a passing test means a standard JWT library would accept them too.
import { createHmac, timingSafeEqual } from "crypto";
import { FakeReplicationGroup } from "./fakes";

export type Verdict = "valid" | "bad-signature" | "expired";

interface AppDocument {
    jwt: { secret: string; previousSecret?: string; nextSecret?: string; expiresIn: string; refreshExpiresIn: string };
    redis?: { authToken?: string };
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

function hs256(key: string, input: string): Buffer {
    return createHmac("sha256", key).update(input).digest();
}

/** "15m", "7d" (the lifetimes the secret carries) in seconds. */
export function lifetimeSeconds(value: string): number {
    const m = /^(\d+)([smhd])$/.exec(value);
    if (!m) throw new Error(`app model: unsupported lifetime ${JSON.stringify(value)}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as "s" | "m" | "h" | "d"];
}

export class AppTask {
    private readonly doc: AppDocument;

    /** `secretString`: the AWSCURRENT value the task read when it started. */
    constructor(
        readonly name: string,
        secretString: string,
        private readonly nowMs: () => number,
    ) {
        this.doc = JSON.parse(secretString);
    }

    /** An access (`expiresIn`) or refresh (`refreshExpiresIn`) token for `sub`, signed with jwt.secret. */
    sign(sub: string, kind: "access" | "refresh"): string {
        const iat = Math.floor(this.nowMs() / 1000);
        const exp = iat + lifetimeSeconds(kind === "access" ? this.doc.jwt.expiresIn : this.doc.jwt.refreshExpiresIn);
        const input = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify({ sub, typ: kind, iat, exp }))}`;
        return `${input}.${base64url(hs256(this.doc.jwt.secret, input))}`;
    }

    /** Signature first (against every verification key), then expiry, as JWT libraries check. */
    verify(token: string): Verdict {
        const [header, payload, signature] = token.split(".");
        if (!header || !payload || !signature) return "bad-signature";
        const given = Buffer.from(signature, "base64url");
        const keys = [this.doc.jwt.secret, this.doc.jwt.previousSecret, this.doc.jwt.nextSecret].filter((k): k is string => typeof k === "string");
        const ok = keys.some((key) => {
            const expected = hs256(key, `${header}.${payload}`);
            return expected.length === given.length && timingSafeEqual(expected, given);
        });
        if (!ok) return "bad-signature";
        const { exp } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp: number };
        return exp * 1000 > this.nowMs() ? "valid" : "expired";
    }

    /** Whether the cluster would accept this task's AUTH. */
    canUseCache(group: FakeReplicationGroup): boolean {
        const token = this.doc.redis?.authToken;
        return typeof token === "string" && group.accepts(token);
    }
}
