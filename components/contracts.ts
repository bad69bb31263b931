// What one part of the program hands to another, so components can be built and tested apart.
import * as pulumi from "@pulumi/pulumi";

/** The data tier (database, cache, application secret) as the services and outputs see it. */
export interface DataTier {
    /** ARN of the stack's application secret (JSON; see components/secrets). */
    appSecretArn: pulumi.Output<string>;
    /** ARN of the RDS-managed master user secret (`username`, `password`). */
    databaseSecretArn?: pulumi.Output<string>;
    /** KMS key encrypting the secrets, when the stack has its own (services must be allowed to decrypt). */
    secretsKmsKeyArn?: pulumi.Output<string>;
    databaseEndpoint?: pulumi.Output<string>;
    databasePort?: pulumi.Output<number>;
    databaseName?: string;
    /** Configuration endpoint in cluster mode, primary endpoint otherwise. */
    cacheEndpoint?: pulumi.Output<string>;
    cachePort?: pulumi.Output<number>;
    cacheMode?: "cluster" | "replication-group";
    /** ElastiCache AUTH token: a Pulumi secret. */
    cacheAuthToken?: pulumi.Output<string>;
    databaseInstanceId?: pulumi.Output<string>;
    cacheReplicationGroupId?: pulumi.Output<string>;
}
