// Helpers the strict rules share over captured inputs.
import { Finding } from "./rule";

/** Every string inside a value, with its path (JSON documents inside strings are searched too). */
export function strings(value: unknown, path: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
    if (typeof value === "string") out.push({ path, text: value });
    else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
    else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
    }
    return out;
}

export const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);

export function range(findings: Finding[], input: string, value: unknown, min: number, max: number): void {
    const n = num(value);
    if (value === undefined || value === null) return;
    if (n === undefined || !Number.isInteger(n) || n < min || n > max) findings.push({ input, value, allowed: `an integer from ${min} to ${max}` });
}

/** Container definitions as the task definition carries them (a JSON string), or [] when not known yet. */
export function containers(inputs: Record<string, any>): any[] {
    const raw = inputs.containerDefinitions;
    if (typeof raw !== "string") return Array.isArray(raw) ? raw : [];
    try {
        const parsed = JSON.parse(raw);
        return Array.isArray(parsed) ? parsed : [];
    } catch {
        return [];
    }
}

export const bytes = (text: string) => Buffer.byteLength(text, "utf8");
