/**
 * The zero-cost tier's single host: one free-tier EC2 instance running NGINX, the configured
 * services, Redis and TimescaleDB as containers (boot configuration: ./user-data.ts).
 *
 * - Reached through Session Manager (AmazonSSMManagedInstanceCore): no key pair, no port 22.
 * - Generated passwords and the application secret (the Fargate tiers' JSON shape, with the host's
 *   view: `timescaledb`, `redis`, a generated JWT secret) live in SSM Parameter Store (SecureString,
 *   standard tier, AWS-managed `aws/ssm` key); the user data holds parameter NAMES only and the boot
 *   script reads the values with the instance role, which may read exactly those three parameters.
 *   Each service gets its declared `secrets` as environment variables, as on Fargate.
 * - Routing follows the ALB of the other tiers: `routing.paths` and `routing.hosts` become NGINX
 *   locations and server blocks (URI unchanged), the default-routed service takes the rest.
 * - TimescaleDB's data lives on the root volume: the instance ignores AMI updates (a newer AMI must
 *   not replace it), keeps its root volume on termination and has termination protection.
 * - Images: `services.<name>.image` when set, else this stack's ECR repository for the service (the
 *   same `<project>-<stack>/<service>` repositories the Fargate tiers use), at `imageTag`.
 *
 * Cost (defaults, legacy free tier, first 12 months): $0. t3.micro 750 h, its public IPv4 750 h,
 * the 20 GB gp3 root volume (30 GB free), standard SSM parameters and IAM are free. Not free: ECR
 * storage beyond 500 MB/month (about $0.10/GB-month; two images kept per repository), an Elastic IP
 * ($3.65/month, only with `host.elasticIp` + `host.acceptCost`), DLM snapshots (off by default,
 * about $0.05/GB-month of changed blocks; 1 GB free).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { generatedSecret } from "../generated-secret";
import { HostSettings, ServiceSettings } from "../../config/types";
import { amazonLinux2023Ami } from "../ami";
import { ecrLifecyclePolicy, ecrRepositoryName } from "../compute-plan";
import { appSecretDocument, AppSecretDocument } from "../data-plan";
import { routingPatternProblem } from "../../config/routing";
import { HostApp, HostBootConfig, HostSecretRef, memoryBudget, MemoryBudget, instanceMemoryMiB, renderUserData } from "./user-data";

// ---------------------------------------------------------------------------------------------
// Pure plan: what the host runs and how things are named (no resources; tested directly)
// ---------------------------------------------------------------------------------------------

/** Database created in the TimescaleDB container (same name as the RDS database of the other tiers). */
export const HOST_DATABASE = { name: "platform", user: "platform" } as const;

/** How the apps on the host reach the data stores: compose service names on the compose network. */
export const HOST_ENDPOINTS = {
    database: { host: "timescaledb", port: 5432 },
    cache: { host: "redis", port: 6379 },
} as const;

/** Images kept per ECR repository on the host tier: the running one and one to roll back to. */
export const HOST_ECR_KEEP_IMAGES = 2;

/** Tag on the root volume that the DLM policy targets (set even while snapshots are off). */
export const SNAPSHOT_TAG_KEY = "SnapshotPolicy";

/** Burstable families: `standard` credits keep them inside the free tier (unlimited bills surplus credits). */
export function isBurstable(instanceType: string): boolean {
    return /^t\d[a-z]*\./.test(instanceType);
}

export interface HostParameterNames {
    redisPassword: string;
    databasePassword: string;
    /** The application secret JSON (`hostAppSecretDocument`). */
    appSecret: string;
}

/** SSM parameter names of the host's secrets: `/<project>/<stack>/<purpose>`. */
export function hostParameterNames(project: string, stack: string): HostParameterNames {
    return {
        redisPassword: `/${project}/${stack}/redis-password`,
        databasePassword: `/${project}/${stack}/database-password`,
        appSecret: `/${project}/${stack}/app-secret`,
    };
}

/**
 * The host's application secret: the Fargate tiers' shape (components/data-plan.ts) with the host's
 * view. No RDS master secret and no replication group here: those keys are null.
 */
export function hostAppSecretDocument<S>(parts: { redisPassword: S; jwtSecret: S }): AppSecretDocument<S | string | null, number> {
    return appSecretDocument<S | string | null, number>({
        database: { host: HOST_ENDPOINTS.database.host, port: HOST_ENDPOINTS.database.port, dbname: HOST_DATABASE.name, userSecretArn: null },
        redis: { host: HOST_ENDPOINTS.cache.host, port: HOST_ENDPOINTS.cache.port, authToken: parts.redisPassword, replicationGroupId: null },
        jwtSecret: parts.jwtSecret,
    });
}

