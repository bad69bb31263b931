// One configured service on Fargate: its ECR repository, log group, execution and task roles, task
// definition, ECS service (private subnets, services SG, rolling deploys with circuit breaker),
// Cloud Map registration for gRPC services, and target-tracking autoscaling (seed 003 §10.2.1).
//
// Cost: Fargate per task-hour (ARM64 $23.64/vCPU-month + $2.60/GB-month; FARGATE_SPOT about 70%
// less); CloudWatch Logs $0.50/GB ingested; ECR $0.10/GB-month of images kept. Roles, task
// definitions, scaling targets and policies are free.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceSettings } from "../config/types";
import { containerDefinition, scalingMetricEnvironment, secretEnvironment, TMP_VOLUME } from "./container-definition";
import { executionRolePolicy } from "./execution-role";
import { awaitingImage, ecrLifecyclePolicy, ecrRepositoryArnOf, ecrRepositoryName, imageReference } from "./images";
import { DISCOVERY_RECORD } from "./service-discovery";
import { grpcPortOf } from "./service-ports";
import { CapacityProviderStrategyItem, DEPLOYMENT, scalingPolicies } from "./service-scaling";
import { DataTier } from "./contracts";
import { ServiceTarget } from "./load-balancer";

export interface FargateServiceArgs {
    service: ServiceSettings;
    namePrefix: string;
    region: string;
    /** Keep the repository's images when the stack is destroyed (no `forceDelete`). */
    protectData: boolean;
    cluster: {
        arn: pulumi.Input<string>;
        name: pulumi.Input<string>;
        capacityProviderStrategy: CapacityProviderStrategyItem[];
        /** What the service must wait for (the cluster's capacity providers). */
        dependsOn: pulumi.Resource[];
        logRetentionDays: number;
        ecrKeepImages: number;
    };
    network: {
        privateSubnetIds: pulumi.Input<string>[];
        securityGroupId: pulumi.Input<string>;
    };
    /** Target groups the tasks register in (none for a service without http or public TCP ports). */
    targets: ServiceTarget[];
    /** The listeners and rules of those target groups (ECS refuses a target group without a load balancer). */
    loadBalancerDependsOn: pulumi.Resource[];
    /** ALB ARN suffix, for request-count scaling. */
    albArnSuffix?: pulumi.Input<string>;
    /** Cloud Map namespace; a service with a gRPC port registers in it. */
    discovery?: { namespaceId: pulumi.Input<string> };
    /** Extra plain environment (e.g. `<SERVICE>_GRPC_ADDRESS`); the service's own config wins. */
    environment?: Record<string, string>;
    /** The data tier; secrets whose source it lacks (or all, while it is undefined) are left out. */
    data?: DataTier;
    /** SSM parameter holding the New Relic license key (the `newrelic` secret source), when configured. */
    newRelicParameterArn?: pulumi.Input<string>;
}

export class FargateService extends pulumi.ComponentResource {
    /** The ECS service's name (`<project>-<stack>-<service>`), also while it awaits its first image. */
    readonly serviceName: pulumi.Output<string>;
    /**
     * The ECS service's ARN (for IAM statements on it); undefined while the service awaits its first
     * image: no `image` and no `imageTag` yet, so no task definition or ECS service exists.
     */
    readonly serviceArn?: pulumi.Output<string>;
    readonly awaitingImage: boolean;
    readonly repositoryUrl: pulumi.Output<string>;
    readonly repositoryArn: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    /** Undefined while the service awaits its first image. */
    readonly taskDefinitionArn?: pulumi.Output<string>;
    readonly executionRoleArn: pulumi.Output<string>;
    readonly taskRoleArn: pulumi.Output<string>;
    /** Secret variables left out because their source does not exist (yet). */
    readonly skippedSecrets: string[];

    constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:compute:FargateService", name, {}, opts);
        const parent = { parent: this };
        const { service, namePrefix } = args;
        const physical = `${namePrefix}-${service.name}`;

