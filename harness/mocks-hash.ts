// Deterministic stand-ins for the ids and names AWS makes up: the same logical name always gets
// the same value, so tests can compute what the mocks answered.

/** `length` lowercase hex characters derived from `name` (FNV-1a, extended for longer values). */
export function hex(name: string, length: number): string {
    let h = 2166136261;
    for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    const short = h.toString(16).padStart(8, "0").repeat(3);
    // Longer values (ACM record names) continue with the hash of a derived name.
    return length <= short.length ? short.slice(0, length) : `${short}${hex(`${name}+`, length - short.length)}`;
}

/** A version-4-shaped UUID derived from `name`. */
export function uuid(name: string): string {
    const h = hex(name, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
