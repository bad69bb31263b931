// EC2: instance user data and the zones subnets land in.
import { AZ_IDS_WITHOUT_FARGATE } from "../../config/aws-limits";
import { bytes } from "./inputs";
import { ResourceRule, T } from "./rule";

export const userDataSizeRule: ResourceRule = {
    id: "user-data-size",
    scope: "resource",
    types: [T.instance, T.launchTemplate],
    message: "EC2 user data is limited to 16 KB before base64 encoding",
    source: 'EC2 User Guide "Run commands when you launch an EC2 instance with user data input" (16 KB raw); AWS-FACTS.md (pre-deploy review)',
    check(r) {
        const raw: { input: string; size: number }[] = [];
        if (typeof r.inputs.userData === "string") {
            // LaunchTemplate.userData is already base64 (provider docs); Instance.userData is plain text.
            raw.push({ input: "userData", size: r.type === T.launchTemplate ? Buffer.from(r.inputs.userData, "base64").length : bytes(r.inputs.userData) });
        }
        if (typeof r.inputs.userDataBase64 === "string")
            raw.push({ input: "userDataBase64 (decoded)", size: Buffer.from(r.inputs.userDataBase64, "base64").length });
        return raw.filter((u) => u.size > 16384).map((u) => ({ input: u.input, value: `${u.size} bytes`, allowed: "at most 16384 bytes" }));
    },
};

export const subnetZoneWithoutFargateRule: ResourceRule = {
    id: "subnet-zone-without-fargate",
    scope: "resource",
    types: [T.subnet],
    message: "the subnet lands in a zone without Fargate and current Graviton families",
    source: "AWS-FACTS.md (us-east-1's use1-az3 has no Fargate and no current Graviton families; exclude it by zone id); REVIEW-2026-12.md A3",
    check(r, ctx) {
        const byName = typeof r.inputs.availabilityZone === "string" ? ctx.zoneIdOf(r.region, r.inputs.availabilityZone) : undefined;
        const zoneId = r.inputs.availabilityZoneId ?? byName;
        if (!AZ_IDS_WITHOUT_FARGATE.includes(zoneId)) return [];
        const input = r.inputs.availabilityZoneId !== undefined ? "availabilityZoneId" : `availabilityZone (zone id ${zoneId} in this account)`;
        return [
            {
                input,
                value: r.inputs.availabilityZoneId ?? r.inputs.availabilityZone,
                allowed: `a zone other than ${AZ_IDS_WITHOUT_FARGATE.join(", ")} (getAvailabilityZones excludeZoneIds)`,
            },
        ];
    },
};
