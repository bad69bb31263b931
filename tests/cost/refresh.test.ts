import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GetProductsCommand, GetProductsCommandInput, PricingClient } from "@aws-sdk/client-pricing";
import { mockClient } from "aws-sdk-client-mock";
import { parseCatalogue } from "../../cost/catalogue";
import { fetchProducts, main, queryFor, refreshCatalogueFile, selectPrice } from "../../cost/refresh";

const ROOT = path.join(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures", "pricing");
const SHIPPED = path.join(ROOT, "cost", "price-catalogue.json");

function recorded(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const f of fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
        m.set(path.basename(f, ".json"), JSON.parse(fs.readFileSync(path.join(FIXTURES, f), "utf8")).PriceList);
    }
    return m;
}

/** Plays the Price List API over the recorded products: TERM_MATCH filters, pages of `pageSize`. */
function priceListApi(opts: { pageSize?: number; drop?: (p: any) => boolean } = {}) {
    const products = recorded();
    const pageSize = opts.pageSize ?? 3;
    return (input: GetProductsCommandInput) => {
        const matching = (products.get(input.ServiceCode!) ?? []).filter((s) => {
            const p = JSON.parse(s);
            if (opts.drop?.(p)) return false;
            return (input.Filters ?? []).every((f) => {
                assert.equal(f.Type, "TERM_MATCH");
                const value = f.Field === "productFamily" ? p.product.productFamily : p.product.attributes[f.Field!];
                return value === f.Value;
            });
        });
        const offset = input.NextToken ? Number(Buffer.from(input.NextToken, "base64").toString()) : 0;
        const size = Math.min(pageSize, input.MaxResults ?? 100);
        const next = offset + size < matching.length ? Buffer.from(String(offset + size)).toString("base64") : undefined;
        return { FormatVersion: "aws_v1", PriceList: matching.slice(offset, offset + size), ...(next ? { NextToken: next } : {}), $metadata: {} };
    };
}

function tempCatalogue(): { dir: string; file: string; original: Buffer } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
    const file = path.join(dir, "price-catalogue.json");
    fs.copyFileSync(SHIPPED, file);
    return { dir, file, original: fs.readFileSync(file) };
}

