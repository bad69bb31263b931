// What one part of the program hands to another, so components can be built and tested apart.
import * as pulumi from "@pulumi/pulumi";

/** The data tier (database, cache, application secret) as the services and outputs see it. */
export interface DataTier {
    /** ARN of the stack's application secret (JSON; see components/secrets). */
    appSecretArn: pulumi.Output<string>;
    /**
     * ARN of the application database user's secret (`username`, `password`, rotated with alternating
     * users): what services read. Never the master user's.
     */
    databaseSecretArn?: pulumi.Output<string>;
    /** ARN of the RDS-managed master user secret: operators and the schema runner only. */
    databaseMasterSecretArn?: pulumi.Output<string>;
    /** SSM SecureString parameter holding the New Relic license key, when configured. */
    newRelicParameterArn?: pulumi.Output<string>;
    /** KMS key encrypting the secrets, when the stack has its own (services must be allowed to decrypt). */
    secretsKmsKeyArn?: pulumi.Output<string>;
    databaseEndpoint?: pulumi.Output<string>;
    databasePort?: pulumi.Output<number>;
    databaseName?: string;
    /** Configuration endpoint in cluster mode, primary endpoint otherwise. */
    cacheEndpoint?: pulumi.Output<string>;
    cachePort?: pulumi.Output<number>;
    cacheMode?: "cluster" | "replication-group";
    databaseInstanceId?: pulumi.Output<string>;
    cacheReplicationGroupId?: pulumi.Output<string>;
    /**
     * What must exist before the first task starts: the secrets' first versions and the database
     * user they name (ECS resolves `valueFrom` when a task starts).
     */
    ready: pulumi.Resource[];
}
