// The examples consume the stack output contract; these tests keep them from drifting from it.
// The StackReference example is only read as text (importing it would create a StackReference).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { outputSpec, STACK_OUTPUTS, toEnvName } from "../../tools/outputs-lib";

const EXAMPLES = path.join(__dirname, "..", "..", "examples");

/** `${platform.production.ecrRepositoryUrls.api}` -> ["ecrRepositoryUrls", "api"] (after the stack alias). */
function references(value: unknown, alias: string): string[][] {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const found: string[][] = [];
    for (const match of text.matchAll(/\$\{([^}]+)\}/g)) {
        const parts = match[1].split(".");
        assert.equal(parts.slice(0, 2).join("."), alias, `reference ${match[0]} goes through ${alias}`);
        found.push(parts.slice(2));
    }
    return found;
}

describe("examples: ESC environment", () => {
    const doc = parse(fs.readFileSync(path.join(EXAMPLES, "esc", "environment.yaml"), "utf8"));
    const values = doc.values;

    it("opens the platform stack with fn::open::pulumi-stacks", () => {
        const open = values.platform["fn::open::pulumi-stacks"];
        assert.deepEqual(open, { stacks: { production: { stack: "platform/production" } } });
    });

    it("exposes only contract outputs, each under the name npm run outputs uses", () => {
        const env = values.environmentVariables as Record<string, unknown>;
        assert.ok(Object.keys(env).length >= 10);
        for (const [name, value] of Object.entries(env)) {
            const refs = references(value, "platform.production");
            assert.equal(refs.length, 1, `${name} references exactly one output`);
            const [output, ...keys] = refs[0];
            const spec = outputSpec(output);
            assert.ok(spec, `${name} references ${output}, which is not in the stack output contract`);
            assert.ok(spec.tiers.includes("production"), `${output} is exported by production stacks`);
            assert.equal(keys.length, spec.type === "map" ? 1 : 0, `${name}: maps need one key, scalars none`);
            assert.equal(name, [toEnvName(output), ...keys.map(toEnvName)].join("_"));
            if (spec.type === "number" || spec.type === "boolean") {
                assert.ok(typeof value === "object" && value !== null && "fn::toString" in value, `${name} is converted to a string`);
            }
        }
    });

    it("D: hands out no credential as an output (apps read them from the secrets by ARN)", () => {
        assert.ok(!("CACHE_AUTH_TOKEN" in values.environmentVariables));
        assert.ok("APP_SECRET_ARN" in values.environmentVariables && "DATABASE_SECRET_ARN" in values.environmentVariables);
    });

    it("passes only contract outputs as pulumiConfig", () => {
        for (const value of Object.values(values.pulumiConfig as Record<string, unknown>)) {
            for (const [output] of references(value, "platform.production")) assert.ok(outputSpec(output), output);
        }
    });
});

describe("examples: StackReference program", () => {
    const source = fs.readFileSync(path.join(EXAMPLES, "stack-reference", "index.ts"), "utf8");
    const calls = [...source.matchAll(/\.(getOutput|requireOutput)\("([^"]+)"\)/g)].map((m) => ({ method: m[1], name: m[2] }));

    it("references the platform project by <org>/platform/<stack>", () => {
        assert.match(source, /new pulumi\.StackReference\(`\$\{org\}\/platform\/\$\{platformStack\}`\)/);
    });

    it("reads only contract outputs, including url, databaseEndpoint, appSecretArn and the cache endpoint", () => {
        const names = calls.map((c) => c.name);
        for (const name of ["url", "databaseEndpoint", "appSecretArn", "cacheEndpoint"]) assert.ok(names.includes(name), name);
        for (const name of names) assert.ok(outputSpec(name), `${name} is in the contract`);
    });

    it("reads the AUTH token from the application secret, never an output, and keeps derived values secret", () => {
        assert.ok(!calls.some((c) => c.name === "cacheAuthToken"));
        assert.match(source, /getSecretVersionOutput\(\{ secretId: requiredAppSecretArn \}\)/);
        assert.match(source, /export const cacheUrl = pulumi\.secret\(/);
        for (const secret of STACK_OUTPUTS.filter((o) => o.secret).map((o) => o.name)) {
            const call = calls.find((c) => c.name === secret);
            if (call) assert.equal(call.method, "requireOutput", secret);
        }
    });
});
