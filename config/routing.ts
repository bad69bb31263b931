// What the ALB accepts in a listener-rule condition (Elastic Load Balancing quotas and syntax), shared
// by config validation and the components that build rules from it.

const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?;]*$/;
const HOST_PATTERN = /^[A-Za-z0-9\-.*?]+$/;

export type RoutingKind = "path" | "host";

/** Undefined when `value` is a valid ALB path pattern / host header, else what is allowed. */
export function routingPatternProblem(kind: RoutingKind, value: string): string | undefined {
    const ok = value.length <= 128 && (kind === "path" ? PATH_PATTERN : HOST_PATTERN).test(value);
    if (ok) return undefined;
    return kind === "path"
        ? "is not a valid ALB path pattern (starts with /, at most 128 of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & * ? ;)"
        : "is not a valid ALB host header (at most 128 of A-Z a-z 0-9 - . * ?)";
}
