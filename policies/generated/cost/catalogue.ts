// GENERATED from cost/catalogue.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// Typed access to the price catalogue (cost/price-catalogue.json). Pure: the JSON is imported, never read
// with fs, so the PolicyPack can bundle it. Every lookup of an unknown key throws: a missing price
// must never turn into a silent $0.

import rawCatalogue from "./price-catalogue.json";

export const PRICE_SOURCES = ["IC", "3P", "AWS Price List", "AWS pricing page", "unconfirmed"] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** One on-demand rate. Hourly rates have unit "hour"; the estimator multiplies by `hoursPerMonth`. */
export interface PriceEntry {
    /** Price in USD per `unit`. */
    usd: number;
    unit: string;
    source: PriceSource;
    description: string;
    /** How the value was derived from another entry, when it was (such rates are also "unconfirmed"). */
    derived?: string;
    note?: string;
    /** False for rates the Price List API does not carry (free gateway endpoints...): refresh keeps them. */
    refresh?: boolean;
    /** Where a refreshed value came from. */
    priceList?: { sku: string; usagetype?: string; unit: string; effectiveDate?: string };
}

export interface FreeTierAllowance {
    /** Amount free per month, in `unit`. */
    quantity: number;
    unit: string;
    /** Instance/node types or volume types the allowance covers, when it is limited to some. */
    appliesTo?: string[];
    /** "12 months" allowances end; "always" ones do not (the estimator's after-free-tier total drops both). */
    duration: "always" | "12 months";
    description: string;
    source: string;
}

export interface CatalogueAssumption {
    value: number;
    source: "assumption";
    note: string;
}

export interface Catalogue {
    schemaVersion: 1;
    description: string;
    region: string;
    currency: "USD";
    hoursPerMonth: number;
    /** Date (YYYY-MM-DD, or an ISO timestamp after a refresh) the prices were gathered. */
    retrievedAt: string;
    retrievedFrom: string;
    sources: Record<string, string>;
    prices: Record<string, PriceEntry>;
    assumptions: Record<string, CatalogueAssumption>;
    freeTier: Record<string, FreeTierAllowance>;
}

export class UnknownPriceError extends Error {
    constructor(
        readonly key: string,
        readonly section: "prices" | "freeTier" | "assumptions",
        catalogueDate: string,
    ) {
        super(
            `No ${section === "prices" ? "price" : section === "freeTier" ? "free-tier allowance" : "assumption"} ` +
                `"${key}" in the cost catalogue (cost/price-catalogue.json, retrieved ${catalogueDate}). ` +
                `Add it to cost/price-catalogue.json (and a Price List query in cost/refresh.ts) rather than pricing it at $0.`,
        );
        this.name = "UnknownPriceError";
    }
}

/** Checks the shape of a parsed catalogue; throws naming the first bad key. */
export function parseCatalogue(raw: unknown, origin = "catalogue"): Catalogue {
    const fail = (msg: string): never => {
        throw new Error(`${origin}: ${msg}`);
    };
    if (typeof raw !== "object" || raw === null) return fail("not a JSON object");
    const c = raw as Record<string, any>;
    if (c.schemaVersion !== 1) fail(`schemaVersion must be 1, got ${JSON.stringify(c.schemaVersion)}`);
    if (c.currency !== "USD") fail(`currency must be "USD", got ${JSON.stringify(c.currency)}`);
    if (typeof c.region !== "string" || !c.region) fail("region missing");
    if (typeof c.hoursPerMonth !== "number" || !(c.hoursPerMonth > 0)) fail("hoursPerMonth must be a positive number");
    if (typeof c.retrievedAt !== "string" || Number.isNaN(Date.parse(c.retrievedAt))) fail(`retrievedAt is not a date: ${JSON.stringify(c.retrievedAt)}`);
    for (const section of ["prices", "freeTier", "assumptions", "sources"]) {
        if (typeof c[section] !== "object" || c[section] === null) fail(`section "${section}" missing`);
    }
    for (const [key, e] of Object.entries<any>(c.prices)) {
        if (typeof e?.usd !== "number" || !Number.isFinite(e.usd) || e.usd < 0)
            fail(`prices["${key}"].usd must be a number >= 0, got ${JSON.stringify(e?.usd)}`);
        if (!PRICE_SOURCES.includes(e.source)) fail(`prices["${key}"].source must be one of ${PRICE_SOURCES.join(", ")}, got ${JSON.stringify(e.source)}`);
        if (typeof e.unit !== "string" || !e.unit) fail(`prices["${key}"].unit missing`);
    }
    for (const [key, a] of Object.entries<any>(c.freeTier)) {
        if (typeof a?.quantity !== "number" || !(a.quantity >= 0)) fail(`freeTier["${key}"].quantity must be a number >= 0`);
        if (a.duration !== "always" && a.duration !== "12 months") fail(`freeTier["${key}"].duration must be "always" or "12 months"`);
    }
    for (const [key, a] of Object.entries<any>(c.assumptions)) {
        if (typeof a?.value !== "number" || !Number.isFinite(a.value)) fail(`assumptions["${key}"].value must be a number`);
    }
    return c as Catalogue;
}

/** The catalogue shipped with the program. */
export const catalogue: Catalogue = parseCatalogue(rawCatalogue, "cost/price-catalogue.json");

export function hasPrice(key: string, cat: Catalogue = catalogue): boolean {
    return Object.prototype.hasOwnProperty.call(cat.prices, key);
}

export function priceEntry(key: string, cat: Catalogue = catalogue): PriceEntry {
    if (!hasPrice(key, cat)) throw new UnknownPriceError(key, "prices", cat.retrievedAt);
    return cat.prices[key];
}

/** USD per unit for `key`; throws `UnknownPriceError` for an unknown key. */
export function price(key: string, cat: Catalogue = catalogue): number {
    return priceEntry(key, cat).usd;
}

export function freeTierAllowance(key: string, cat: Catalogue = catalogue): FreeTierAllowance {
    if (!Object.prototype.hasOwnProperty.call(cat.freeTier, key)) throw new UnknownPriceError(key, "freeTier", cat.retrievedAt);
    return cat.freeTier[key];
}

export function catalogueAssumption(key: string, cat: Catalogue = catalogue): number {
    if (!Object.prototype.hasOwnProperty.call(cat.assumptions, key)) throw new UnknownPriceError(key, "assumptions", cat.retrievedAt);
    return cat.assumptions[key].value;
}

/** Keys whose rate has no primary source (including derived ones). */
export function unconfirmedKeys(cat: Catalogue = catalogue): string[] {
    return Object.keys(cat.prices).filter((k) => cat.prices[k].source === "unconfirmed");
}
