// `platform:host`: the zero-cost tier's one EC2 instance (NGINX, the apps, Redis, TimescaleDB).
import { flag, group, integer, number, oneOf, optional, section, text } from "./dsl";
import { onHost } from "./common";

export const host = section("The zero-cost host.", onHost, {
    instanceType: text({
        doc: "Instance type; one of the tier's (free-tier eligible) types.",
        default: (t) => t.allowedSizes.ec2[0],
        check: oneOf(({ traits }) => traits.allowedSizes.ec2, "is not free-tier eligible"),
    }),
    // The free tier covers 30 GB of EBS in total, root and data volume together; 8 GB is the
    // Amazon Linux 2023 image's own size, 1 GiB the smallest gp3 volume.
    rootVolumeGb: number({ doc: "Root volume: OS, Docker images, swap. Disposable (deleted with the instance).", default: 8, check: integer(8, 30) }),
    dataVolumeGb: number({
        doc: "TimescaleDB's own gp3 volume, encrypted and protected: outlives instance replacements. Root + data at most 30.",
        default: (t) => t.databaseStorageGb.allocated,
        check: integer(1, 22),
    }),
    elasticIp: flag({ doc: "A fixed public address (not free when the instance stops); needs `acceptCost`.", default: false }),
    acceptCost: flag({ doc: "Accept the settings that cost money outside the free tier (`elasticIp`).", default: false }),
    snapshots: group("Daily snapshots of the data volume (Data Lifecycle Manager; not free).", {
        enabled: flag({ doc: "Take daily snapshots of the data volume.", default: false }),
        retainCount: number({ doc: "Snapshots kept.", default: 7, check: integer(1, 1000) }),
    }),
    tlsCertificatePath: optional(
        text({ doc: "Certificate file on the host for NGINX's HTTPS server (with `tlsKeyPath`).", example: "/etc/ssl/platform/cert.pem" }),
    ),
    tlsKeyPath: optional(text({ doc: "Key file on the host for NGINX's HTTPS server (with `tlsCertificatePath`).", example: "/etc/ssl/platform/key.pem" })),
    timescaleImage: text({ doc: "TimescaleDB image run on the host.", default: "timescale/timescaledb:2.17.2-pg16" }),
});
