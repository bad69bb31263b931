// The language settings are declared in: one declaration per setting carries its kind, its default
// (a value, or a function of the tier's traits, never of a tier's name), its documentation and its
// single-value checks. The config types, the tier defaults, the key schema the merge enforces and
// the README's configuration table are all derived from the declarations (config/settings/*.ts).
// Checks that relate two settings stay in config/resolve/*.
import { Tier, TierTraits } from "../tiers";

/** Kinds a stack file's value can take; `map` is a map of names to strings. */
export type Kind = "string" | "number" | "boolean" | "list" | "object" | "map" | "string-or-list";

export interface CheckContext {
    tier: Tier;
    traits: TierTraits;
}

/** A single-value check: the problem (naming `platform:<key>`), or undefined when the value is fine. */
export type Check = (key: string, value: never, context: CheckContext) => string | undefined;

type Default<T> = T | ((traits: TierTraits) => T);

export interface Leaf<T = unknown, Optional extends boolean = boolean> {
    readonly node: "leaf";
    readonly kind: Kind;
    readonly doc: string;
    readonly example?: string;
    /** Unset means "no value" (only for optional leaves). */
    readonly default?: Default<T | undefined>;
    readonly optional: Optional;
    /** A Pulumi secret (`pulumi config set --secret`); plain text is refused. */
    readonly secret: boolean;
    readonly checks: readonly Check[];
    /** Carries T for the derived types; never set. */
    readonly __value?: T;
}

export type Children = { readonly [key: string]: SettingNode };

export interface Group<C extends Children = Children, Optional extends boolean = boolean> {
    readonly node: "group";
    readonly doc: string;
    readonly children: C;
    readonly optional: Optional;
    /** Tiers that have this section; absent: every tier. */
    readonly when?: (traits: TierTraits) => boolean;
}

/** A map of service name to service settings: each entry is `template` merged with the tier's seeds. */
export interface ServiceMap<C extends Children = Children> {
    readonly node: "services";
    readonly doc: string;
    readonly template: Group<C, false>;
    readonly seeds: (traits: TierTraits) => Record<string, DeepPartial<ShapeOf<C>>>;
    readonly optional: false;
}

export type SettingNode = Leaf | Group | ServiceMap;

export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<C> = { [K in keyof C]: C[K] extends { optional: true } ? K : never }[keyof C];

/** The value a declaration accepts (after merging with its defaults). */
export type ValueOf<N> =
    N extends Leaf<infer T, boolean>
        ? T
        : N extends Group<infer C, boolean>
          ? ShapeOf<C>
          : N extends ServiceMap<infer C>
            ? Record<string, DeepPartial<ShapeOf<C>>>
            : never;

export type ShapeOf<C> = Simplify<{ -readonly [K in Exclude<keyof C, OptionalKeys<C>>]: ValueOf<C[K]> } & { -readonly [K in OptionalKeys<C>]?: ValueOf<C[K]> }>;

interface LeafOptions<T> {
    /** What the setting does (one or two sentences; the README's "what it sets"). */
    doc: string;
    default?: Default<T | undefined>;
    example?: string;
    check?: Check | readonly Check[];
}

function leaf<T>(kind: Kind, options: LeafOptions<T>): Leaf<T, false> {
    const checks = options.check === undefined ? [] : Array.isArray(options.check) ? options.check : [options.check as Check];
    return { node: "leaf", kind, doc: options.doc, example: options.example, default: options.default, optional: false, secret: false, checks };
}

export const text = <T extends string = string>(options: LeafOptions<T>) => leaf<T>("string", options);
export const number = (options: LeafOptions<number>) => leaf<number>("number", options);
export const flag = (options: LeafOptions<boolean>) => leaf<boolean>("boolean", options);
export const list = <T = string>(options: LeafOptions<NoInfer<T>[]>) => leaf<T[]>("list", options);
export const object = <T extends object>(options: LeafOptions<T>) => leaf<T>("object", options);
export const stringMap = (options: LeafOptions<Record<string, string>>) => leaf<Record<string, string>>("map", options);
/** A string or a list of strings; the resolver decides which forms mean what. */
export const stringOrList = (options: LeafOptions<string | string[]>) => leaf<string | string[]>("string-or-list", options);

