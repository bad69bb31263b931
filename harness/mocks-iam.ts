// The mocks' rendering of `aws.iam.getPolicyDocument`: the JSON the real data source returns.

/** IAM policy JSON from `getPolicyDocument` statements, as the real data source renders it. */
export function policyDocument(args: Record<string, any>): string {
    const statements = (args.statements ?? []).map((s: Record<string, any>) => {
        const out: Record<string, any> = { Effect: s.effect ?? "Allow" };
        if (s.sid) out.Sid = s.sid;
        if (s.actions) out.Action = s.actions.length === 1 ? s.actions[0] : s.actions;
        if (s.resources) out.Resource = s.resources.length === 1 ? s.resources[0] : s.resources;
        if (s.principals) {
            out.Principal = Object.fromEntries(s.principals.map((p: any) => [p.type, p.identifiers.length === 1 ? p.identifiers[0] : p.identifiers]));
        }
        if (s.conditions) {
            out.Condition = {};
            for (const c of s.conditions)
                out.Condition[c.test] = { ...(out.Condition[c.test] ?? {}), [c.variable]: c.values.length === 1 ? c.values[0] : c.values };
        }
        return out;
    });
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
