/**
 * The zero-cost tier's single host: one free-tier EC2 instance running NGINX, the configured
 * services, Redis and TimescaleDB as containers.
 *
 * - Configuration outside user data: an SSM Command document (./document.ts) carries the apply
 *   script with the compose file, NGINX and Redis configuration and the image references; a State
 *   Manager association runs it on the instance when created, whenever it is updated (a release
 *   changes the document and the association's `revision` parameter: it runs at once, SSM API
 *   UpdateAssociation) and every hour as self-healing. State Manager and Run Command on EC2 cost
 *   nothing ("Run Command is offered at no additional cost when used on Amazon EC2 nodes", SSM user
 *   guide). The user data (./user-data.ts) is constant: a release never stops or starts the instance.
 * - The apply script (./platform-apply/) starts NGINX, Redis and TimescaleDB first, then each app on
 *   its own; an app whose image is not pushed yet is skipped and reported in the status parameter
 *   `/<project>/<stack>/host/status` and the journal. It re-syncs TimescaleDB's password from SSM.
 * - Data: TimescaleDB's PGDATA is on its own encrypted gp3 volume (Pulumi `protect`, final snapshot
 *   on delete), attached as /dev/sdf and mounted by its file system UUID. The root volume is
 *   disposable and the instance replaceable: switching between x86_64 and arm64 types creates the
 *   instance under another logical name (`host-instance` / `host-instance-arm64`), so it boots the AMI
 *   of its architecture, while `ignoreChanges: ["ami"]` keeps an ordinary AMI release from replacing
 *   the host (Pulumi keeps an ignored property's old value in the goal state, pulumi/pulumi#2657, so a
 *   replacement of the same logical resource would reuse the old AMI). The attachment is replaced
 *   delete-first and stops the old instance before detaching (terraform-provider-aws
 *   ebs_volume_attachment.go: stop_instance_before_detaching), so PostgreSQL shuts down cleanly.
 * - Termination protection stays: it guards against a console/CLI termination, and does not block
 *   Pulumi's own replacement (the provider's instance delete sets DisableApiTermination=false first,
 *   terraform-provider-aws ec2_instance.go resourceInstanceDelete).
 * - Patching: a second association runs AWS-RunPatchBaseline (Install, RebootIfNeeded) weekly, only at
 *   its cron time; containers come back by their restart policy, data is on its volume.
 * - Reached through Session Manager (AmazonSSMManagedInstanceCore): no key pair, no port 22.
 * - Generated passwords and the application secret (the Fargate tiers' JSON shape, with the host's
 *   view: `timescaledb`, `redis`, a generated JWT secret) live in SSM Parameter Store (SecureString,
 *   standard tier, AWS-managed `aws/ssm` key); the document holds parameter NAMES only and the apply
 *   script reads the values with the instance role, which may read exactly those three parameters
 *   and write exactly the status parameter.
 * - Routing follows the ALB of the other tiers: `routing.paths` and `routing.hosts` become NGINX
 *   locations and server blocks (URI unchanged), the default-routed service takes the rest.
 * - Images: `services.<name>.image` when set, else this stack's ECR repository for the service (the
 *   same `<project>-<stack>/<service>` repositories the Fargate tiers use), at `imageTag`.
 *
 * Cost (defaults, legacy free tier, first 12 months): $0. t3.micro 750 h, its public IPv4 750 h,
 * 8 GB root + 12 GB data gp3 (30 GB free), standard SSM parameters, documents, associations and IAM
 * are free. Not free: ECR storage beyond 500 MB/month (about $0.10/GB-month; two images kept per
 * repository), an Elastic IP ($3.65/month, only with `host.elasticIp` + `host.acceptCost`), DLM
 * snapshots of the data volume (off by default, about $0.05/GB-month of changed blocks; 1 GB free).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { generatedSecret } from "../generated-secret";
import { HostSettings, ServiceSettings } from "../../config/types";
import { amazonLinux2023Ami, architectureOf } from "../ami";
import { ecrLifecyclePolicy, ecrRepositoryName } from "../images";
import { HostApp, HostBootConfig } from "./boot-config";
import { renderHostDocument, REVISION_PARAMETER } from "./document";
import {
    DATA_DEVICE_NAME,
    HOST_APP_SECRET_KEYS,
    HOST_APPLY_SCHEDULE,
    HOST_DATABASE,
    HOST_ECR_KEEP_IMAGES,
    HOST_ENDPOINTS,
    HOST_PATCH_PARAMETERS,
    HOST_PATCH_SCHEDULE,
    hostAppSecretDocument,
    hostDocumentName,
    hostGrpcUrls,
    hostInstanceName,
    HostParameterNames,
    hostParameterNames,
    HostPlan,
    hostStatusParameterName,
    isBurstable,
    planHost,
    SNAPSHOT_TAG_KEY,
} from "./layout";
import { hostRole } from "./role";
import { hostSnapshots } from "./snapshots";
import { renderUserData } from "./user-data";

/**
 * The tag the host asks for while a service has neither `image` nor `imageTag` (its repository is
 * empty on the first deploy): not a release tag the pipeline pushes (those are commit SHAs), so the
 * apply script reports the app's image as missing while NGINX, Redis and TimescaleDB run.
 */
