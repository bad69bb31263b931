// Physical names: what AWS and Pulumi's autonaming accept for each named type (harness/naming.ts NAMING).
import { NAMING, physicalNameOf, AUTONAME_RANDOM_LENGTH } from "../naming";
import { Finding, ResourceRule } from "./rule";

export const physicalNameRule: ResourceRule = {
    id: "physical-name",
    scope: "resource",
    types: Object.keys(NAMING),
    message: "the physical name is refused",
    source: "per type, harness/naming.ts NAMING",
    check(r) {
        const rule = NAMING[r.type];
        const name = physicalNameOf(r.type, r.name, r.inputs);
        if (!name) return [];
        const findings: Finding[] = [];
        const where = (why: string) => ({ input: `${name.property} (${why})`, value: name.value });
        if (name.origin === "autoname" && rule.autoname && r.name.length + 1 + AUTONAME_RANDOM_LENGTH > rule.autoname.max) {
            findings.push({
                ...where(`autonamed from logical name "${r.name}"`),
                allowed: `a logical name of at most ${rule.autoname.max - 1 - AUTONAME_RANDOM_LENGTH} characters: Pulumi refuses "name '${r.name}-' plus ${AUTONAME_RANDOM_LENGTH} random chars is longer than maximum length ${rule.autoname.max}" (${rule.source})`,
            });
            return findings;
        }
        if (name.origin === "prefix" && rule.prefix) {
            const prefix = r.inputs[rule.prefix.property] as string;
            if (prefix.length > rule.prefix.max)
                findings.push({
                    input: rule.prefix.property,
                    value: prefix,
                    allowed: `at most ${rule.prefix.max} characters (the provider appends a 26-character suffix) (${rule.source})`,
                });
        }
        const tooLong = name.value.length > rule.max || name.value.length < (rule.min ?? 1);
        if (tooLong || (rule.valid && !rule.valid(name.value))) {
            const why =
                name.origin === "explicit" ? "explicit" : name.origin === "prefix" ? "prefix + generated suffix" : `autonamed from logical name "${r.name}"`;
            findings.push({ ...where(why), allowed: `${rule.allowed} (${rule.source})` });
        }
        return findings;
    },
};
