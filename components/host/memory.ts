/**
 * Memory budget of the zero-cost host: what the OS, the SSM agent and Docker keep, what each
 * container may use (`mem_limit`), the PostgreSQL settings that fit TimescaleDB's limit, and the
 * swap file that absorbs transient peaks. Pure: no resources, no I/O.
 *
 * The reserve is the sum of named parts instead of a percentage, so every figure can be argued:
 * - kernel and base system (kernel, slab, systemd, journald, udevd, chronyd, sshd, auditd): 160 MiB,
 *   an estimate for an idle Amazon Linux 2023 instance (unconfirmed: no measurement on AL2023 here);
 * - SSM agent (amazon-ssm-agent + ssm-agent-worker, steady state): 64 MiB (unconfirmed estimate);
 * - Docker (dockerd + containerd + one containerd-shim per container): 96 MiB (unconfirmed estimate);
 * - page cache floor (binaries, libraries and the journal stay cached instead of being re-read from
 *   EBS on every access): 64 MiB or 10% of the instance, whichever is larger.
 * Transient peaks are left to swap, not to the reserve: AWS-RunPatchBaseline's Python process was
 * measured at about 330 MB RSS (aws/amazon-ssm-agent#402; #615 shows the OOM it causes on 0.5 GiB
 * without swap), and each `aws` CLI call of the apply script is a short-lived Python process.
 */

/** Memory of the free-tier-eligible burstable types (AWS instance type specs). */
export const INSTANCE_MEMORY_MIB: Readonly<Record<string, number>> = {
    "t2.micro": 1024,
    "t3.micro": 1024,
    "t4g.micro": 1024,
    "t3.small": 2048,
    "t4g.small": 2048,
};

/** Fixed parts of the host reserve (see the file comment for where each figure comes from). */
export const HOST_RESERVE_MIB = {
    kernelAndSystem: 160,
    ssmAgent: 64,
    docker: 96,
    pageCacheFloor: 64,
} as const;

/** Swap file on the root volume (cloud-init's `swap` module): the same 1 GiB on every allowed type. */
export const SWAP_MIB = 1024;

/** The smallest `mem_limit` an app container gets; below it a JVM or Node.js app does not start. */
export const MIN_APP_MIB = 96;

export interface HostReserve {
    kernelAndSystemMiB: number;
    ssmAgentMiB: number;
    dockerMiB: number;
    pageCacheMiB: number;
    totalMiB: number;
}

export interface PostgresSettings {
    sharedBuffersMiB: number;
    effectiveCacheSizeMiB: number;
    workMemMiB: number;
    maintenanceWorkMemMiB: number;
    maxConnections: number;
    maxWorkerProcesses: number;
    maxParallelWorkers: number;
    maxParallelWorkersPerGather: number;
    timescaleBackgroundWorkers: number;
}

export interface MemoryBudget {
    instanceMiB: number;
    /** What the OS, the SSM agent and Docker keep (no container may use it). */
    reserve: HostReserve;
    /** `reserve.totalMiB`, under the name the rest of the code used before the reserve had parts. */
    osReserveMiB: number;
    /** Swap on the root volume for transient peaks (patch runs, CLI calls); not counted as memory. */
    swapMiB: number;
    nginxMiB: number;
    /** `mem_limit` of each app container. */
    appMiB: number;
    appsTotalMiB: number;
    /** `mem_limit` of the Redis container. */
    redisMiB: number;
    /** Redis `maxmemory` (below the container limit: allocator overhead and buffers). */
    redisMaxMemoryMiB: number;
    /** `mem_limit` of the TimescaleDB container. */
    timescaleMiB: number;
    postgres: PostgresSettings;
    /** Sum of all container limits: never above `instanceMiB - osReserveMiB`. */
    totalLimitsMiB: number;
}

/** Memory of an instance type, or an error naming the allowed types. */
export function instanceMemoryMiB(instanceType: string): number {
    const mib = INSTANCE_MEMORY_MIB[instanceType];
    if (mib === undefined) {
        throw new Error(
            `instanceType: unknown memory size for "${instanceType}"; set memoryMiB or use one of ` + `[${Object.keys(INSTANCE_MEMORY_MIB).join(", ")}]`,
        );
    }
    return mib;
}