/** Top-level keys of the host's application secret (what `app:<key>` may select). */
export const HOST_APP_SECRET_KEYS = Object.keys(hostAppSecretDocument({ redisPassword: "", jwtSecret: "" }));

export interface PlannedApp {
    service: ServiceSettings;
    /** The first http port: what NGINX proxies to. */
    port: number;
    /** True when the service has no `image` and runs from this stack's ECR repository. */
    fromStackEcr: boolean;
    /** The service's non-secret environment. */
    environment: Record<string, string>;
    /** Secret variables the boot script supplies (written to the service's root-only env file). */
    secrets: Record<string, HostSecretRef>;
    /** Secret variables the host cannot supply: an `app:<key>` or `database:<key>` the host's secrets lack. */
    unsupplied: string[];
}

export interface HostPlan {
    apps: PlannedApp[];
    defaultApp: string;
    budget: MemoryBudget;
}

/**
 * Which services run on the host and how. Every service must have an http port (NGINX is the only
 * way in); routing is the load balancer's: `routing.paths`/`routing.hosts` in config order, the
 * default-routed service for the rest.
 */
export function planHost(host: HostSettings, services: ServiceSettings[]): HostPlan {
    const apps = services.map((service): PlannedApp => {
        const http = service.ports.find((p) => p.protocol === "http");
        if (!http) {
            throw new Error(
                `platform:services.${service.name}.ports: the zero-cost host serves services over HTTP through NGINX only, ` +
                    `and ${service.name} declares no http port; add one or disable the service on this stack (enabled: false)`,
            );
        }
        for (const kind of ["path", "host"] as const) {
            const key = kind === "path" ? "paths" : "hosts";
            service.routing[key].forEach((pattern, i) => {
                const problem = routingPatternProblem(kind, pattern);
                if (problem) throw new Error(`platform:services.${service.name}.routing.${key}[${i}]: ${JSON.stringify(pattern)} ${problem}; NGINX on the zero-cost host follows the same rules`);
            });
        }
        const secrets: Record<string, HostSecretRef> = {};
        const unsupplied: string[] = [];
        for (const [env, ref] of Object.entries(service.secrets)) {
            if (ref.source === "app" && (ref.jsonKey === undefined || HOST_APP_SECRET_KEYS.includes(ref.jsonKey))) {
                secrets[env] = { source: "app", jsonKey: ref.jsonKey };
            } else if (ref.source === "database" && (ref.jsonKey === undefined || ref.jsonKey === "username" || ref.jsonKey === "password")) {
                secrets[env] = { source: "database", jsonKey: ref.jsonKey };
            } else {
                unsupplied.push(`${env} (${ref.source}${ref.jsonKey === undefined ? "" : `:${ref.jsonKey}`})`);
            }
        }
        return { service, port: http.port, fromStackEcr: service.image === undefined, environment: { ...service.environment }, secrets, unsupplied };
    });
    const defaultApp = (services.find((s) => s.routing.default) ?? services[0]).name;
    return { apps, defaultApp, budget: memoryBudget(instanceMemoryMiB(host.instanceType), apps.length) };
}

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
    /** Cost-allocation tags, copied onto the root volume (the stack transformation tags only `tags`). */
    tags: Record<string, string>;
    /** The instance goes in the first one. */
    publicSubnetIds: pulumi.Input<string>[];
    /** The network's host security group (80/443 in, all out). */
    securityGroupId: pulumi.Input<string>;
    /** The public subnets' internet route: the boot script installs packages as soon as it starts. */
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
 * The zero-cost host. Changing the boot configuration (images, tags, services, TLS paths) updates
 * the instance's user data in place: the provider stops the instance, writes the new user data and
 * starts it (root volume and data stay; the public IPv4 changes unless an Elastic IP is attached).
 * cloud-init runs the new user data only after `sudo cloud-init clean --logs --reboot` (README).
 */
