// Where a service's image comes from: this stack's ECR repository (its name and lifecycle) or a
// configured reference, and the repository ARN the execution role may pull from.
import { ServiceSettings } from "../config/types";
import { dnsLabel } from "./naming";

/** ECR repository `<namePrefix>/<service>`, lowercased as ECR requires. */
export function ecrRepositoryName(namePrefix: string, service: string): string {
    return `${dnsLabel(namePrefix)}/${dnsLabel(service)}`;
}

/**
 * The configured image, or this stack's ECR repository at the configured tag; undefined while the
 * service has neither (its repository is still empty: the service waits with no tasks).
 */
export function imageReference(service: ServiceSettings, repositoryUrl: string): string | undefined {
    if (service.image !== undefined) return service.image;
    return service.imageTag !== undefined ? `${repositoryUrl}:${service.imageTag}` : undefined;
}

/** True while a service has no image to run yet (no `image`, no `imageTag`). */
export function awaitingImage(service: ServiceSettings): boolean {
    return service.image === undefined && service.imageTag === undefined;
}

/** The ECR repository ARN of an image reference in a private ECR registry, else undefined. */
export function ecrRepositoryArnOf(image: string): string | undefined {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(image);
    return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/**
 * ECR lifecycle: of the tagged images (releases), the newest `keep` stay. Only tagged images count:
 * a `tagStatus: any` rule also counts the untagged children of image indexes and attestations, so it
 * keeps fewer releases than it says (aws/containers-roadmap#2613), and an untagged rule could expire
 * the platform images of a multi-arch index still in use (containers-roadmap#1466), so untagged
 * manifests are left alone. ECR cannot see which image a task definition runs (rules select by tag,
 * count and age only), so `keep` must cover every release that could still run or be rolled back to.
 */
export function ecrLifecyclePolicy(keep: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `Keep the last ${keep} tagged images`,
                // tagStatus tagged needs a pattern list (ECR lifecycle policy parameters); "*" is any tag.
                selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: keep },
                action: { type: "expire" },
            },
        ],
    });
}