export const NO_RELEASE_TAG = "no-release-yet";

export * from "./layout";
export type { HostApp, HostBootConfig, HostSecretRef } from "./boot-config";

// ---------------------------------------------------------------------------------------------
// Component
// ---------------------------------------------------------------------------------------------

export interface HostArgs {
    settings: HostSettings;
    services: ServiceSettings[];
    project: string;
    stack: string;
    region: string;
    /** `<project>-<stack>`: Name tags and ECR repository names. */
    namePrefix: string;
    /** Cost-allocation tags, copied onto the volumes and SSM resources (the stack transformation tags only known types). */
    tags: Record<string, string>;
    /** The instance goes in the first one. */
    publicSubnetIds: pulumi.Input<string>[];
    /**
     * The AZ of `publicSubnetIds[0]`: the data volume is created there. Wire it from the network (the
     * subnet's `availabilityZone`); without it the volume takes the instance's AZ at creation (the
     * volume ignores later AZ changes, so a planned replacement instance does not read as a move).
     */
    availabilityZone?: pulumi.Input<string>;
    /** New Relic (`newRelicLicenseKey`): the application secret's `newrelic` and the `newrelic` secret source. */
    newRelic?: { licenseKey: string; appName: string };
    /** The network's host security group (80/443 in, all out). */
    securityGroupId: pulumi.Input<string>;
    /** The public subnets' internet route: the SSM agent and the apply script need it from the first boot. */
    internetRoute?: pulumi.Resource[];
    /** Delete ECR repositories that still hold images on `pulumi destroy`. @default true */
    forceDeleteRepositories?: boolean;
}

export interface HostOutputs {
    url: pulumi.Output<string>;
    httpsEnabled: boolean;
    instanceId: pulumi.Output<string>;
    publicIp: pulumi.Output<string>;
    ssmParameterNames: HostParameterNames;
    ecrRepositoryUrls: pulumi.Output<Record<string, string>>;
    databaseEndpoint: string;
    databasePort: number;
    databaseName: string;
    cacheEndpoint: string;
    cachePort: number;
    cacheMode: "host-container";
}

/**
 * The zero-cost host. A release (image tags, services, routing, TLS paths) changes the SSM document
 * and the apply association's `revision`: the association runs at once on the running instance,
 * which recreates only the containers whose configuration changed. Nothing stops, starts or
 * replaces the instance on a release.
 */
