// S3: Standard storage per bucket (an assumption: the data arrives after deploy).

import { qty } from "../format";
import { part, Pricer } from "./kit";

export const priceBucket: Pricer = (_r, ctx) => ({
    parts: [
        part(ctx, {
            label: "Standard storage",
            rateKey: "s3.standard.gbMonth",
            quantity: ctx.a.s3StorageGbPerBucket,
            quantityText: `${qty(ctx.a.s3StorageGbPerBucket)} GB`,
            assumption: `s3StorageGbPerBucket = ${ctx.a.s3StorageGbPerBucket}`,
            freeTierPool: "s3.standardGb",
        }),
    ],
    inputs: { storageGb: ctx.a.s3StorageGbPerBucket },
});
