// EC2: instances (hours, root and data volumes, the public IPv4 they hold) and Auto Scaling groups.

import type { CostPart } from "../estimate/types";
import { freeTierAllowance } from "../catalogue";
import { ebsParts } from "./ebs";
import { num, part, Pricer, refersTo, Unpriceable } from "./kit";

/** The free tier's pool of micro-instance hours (the catalogue lists the types it covers). */
const FREE_TIER_EC2_INSTANCE_POOL = "ec2.microInstanceHours";

export const priceInstance: Pricer = (r, ctx) => {
    const type = r.inputs.instanceType;
    if (typeof type !== "string") throw new Unpriceable("instanceType is not set (or not known offline)");
    const parts: CostPart[] = [
        part(ctx, {
            label: "instance hours",
            rateKey: `ec2.instance.${type}`,
            quantity: ctx.hours,
            quantityText: `${ctx.hours} h`,
            freeTierPool: freeTierAllowance(FREE_TIER_EC2_INSTANCE_POOL, ctx.cat).appliesTo?.includes(type) ? FREE_TIER_EC2_INSTANCE_POOL : undefined,
        }),
    ];
    const root = r.inputs.rootBlockDevice ?? {};
    const rootSize = num(root.volumeSize);
    const rootType = typeof root.volumeType === "string" ? root.volumeType : "gp3";
    parts.push(
        ...ebsParts(
            ctx,
            "root volume",
            rootSize ?? ctx.a.ebsRootVolumeGbDefault,
            rootType,
            num(root.iops),
            num(root.throughput),
            rootSize === undefined ? ` (ebsRootVolumeGbDefault; volume type ${root.volumeType ?? "assumed gp3"})` : "",
        ),
    );
    for (const [i, d] of ((r.inputs.ebsBlockDevices ?? []) as any[]).entries()) {
        const size = num(d.volumeSize);
        if (size === undefined) throw new Unpriceable(`ebsBlockDevices[${i}].volumeSize is not set`);
        parts.push(...ebsParts(ctx, `data volume ${d.deviceName ?? i + 1}`, size, d.volumeType ?? "gp3", num(d.iops), num(d.throughput), ""));
    }
    if (r.inputs.associatePublicIpAddress === true) {
        // An Elastic IP associated with an instance replaces its auto-assigned address: count one, not two.
        const eipsOnInstances = (ctx.byType.get("aws:ec2/eip:Eip") ?? []).filter((e) => typeof e.inputs.instance === "string" && e.inputs.instance !== "");
        const instances = ctx.byType.get("aws:ec2/instance:Instance") ?? [];
        const eipOnInstance = eipsOnInstances.some((e) => refersTo(e.inputs.instance, r)) || (instances.length === 1 && eipsOnInstances.length > 0);
        if (!eipOnInstance) {
            parts.push(
                part(ctx, {
                    label: "public IPv4 address",
                    rateKey: "vpc.publicIpv4.hour",
                    quantity: ctx.hours,
                    quantityText: `${ctx.hours} h`,
                    freeTierPool: "vpc.publicIpv4Hours",
                }),
            );
        }
    }
    return { parts, inputs: { instanceType: type, hours: ctx.hours, rootVolumeGb: rootSize ?? ctx.a.ebsRootVolumeGbDefault, rootVolumeType: rootType } };
};

export const priceAsg: Pricer = (r, ctx) => {
    const lt = r.inputs.launchTemplate ?? r.inputs.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification;
    const templates = ctx.byType.get("aws:ec2/launchTemplate:LaunchTemplate") ?? [];
    const template = templates.find((t) => refersTo(lt?.id, t) || refersTo(lt?.name, t)) ?? (templates.length === 1 ? templates[0] : undefined);
    const type = template?.inputs.instanceType;
    if (typeof type !== "string") throw new Unpriceable("cannot find the instance type in the group's launch template");
    const count = num(r.inputs.desiredCapacity) ?? num(r.inputs.minSize) ?? 0;
    return {
        parts: [
            part(ctx, {
                label: "instance hours",
                rateKey: `ec2.instance.${type}`,
                quantity: count * ctx.hours,
                quantityText: `${count} instance(s) x ${ctx.hours} h`,
                assumption: `desiredCapacity (else minSize) = ${count}`,
            }),
        ],
        inputs: { instanceType: type, instances: count, hours: ctx.hours, launchTemplate: template!.name },
    };
};
