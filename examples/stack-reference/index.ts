// Another Pulumi program (e.g. a reporting job or a DNS stack) reading the `platform` stack's
// outputs through a StackReference. The names it reads are the contract in tools/output-contract.ts
// (tests/outputs/examples.test.ts checks them); a secret output stays secret on this side too.
//
//   pulumi config set platformOrg acme          # default: this stack's organization
//   pulumi config set platformStack production  # default: the same stack name as this one
//   pulumi up
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const org = config.get("platformOrg") ?? pulumi.getOrganization();
const platformStack = config.get("platformStack") ?? pulumi.getStack();

const platform = new pulumi.StackReference(`${org}/platform/${platformStack}`);

// getOutput: undefined when the platform stack does not export the name (e.g. an older stack).
const url = platform.getOutput("url") as pulumi.Output<string>;
const databaseEndpoint = platform.getOutput("databaseEndpoint") as pulumi.Output<string>;
const databasePort = platform.getOutput("databasePort") as pulumi.Output<number>;
const appSecretArn = platform.getOutput("appSecretArn") as pulumi.Output<string | undefined>;

// requireOutput: fails the update when the output is missing.
const cacheEndpoint = platform.requireOutput("cacheEndpoint") as pulumi.Output<string>;
const cachePort = platform.requireOutput("cachePort") as pulumi.Output<number>;
const requiredAppSecretArn = platform.requireOutput("appSecretArn") as pulumi.Output<string>;

// Credentials are never stack outputs (a rotation would leave the output stale): read the current
// AUTH token from the application secret (`redis.authToken`), as a secret.
const appSecret = aws.secretsmanager.getSecretVersionOutput({ secretId: requiredAppSecretArn });
const cacheAuthToken = pulumi.secret(appSecret.secretString.apply((text) => JSON.parse(text).redis.authToken as string));

export const healthCheckUrl = pulumi.interpolate`${url}/health`;
export const databaseAddress = pulumi.interpolate`${databaseEndpoint}:${databasePort}`;
export const applicationSecretArn = appSecretArn;
// rediss:// because the cloud tiers enable in-transit encryption; the token is URL-encoded.
export const cacheUrl = pulumi.secret(
    pulumi.all([cacheAuthToken, cacheEndpoint, cachePort]).apply(([token, host, port]) => `rediss://:${encodeURIComponent(token)}@${host}:${port}`),
);
