// Names shared by the function (index.ts) and its package description (package.ts), which the Pulumi
// program imports without loading the function's dependencies.

/** Environment variables the function reads. */
export const BOOTSTRAP_ENV = {
    masterSecretArn: "MASTER_SECRET_ARN",
    appSecretArn: "APP_USER_SECRET_ARN",
    username: "APP_USERNAME",
    /** The instance as deployed now: the secret's connection keys are repaired to it. */
    databaseHost: "DATABASE_HOST",
    databasePort: "DATABASE_PORT",
    databaseName: "DATABASE_NAME",
    secretsManagerEndpoint: "SECRETS_MANAGER_ENDPOINT",
} as const;