export class Host extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;
    readonly parameterArns: pulumi.Output<string>[];
    /** The parameter the host writes its status to (`aws ssm get-parameter --name ...`). */
    readonly statusParameterName: string;
    readonly documentName: pulumi.Output<string>;
    readonly dataVolumeId: pulumi.Output<string>;
    /** sha256 of the apply script the association delivers (the `revision` in the status parameter). */
    readonly revision: pulumi.Output<string>;
    readonly plan: HostPlan;
    readonly outputs: HostOutputs;

    constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:host:Host", name, {}, opts);
        const parent = { parent: this };
        const { settings, namePrefix } = args;
        const plan = planHost(settings, args.services, { newRelic: args.newRelic !== undefined });
        this.plan = plan;
        const unsupplied = plan.apps.filter((a) => a.unsupplied.length > 0);
        if (unsupplied.length > 0) {
            pulumi.log.warn(
                `zero-cost host: no value for secret variables ${unsupplied.map((a) => `${a.service.name}: ${a.unsupplied.join(", ")}`).join("; ")} ` +
                    `(the host's application secret has the keys [${HOST_APP_SECRET_KEYS.join(", ")}], its database secret username and password)`,
                this,
            );
        }

        // Secrets: generated, stored as SecureString (AWS-managed key, standard tier: free).
        const parameterNames = hostParameterNames(args.project, args.stack);
        const passwords = {} as Record<"redisPassword" | "databasePassword", random.RandomPassword>;
        const parameters = (["redisPassword", "databasePassword"] as const).map((purpose) => {
            const slug = purpose === "redisPassword" ? "redis-password" : "database-password";
            // 32 of [A-Za-z0-9]: what the apply script accepts (16+ of [A-Za-z0-9._~-]), safe in URLs.
            const password = generatedSecret(`${name}-${slug}`, 32, parent);
            passwords[purpose] = password;
            return new aws.ssm.Parameter(
                `${name}-${slug}`,
                {
                    name: parameterNames[purpose],
                    description: `${namePrefix} host: ${purpose === "redisPassword" ? "Redis" : "TimescaleDB"} password (read by the host's apply script)`,
                    type: "SecureString",
                    tier: "Standard",
                    value: password.result,
                },
                parent,
            );
        });
        // The application secret, as on the Fargate tiers (one JSON document, well under the
        // standard tier's 4 KB), with a generated JWT secret. No rotation on the host.
        const jwt = generatedSecret(`${name}-jwt-secret`, 64, parent);
        parameters.push(
            new aws.ssm.Parameter(
                `${name}-app-secret`,
                {
                    name: parameterNames.appSecret,
                    description: `${namePrefix} host: application secret JSON (database, redis, jwt; read by the host's apply script)`,
                    type: "SecureString",
                    tier: "Standard",
                    value: pulumi.secret(
                        pulumi.jsonStringify(
                            hostAppSecretDocument<pulumi.Input<string>>({
                                redisPassword: passwords.redisPassword.result,
                                jwtSecret: jwt.result,
                                newrelic: args.newRelic && { licenseKey: pulumi.secret(args.newRelic.licenseKey), appName: args.newRelic.appName },
                                grpcUrls: hostGrpcUrls(args.services),
                            }),
                        ),
                    ),
                },
                parent,
            ),
        );
        this.parameterArns = parameters.map((p) => p.arn);

        // The host's own report of its last apply. The host overwrites the value: Pulumi creates the
        // parameter (and deletes it on destroy) but never puts its value back.
        this.statusParameterName = hostStatusParameterName(args.project, args.stack);
        const statusParameter = new aws.ssm.Parameter(
            `${name}-status`,
            {
                name: this.statusParameterName,
                description: `${namePrefix} host: status of the last platform-apply run (written by the host)`,
                type: "String",
                tier: "Standard",
                value: JSON.stringify({ state: "pending", note: "the host has not reported yet" }),
            },
            { parent: this, ignoreChanges: ["value"] },
        );

        // Images: configured, or this stack's ECR repository (same names as the Fargate tiers).
        const repositories: Record<string, aws.ecr.Repository> = {};
        for (const app of plan.apps.filter((a) => a.fromStackEcr)) {
            const repository = new aws.ecr.Repository(
                `${name}-${app.service.name}-repo`,
                {
                    name: ecrRepositoryName(namePrefix, app.service.name),
                    // Release tags cannot be overwritten (as on Fargate): push a new tag, set imageTag.
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    encryptionConfigurations: [{ encryptionType: "AES256" }],
                    forceDelete: args.forceDeleteRepositories ?? true,
                },
                parent,
            );
            new aws.ecr.LifecyclePolicy(
                `${name}-${app.service.name}-repo`,
                {
                    repository: repository.name,
                    policy: ecrLifecyclePolicy(HOST_ECR_KEEP_IMAGES),
                },
                parent,
            );
            repositories[app.service.name] = repository;
        }
        const ecrRepositoryUrls = pulumi.output(Object.fromEntries(Object.entries(repositories).map(([service, repo]) => [service, repo.repositoryUrl])));
        const images = pulumi.output(
            Object.fromEntries(
                plan.apps.map((app) => [
                    app.service.name,
                    // No release yet: a tag that cannot exist, so the host reports the image missing and runs the rest.
                    app.fromStackEcr
                        ? pulumi.interpolate`${repositories[app.service.name].repositoryUrl}:${app.service.imageTag ?? NO_RELEASE_TAG}`
                        : pulumi.output(app.service.image!),
                ]),
            ),
        ) as pulumi.Output<Record<string, string>>;
        // ECR images configured by hand (`services.<name>.image` in some account's ECR) need the pull grant too.
        const configuredEcr = plan.apps
            .map((a) => a.service.image && /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(a.service.image))
            .filter((m): m is RegExpExecArray => Boolean(m))
            .map((m) => `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`);
        const ecrArns = [...Object.values(repositories).map((r) => r.arn), ...configuredEcr];

        // Instance role: Session Manager and State Manager (the managed policy), the three secrets,
        // the status parameter, pulls from the stack's repositories.
        const { role, ssmCore, access, profile } = hostRole(
            name,
            {
                namePrefix,
                parameterArns: this.parameterArns,
                statusParameterArn: statusParameter.arn,
                ecrArns,
            },
            parent,
        );
        this.roleName = role.name;

        const architecture = architectureOf(settings.instanceType);
        const instance = new aws.ec2.Instance(
            hostInstanceName(name, settings.instanceType),
            {
                ami: amazonLinux2023Ami(settings.instanceType, parent),
                instanceType: settings.instanceType,
                subnetId: args.publicSubnetIds[0],
                vpcSecurityGroupIds: [args.securityGroupId],
                // The free tier's 750 h of public IPv4 on EC2. Always true: toggling it replaces the instance,
                // and an associated Elastic IP takes the place of this address anyway.
                associatePublicIpAddress: true,
                iamInstanceProfile: profile.name,
                // No keyName: Session Manager only, no SSH and no port 22.
                // IMDSv2 only; hop limit 1 keeps containers (one hop further, on the Docker bridge) away from
                // the role's credentials: only the apply script and the SSM agent need them.
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                // Detailed (1-minute) monitoring is billed per metric; basic 5-minute metrics are free.
                monitoring: false,
                disableApiTermination: true,
                ...(isBurstable(settings.instanceType) ? { creditSpecification: { cpuCredits: "standard" } } : {}),
                rootBlockDevice: {
                    volumeType: "gp3",
                    volumeSize: settings.rootVolumeGb,
                    encrypted: true,
                    // Disposable: OS, Docker images, swap. The data is on its own volume.
                    deleteOnTermination: true,
                    tags: { ...args.tags, Name: `${namePrefix}-host-root` },
                },
                userData: renderUserData(),
                userDataReplaceOnChange: false,
                tags: { Name: `${namePrefix}-host`, Architecture: architecture },
            },
            {
                parent: this,
                // A newer AL2023 image must not replace the host; a new architecture is a new logical
                // resource (hostInstanceName). Patches come from AWS-RunPatchBaseline below.
                ignoreChanges: ["ami"],
                // The SSM agent registers at first boot: the role and the route must be there.
                dependsOn: [ssmCore, ...(args.internetRoute ?? [])],
            },
        );
        this.instanceId = instance.id;

        // TimescaleDB's data: outlives any instance. `protect` makes Pulumi refuse to delete or
        // replace it (a replace would be any change of its AZ); a final snapshot if it is ever deleted.
        const dataVolume = new aws.ebs.Volume(
            `${name}-data`,
            {
                availabilityZone: args.availabilityZone ?? instance.availabilityZone,
                size: settings.dataVolumeGb,
                type: "gp3",
                encrypted: true,
                finalSnapshot: true,
                tags: { ...args.tags, Name: `${namePrefix}-host-data`, [SNAPSHOT_TAG_KEY]: `${namePrefix}-host` },
            },
            {
                parent: this,
                protect: true,
                // Fixed at creation: a planned replacement instance's AZ is unknown at preview time and
                // must not read as a move of the (protected) volume. An instance in another AZ fails to attach.
                ignoreChanges: ["availabilityZone"],
            },
        );
        this.dataVolumeId = dataVolume.id;
        const attachment = new aws.ec2.VolumeAttachment(
            `${name}-data`,
            {
                deviceName: DATA_DEVICE_NAME,
                volumeId: dataVolume.id,
                instanceId: instance.id,
                // Detaching from a running host would pull PGDATA from under PostgreSQL: stop it first.
                stopInstanceBeforeDetaching: true,
            },
            {
                parent: this,
                // The volume attaches to one instance at a time: detach from the old one before the new attach.
                deleteBeforeReplace: true,
            },
        );

        const tls = settings.tlsCertificatePath !== undefined && settings.tlsKeyPath !== undefined;
        const rendered = pulumi.all([images, dataVolume.id]).apply(([byService, volumeId]) => {
            const boot: HostBootConfig = {
                project: args.project,
                stack: args.stack,
                region: args.region,
                instanceType: settings.instanceType,
                apps: plan.apps.map((app): HostApp => ({
                    name: app.service.name,
                    image: byService[app.service.name],
                    port: app.port,
                    // The app's own health endpoint: the same image answers the ALB's check on the other tiers.
                    healthPath: app.service.healthCheckPath,
                    environment: app.environment,
                    secrets: app.secrets,
                    paths: app.service.routing.paths,
                    hosts: app.service.routing.hosts,
                })),
                defaultApp: plan.defaultApp,
                tlsCertificatePath: settings.tlsCertificatePath,
                tlsKeyPath: settings.tlsKeyPath,
                ssmParameters: parameterNames,
                statusParameter: this.statusParameterName,
                dataVolume: { volumeId, deviceName: DATA_DEVICE_NAME },
                timescaleImage: settings.timescaleImage,
                database: { name: HOST_DATABASE.name, user: HOST_DATABASE.user },
            };
            const document = renderHostDocument(boot);
            return { content: document.content, revision: document.revision };
        });
        this.revision = rendered.revision;

        const ssmTags = { ...args.tags, Name: `${namePrefix}-host` };
        const document = new aws.ssm.Document(
            `${name}-apply`,
            {
                name: hostDocumentName(namePrefix),
                documentType: "Command",
                documentFormat: "JSON",
                targetType: "/AWS::EC2::Instance",
                content: rendered.content,
                tags: ssmTags,
            },
            parent,
        );
        this.documentName = document.name;
        const targets = [{ key: "InstanceIds", values: [instance.id] }];
        new aws.ssm.Association(
            `${name}-apply`,
            {
                name: document.name,
                associationName: `${namePrefix}-host-apply`,
                // The version the provider just made default: the run applies exactly this content.
                documentVersion: document.defaultVersion,
                targets,
                // Changes with every release, so the association is updated, and an updated association runs now.
                parameters: { [REVISION_PARAMETER]: rendered.revision },
                scheduleExpression: HOST_APPLY_SCHEDULE,
                complianceSeverity: "HIGH",
                tags: ssmTags,
            },
            {
                parent: this,
                // The run reads the parameters with the role and needs the data volume attached.
                dependsOn: [attachment, access, ssmCore, statusParameter, ...parameters],
            },
        );
        new aws.ssm.Association(
            `${name}-patching`,
            {
                name: "AWS-RunPatchBaseline",
                associationName: `${namePrefix}-host-patching`,
                targets,
                parameters: { ...HOST_PATCH_PARAMETERS },
                scheduleExpression: HOST_PATCH_SCHEDULE,
                // Not at creation: the first boot must not patch and reboot in the middle of the first apply.
                applyOnlyAtCronInterval: true,
                complianceSeverity: "MEDIUM",
                tags: ssmTags,
            },
            { parent: this, dependsOn: [ssmCore] },
        );

        let publicIp: pulumi.Output<string> = instance.publicIp;
        if (settings.elasticIp) {
            // Not free: $0.005/h (validation demands host.acceptCost). Survives instance replacement.
            const eip = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags: { Name: `${namePrefix}-host` } }, parent);
            // Delete-first on a new instance: the old association is released before the new one is made.
            new aws.ec2.EipAssociation(`${name}-eip`, { allocationId: eip.allocationId, instanceId: instance.id }, { parent: this, deleteBeforeReplace: true });
            publicIp = eip.publicIp;
        }
        this.publicIp = publicIp;

        if (settings.snapshots.enabled) hostSnapshots(name, namePrefix, settings.snapshots.retainCount, parent);

        this.outputs = {
            url: pulumi.interpolate`${tls ? "https" : "http"}://${publicIp}`,
            httpsEnabled: tls,
            instanceId: instance.id,
            publicIp,
            ssmParameterNames: parameterNames,
            ecrRepositoryUrls,
            databaseEndpoint: HOST_ENDPOINTS.database.host,
            databasePort: HOST_ENDPOINTS.database.port,
            databaseName: HOST_DATABASE.name,
            cacheEndpoint: HOST_ENDPOINTS.cache.host,
            cachePort: HOST_ENDPOINTS.cache.port,
            cacheMode: "host-container",
        };
        this.registerOutputs({ instanceId: this.instanceId, publicIp: this.publicIp, dataVolumeId: this.dataVolumeId });
    }
}
