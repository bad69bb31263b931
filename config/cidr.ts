// IPv4 CIDR arithmetic for subnet planning: pure, no Pulumi.

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    network: number;
    prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
    const match = CIDR_PATTERN.exec(text);
    if (!match) return undefined;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const network = prefix === 0 ? 0 : (address & (~0 << (32 - prefix))) >>> 0;
    if (network !== address) return undefined;
    return { network, prefix };
}

export function formatCidr(cidr: Cidr): string {
    const n = cidr.network;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

function size(cidr: Cidr): number {
    return 2 ** (32 - cidr.prefix);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    return inner.prefix >= outer.prefix && inner.network >= outer.network && inner.network + size(inner) <= outer.network + size(outer);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    return a.network < b.network + size(b) && b.network < a.network + size(a);
}

/**
 * The seed's layout (10.0.1.0/24 public, 10.0.10.0/24 private, 10.0.20.0/24 database, one /24 per
 * AZ counting up) applied to any VPC of /19 or larger: /24 number `offset + az` inside the VPC.
 */
export function seedSubnetLayout(vpc: Cidr, azCount: number): { public: string[]; private: string[]; database: string[] } {
    const at = (offset: number) => Array.from({ length: azCount }, (_, az) => formatCidr({ network: vpc.network + (offset + az) * 256, prefix: 24 }));
    return { public: at(1), private: at(10), database: at(20) };
}
