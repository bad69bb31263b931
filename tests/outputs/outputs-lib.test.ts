import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    convertOutputs,
    flattenForEnv,
    outputNamesForTier,
    OutputValues,
    parseEnv,
    parseOutputsArgs,
    parseStackOutputJson,
    pulumiOutputArgs,
    quoteEnvValue,
    renderOutputsMarkdownTable,
    SECRET_PLACEHOLDER,
    secretOutputNames,
    selectOutputs,
    STACK_OUTPUTS,
    toEnvName,
    UsageError,
} from "../../tools/outputs-lib";

const FIXTURES = path.join(__dirname, "..", "fixtures", "outputs");
const fixture = (name: string): OutputValues => parseStackOutputJson(fs.readFileSync(path.join(FIXTURES, name), "utf8"), name);

const env = (raw: OutputValues, showSecrets = false) => convertOutputs(raw, { format: "env", showSecrets, strict: true, stack: "staging" });
/** A stack that exports a secret output of its own (the contract has none): not strict. */
const envWithSecret = (raw: OutputValues, showSecrets = false) => convertOutputs(raw, { format: "env", showSecrets, strict: false, stack: "staging" });

describe("outputs: the contract table", () => {
    it("names each output once, with a description and at least one tier", () => {
        const names = STACK_OUTPUTS.map((o) => o.name);
        assert.equal(new Set(names).size, names.length);
        for (const o of STACK_OUTPUTS) {
            assert.ok(o.description.length > 10, `${o.name} has a description`);
            assert.ok(o.tiers.length > 0, `${o.name} has tiers`);
        }
    });

    it("D: has no secret output: credentials live in the secrets (by ARN), where rotation keeps them current", () => {
        assert.deepEqual(secretOutputNames(), []);
        assert.ok(outputNamesForTier("staging").includes("databaseMasterSecretArn"));
    });

    it("keeps host outputs to zero-cost and ALB/ECS outputs to the cloud tiers", () => {
        const zeroCost = outputNamesForTier("zero-cost");
        for (const name of ["instanceId", "publicIp", "ssmParameterNames"]) {
            assert.ok(zeroCost.includes(name));
            assert.ok(!outputNamesForTier("staging").includes(name));
            assert.ok(!outputNamesForTier("production").includes(name));
        }
        for (const name of ["albDnsName", "clusterName", "serviceNames", "appSecretArn", "databaseSecretArn"]) {
            assert.ok(!zeroCost.includes(name));
        }
        assert.deepEqual(outputNamesForTier("staging"), outputNamesForTier("production"));
    });

    it("matches the recorded fixtures exactly for their tier", () => {
        assert.deepEqual(Object.keys(fixture("staging.json")).sort(), outputNamesForTier("staging").sort());
        assert.deepEqual(Object.keys(fixture("zero-cost.json")).sort(), outputNamesForTier("zero-cost").sort());
    });

    it("renders a Markdown table with one row per output", () => {
        const table = renderOutputsMarkdownTable().split("\n");
        assert.equal(table.length, STACK_OUTPUTS.length + 2);
        assert.match(table[0], /^\| Output \| Env variable \|/);
        assert.ok(table.some((row) => row.startsWith("| `ecrRepositoryUrls` | `ECR_REPOSITORY_URLS_<KEY>` |")));
        assert.ok(table.some((row) => row.startsWith("| `databaseMasterSecretArn` | `DATABASE_MASTER_SECRET_ARN` | string | staging, production | no |")));
    });
});

describe("outputs: environment variable names", () => {
    const cases: [string, string][] = [
        ["databaseEndpoint", "DATABASE_ENDPOINT"],
        ["albDnsName", "ALB_DNS_NAME"],
        ["ecrRepositoryUrls", "ECR_REPOSITORY_URLS"],
        ["publicIp", "PUBLIC_IP"],
        ["my-service", "MY_SERVICE"],
        ["api", "API"],
        ["HTTPServer", "HTTP_SERVER"],
        ["2fa", "_2FA"],
    ];
    for (const [input, expected] of cases) {
        it(`${input} -> ${expected}`, () => assert.equal(toEnvName(input), expected));
    }

    it("refuses a name with no letters or digits", () => {
        assert.throws(() => toEnvName("--"), /cannot derive/);
    });

    it("refuses two outputs that map to the same variable", () => {
        assert.throws(() => flattenForEnv({ fooBar: "a", foo_bar: "b" }), /both map to the environment variable FOO_BAR/);
    });
});