/** One of `values`; the check names them. `phrase` says why others are refused. */
export function choice<const V extends readonly string[]>(values: V, options: LeafOptions<V[number]> & { phrase?: string }): Leaf<V[number], false> {
    const checks = options.check === undefined ? [] : Array.isArray(options.check) ? options.check : [options.check as Check];
    return leaf<V[number]>("string", { ...options, check: [oneOf(values, options.phrase ?? "is not accepted"), ...checks] });
}

/** The same leaf, allowed to be unset. */
export function optional<T>(setting: Leaf<T, false>): Leaf<T, true> {
    return { ...setting, optional: true };
}

/** The same leaf, required to be a Pulumi secret. */
export function secret<T, O extends boolean>(setting: Leaf<T, O>): Leaf<T, O> {
    return { ...setting, secret: true };
}

export function group<C extends Children>(doc: string, children: C): Group<C, false> {
    return { node: "group", doc, children, optional: false };
}

/**
 * A group that may be absent (e.g. a service's custom metric). When a stack sets part of it, the
 * children's defaults fill the rest, so they must be plain values, not functions of the traits.
 */
export function optionalGroup<C extends Children>(doc: string, children: C): Group<C, true> {
    return { node: "group", doc, children, optional: true };
}

/** A top-level section only some tiers have; setting it in another tier is refused. */
export function section<C extends Children>(doc: string, when: (traits: TierTraits) => boolean, children: C): Group<C, true> {
    return { node: "group", doc, children, optional: true, when };
}

export function serviceMap<C extends Children>(doc: string, template: Group<C, false>, seeds: ServiceMap<NoInfer<C>>["seeds"]): ServiceMap<C> {
    return { node: "services", doc, template, seeds, optional: false };
}

// ---- checks ----

/** JSON of a value, as problems quote it. */
export function describe(value: unknown): string {
    return JSON.stringify(value);
}

export const allowedList = (values: readonly unknown[]) => `allowed: ${values.join(", ")}`;

type Bound = number | ((context: CheckContext) => number);
const bound = (b: Bound, context: CheckContext) => (typeof b === "function" ? b(context) : b);

export function integer(min: Bound, max: Bound): Check {
    return (key, value: number, context) => {
        const [lo, hi] = [bound(min, context), bound(max, context)];
        return Number.isInteger(value) && value >= lo && value <= hi
            ? undefined
            : `platform:${key}: ${describe(value)} must be a whole number from ${lo} to ${hi}`;
    };
}

/** `value` must be one of `allowed` (a list, or the tier's list); `phrase` says what it is otherwise. */
export function oneOf(
    allowed: readonly unknown[] | ((context: CheckContext) => readonly unknown[]),
    phrase: string | ((context: CheckContext) => string),
): Check {
    return (key, value: unknown, context) => {
        const values = typeof allowed === "function" ? allowed(context) : allowed;
        const says = typeof phrase === "function" ? phrase(context) : phrase;
        return values.includes(value) ? undefined : `platform:${key}: ${describe(value)}${says ? ` ${says}` : ""}; ${allowedList(values)}`;
    };
}

/** Every element of a list passes `check` (problems name the list's key). */
export function each(check: Check): Check {
    return (key, value: unknown[], context) => value.map((v) => check(key, v as never, context)).find((p) => p !== undefined);
}

/** `value` matches `pattern`; otherwise `platform:<key>: <value> <phrase>`. */
export function matches(pattern: RegExp, phrase: string): Check {
    return (key, value: string) => (pattern.test(value) ? undefined : `platform:${key}: ${describe(value)} ${phrase}`);
}

/** `test(value)` holds; otherwise `platform:<key>: <value> <phrase>`. */
export function satisfies<T>(test: (value: T) => boolean, phrase: string): Check {
    return (key, value: T) => (test(value) ? undefined : `platform:${key}: ${describe(value)} ${phrase}`);
}
