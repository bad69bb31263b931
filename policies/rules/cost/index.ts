// The cost guard (issue 6): one file per policy. Factories return plain policy objects;
// policies/rules/index.ts lists them, policies/pack.ts binds them to the pack's tables.

export { monthlyBudget, toCapturedResource } from "./budget";
export type { BudgetConfig, BudgetEstimate, Estimator } from "./budget";
export { gp3Only } from "./gp3";
export { gravitonPreferred } from "./graviton";
export { CLOUDWATCH_RETENTION_DAYS, logRetention } from "./log-retention";
export type { RetentionBounds, RetentionConfig } from "./log-retention";
export { natGatewayCount } from "./nat";
export type { NatConfig } from "./nat";
export { NEVER_FREE, zeroBudgetNeverFree } from "./never-free";
export type { NeverFreeConfig } from "./never-free";
export { allowedInstanceSizes, parseFargateSize, usesFargate } from "./sizes";
