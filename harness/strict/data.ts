// Stored values: SSM parameter sizes and the ElastiCache AUTH token, given or generated.
import { Finding, ResourceRule, StackRule, StrictResource, T } from "./rule";

/** random_password's special characters when `overrideSpecial` is absent (terraform-provider-random docs; unconfirmed in this session). */
const RANDOM_DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

export const ssmParameterSizeRule: ResourceRule = {
    id: "ssm-parameter-size",
    scope: "resource",
    types: [T.ssmParameter],
    message: "the value is too large for the parameter's tier",
    source: 'SSM PutParameter ValidationException "Standard tier parameters support a maximum parameter value of 4096 characters"; Advanced 8 KB (parameter-store-advanced-parameters.html, unconfirmed in this session)',
    check(r) {
        const value = r.inputs.value;
        if (typeof value !== "string") return [];
        const tier = r.inputs.tier ?? "Standard";
        const max = tier === "Advanced" ? 8192 : tier === "Standard" ? 4096 : undefined;
        return max !== undefined && value.length > max
            ? [{ input: "value", value: `${value.length} characters`, allowed: `at most ${max} characters in tier ${tier}` }]
            : [];
    },
};

export const elasticacheAuthTokenRule: ResourceRule = {
    id: "elasticache-auth-token",
    scope: "resource",
    types: [T.cache],
    message: "ElastiCache refuses this AUTH token",
    source: 'ElastiCache API CreateReplicationGroup AuthToken (@aws-sdk/client-elasticache models: printable ASCII, 16-128 characters, none of / " @ %); AWS-FACTS.md (authToken only with transitEncryptionEnabled)',
    check(r) {
        const token = r.inputs.authToken;
        if (typeof token !== "string") return [];
        const findings: Finding[] = [];
        if (token.length < 16 || token.length > 128 || !/^[\x20-\x7e]+$/.test(token) || /[/"@%]/.test(token)) {
            findings.push({
                input: "authToken",
                value: `(${token.length} characters, not shown)`,
                allowed: '16-128 printable ASCII characters without / " @ %',
            });
        }
        if (r.inputs.transitEncryptionEnabled !== true)
            findings.push({ input: "transitEncryptionEnabled", value: r.inputs.transitEncryptionEnabled, allowed: "true when authToken is set" });
        return findings;
    },
};

export const elasticacheAuthTokenGeneratorRule: StackRule = {
    id: "elasticache-auth-token-generator",
    scope: "stack",
    types: [T.cache, T.password],
    message: "a generated AUTH token may contain characters or a length ElastiCache refuses",
    source: 'ElastiCache API CreateReplicationGroup AuthToken (@aws-sdk/client-elasticache models: 16-128 printable ASCII, none of / " @ %); terraform-provider-random random_password (special defaults to true, default set !@#$%&*()-_=+[]{}<>:?; unconfirmed in this session)',
    check(resources) {
        const out: { resource: StrictResource; finding: Finding }[] = [];
        const passwords = resources.filter((r) => r.type === T.password);
        for (const group of resources.filter((r) => r.type === T.cache && typeof r.inputs.authToken === "string")) {
            const source = passwords.find((p) => p.state?.result !== undefined && p.state.result === group.inputs.authToken);
            if (!source) continue;
            const length = source.inputs.length;
            if (typeof length === "number" && (length < 16 || length > 128)) {
                out.push({ resource: source, finding: { input: "length", value: length, allowed: `16-128 (it is ${group.name}'s authToken)` } });
            }
            if (source.inputs.special !== false) {
                const set = typeof source.inputs.overrideSpecial === "string" ? source.inputs.overrideSpecial : RANDOM_DEFAULT_SPECIAL;
                const bad = [...set].filter((c) => `/"@%`.includes(c));
                if (bad.length > 0)
                    out.push({
                        resource: source,
                        finding: {
                            input: source.inputs.overrideSpecial !== undefined ? "overrideSpecial" : "special (default true)",
                            value: set,
                            allowed: `special: false, or overrideSpecial without ${bad.join(" ")} (it is ${group.name}'s authToken)`,
                        },
                    });
            }
        }
        return out;
    },
};
