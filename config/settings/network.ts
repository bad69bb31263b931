// `platform:network`: the VPC, its subnets and how private subnets reach the internet.
import { NAT_INSTANCE_TYPES } from "../allowed-sizes";
import { retention } from "./common";
import { choice, flag, group, list, number, object, optional, text } from "./dsl";

export const NAT_STRATEGIES = ["none", "single", "per-az", "instance"] as const;

export const network = group("The VPC, its subnets and NAT.", {
    vpcCidr: text({
        doc: "VPC CIDR block, /16 to /24 (seed 003 §10.2.5).",
        default: "10.0.0.0/16",
        example: "10.20.0.0/16",
    }),
    azCount: number({
        doc: "Availability zones to spread subnets over: 2 or 3 (1 only where the tier's minimum is 1).",
        default: 2,
    }),
    availabilityZoneIds: optional(
        list({
            doc: "Zone ids to use, pinned (`aws ec2 describe-availability-zones` shows ZoneId). Unset: the lowest-numbered usable zone ids of the region, which never shift.",
            example: "[use1-az1, use1-az2]",
        }),
    ),
    nat: choice(NAT_STRATEGIES, {
        doc: "How private subnets reach the internet: `none`, one NAT gateway (`single`), one per AZ (`per-az`) or a NAT instance (`instance`, about $3/month).",
        default: (t) => t.natChoices[0],
        phrase: "is not a NAT choice",
    }),
    natInstanceType: choice(NAT_INSTANCE_TYPES, {
        doc: "Instance type of the NAT instance when `nat` is `instance`.",
        default: NAT_INSTANCE_TYPES[0],
        phrase: "is not allowed",
    }),
    subnets: optional(
        object<{ public: string[]; private: string[]; database: string[] }>({
            doc: "Explicit subnet CIDRs, one per AZ in each of `public`, `private`, `database`. Unset: the seed's 10.0.1-3/10-12/20-22.0/24 layout inside the VPC.",
            example: "{ public: [10.0.1.0/24, 10.0.2.0/24], private: [...], database: [...] }",
        }),
    ),
    flowLogs: group("VPC flow logs to CloudWatch Logs.", {
        enabled: flag({ doc: "Send VPC flow logs to CloudWatch Logs (billed per GB ingested).", default: (t) => t.detailedMonitoring }),
        retentionDays: number({ doc: "Retention of the flow-log group, days.", default: (t) => t.logRetention.default, check: retention }),
    }),
});
