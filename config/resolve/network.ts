// `platform:network` after the merge: the AZ count the tier needs, the NAT choices it accepts, and
// the subnet layout (explicit or derived), which must fit the VPC without overlaps.
import { AZ_IDS_WITHOUT_FARGATE } from "../aws-limits";
import { cidrContains, cidrsOverlap, parseCidr, seedSubnetLayout } from "../cidr";
import { describe, Problems } from "../merge";
import { RawConfig } from "../settings";
import { NAT_STRATEGIES } from "../settings/network";
import { allowedList, CheckContext } from "../settings/dsl";
import { NetworkSettings } from "../types";

export function resolveNetwork(raw: RawConfig["network"], { tier, traits }: CheckContext, problems: Problems): NetworkSettings {
    const privateSubnets = traits.runtime === "fargate";
    const vpc = parseCidr(raw.vpcCidr);
    if (!vpc) problems.push(`platform:network.vpcCidr: ${describe(raw.vpcCidr)} is not an IPv4 CIDR block like 10.0.0.0/16 (host bits must be zero)`);
    else if (vpc.prefix < 16 || vpc.prefix > 24)
        problems.push(`platform:network.vpcCidr: ${describe(raw.vpcCidr)} must have a prefix from /16 to /24 (AWS VPC limits)`);

    const minAzs = traits.minAzs;
    if (!Number.isInteger(raw.azCount) || raw.azCount < minAzs || raw.azCount > 3) {
        problems.push(
            `platform:network.azCount: ${describe(raw.azCount)} must be ${minAzs === 2 ? "2 or 3" : minAzs === 3 ? "3" : "1, 2 or 3"}` +
                (minAzs < 2 ? "" : ` (tier ${tier} needs at least 2 AZs for the ALB, Multi-AZ RDS and cache subnet groups)`),
        );
    }
    const nat = raw.nat;
    if (!traits.natChoices.includes(nat) && (NAT_STRATEGIES as readonly string[]).includes(nat)) {
        problems.push(
            nat === "none"
                ? `platform:network.nat: "none" leaves tier ${tier}'s private subnets without egress (image pulls fail); ${allowedList(traits.natChoices)}`
                : `platform:network.nat: ${describe(nat)} is not allowed for tier ${tier}${traits.budgetUsd === 0 ? " (it is not free)" : ""}; ${allowedList(traits.natChoices)}`,
        );
    }
    const zoneIds = raw.availabilityZoneIds;
    if (zoneIds !== undefined) {
        if (zoneIds.length !== raw.azCount)
            problems.push(`platform:network.availabilityZoneIds: ${describe(zoneIds)} must list exactly network.azCount (${raw.azCount}) zone ids`);
        if (new Set(zoneIds).size !== zoneIds.length) problems.push(`platform:network.availabilityZoneIds: ${describe(zoneIds)} lists a zone twice`);
        zoneIds.forEach((id, i) => {
            if (typeof id !== "string" || !/^[a-z]{2,5}\d+-az\d+$/.test(id)) {
                problems.push(
                    `platform:network.availabilityZoneIds[${i}]: ${describe(id)} is not a zone id like use1-az1 (aws ec2 describe-availability-zones shows ZoneId)`,
                );
            } else if ((AZ_IDS_WITHOUT_FARGATE as readonly string[]).includes(id)) {
                problems.push(
                    `platform:network.availabilityZoneIds[${i}]: ${id} has no ARM64 (Graviton) Fargate and no current Graviton families; choose another zone`,
                );
            }
        });
    }

    const azCount = Math.max(1, Math.min(3, Math.floor(raw.azCount) || 1));
    let subnets = raw.subnets ?? (vpc ? seedSubnetLayout(vpc, azCount) : { public: [], private: [], database: [] });
    if (!privateSubnets) subnets = { public: subnets.public, private: [], database: [] };
    if (vpc) {
        const all: { key: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }[] = [];
        for (const group of ["public", "private", "database"] as const) {
            const list = subnets[group] ?? [];
            const needed = group === "public" || privateSubnets ? azCount : 0;
            if (!Array.isArray(list) || list.length !== needed) {
                problems.push(`platform:network.subnets.${group}: needs exactly ${needed} CIDR${needed === 1 ? "" : "s"} (one per AZ), got ${describe(list)}`);
                continue;
            }
            list.forEach((text, i) => {
                const key = `network.subnets.${group}[${i}]`;
                const cidr = parseCidr(text);
                if (!cidr) problems.push(`platform:${key}: ${describe(text)} is not an IPv4 CIDR block`);
                else if (!cidrContains(vpc, cidr))
                    problems.push(
                        `platform:${key}: ${text} does not fit in the VPC ${raw.vpcCidr}${raw.subnets ? "" : "; the default layout needs a /19 or larger VPC: set network.subnets explicitly"}`,
                    );
                else if (cidr.prefix > 28) problems.push(`platform:${key}: ${text} is smaller than /28, the smallest AWS subnet`);
                else {
                    const clash = all.find((other) => cidrsOverlap(other.cidr, cidr));
                    if (clash) problems.push(`platform:${key}: ${text} overlaps platform:${clash.key}`);
                    all.push({ key, cidr });
                }
            });
        }
    }
    return {
        vpcCidr: raw.vpcCidr,
        azCount,
        availabilityZoneIds: zoneIds,
        nat,
        natInstanceType: raw.natInstanceType,
        privateSubnets,
        subnets,
        flowLogs: raw.flowLogs,
    };
}