describe("outputs: env format", () => {
    it("writes UPPER_SNAKE_CASE keys with maps flattened, in contract order", () => {
        const result = env(fixture("staging.json"));
        const vars = parseEnv(result.text);
        const recorded = fixture("staging.json") as Record<string, any>;
        assert.equal(vars.DATABASE_ENDPOINT, recorded.databaseEndpoint);
        assert.equal(vars.DATABASE_PORT, "5432");
        assert.equal(vars.HTTPS_ENABLED, "true", "viewers reach staging over HTTPS on the distribution's name");
        assert.equal(vars.CDN_DOMAIN_NAME, recorded.cdnDomainName);
        assert.equal(vars.ECR_REPOSITORY_URLS_API, recorded.ecrRepositoryUrls.api);
        assert.equal(vars.ECR_REPOSITORY_URLS_DEVICES, recorded.ecrRepositoryUrls.devices);
        assert.equal(vars.SERVICE_NAMES_DEVICES, recorded.serviceNames.devices);
        assert.equal(vars.CACHE_MODE, "replication-group");
        assert.equal(vars.DATABASE_SECRET_ARN, recorded.databaseSecretArn);
        assert.equal(vars.PUBLIC_SUBNET_IDS, JSON.stringify(recorded.publicSubnetIds), "lists are written as JSON");
        const keys = result.text
            .split("\n")
            .filter((l) => /^[A-Z]/.test(l))
            .map((l) => l.split("=")[0]);
        assert.deepEqual(keys.slice(0, 3), ["TIER", "URL", "HTTPS_ENABLED"]);
        for (const key of keys) assert.match(key, /^[A-Z][A-Z0-9_]*$/);
    });

    it('writes every line as KEY="value" after a header comment', () => {
        const lines = env(fixture("zero-cost.json")).text.trimEnd().split("\n");
        assert.match(lines[0], /^# Generated by 'npm run outputs' for stack staging/);
        for (const line of lines.slice(1)) assert.match(line, /^(#.*|[A-Z_][A-Z0-9_]*="(?:[^"\\]|\\.)*")$/);
    });

    it("flattens the zero-cost SSM parameter map", () => {
        const vars = parseEnv(env(fixture("zero-cost.json")).text);
        assert.equal(vars.SSM_PARAMETER_NAMES_DATABASE_PASSWORD, "/platform/dev/database-password");
        assert.equal(vars.INSTANCE_ID, fixture("zero-cost.json").instanceId);
        assert.equal(vars.CACHE_MODE, "host-container");
        assert.equal(vars.ALB_DNS_NAME, undefined);
    });
});

describe("outputs: json format", () => {
    it("keeps contract names and structured values", () => {
        const result = convertOutputs(fixture("staging.json"), { format: "json", showSecrets: false, strict: true });
        const parsed = JSON.parse(result.text);
        assert.equal(parsed.databasePort, 5432);
        assert.equal(parsed.httpsEnabled, true);
        assert.deepEqual(parsed.serviceNames, { api: "platform-staging-api", devices: "platform-staging-devices" });
        assert.equal("cacheAuthToken" in parsed, false);
        assert.equal(Object.keys(parsed)[0], "tier");
    });

    it("includes a secret output with --show-secrets", () => {
        const result = convertOutputs(fixture("staging.with-secret.show-secrets.json"), { format: "json", showSecrets: true, strict: false });
        assert.equal(JSON.parse(result.text).extraSecret, "Vk3y$HOME!pa55&w0rd#tok3n-with-16+chars");
    });
});

describe("outputs: secrets", () => {
    it("omits secret outputs without --show-secrets and never writes the placeholder", () => {
        const result = envWithSecret(fixture("staging.with-secret.json"));
        assert.deepEqual(result.omittedSecrets, ["extraSecret"]);
        assert.ok(!result.text.includes(SECRET_PLACEHOLDER));
        assert.ok(!/^EXTRA_SECRET=/m.test(result.text));
        assert.match(result.text, /^# Secret outputs left out \(use --show-secrets\): extraSecret$/m);
    });

    it("writes the secret with --show-secrets, escaped", () => {
        const result = envWithSecret(fixture("staging.with-secret.show-secrets.json"), true);
        assert.deepEqual(result.omittedSecrets, []);
        assert.match(result.text, /^EXTRA_SECRET="Vk3y\\\$HOME!pa55&w0rd#tok3n-with-16\+chars"$/m);
        assert.equal(parseEnv(result.text).EXTRA_SECRET, "Vk3y$HOME!pa55&w0rd#tok3n-with-16+chars");
    });

    it("refuses to write [secret] as a value when secrets were asked for", () => {
        assert.throws(() => envWithSecret(fixture("staging.with-secret.json"), true), /extraSecret is "\[secret\]".*refusing to write the placeholder/);
    });

    it("treats any output printed as [secret] as secret, also inside maps", () => {
        const raw = { ...fixture("staging.json"), extra: { plain: "x", hidden: SECRET_PLACEHOLDER } };
        const selected = selectOutputs(raw, false);
        assert.deepEqual(selected.omittedSecrets, ["extra"]);
        assert.equal("extra" in selected.values, false);
    });
});

describe("outputs: escaping", () => {
    const tricky: Record<string, string> = {
        quotes: `say "hi" and 'bye'`,
        newline: "line one\nline two\r\nline three",
        dollar: "$HOME ${PATH} $(whoami) `id`",
        backslash: "C:\\path\\to\\n-not-a-newline",
        hash: "value # not a comment",
        empty: "",
        unicode: "café ✓",
    };

    for (const [name, value] of Object.entries(tricky)) {
        it(`round-trips a value with ${name}`, () => {
            const line = `KEY=${quoteEnvValue(value)}`;
            assert.equal(line.split("\n").length, 1, "one line per variable");
            assert.equal(parseEnv(line).KEY, value);
        });
    }

    it("escapes exactly backslash, double quote, dollar, newline and carriage return", () => {
        assert.equal(quoteEnvValue(`a"b$c\\d\ne\rf'g`), `"a\\"b\\$c\\\\d\\ne\\rf'g"`);
    });

    it("leaves no unescaped $ for dotenv interpolation", () => {
        const quoted = quoteEnvValue(tricky.dollar);
        assert.ok(!/(^|[^\\])\$/.test(quoted), quoted);
    });

    it("renders booleans, numbers, nulls and lists as strings", () => {
        assert.deepEqual(flattenForEnv({ a: true, b: 5432, c: null, d: ["x", "y"] }), [
            ["A", "true"],
            ["B", "5432"],
            ["C", ""],
            ["D", '["x","y"]'],
        ]);
    });
});

describe("outputs: contract checks", () => {
    it("warns about outputs missing for the tier and unknown outputs, and fails in strict mode", () => {
        const raw = { ...fixture("staging.json"), surprise: "x" } as OutputValues;
        delete raw.clusterName;
        const selected = selectOutputs(raw, false);
        assert.ok(selected.warnings.some((w) => /clusterName is missing/.test(w)));
        assert.ok(selected.warnings.some((w) => /surprise is not in the stack output contract/.test(w)));
        assert.equal(selected.values.surprise, "x");
        assert.throws(() => env(raw), /do not match the contract/);
        assert.doesNotThrow(() => convertOutputs(raw, { format: "env", showSecrets: false, strict: false }));
    });

    it("warns about a zero-cost output on a cloud tier", () => {
        const raw = { ...fixture("staging.json"), publicIp: "203.0.113.1" };
        assert.ok(selectOutputs(raw, false).warnings.some((w) => /publicIp is exported, but the contract does not list it for staging/.test(w)));
    });

    it("rejects output JSON that is not an object", () => {
        assert.throws(() => parseStackOutputJson("[1]", "x.json"), /x.json: expected a JSON object of outputs, got an array/);
        assert.throws(() => parseStackOutputJson("nope", "x.json"), /x.json: not JSON/);
    });
});

describe("outputs: arguments", () => {
    it("parses the documented flags", () => {
        assert.deepEqual(parseOutputsArgs(["--stack", "acme/platform/staging", "--format", "json", "--show-secrets", "--out", "x.json"]), {
            stack: "acme/platform/staging",
            format: "json",
            showSecrets: true,
            strict: false,
            out: "x.json",
        });
        assert.equal(parseOutputsArgs(["--from=a.json"]).format, "env");
    });

    it("rejects an unknown format, naming it and the allowed ones", () => {
        assert.throws(
            () => parseOutputsArgs(["--stack", "dev", "--format", "yaml"]),
            (e: unknown) => {
                assert.ok(e instanceof UsageError);
                assert.equal((e as Error).message, 'unknown format "yaml": use one of env, json');
                return true;
            },
        );
    });

    it("requires --stack or --from, and a stack name that cannot be a flag", () => {
        assert.throws(() => parseOutputsArgs(["--format", "env"]), /--stack is required/);
        assert.throws(() => parseOutputsArgs(["--stack", "--show-secrets"]), /--stack needs a value/);
        assert.throws(() => parseOutputsArgs(["--stack=-rf"]), /invalid stack name/);
        assert.throws(() => parseOutputsArgs(["--stack", "dev", "--bogus"]), /unknown argument "--bogus"/);
    });

    it("asks the CLI for secrets only with --show-secrets", () => {
        assert.deepEqual(pulumiOutputArgs("dev", false), ["stack", "output", "--json", "--stack", "dev"]);
        assert.deepEqual(pulumiOutputArgs("dev", true), ["stack", "output", "--json", "--stack", "dev", "--show-secrets"]);
    });
});
