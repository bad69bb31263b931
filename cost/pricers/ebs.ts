// EBS: volumes (root, data, standalone) and the snapshots a DLM policy keeps.

import type { CostPart } from "../estimate/types";
import { qty } from "../format";
import { Ctx, num, part, Pricer, Unpriceable } from "./kit";

/** A volume's storage, plus gp3 IOPS and throughput above the gp3 baseline (3,000 IOPS, 125 MiB/s). */
export function ebsParts(
    ctx: Ctx,
    label: string,
    sizeGb: number,
    volumeType: string,
    iops: number | undefined,
    throughput: number | undefined,
    sizeText: string,
): CostPart[] {
    const parts: CostPart[] = [
        part(ctx, {
            label: `${label} ${volumeType} storage`,
            rateKey: `ebs.${volumeType}.gbMonth`,
            quantity: sizeGb,
            quantityText: `${qty(sizeGb)} GB${sizeText}`,
            freeTierPool: ["gp2", "gp3", "standard"].includes(volumeType) ? "ebs.storageGb" : undefined,
        }),
    ];
    if (volumeType === "gp3" && iops !== undefined && iops > 3000) {
        parts.push(
            part(ctx, {
                label: `${label} gp3 IOPS above 3,000`,
                rateKey: "ebs.gp3.iopsMonth",
                quantity: iops - 3000,
                quantityText: `(${qty(iops)} - 3,000) IOPS`,
            }),
        );
    }
    if (volumeType === "gp3" && throughput !== undefined && throughput > 125) {
        parts.push(
            part(ctx, {
                label: `${label} gp3 throughput above 125 MiB/s`,
                rateKey: "ebs.gp3.throughputMibpsMonth",
                quantity: throughput - 125,
                quantityText: `(${qty(throughput)} - 125) MiB/s`,
            }),
        );
    }
    return parts;
}

export const priceEbsVolume: Pricer = (r, ctx) => {
    const size = num(r.inputs.size);
    if (size === undefined) throw new Unpriceable("size is not set (a volume from a snapshot takes the snapshot's size, unknown offline)");
    const type = String(r.inputs.type ?? "gp2");
    return { parts: ebsParts(ctx, "volume", size, type, num(r.inputs.iops), num(r.inputs.throughput), ""), inputs: { sizeGb: size, volumeType: type } };
};

export const priceDlmPolicy: Pricer = (_r, ctx) => ({
    parts: [
        part(ctx, {
            label: "snapshot storage",
            rateKey: "ebs.snapshot.gbMonth",
            quantity: ctx.a.dlmSnapshotGbPerPolicy,
            quantityText: `${qty(ctx.a.dlmSnapshotGbPerPolicy)} GB`,
            assumption: `dlmSnapshotGbPerPolicy = ${ctx.a.dlmSnapshotGbPerPolicy} (incremental snapshots kept by the policy)`,
            freeTierPool: "ebs.snapshotGb",
        }),
    ],
    inputs: { snapshotGb: ctx.a.dlmSnapshotGbPerPolicy },
});
