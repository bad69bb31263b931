// Listener-rule priorities that stay put per service whatever else changes. A priority derived from
// a service's position in config moves when a service is added, disabled or reordered, onto numbers
// other rules still hold; ELB applies priority updates before deletions and refuses the clash with
// PriorityInUse, wedging the stack (pulumi-aws#175, AWS-FACTS). So each service owns one block of
// 100 priorities, `block * 100 + n`, chosen by `services.<name>.routing.priority` or derived from the
// service's name alone. Pure.

/** Blocks 1..499: priorities 100..49999, inside the ALB's 1-50000 (CreateRule API reference). */
export const PRIORITY_BLOCKS = 499;
/** Inside a block: host rules take numbers 1-49, path rules 50-99, so one kind never shifts the other. */
export const HOST_RULE_OFFSET = 1;
export const PATH_RULE_OFFSET = 50;
export const RULES_PER_KIND = 49;

/** A block from the service's name only (FNV-1a), so nothing else can move it. */
export function servicePriorityBlock(serviceName: string): number {
    let h = 2166136261;
    for (const c of serviceName) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    return 1 + (h % PRIORITY_BLOCKS);
}

/** Priority of the `index`-th (0-based) rule of a kind inside a service's block. */
export function rulePriority(block: number, kind: "host" | "path", index: number): number {
    if (index < 0 || index >= RULES_PER_KIND) throw new Error(`rule ${index + 1} of kind ${kind}: at most ${RULES_PER_KIND} ${kind} rules per service`);
    return block * 100 + (kind === "host" ? HOST_RULE_OFFSET : PATH_RULE_OFFSET) + index;
}