describe("cost/refresh (prices:refresh)", () => {
    const pricing = mockClient(PricingClient);
    const client = new PricingClient({ region: "us-east-1" });
    afterEach(() => pricing.reset());

    it("has a Price List query for every catalogue key that is refreshed", () => {
        const cat = parseCatalogue(JSON.parse(fs.readFileSync(SHIPPED, "utf8")));
        const without = Object.keys(cat.prices).filter((k) => cat.prices[k].refresh !== false && queryFor(k) === undefined);
        assert.deepEqual(without, []);
    });

    it("refreshes every price from the Price List, keeps the keys and writes the file", async () => {
        const { dir, file, original } = tempCatalogue();
        pricing.on(GetProductsCommand).callsFake(priceListApi());
        const now = new Date("2026-11-20T10:00:00Z");
        const result = await refreshCatalogueFile({ file, client, now });

        const before = parseCatalogue(JSON.parse(original.toString("utf8")));
        const after = parseCatalogue(JSON.parse(fs.readFileSync(file, "utf8")));
        assert.deepEqual(Object.keys(after.prices), Object.keys(before.prices));
        assert.deepEqual(Object.keys(after.freeTier), Object.keys(before.freeTier));
        assert.equal(after.retrievedAt, "2026-11-20T10:00:00.000Z");
        assert.equal(result.refreshed.length + result.kept.length, Object.keys(before.prices).length);
        for (const [key, e] of Object.entries(after.prices)) {
            if (before.prices[key].refresh === false) {
                assert.deepEqual(e, before.prices[key], key);
                continue;
            }
            assert.equal(e.source, "AWS Price List", key);
            assert.ok(e.priceList?.sku, `${key} has the product's sku`);
            assert.equal(e.derived, undefined, `${key} is no longer derived`);
        }
        // New values replace offline ones (derived Multi-AZ and Valkey rates included)...
        assert.equal(after.prices["rds.postgres.multiAz.db.t3.micro"].usd, 0.034);
        assert.equal(after.prices["elasticache.valkey.cache.t4g.micro"].usd, 0.0128);
        // ...decoys are skipped (Windows t3.micro, Fargate Spot/Windows)...
        assert.equal(after.prices["ec2.instance.t3.micro"].usd, 0.0104);
        assert.equal(after.prices["fargate.x86_64.vcpuHour"].usd, 0.04048);
        // ...per-10k / per-million rates are scaled and tiered rates take the first paid tier.
        assert.equal(after.prices["secretsmanager.apiCalls.per10k"].usd, 0.05);
        assert.ok(Math.abs(after.prices["sns.publish.perMillion"].usd - 0.5) < 1e-9);
        assert.ok(Math.abs(after.prices["logs.ingest.standard.gb"].usd - 0.5) < 1e-9);
        assert.ok(Math.abs(after.prices["s3.standard.gbMonth"].usd - 0.023) < 1e-12);
        // Paging was followed, and nothing is left beside the file.
        assert.ok(pricing.commandCalls(GetProductsCommand).some((c) => c.args[0].input.NextToken !== undefined));
        assert.deepEqual(fs.readdirSync(dir), ["price-catalogue.json"]);
    });

    it("follows NextToken across recorded pages", async () => {
        const page1 = JSON.parse(fs.readFileSync(path.join(FIXTURES, "paging", "AmazonECS.page1.json"), "utf8"));
        const page2 = JSON.parse(fs.readFileSync(path.join(FIXTURES, "paging", "AmazonECS.page2.json"), "utf8"));
        pricing.on(GetProductsCommand).resolvesOnce(page1).resolvesOnce(page2);
        const products = await fetchProducts(client, "AmazonECS", { regionCode: "us-east-1" });
        assert.equal(products.length, page1.PriceList.length + page2.PriceList.length);
        const calls = pricing.commandCalls(GetProductsCommand);
        assert.equal(calls.length, 2);
        assert.equal(calls[0].args[0].input.NextToken, undefined);
        assert.equal(calls[1].args[0].input.NextToken, page1.NextToken);
        assert.deepEqual(calls[1].args[0].input.Filters, [{ Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }]);
        // The vCPU price sits on page 1, the Spot decoy with the same suffix on page 2: only one matches.
        assert.equal(selectPrice("fargate.x86_64.vcpuHour", queryFor("fargate.x86_64.vcpuHour")!, products).usd, 0.04048);
    });

    it("leaves the file byte-identical and exits non-zero when the API throttles mid-way", async () => {
        const { dir, file, original } = tempCatalogue();
        const api = priceListApi();
        let calls = 0;
        pricing.on(GetProductsCommand).callsFake((input: GetProductsCommandInput) => {
            if (++calls === 25) {
                const e = new Error("Rate exceeded");
                e.name = "ThrottlingException";
                throw e;
            }
            return api(input);
        });
        await assert.rejects(refreshCatalogueFile({ file, client }), /Rate exceeded/);
        assert.ok(fs.readFileSync(file).equals(original));
        assert.deepEqual(fs.readdirSync(dir), ["price-catalogue.json"]);

        calls = 0;
        const errors: string[] = [];
        const code = await main(["--out", file], { client, log: () => undefined, error: (s) => errors.push(s) });
        assert.equal(code, 1);
        assert.match(errors.join("\n"), /ThrottlingException: Rate exceeded/);
        assert.match(errors.join("\n"), /left unchanged/);
        assert.ok(fs.readFileSync(file).equals(original));
    });

    it("refuses to write when a price is missing, naming the key", async () => {
        const { dir, file, original } = tempCatalogue();
        pricing
            .on(GetProductsCommand)
            .callsFake(
                priceListApi({ drop: (p) => p.product.attributes.instanceType === "db.r7g.xlarge" && p.product.attributes.deploymentOption === "Single-AZ" }),
            );
        await assert.rejects(refreshCatalogueFile({ file, client }), /rds\.postgres\.singleAz\.db\.r7g\.xlarge/);
        assert.ok(fs.readFileSync(file).equals(original));
        assert.deepEqual(fs.readdirSync(dir), ["price-catalogue.json"]);
    });

    it("refuses an ambiguous price (two products, two prices)", () => {
        const mk = (usd: string, sku: string) => ({
            product: { sku, attributes: { usagetype: "NatGateway-Hours" } },
            terms: { OnDemand: { t: { priceDimensions: { d: { unit: "Hrs", beginRange: "0", pricePerUnit: { USD: usd } } } } } },
        });
        assert.throws(
            () => selectPrice("vpc.natGateway.hour", queryFor("vpc.natGateway.hour")!, [mk("0.045", "A"), mk("0.05", "B")]),
            /ambiguous price for "vpc.natGateway.hour"/,
        );
    });

    it("CLI: exits non-zero and leaves the file alone when the API cannot be reached", function () {
        this.timeout(60_000);
        const { file, original } = tempCatalogue();
        const r = spawnSync(
            process.execPath,
            [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "cost", "refresh.ts"), "--out", file],
            {
                cwd: ROOT,
                encoding: "utf8",
                env: {
                    PATH: process.env.PATH ?? "",
                    HOME: os.tmpdir(),
                    AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
                    AWS_SECRET_ACCESS_KEY: "not-a-real-secret",
                    AWS_ENDPOINT_URL_PRICING: "http://127.0.0.1:9",
                    AWS_MAX_ATTEMPTS: "1",
                    AWS_EC2_METADATA_DISABLED: "true",
                },
            },
        );
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /prices:refresh failed, .* left unchanged/);
        assert.ok(fs.readFileSync(file).equals(original));
    });
});