export class Host extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly publicIp: pulumi.Output<string>;
    readonly roleName: pulumi.Output<string>;
    readonly parameterArns: pulumi.Output<string>[];
    readonly plan: HostPlan;
    readonly outputs: HostOutputs;

    constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:host:Host", name, {}, opts);
        const parent = { parent: this };
        const { settings, namePrefix } = args;
        const plan = planHost(settings, args.services);
        this.plan = plan;
        const unsupplied = plan.apps.filter((a) => a.unsupplied.length > 0);
        if (unsupplied.length > 0) {
            pulumi.log.warn(`zero-cost host: no value for secret variables ${unsupplied.map((a) => `${a.service.name}: ${a.unsupplied.join(", ")}`).join("; ")} ` +
                `(the host's application secret has the keys [${HOST_APP_SECRET_KEYS.join(", ")}], its database secret username and password)`, this);
        }

        // Secrets: generated, stored as SecureString (AWS-managed key, standard tier: free).
        const parameterNames = hostParameterNames(args.project, args.stack);
        const passwords = {} as Record<"redisPassword" | "databasePassword", random.RandomPassword>;
        const parameters = (["redisPassword", "databasePassword"] as const).map((purpose) => {
            const slug = purpose === "redisPassword" ? "redis-password" : "database-password";
            // 32 of [A-Za-z0-9]: what the boot script accepts (16+ of [A-Za-z0-9._~-]), safe in URLs.
            const password = generatedSecret(`${name}-${slug}`, 32, parent);
            passwords[purpose] = password;
            return new aws.ssm.Parameter(`${name}-${slug}`, {
                name: parameterNames[purpose],
                description: `${namePrefix} host: ${purpose === "redisPassword" ? "Redis" : "TimescaleDB"} password (read by the host's boot script)`,
                type: "SecureString",
                tier: "Standard",
                value: password.result,
            }, parent);
        });
        // The application secret, as on the Fargate tiers (one JSON document, well under the
        // standard tier's 4 KB), with a generated JWT secret. No rotation on the host.
        const jwt = generatedSecret(`${name}-jwt-secret`, 64, parent);
        parameters.push(new aws.ssm.Parameter(`${name}-app-secret`, {
            name: parameterNames.appSecret,
            description: `${namePrefix} host: application secret JSON (database, redis, jwt; read by the host's boot script)`,
            type: "SecureString",
            tier: "Standard",
            value: pulumi.secret(pulumi.jsonStringify(hostAppSecretDocument<pulumi.Input<string>>({
                redisPassword: passwords.redisPassword.result,
                jwtSecret: jwt.result,
            }))),
        }, parent));
        this.parameterArns = parameters.map((p) => p.arn);

        // Images: configured, or this stack's ECR repository (same names as the Fargate tiers).
        const repositories: Record<string, aws.ecr.Repository> = {};
        for (const app of plan.apps.filter((a) => a.fromStackEcr)) {
            const repository = new aws.ecr.Repository(`${name}-${app.service.name}-repo`, {
                name: ecrRepositoryName(namePrefix, app.service.name),
                // Release tags cannot be overwritten (as on Fargate): push a new tag, set imageTag.
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "AES256" }],
                forceDelete: args.forceDeleteRepositories ?? true,
            }, parent);
            new aws.ecr.LifecyclePolicy(`${name}-${app.service.name}-repo`, {
                repository: repository.name,
                policy: ecrLifecyclePolicy(HOST_ECR_KEEP_IMAGES),
            }, parent);
            repositories[app.service.name] = repository;
        }
        const ecrRepositoryUrls = pulumi.output(Object.fromEntries(Object.entries(repositories).map(([service, repo]) => [service, repo.repositoryUrl])));
        const images = pulumi.output(Object.fromEntries(plan.apps.map((app) => [
            app.service.name,
            app.fromStackEcr ? pulumi.interpolate`${repositories[app.service.name].repositoryUrl}:${app.service.imageTag}` : pulumi.output(app.service.image!),
        ]))) as pulumi.Output<Record<string, string>>;
        // ECR images configured by hand (`services.<name>.image` in some account's ECR) need the pull grant too.
        const configuredEcr = plan.apps
            .map((a) => a.service.image && /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(a.service.image))
            .filter((m): m is RegExpExecArray => Boolean(m))
            .map((m) => `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`);
        const ecrArns = [...Object.values(repositories).map((r) => r.arn), ...configuredEcr];

        // Instance role: Session Manager, the three parameters, pulls from the stack's repositories.
        const role = new aws.iam.Role(`${name}-role`, {
            description: `${namePrefix} host: Session Manager, its three SSM parameters, ECR pulls`,
            assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
                statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
            }, parent).json,
            tags: { Name: `${namePrefix}-host` },
        }, parent);
        this.roleName = role.name;
        const ssmCore = new aws.iam.RolePolicyAttachment(`${name}-ssm-core`, {
            role: role.name,
            policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        }, parent);
        const statements: aws.types.input.iam.GetPolicyDocumentStatementArgs[] = [{
            sid: "ReadHostPasswords",
            // SecureString with the AWS-managed aws/ssm key: no kms:Decrypt grant needed.
            actions: ["ssm:GetParameter", "ssm:GetParameters"],
            resources: this.parameterArns,
        }];
        if (ecrArns.length > 0) {
            statements.push(
                { sid: "EcrLogin", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
                { sid: "EcrPull", actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources: ecrArns },
            );
        }
        const access = new aws.iam.RolePolicy(`${name}-access`, {
            role: role.id,
            policy: aws.iam.getPolicyDocumentOutput({ statements }, parent).json,
        }, parent);
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, {
            role: role.name,
            tags: { Name: `${namePrefix}-host` },
        }, parent);

        const tls = settings.tlsCertificatePath !== undefined && settings.tlsKeyPath !== undefined;
        const userData = images.apply((byService) => {
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
                timescaleImage: settings.timescaleImage,
                database: { name: HOST_DATABASE.name, user: HOST_DATABASE.user },
            };
            return renderUserData(boot);
        });

        const instance = new aws.ec2.Instance(`${name}-instance`, {
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
            // the role's credentials: only the host's boot script and SSM agent need them.
            metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
            // Detailed (1-minute) monitoring is billed per metric; basic 5-minute metrics are free.
            monitoring: false,
            disableApiTermination: true,
            ...(isBurstable(settings.instanceType) ? { creditSpecification: { cpuCredits: "standard" } } : {}),
            rootBlockDevice: {
                volumeType: "gp3",
                volumeSize: settings.rootVolumeGb,
                encrypted: true,
                // TimescaleDB's data is on this volume: it outlives the instance (delete it by hand).
                deleteOnTermination: false,
                tags: { ...args.tags, Name: `${namePrefix}-host-root`, [SNAPSHOT_TAG_KEY]: `${namePrefix}-host` },
            },
            userData,
            // A boot configuration change is an in-place stop/start, never a new host (see the class doc).
            userDataReplaceOnChange: false,
            tags: { Name: `${namePrefix}-host` },
        }, {
            parent: this,
            // A newer AL2023 image must not replace the stateful host: patch in place with `dnf upgrade`.
            ignoreChanges: ["ami"],
            // The first boot reads the parameters with the role: both must exist before it starts.
            dependsOn: [...parameters, access, ssmCore, ...(args.internetRoute ?? [])],
        });
        this.instanceId = instance.id;

        let publicIp: pulumi.Output<string> = instance.publicIp;
        if (settings.elasticIp) {
            // Not free: $0.005/h (validation demands host.acceptCost). Survives instance replacement.
            const eip = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags: { Name: `${namePrefix}-host` } }, parent);
            new aws.ec2.EipAssociation(`${name}-eip`, { allocationId: eip.allocationId, instanceId: instance.id }, parent);
            publicIp = eip.publicIp;
        }
        this.publicIp = publicIp;

        if (settings.snapshots.enabled) this.snapshots(name, namePrefix, settings.snapshots.retainCount);

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
        this.registerOutputs({ instanceId: this.instanceId, publicIp: this.publicIp });
    }

    /** Daily snapshots of the root volume (found by its SNAPSHOT_TAG_KEY tag), keeping `retainCount`. */
    private snapshots(name: string, namePrefix: string, retainCount: number): void {
        const parent = { parent: this };
        const role = new aws.iam.Role(`${name}-dlm`, {
            description: `${namePrefix} host: Data Lifecycle Manager snapshots of the root volume`,
            assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
                statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["dlm.amazonaws.com"] }] }],
            }, parent).json,
            tags: { Name: `${namePrefix}-host-dlm` },
        }, parent);
        const managed = new aws.iam.RolePolicyAttachment(`${name}-dlm`, {
            role: role.name,
            policyArn: "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole",
        }, parent);
        new aws.dlm.LifecyclePolicy(`${name}-snapshots`, {
            description: `${namePrefix} host root volume, daily`,
            executionRoleArn: role.arn,
            state: "ENABLED",
            policyDetails: {
                policyType: "EBS_SNAPSHOT_MANAGEMENT",
                resourceTypes: ["VOLUME"],
                targetTags: { [SNAPSHOT_TAG_KEY]: `${namePrefix}-host` },
                schedules: [{
                    name: "daily",
                    createRule: { interval: 24, intervalUnit: "HOURS", times: "03:00" },
                    retainRule: { count: retainCount },
                    // The volume's tags (cost allocation, Name) go onto each snapshot.
                    copyTags: true,
                    tagsToAdd: { SnapshotCreator: "dlm" },
                }],
            },
            tags: { Name: `${namePrefix}-host-snapshots` },
        }, { parent: this, dependsOn: [managed] });
    }
}
