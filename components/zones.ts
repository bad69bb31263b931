// Which Availability Zones the network uses. Pure.
//
// Zones are chosen by zone id, never by name or list position: names map to physical zones
// differently in every account, and a lookup filtered by `state: "available"` drops an impaired zone
// and shifts every later index, which would replace subnets (AWS-FACTS). Zone ids of a region are
// stable and new zones get new, higher numbers, so "the lowest-numbered regular zone ids, without
// the ones Fargate lacks" is the same answer on every run; `network.availabilityZoneIds` pins them.
import { AZ_IDS_WITHOUT_FARGATE } from "../config/aws-limits";

/** The number in a zone id: `use1-az12` -> 12. */
function zoneNumber(zoneId: string): number {
    return Number(/-az(\d+)$/.exec(zoneId)?.[1] ?? Number.MAX_SAFE_INTEGER);
}

/** The `count` zone ids to use out of what the region offers (pinned ones win). */
export function pickZoneIds(offered: string[], count: number, pinned?: string[]): string[] {
    if (pinned !== undefined) {
        const missing = pinned.filter((id) => !offered.includes(id));
        if (missing.length > 0)
            throw new Error(
                `platform:network.availabilityZoneIds: ${missing.join(", ")} not offered in this region and account (offered: ${offered.join(", ")})`,
            );
        return pinned;
    }
    const usable = offered
        .filter((id) => !(AZ_IDS_WITHOUT_FARGATE as readonly string[]).includes(id))
        .sort((a, b) => zoneNumber(a) - zoneNumber(b) || a.localeCompare(b));
    if (usable.length < count)
        throw new Error(`platform:network.azCount: ${count} zones needed, the region offers ${usable.length} usable ones (${usable.join(", ")})`);
    return usable.slice(0, count);
}
