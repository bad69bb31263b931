// GENERATED from cost/pricers/rds.ts by tools/generate-pack-tables.ts: do not edit (run `npx tsx tools/generate-pack-tables.ts`).
// RDS for PostgreSQL: instance hours (Multi-AZ doubles them), storage, gp3 IOPS and throughput
// above the baseline, backup storage, the RDS-managed master secret, Performance Insights.

import type { CostPart } from "../estimate/types";
import { freeTierAllowance } from "../catalogue";
import { qty } from "../format";
import { num, part, Pricer, Unpriceable } from "./kit";

export const priceRdsInstance: Pricer = (r, ctx) => {
    const cls = r.inputs.instanceClass;
    if (typeof cls !== "string") throw new Unpriceable("instanceClass is not set");
    const engine = String(r.inputs.engine ?? "postgres");
    if (engine !== "postgres") throw new Unpriceable(`engine "${engine}" is not in the catalogue (PostgreSQL only)`);
    const multiAz = r.inputs.multiAz === true;
    const az = multiAz ? "multiAz" : "singleAz";
    const azText = multiAz ? "Multi-AZ" : "Single-AZ";
    const storage = num(r.inputs.allocatedStorage);
    if (storage === undefined) throw new Unpriceable("allocatedStorage is not set");
    const storageType = String(r.inputs.storageType ?? (r.inputs.iops !== undefined ? "io1" : "gp2"));
    const microPool = freeTierAllowance("rds.microInstanceHours", ctx.cat).appliesTo?.includes(cls) && !multiAz ? "rds.microInstanceHours" : undefined;
    const parts: CostPart[] = [
        part(ctx, {
            label: `instance hours (${azText})`,
            rateKey: `rds.postgres.${az}.${cls}`,
            quantity: ctx.hours,
            quantityText: `${ctx.hours} h`,
            freeTierPool: microPool,
        }),
        part(ctx, {
            label: `${storageType} storage (${azText})`,
            rateKey: `rds.storage.${storageType}.${az}.gbMonth`,
            quantity: storage,
            quantityText: `${qty(storage)} GB`,
            freeTierPool: multiAz ? undefined : "rds.storageGb",
        }),
    ];
    if (storageType === "gp3") {
        const large = storage >= 400;
        const baseIops = large ? 12_000 : 3_000;
        const baseThroughput = large ? 500 : 125;
        const iops = num(r.inputs.iops);
        const thr = num(r.inputs.storageThroughput);
        if (iops !== undefined && iops > baseIops) {
            parts.push(
                part(ctx, {
                    label: `gp3 IOPS above the ${qty(baseIops)} baseline`,
                    rateKey: `rds.storage.gp3.${az}.iopsMonth`,
                    quantity: iops - baseIops,
                    quantityText: `(${qty(iops)} - ${qty(baseIops)}) IOPS`,
                }),
            );
        }
        if (thr !== undefined && thr > baseThroughput) {
            parts.push(
                part(ctx, {
                    label: `gp3 throughput above the ${baseThroughput} MiB/s baseline`,
                    rateKey: `rds.storage.gp3.${az}.throughputMibpsMonth`,
                    quantity: thr - baseThroughput,
                    quantityText: `(${qty(thr)} - ${baseThroughput}) MiB/s`,
                }),
            );
        }
    }
    const retention = num(r.inputs.backupRetentionPeriod) ?? 1; // RDS API default: 1 day
    if (retention > 0) {
        parts.push(
            part(ctx, {
                label: "backup storage beyond the free amount",
                rateKey: "rds.backup.gbMonth",
                quantity: ctx.a.rdsBackupGbBeyondFree,
                quantityText: `${qty(ctx.a.rdsBackupGbBeyondFree)} GB`,
                assumption: `rdsBackupGbBeyondFree = ${ctx.a.rdsBackupGbBeyondFree} (backups up to ${qty(storage)} GB, the provisioned storage, are free; retention ${retention} days)`,
                freeTierPool: "rds.backupGb",
            }),
        );
    }
    if (r.inputs.manageMasterUserPassword === true) {
        parts.push(
            part(ctx, {
                label: "RDS-managed master user secret",
                rateKey: "secretsmanager.secret.month",
                quantity: 1,
                quantityText: "1 secret",
                assumption: "the secret RDS creates in Secrets Manager is billed at Secrets Manager rates",
            }),
        );
    }
    const piRetention = num(r.inputs.performanceInsightsRetentionPeriod) ?? 7;
    if (r.inputs.performanceInsightsEnabled === true) {
        if (piRetention <= 7) {
            parts.push(
                part(ctx, {
                    label: "Performance Insights, 7-day retention",
                    rateKey: "rds.performanceInsights.freeRetention.month",
                    quantity: 1,
                    quantityText: "1 instance",
                }),
            );
        } else {
            ctx.notes.push({
                type: r.type,
                name: r.name,
                reason: `Performance Insights retention of ${piRetention} days is billed per vCPU and is not in the catalogue (the instance itself is priced)`,
            });
        }
    }
    return {
        parts,
        inputs: {
            instanceClass: cls,
            multiAz,
            multiAzFactor: multiAz ? 2 : 1,
            hours: ctx.hours,
            allocatedStorageGb: storage,
            storageType,
            backupRetentionDays: retention,
        },
    };
};
