// The application user secret the app-user specs start from: the shape Secrets Manager holds for RDS.
export const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf";
export const SECRET = {
    engine: "postgres",
    host: "db.example.internal",
    port: 5432,
    dbname: "devices",
    username: "devices_app",
    password: "Initial0Password0Value0123",
    masterarn: MASTER_ARN,
    ssl: true,
};
