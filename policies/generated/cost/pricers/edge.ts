// GENERATED from cost/pricers/edge.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// The edge: CloudFront distributions (HTTPS requests and data out, after CloudFront's always-free
// allowance) and AWS WAF web ACLs (the ACL, its rules, the requests it inspects). ACM public
// certificates and Route 53 records are free (cost/estimate/free.ts); the hosted zone is looked up,
// not created, so nothing here prices one.

import type { CapturedResource } from "../../harness/types";
import { freeTierAllowance } from "../catalogue";
import { qty } from "../format";
import { Ctx, part, Pricer, refersTo, Unpriceable } from "./kit";

export const DISTRIBUTION_TYPE = "aws:cloudfront/distribution:Distribution";
export const WEB_ACL_TYPE = "aws:wafv2/webAcl:WebAcl";

/** Distributions that serve viewers (a disabled one serves nothing). */
function servingDistributions(ctx: Ctx): CapturedResource[] {
    return (ctx.byType.get(DISTRIBUTION_TYPE) ?? []).filter((d) => d.inputs.enabled !== false);
}

/**
 * The stack's viewer traffic beyond CloudFront's always-free 1 TB out and 10 million requests a
 * month (https://aws.amazon.com/cloudfront/pricing, "Included in Always Free Tier"; AWS-FACTS.md),
 * split evenly between the serving distributions. The allowance is per account and applies to every
 * account, so it is deducted in every estimate, not only inside the (legacy) free tier.
 */
export function billableEdgeTraffic(ctx: Ctx, distributions: number): { dataOutGb: number; requestsMillions: number } {
    const freeGb = freeTierAllowance("cloudfront.dataOutGb", ctx.cat).quantity;
    const freeRequestsMillions = freeTierAllowance("cloudfront.requests", ctx.cat).quantity / 1e6;
    const n = Math.max(1, distributions);
    return {
        dataOutGb: Math.max(0, ctx.a.edgeDataOutGbPerMonth - freeGb) / n,
        requestsMillions: Math.max(0, ctx.a.edgeRequestsMillionsPerMonth - freeRequestsMillions) / n,
    };
}

export const priceDistribution: Pricer = (r, ctx) => {
    if (r.inputs.enabled === false) return { free: "a disabled distribution serves no viewers" };
    const n = servingDistributions(ctx).length || 1;
    const freeGb = freeTierAllowance("cloudfront.dataOutGb", ctx.cat).quantity;
    const freeRequests = freeTierAllowance("cloudfront.requests", ctx.cat).quantity;
    const billable = billableEdgeTraffic(ctx, n);
    const split = n > 1 ? ` / ${n} distributions` : "";
    const priceClass = typeof r.inputs.priceClass === "string" ? r.inputs.priceClass : "PriceClass_All";
    // The rates are those of the US/Europe edge locations; other price classes also serve viewers
    // from dearer regions, which this estimate does not split out.
    if (priceClass !== "PriceClass_100") {
        ctx.notes.push({
            type: r.type,
            name: r.name,
            reason: `${priceClass}: traffic served from edge locations outside the US and Europe is billed at higher rates, priced here at the US/Europe rates`,
        });
    }
    // Dedicated-IP custom SSL: $600 a month per certificate (How AWS Pricing Works, CloudFront).
    if (r.inputs.viewerCertificate?.sslSupportMethod === "vip") {
        ctx.notes.push({ type: r.type, name: r.name, reason: 'sslSupportMethod "vip": dedicated-IP custom SSL ($600/month) is not estimated' });
    }
    return {
        parts: [
            part(ctx, {
                label: "data transfer out",
                rateKey: "cloudfront.dataOut.usEurope.gb",
                quantity: billable.dataOutGb,
                quantityText: `${qty(billable.dataOutGb)} GB`,
                assumption: `edgeDataOutGbPerMonth = ${qty(ctx.a.edgeDataOutGbPerMonth)} GB (stack) - ${qty(freeGb)} GB always free${split}; origin fetches from AWS origins are free`,
            }),
            part(ctx, {
                label: "HTTPS requests",
                rateKey: "cloudfront.requests.https.per10k",
                quantity: (billable.requestsMillions * 1e6) / 10_000,
                quantityText: `${qty((billable.requestsMillions * 1e6) / 10_000)} x 10,000 requests`,
                assumption: `edgeRequestsMillionsPerMonth = ${qty(ctx.a.edgeRequestsMillionsPerMonth)}M (stack) - ${qty(freeRequests / 1e6)}M always free${split}`,
            }),
        ],
        inputs: { priceClass, billableDataOutGb: billable.dataOutGb, billableRequestsMillions: billable.requestsMillions },
    };
};

/**
 * Share of the stack's viewer requests a CLOUDFRONT web ACL inspects: the distributions whose
 * `webAclId` names it; when no distribution names any web ACL of the stack (ids the mocks did not
 * resolve), the requests are split evenly between the web ACLs.
 */
function inspectedShare(acl: CapturedResource, ctx: Ctx): { share: number; text: string } {
    const distributions = servingDistributions(ctx);
    if (distributions.length === 0) return { share: 0, text: "no CloudFront distribution in the stack" };
    const acls = (ctx.byType.get(WEB_ACL_TYPE) ?? [acl]).filter((a) => a.inputs.scope === "CLOUDFRONT");
    const linked = distributions.filter((d) => acls.some((a) => refersTo(d.inputs.webAclId, a)));
    if (linked.length === 0) return { share: 1 / Math.max(1, acls.length), text: `split evenly over ${acls.length} web ACL(s)` };
    const mine = distributions.filter((d) => refersTo(d.inputs.webAclId, acl)).length;
    return { share: mine / distributions.length, text: `${mine} of ${distributions.length} distribution(s)` };
}

/**
 * AWS WAF: $5 per web ACL and $1 per rule a month (an AWS managed rule group counts as one rule),
 * $0.60 per million requests inspected (AWS-FACTS.md; aws.github.io/aws-security-services-best-practices WAF cost).
 */
export const priceWebAcl: Pricer = (r, ctx) => {
    if (r.inputs.scope !== "CLOUDFRONT") {
        throw new Unpriceable(`web ACL scope ${JSON.stringify(r.inputs.scope)}: only CLOUDFRONT web ACLs are priced (their requests are the edge's)`);
    }
    const rules = Array.isArray(r.inputs.rules) ? r.inputs.rules.length : 0;
    const { share, text } = inspectedShare(r, ctx);
    const requestsMillions = ctx.a.edgeRequestsMillionsPerMonth * share;
    return {
        parts: [
            part(ctx, { label: "web ACL", rateKey: "waf.webAcl.month", quantity: 1, quantityText: "1 web ACL" }),
            part(ctx, { label: "rules", rateKey: "waf.rule.month", quantity: rules, quantityText: `${rules} rule(s) (a rule group counts as one)` }),
            part(ctx, {
                label: "requests inspected",
                rateKey: "waf.requests.perMillion",
                quantity: requestsMillions,
                quantityText: `${qty(requestsMillions)}M requests`,
                assumption: `edgeRequestsMillionsPerMonth = ${qty(ctx.a.edgeRequestsMillionsPerMonth)}M (stack), ${text}; WAF has no free allowance`,
            }),
        ],
        inputs: { scope: "CLOUDFRONT", rules, requestsMillions },
    };
};
