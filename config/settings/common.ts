// Checks and predicates several sections share.
import { LOG_RETENTION_DAYS } from "../aws-limits";
import { TierTraits } from "../tiers";
import { oneOf } from "./dsl";

/** CloudWatch Logs takes only the retention periods in LOG_RETENTION_DAYS. */
export const retention = oneOf(LOG_RETENTION_DAYS, "is not accepted by CloudWatch Logs as a retention period");

/** Sections of the tiers whose services run on Fargate behind an ALB. */
export const onFargate = (t: TierTraits) => t.runtime === "fargate";

/** Sections of the tiers that run everything on one host. */
export const onHost = (t: TierTraits) => t.runtime === "host";

/** A lowercase DNS name (labels of 1-63, 253 in all, an alphabetic top-level label). */
export const dnsName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
