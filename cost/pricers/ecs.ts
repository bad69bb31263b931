// ECS on Fargate: a service's tasks (vCPU and memory hours by architecture, the Spot discount) and
// the cluster. How many tasks run on average is cost/pricers/ecs-tasks.ts.

import type { CapturedResource } from "../../harness/types";
import { qty } from "../format";
import { averageTasksOf, serviceNameOf, spotShare } from "./ecs-tasks";
import { Ctx, num, part, Pricer, refersTo, Unpriceable } from "./kit";

/** Task cpu in CPU units: "1024", 1024 or "1 vCPU". */
function parseCpuUnits(v: unknown): number | undefined {
    if (typeof v === "string" && /vcpu/i.test(v)) {
        const n = num(v.replace(/vcpu/i, "").trim());
        return n === undefined ? undefined : n * 1024;
    }
    return num(v);
}

/** Task memory in MiB: "2048", 2048 or "2 GB". */
function parseMemoryMib(v: unknown): number | undefined {
    if (typeof v === "string" && /gb/i.test(v)) {
        const n = num(v.replace(/gb/i, "").trim());
        return n === undefined ? undefined : n * 1024;
    }
    return num(v);
}

/** The task definition a service runs: by reference, family, then name stem or shared parent. */
function findTaskDefinition(service: CapturedResource, ctx: Ctx): CapturedResource | undefined {
    const tds = ctx.byType.get("aws:ecs/taskDefinition:TaskDefinition") ?? [];
    const ref = service.inputs.taskDefinition;
    const byRef = tds.filter((td) => refersTo(ref, td));
    if (byRef.length === 1) return byRef[0];
    if (typeof ref === "string" && byRef.length === 0) {
        // "arn:aws:ecs:...:task-definition/<family>:<revision>" or "<family>:<revision>"
        const family = ref.replace(/^.*task-definition\//, "").replace(/:\d+$/, "");
        const byFamily = tds.filter((td) => td.inputs.family === family || td.name === family);
        if (byFamily.length === 1) return byFamily[0];
    }
    // By name: "api" / "api-service" / "api-svc" against "api" / "api-task" / "api-taskdef" / "api-td".
    const stem = (n: string) => n.replace(/[-_]?(service|svc|task|taskdef|task-definition|td)$/i, "");
    const byName = tds.filter((td) => stem(td.name) === stem(service.name));
    if (byName.length === 1) return byName[0];
    const sameParent = tds.filter((td) => td.parent !== undefined && td.parent === service.parent);
    if (sameParent.length === 1) return sameParent[0];
    return undefined;
}

/** The Application Auto Scaling target of a service: by resource id, else the only one beside it. */
function findScalingTarget(service: CapturedResource, ctx: Ctx): CapturedResource | undefined {
    const targets = (ctx.byType.get("aws:appautoscaling/target:Target") ?? []).filter(
        (t) => t.inputs.serviceNamespace === undefined || t.inputs.serviceNamespace === "ecs",
    );
    const names = [service.inputs.name, service.name].filter((x): x is string => typeof x === "string" && x !== "");
    const byId = targets.filter((t) => typeof t.inputs.resourceId === "string" && names.some((n) => t.inputs.resourceId.endsWith(`/${n}`)));
    if (byId.length === 1) return byId[0];
    const services = ctx.byType.get("aws:ecs/service:Service") ?? [];
    const sameParent = targets.filter((t) => t.parent !== undefined && t.parent === service.parent);
    const servicesInParent = services.filter((s) => s.parent !== undefined && s.parent === service.parent);
    if (sameParent.length === 1 && servicesInParent.length === 1) return sameParent[0];
    return undefined;
}

export const priceEcsService: Pricer = (r, ctx) => {
    const strategies: any[] = Array.isArray(r.inputs.capacityProviderStrategies) ? r.inputs.capacityProviderStrategies : [];
    const providers = strategies.map((s) => s.capacityProvider);
    if (r.inputs.launchType === "EC2" || r.inputs.launchType === "EXTERNAL" || providers.some((p) => p !== "FARGATE" && p !== "FARGATE_SPOT")) {
        return { free: "tasks run on EC2/external capacity, which is priced through its instances" };
    }
    const td = findTaskDefinition(r, ctx);
    if (!td) throw new Unpriceable("cannot find the service's task definition (by taskDefinition reference, name or component)");
    const cpuUnits = parseCpuUnits(td.inputs.cpu);
    const memMib = parseMemoryMib(td.inputs.memory);
    if (cpuUnits === undefined || memMib === undefined) throw new Unpriceable(`task definition ${td.name} has no task-level cpu/memory`);
    const archRaw = String(td.inputs.runtimePlatform?.cpuArchitecture ?? "X86_64").toUpperCase();
    const arch = archRaw === "ARM64" ? "arm64" : "x86_64";
    const os = String(td.inputs.runtimePlatform?.operatingSystemFamily ?? "LINUX").toUpperCase();
    if (os !== "LINUX") throw new Unpriceable(`operating system ${os} is not in the catalogue (Linux only)`);

    const target = findScalingTarget(r, ctx);
    const desired = num(r.inputs.desiredCount);
    const min = num(target?.inputs.minCapacity);
    const max = num(target?.inputs.maxCapacity);
    const { tasks, how } = averageTasksOf(serviceNameOf(r), { desired, min, max }, ctx.a);

    const vcpu = cpuUnits / 1024;
    const gb = memMib / 1024;
    const taskHours = tasks * ctx.hours;
    const parts = [
        part(ctx, {
            label: `Fargate ${arch} vCPU`,
            rateKey: `fargate.${arch}.vcpuHour`,
            quantity: taskHours * vcpu,
            quantityText: `${qty(tasks)} task(s) x ${ctx.hours} h x ${qty(vcpu)} vCPU`,
            assumption: how,
        }),
        part(ctx, {
            label: `Fargate ${arch} memory`,
            rateKey: `fargate.${arch}.gbHour`,
            quantity: taskHours * gb,
            quantityText: `${qty(tasks)} task(s) x ${ctx.hours} h x ${qty(gb)} GB`,
            assumption: how,
        }),
    ];
    const spot = spotShare(strategies, tasks);
    if (spot > 0) {
        const onDemand = parts[0].monthly + parts[1].monthly;
        const discount = ctx.a.fargateSpotDiscount;
        parts.push(
            part(ctx, {
                label: "FARGATE_SPOT discount",
                rate: -onDemand * discount,
                unit: "month",
                quantity: spot,
                quantityText: `${qty(spot)} of tasks on Spot`,
                assumption: `fargateSpotDiscount = ${discount} (assumption, not a list price)`,
            }),
        );
    }
    return {
        parts,
        inputs: {
            taskDefinition: td.name,
            architecture: arch,
            vcpu,
            memoryGb: gb,
            averageTasks: tasks,
            hours: ctx.hours,
            spotShare: spot,
            ...(min !== undefined ? { minCapacity: min } : {}),
            ...(max !== undefined ? { maxCapacity: max } : {}),
        },
    };
};

export const priceEcsCluster: Pricer = (r, ctx) => {
    const insights = ((r.inputs.settings ?? []) as any[]).find((s) => s.name === "containerInsights");
    if (insights && insights.value !== "disabled") {
        ctx.notes.push({
            type: r.type,
            name: r.name,
            reason: `Container Insights (${insights.value}) is billed as CloudWatch custom metrics and log ingestion; not estimated`,
        });
    }
    return { free: "an ECS cluster has no charge (its tasks are priced on the services)" };
};
