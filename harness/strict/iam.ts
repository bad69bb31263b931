// IAM and accounts: ARNs naming documentation example accounts, a role's inline policy size.
import { EXAMPLE_ACCOUNT_IDS } from "../../config/aws-limits";
import { physicalNameOf } from "../naming";
import { strings } from "./inputs";
import { ResourceRule, StackRule, StrictResource, T } from "./rule";

export const arnExampleAccountRule: ResourceRule = {
    id: "arn-example-account",
    scope: "resource",
    types: "*",
    message: "the ARN names an AWS documentation example account, which no real resource lives in",
    source: "AWS documentation example account ids (123456789012 in API references, 111122223333 / 444455556666 in the IAM User Guide); REVIEW-2026-12.md A1",
    check(r) {
        return strings(r.inputs, "").flatMap(({ path, text }) =>
            [...text.matchAll(/arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):[^\s"',]*/g)]
                .filter((m) => EXAMPLE_ACCOUNT_IDS.includes(m[1]))
                .map((m) => ({
                    input: path || "(input)",
                    value: m[0],
                    allowed: "an ARN in a real account (the deploying account, or another account you actually use)",
                })),
        );
    },
};

export const iamRoleInlinePolicySizeRule: StackRule = {
    id: "iam-role-inline-policy-size",
    scope: "stack",
    types: [T.role, T.rolePolicy],
    message: "a role's inline policies exceed IAM's aggregate size",
    source: 'IAM and AWS STS quotas ("Role policy size cannot exceed 10,240 characters", whitespace not counted; unconfirmed in this session)',
    check(resources) {
        const size = (doc: unknown) => (typeof doc === "string" ? doc.replace(/\s/g, "").length : 0);
        const byRole = new Map<string, { role?: StrictResource; total: number; last?: StrictResource }>();
        for (const r of resources) {
            if (r.type === T.role) {
                const key = String(r.inputs.name ?? physicalNameOf(r.type, r.name, r.inputs)?.value);
                const entry = byRole.get(key) ?? { total: 0 };
                entry.role = r;
                entry.total += (r.inputs.inlinePolicies ?? []).reduce((n: number, p: any) => n + size(p?.policy), 0);
                byRole.set(key, entry);
            } else if (r.type === T.rolePolicy) {
                const key = String(r.inputs.role);
                const entry = byRole.get(key) ?? { total: 0 };
                entry.total += size(r.inputs.policy);
                entry.last = r;
                byRole.set(key, entry);
            }
        }
        return [...byRole.entries()]
            .filter(([, e]) => e.total > 10240)
            .map(([key, e]) => ({
                resource: e.last ?? e.role!,
                finding: {
                    input: `inline policies of role ${key}`,
                    value: `${e.total} characters`,
                    allowed: "at most 10240 characters (without whitespace) per role",
                },
            }));
    },
};