/** The host's own reserve on an instance of `instanceMiB`. */
export function hostReserve(instanceMiB: number): HostReserve {
    const pageCacheMiB = Math.max(HOST_RESERVE_MIB.pageCacheFloor, Math.round(instanceMiB * 0.1));
    const parts = {
        kernelAndSystemMiB: HOST_RESERVE_MIB.kernelAndSystem,
        ssmAgentMiB: HOST_RESERVE_MIB.ssmAgent,
        dockerMiB: HOST_RESERVE_MIB.docker,
        pageCacheMiB,
    };
    return { ...parts, totalMiB: parts.kernelAndSystemMiB + parts.ssmAgentMiB + parts.dockerMiB + parts.pageCacheMiB };
}

/** PostgreSQL settings for a TimescaleDB container limited to `containerMiB`. */
export function postgresSettings(containerMiB: number): PostgresSettings {
    const sharedBuffersMiB = Math.floor(containerMiB * 0.25);
    const maxConnections = Math.min(100, Math.max(20, Math.floor(containerMiB / 15 / 5) * 5));
    const maxParallelWorkers = containerMiB >= 512 ? 2 : 1;
    const timescaleBackgroundWorkers = 4;
    return {
        sharedBuffersMiB,
        effectiveCacheSizeMiB: Math.floor(containerMiB * 0.6),
        // What is left after shared buffers, for up to 3 sort/hash nodes per connection.
        workMemMiB: Math.max(1, Math.floor((containerMiB - sharedBuffersMiB) / (maxConnections * 3))),
        maintenanceWorkMemMiB: Math.min(256, Math.max(16, Math.floor(containerMiB / 16))),
        maxConnections,
        maxWorkerProcesses: timescaleBackgroundWorkers + maxParallelWorkers + 3,
        maxParallelWorkers,
        maxParallelWorkersPerGather: 1,
        timescaleBackgroundWorkers,
    };
}

/**
 * Splits an instance's memory: the host reserve first, a fixed NGINX slice, then 40% of the rest to
 * TimescaleDB, 15% to Redis and the remainder shared by the apps. Refuses what leaves an app less
 * than MIN_APP_MIB.
 */
export function memoryBudget(memoryMiB: number, appCount = 1): MemoryBudget {
    if (!Number.isInteger(memoryMiB) || memoryMiB < 960) {
        throw new Error(`memoryMiB: ${memoryMiB} is too small; the host needs at least 1 GiB (1024)`);
    }
    if (!Number.isInteger(appCount) || appCount < 1) {
        throw new Error(`apps: ${appCount} apps; at least one is required`);
    }
    const reserve = hostReserve(memoryMiB);
    const nginxMiB = memoryMiB >= 2048 ? 64 : 32;
    const pool = memoryMiB - reserve.totalMiB - nginxMiB;
    const timescaleMiB = Math.floor(pool * 0.4);
    const redisMiB = Math.floor(pool * 0.15);
    const appMiB = Math.floor((pool - timescaleMiB - redisMiB) / appCount);
    if (appMiB < MIN_APP_MIB) {
        throw new Error(
            `apps: ${appCount} apps leave ${appMiB} MiB each on ${memoryMiB} MiB (after the host's ${reserve.totalMiB} MiB reserve); ` +
                `at least ${MIN_APP_MIB} MiB per app is needed: use a 2 GiB type (t3.small, t4g.small) or fewer services`,
        );
    }
    const appsTotalMiB = appMiB * appCount;
    return {
        instanceMiB: memoryMiB,
        reserve,
        osReserveMiB: reserve.totalMiB,
        swapMiB: SWAP_MIB,
        nginxMiB,
        appMiB,
        appsTotalMiB,
        redisMiB,
        redisMaxMemoryMiB: Math.floor(redisMiB * 0.75),
        timescaleMiB,
        postgres: postgresSettings(timescaleMiB),
        totalLimitsMiB: nginxMiB + appsTotalMiB + redisMiB + timescaleMiB,
    };
}
