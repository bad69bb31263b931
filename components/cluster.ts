// The ECS cluster the Fargate services run in, its capacity providers (FARGATE and FARGATE_SPOT),
// and the private Cloud Map namespace services find each other in (seed 003 §10.2.1).
//
// Cost: the cluster and capacity providers are free; Container Insights is billed per metric (on in
// production); the namespace's private hosted zone is $0.50/month, Cloud Map instances are free for
// ECS-registered tasks' DNS queries inside the VPC.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSettings } from "../config/types";
import { namespaceName } from "./service-discovery";
import { capacityProviderStrategy, CapacityProviderStrategyItem } from "./service-scaling";

export interface ClusterArgs {
    settings: ClusterSettings;
    /** Physical name of the cluster (`<project>-<stack>`). */
    namePrefix: string;
    project: string;
    stack: string;
    vpcId: pulumi.Input<string>;
}

export class Cluster extends pulumi.ComponentResource {
    readonly arn: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;
    readonly settings: ClusterSettings;
    /** The strategy every service uses (see `capacityProviderStrategy`). */
    readonly capacityProviderStrategy: CapacityProviderStrategyItem[];
    /** Services must wait for it: a strategy may only name providers associated with the cluster. */
    readonly capacityProviders: aws.ecs.ClusterCapacityProviders;
    readonly namespaceId: pulumi.Output<string>;
    /** `<stack>.<project>.internal`: a service registers as `<service>.<namespace>`. */
    readonly namespaceName: string;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:compute:Cluster", name, {}, opts);
        const parent = { parent: this };
        this.settings = args.settings;

        const cluster = new aws.ecs.Cluster(
            name,
            {
                name: args.namePrefix,
                settings: [{ name: "containerInsights", value: args.settings.containerInsights ? "enabled" : "disabled" }],
            },
            parent,
        );
        this.arn = cluster.arn;
        this.name = cluster.name;

        this.capacityProviderStrategy = capacityProviderStrategy(args.settings.spot);
        this.capacityProviders = new aws.ecs.ClusterCapacityProviders(
            name,
            {
                clusterName: cluster.name,
                // Both are always associated (free), so turning `spot` on or off only changes strategies.
                capacityProviders: ["FARGATE", "FARGATE_SPOT"],
                defaultCapacityProviderStrategies: this.capacityProviderStrategy,
            },
            parent,
        );

        this.namespaceName = namespaceName(args.project, args.stack);
        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-discovery`,
            {
                name: this.namespaceName,
                description: `Service discovery for ${args.namePrefix}`,
                vpc: args.vpcId,
            },
            parent,
        );
        this.namespaceId = namespace.id;

        this.registerOutputs({ name: this.name, namespaceName: this.namespaceName });
    }
}
