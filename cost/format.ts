// How amounts and quantities are written in formulas and reports.

/** A rate or an amount inside a formula: "$0.0404", "$1.6e-05"; unrounded beyond 5 decimals. */
export function usd(n: number): string {
    // Rates can be tiny (Lambda GB-s): show enough digits to be recomputable.
    if (n !== 0 && Math.abs(n) < 0.01) return `$${Number(n.toPrecision(6))}`;
    return `$${Number(n.toFixed(5))}`;
}

/** A quantity inside a formula: "1,000", "0.25". */
export function qty(n: number): string {
    return Number.isInteger(n) ? n.toLocaleString("en-US") : Number(n.toFixed(4)).toString();
}

/** "$1,234.56" (two decimals, thousands separators, "-$3.10" for negatives). */
export function formatMoney(amount: number, currency: "USD" = "USD"): string {
    void currency;
    const rounded = Math.round(Math.abs(amount) * 100) / 100;
    const text = rounded.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return `${amount < 0 && rounded !== 0 ? "-" : ""}$${text}`;
}
