// The mocks' answers for the edge's resources and lookups (CloudFront, WAF, the origin-facing prefix
// list), in the shapes AWS returns them (harness/mocks.ts holds the rest).
import { hex, uuid } from "./mocks-hash";

/** CloudFront's own Route 53 zone for alias targets (Route 53 API reference, AliasTarget). */
const CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2";

/** Sets what AWS computes for the edge's resources on `state`; other types are left alone. */
export function edgeState(type: string, name: string, state: Record<string, any>, region: string, account: string): void {
    switch (type) {
        case "aws:cloudfront/distribution:Distribution": {
            // Distribution ids: E + 13 upper-case alphanumerics; a global ARN without a region.
            const id = `E${hex(name, 13).toUpperCase()}`;
            Object.assign(state, {
                id,
                arn: `arn:aws:cloudfront::${account}:distribution/${id}`,
                domainName: `d${hex(name, 13)}.cloudfront.net`,
                hostedZoneId: CLOUDFRONT_ZONE_ID,
                status: "Deployed",
            });
            delete state.name;
            break;
        }
        case "aws:wafv2/webAcl:WebAcl": {
            // CLOUDFRONT web ACLs live in us-east-1 under `global/` (AWS WAF API reference, WebACL ARN).
            const id = uuid(name);
            Object.assign(state, { id, arn: `arn:aws:wafv2:${region}:${account}:global/webacl/${state.name}/${id}` });
            break;
        }
        case "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration":
            delete state.arn;
            delete state.name;
            break;
    }
}

/** Data-source answers for the edge's lookups; undefined for other tokens. */
export function edgeCallResult(token: string, args: Record<string, any>, region: string): Record<string, any> | undefined {
    if (token !== "aws:ec2/getManagedPrefixList:getManagedPrefixList") return undefined;
    if (args.name !== "com.amazonaws.global.cloudfront.origin-facing") throw new Error(`mocks: no managed prefix list named ${JSON.stringify(args.name)}`);
    // us-east-1's id of the list (VPC User Guide, "AWS-managed prefix lists"); 55 entries is its weight.
    const id = region === "us-east-1" ? "pl-3b927c52" : `pl-${hex(region, 8)}`;
    return {
        id,
        name: args.name,
        addressFamily: "IPv4",
        maxEntries: 55,
        ownerId: "AWS",
        arn: `arn:aws:ec2:${region}:aws:prefix-list/${id}`,
        entries: [],
        tags: {},
        version: 1,
    };
}
