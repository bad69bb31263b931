// Secrets Manager controls: every secret rotates (SecretsManager.1), at least every 30 days
// (SecretsManager.4).

import { StackValidationPolicy } from "@pulumi/policy";
import { asNumber, effectiveTags, MARKERS, safeGet } from "../common";
import { pairReferences } from "../links";
import { T } from "../types";
import { control } from "./control";

export interface RotationConfig {
    /** Longest rotation interval in days. */
    maxDays?: number;
}

/**
 * Longest interval in days between rotations for rotationRules, or undefined when no schedule is
 * set. `rate(N days|hours)` is exact; for `cron()` a fixed day of month counts as 31 days, a
 * `*\/N` day-of-month as N, a list as its largest gap, any day-of-month `*`/`?` as at most 7, and
 * a restricted month field as more than a month.
 */
export function rotationIntervalDays(rules: any): number | undefined {
    const days = asNumber(safeGet(rules, "automaticallyAfterDays"));
    if (days !== undefined) {
        return days;
    }
    const expr = safeGet(rules, "scheduleExpression");
    if (typeof expr !== "string") {
        return undefined;
    }
    const rate = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/i.exec(expr.trim());
    if (rate) {
        const n = Number(rate[1]);
        return rate[2].toLowerCase().startsWith("hour") ? n / 24 : n;
    }
    const cron = /^cron\((.*)\)$/i.exec(expr.trim());
    if (cron) {
        const f = cron[1].trim().split(/\s+/);
        const [dom, month] = [f[2] ?? "*", f[3] ?? "*"];
        if (month !== "*" && month !== "?") {
            return 62;
        }
        if (dom === "*" || dom === "?") {
            return 7;
        }
        const step = /^\*\/(\d+)$/.exec(dom);
        if (step) {
            return Number(step[1]);
        }
        const list = dom.split(",").map(Number);
        if (list.every((n) => Number.isInteger(n))) {
            const sorted = [...new Set(list)].sort((a, b) => a - b);
            let gap = 31 - sorted[sorted.length - 1] + sorted[0];
            for (let i = 1; i < sorted.length; i++) {
                gap = Math.max(gap, sorted[i] - sorted[i - 1]);
            }
            return gap;
        }
        return 31;
    }
    return undefined;
}

/**
 * SecretsManager.1 / SecretsManager.4 as a stack policy: every secret has a SecretRotation (linked
 * through `secretId`) unless tagged RotationExempt=<reason>, and every rotation rotates at least
 * every `maxDays` (default 30).
 */
export function secretsRotation(): StackValidationPolicy {
    return {
        name: "secrets-rotation",
        description: control(
            "SecretsManager.1 / SecretsManager.4",
            `Secrets rotate automatically at least every 30 days (exempt a secret with tag ${MARKERS.rotationExemptTag}=<reason>).`,
        ),
        enforcementLevel: "mandatory",
        severity: "high",
        tags: ["security", "FSBP"],
        configSchema: { properties: { maxDays: { type: "integer", minimum: 1, default: 30, description: "Longest rotation interval in days." } } },
        validateStack: (args, report) => {
            const maxDays = args.getConfig<RotationConfig>().maxDays ?? 30;
            const secrets = args.resources.filter((r) => r.type === T.secret);
            const rotations = args.resources.filter((r) => r.type === T.secretRotation);
            for (const rot of rotations) {
                const days = rotationIntervalDays(safeGet(rot.props, "rotationRules"));
                if (days === undefined) {
                    report(`Secret rotation "${rot.name}" sets neither rotationRules.automaticallyAfterDays nor scheduleExpression.`, rot.urn);
                } else if (days > maxDays) {
                    report(`Secret rotation "${rot.name}" rotates every ${days} days; at most ${maxDays} allowed.`, rot.urn);
                }
            }
            const needing = secrets.filter((s) => (effectiveTags(s.props, s.provider)[MARKERS.rotationExemptTag] ?? "").trim() === "");
            const { missing } = pairReferences(needing, rotations, "secretId");
            for (const s of missing) {
                report(
                    `Secret "${s.name}" has no aws.secretsmanager.SecretRotation (or tag ${MARKERS.rotationExemptTag}=<reason> if it cannot rotate).`,
                    s.urn,
                );
            }
        },
    };
}
