// ECR: image storage per repository (an assumption: images are pushed after deploy).

import { qty } from "../format";
import { part, Pricer } from "./kit";

export const priceEcr: Pricer = (_r, ctx) => ({
    parts: [
        part(ctx, {
            label: "image storage",
            rateKey: "ecr.storage.gbMonth",
            quantity: ctx.a.ecrStorageGbPerRepository,
            quantityText: `${qty(ctx.a.ecrStorageGbPerRepository)} GB`,
            assumption: `ecrStorageGbPerRepository = ${ctx.a.ecrStorageGbPerRepository}`,
            freeTierPool: "ecr.storageGb",
        }),
    ],
    inputs: { storageGb: ctx.a.ecrStorageGbPerRepository },
});