        const repository = new aws.ecr.Repository(
            `${name}-repo`,
            {
                name: ecrRepositoryName(namePrefix, service.name),
                // Release tags cannot be overwritten: a task definition's tag always means the same image.
                // The deploy pipeline pushes a new tag per release and sets services.<name>.imageTag.
                imageTagMutability: "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [{ encryptionType: "AES256" }],
                forceDelete: !args.protectData,
            },
            parent,
        );
        new aws.ecr.LifecyclePolicy(
            `${name}-repo`,
            {
                repository: repository.name,
                policy: ecrLifecyclePolicy(args.cluster.ecrKeepImages),
            },
            parent,
        );
        this.repositoryUrl = repository.repositoryUrl;
        this.repositoryArn = repository.arn;
        // With the template's default tag `latest` the first push works and later pushes of `latest`
        // are refused: the pipeline must push a release tag (e.g. the git SHA) and set imageTag to it.

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: `/ecs/${namePrefix}/${service.name}`,
                retentionInDays: args.cluster.logRetentionDays,
            },
            parent,
        );
        this.logGroupName = logGroup.name;

        const appSecretArn = args.data?.appSecretArn;
        const databaseSecretArn = args.data?.databaseSecretArn;
        const newRelicArn = args.newRelicParameterArn;
        this.skippedSecrets = secretEnvironment(service, {
            app: appSecretArn ? "known" : undefined,
            database: databaseSecretArn ? "known" : undefined,
            newrelic: newRelicArn ? "known" : undefined,
        }).skipped;

        const assumeByEcsTasks = aws.getCallerIdentityOutput({}, parent).accountId.apply((account) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "ecs-tasks.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        // Confused-deputy guard: only ECS acting for this account may assume the role.
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                ],
            }),
        );
        const executionRole = new aws.iam.Role(
            `${name}-execution`,
            {
                description: `ECS agent for ${physical}: pulls the image, writes logs, reads its secrets`,
                assumeRolePolicy: assumeByEcsTasks,
            },
            parent,
        );
        const configuredRepositoryArn = service.image !== undefined ? ecrRepositoryArnOf(service.image) : undefined;
        const executionPolicy = new aws.iam.RolePolicy(
            `${name}-execution`,
            {
                role: executionRole.id,
                policy: pulumi
                    .all([repository.arn, logGroup.arn, appSecretArn, databaseSecretArn, newRelicArn, args.data?.secretsKmsKeyArn])
                    .apply(([repositoryArn, logGroupArn, app, database, newrelic, kmsKeyArn]) =>
                        JSON.stringify(
                            executionRolePolicy({
                                repositoryArns: [repositoryArn, ...(configuredRepositoryArn ? [configuredRepositoryArn] : [])],
                                logGroupArn,
                                secretArns: secretEnvironment(service, { app, database, newrelic }).secretArns,
                                kmsKeyArn,
                                region: args.region,
                            }),
                        ),
                    ),
            },
            parent,
        );
        // The application's own AWS permissions: none by default, except publishing its scaling metric.
        const taskRole = new aws.iam.Role(
            `${name}-task-role`,
            {
                description: `Application role of ${physical}`,
                assumeRolePolicy: assumeByEcsTasks,
            },
            parent,
        );
        const taskPolicies: pulumi.Resource[] = [];
        const metric = service.scaling.customMetric;
        if (metric) {
            taskPolicies.push(
                new aws.iam.RolePolicy(
                    `${name}-task-metric`,
                    {
                        role: taskRole.id,
                        policy: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Sid: "PublishScalingMetric",
                                    Effect: "Allow",
                                    // PutMetricData has no resource; the namespace condition key scopes it
                                    // (CloudWatch "Using condition keys to limit access to CloudWatch namespaces").
                                    Action: "cloudwatch:PutMetricData",
                                    Resource: "*",
                                    Condition: { StringEquals: { "cloudwatch:namespace": metric.namespace } },
                                },
                            ],
                        }),
                    },
                    parent,
                ),
            );
        }
        this.executionRoleArn = executionRole.arn;
        this.taskRoleArn = taskRole.arn;
        this.serviceName = pulumi.output(physical);
        this.awaitingImage = awaitingImage(service);

        const grpcPort = grpcPortOf(service);
        const registry =
            grpcPort !== undefined && args.discovery
                ? new aws.servicediscovery.Service(
                      `${name}-discovery`,
                      {
                          name: service.name,
                          description: `${service.name} tasks (gRPC on ${grpcPort})`,
                          dnsConfig: {
                              namespaceId: args.discovery.namespaceId,
                              dnsRecords: [{ type: DISCOVERY_RECORD.type, ttl: DISCOVERY_RECORD.ttl }],
                              routingPolicy: DISCOVERY_RECORD.routingPolicy,
                          },
                          // No healthCheckCustomConfig: its only field (`failureThreshold`) is deprecated (AWS
                          // always uses 1; AWS-FACTS, review C9), and an empty block is never stored by the
                          // provider, so the next plan would replace this service (the block is ForceNew) on
                          // every update (hashicorp/terraform-provider-aws#44285). ECS still registers running
                          // tasks and deregisters stopped ones; it replaces unhealthy tasks itself.
                      },
                      parent,
                  )
                : undefined;

        if (this.awaitingImage) {
            // The repository is empty until the pipeline pushes a release and sets imageTag: a
            // service now could only fail its deployment (and, waiting for steady state, the update).
            pulumi.log.warn(
                `service ${service.name}: no image yet: push one to ${ecrRepositoryName(namePrefix, service.name)} and set ` +
                    `services.${service.name}.imageTag (or services.${service.name}.image); its task definition and ECS service are created then`,
                this,
            );
            this.registerOutputs({ serviceName: this.serviceName, repositoryUrl: this.repositoryUrl });
            return;
        }

        const taskDefinition = new aws.ecs.TaskDefinition(
            `${name}-task`,
            {
                family: physical,
                cpu: String(service.cpu),
                memory: String(service.memory),
                networkMode: "awsvpc",
                requiresCompatibilities: ["FARGATE"],
                runtimePlatform: { cpuArchitecture: service.architecture, operatingSystemFamily: "LINUX" },
                executionRoleArn: executionRole.arn,
                taskRoleArn: taskRole.arn,
                // A read-only root filesystem still needs somewhere to write temporary files.
                volumes: service.readOnlyRootFilesystem ? [{ name: TMP_VOLUME }] : [],
                containerDefinitions: pulumi
                    .all([repository.repositoryUrl, logGroup.name, appSecretArn, databaseSecretArn, newRelicArn, args.cluster.name])
                    .apply(([repositoryUrl, logGroupName, app, database, newrelic, clusterName]) =>
                        JSON.stringify([
                            containerDefinition(service, {
                                image: imageReference(service, repositoryUrl)!,
                                logGroupName,
                                region: args.region,
                                secretArns: { app, database, newrelic },
                                extraEnvironment: { ...args.environment, ...scalingMetricEnvironment(service, clusterName, physical) },
                            }),
                        ]),
                    ),
                // Every change registers a new revision; keeping the previous one ACTIVE lets the circuit
                // breaker roll back to it and an operator redeploy it (aws_ecs_task_definition skip_destroy).
                skipDestroy: true,
            },
            parent,
        );
        this.taskDefinitionArn = taskDefinition.arn;

        const attached = args.targets.length > 0;
        const ecsService = new aws.ecs.Service(
            `${name}-service`,
            {
                name: physical,
                cluster: args.cluster.arn,
                taskDefinition: taskDefinition.arn,
                desiredCount: service.scaling.desired,
                capacityProviderStrategies: args.cluster.capacityProviderStrategy,
                // Lets a change of the strategy (cluster.spot) apply in place; every service update rolls tasks anyway.
                forceNewDeployment: true,
                platformVersion: "LATEST",
                networkConfiguration: {
                    subnets: args.network.privateSubnetIds,
                    securityGroups: [args.network.securityGroupId],
                    assignPublicIp: false,
                },
                deploymentController: { type: "ECS" },
                deploymentCircuitBreaker: { enable: true, rollback: true },
                deploymentMinimumHealthyPercent: DEPLOYMENT.minimumHealthyPercent,
                deploymentMaximumPercent: DEPLOYMENT.maximumPercent,
                healthCheckGracePeriodSeconds: attached ? service.healthCheckGracePeriodSeconds : undefined,
                loadBalancers: args.targets.map((t) => ({ targetGroupArn: t.targetGroupArn, containerName: service.name, containerPort: t.containerPort })),
                serviceRegistries: registry ? { registryArn: registry.arn } : undefined,
                enableExecuteCommand: false,
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
                // The cost estimate keys per-service assumptions by this tag, not by the logical name
                // (cost/pricers/ecs-tasks.ts SERVICE_TAG); tags update in place (terraform-provider-aws
                // internal/service/ecs/service.go: tags has no ForceNew) and reach the tasks (propagateTags).
                tags: { Service: service.name },
                // `pulumi up` waits until the deployment is steady and fails when the circuit breaker
                // rolls it back, instead of reporting a failed release as a success (AWS-FACTS).
                waitForSteadyState: true,
            },
            {
                parent: this,
                // The first tasks start only once their roles' policies and every secret they read exist
                // (ResourceInitializationError otherwise, AWS-FACTS), and the target groups have listeners.
                dependsOn: [...args.cluster.dependsOn, ...args.loadBalancerDependsOn, executionPolicy, ...taskPolicies, ...(args.data?.ready ?? [])],
                // Application Auto Scaling owns the task count after creation: without this every
                // `pulumi up` would reset a scaled-out service to the configured desired count.
                ignoreChanges: ["desiredCount"],
            },
        );
        this.serviceArn = ecsService.arn;

        const target = new aws.appautoscaling.Target(
            `${name}-scaling`,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.interpolate`service/${args.cluster.name}/${ecsService.name}`,
                minCapacity: service.scaling.min,
                maxCapacity: service.scaling.max,
            },
            parent,
        );
        const albTarget = args.targets.find((t) => t.kind === "alb");
        for (const spec of scalingPolicies(service, albTarget !== undefined && args.albArnSuffix !== undefined)) {
            new aws.appautoscaling.Policy(
                `${name}-${spec.suffix}`,
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    targetTrackingScalingPolicyConfiguration: {
                        targetValue: spec.targetValue,
                        disableScaleIn: spec.disableScaleIn,
                        scaleOutCooldown: spec.scaleOutCooldown,
                        scaleInCooldown: spec.scaleInCooldown,
                        predefinedMetricSpecification: spec.predefined && {
                            predefinedMetricType: spec.predefined.metricType,
                            resourceLabel:
                                spec.predefined.metricType === "ALBRequestCountPerTarget"
                                    ? pulumi.interpolate`${args.albArnSuffix!}/${albTarget!.targetGroupArnSuffix}`
                                    : undefined,
                        },
                        customizedMetricSpecification: spec.customized && {
                            namespace: spec.customized.namespace,
                            metricName: spec.customized.metricName,
                            statistic: spec.customized.statistic,
                            dimensions: [
                                { name: "ClusterName", value: args.cluster.name },
                                { name: "ServiceName", value: ecsService.name },
                            ],
                        },
                    },
                },
                parent,
            );
        }

        this.registerOutputs({ serviceName: this.serviceName, repositoryUrl: this.repositoryUrl });
    }
}
