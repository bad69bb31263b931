// Generated from index.js's JSDoc by tests/rotation/js-check.ts (npx tsx tests/rotation/js-check.ts --write).
// Do not edit: tests/rotation fail when it differs from what index.js declares.
export type RotationStep = import("./steps").RotationStep;
export type RotationEvent = import("./steps").RotationEvent;
export type RotationContext = import("./steps").RotationContext;
export type AppSecret = import("./secret-shape").AppSecret;
export type JwtKeys = import("./secret-shape").JwtKeys;
export type RotationDeps = import("./steps").RotationDeps;
export type RotationHandler = import("./steps").RotationHandler;
/** Handler with default clients, created on first use. */
export const handler: import("./steps").RotationHandler;
import { makeHandler } from "./steps";
import { parseAppSecret } from "./secret-shape";
import { nextJwtKeys } from "./jwt-keys";
import { checkJwtKeys } from "./jwt-keys";
import { checkJwtContinuity } from "./jwt-keys";
import { JWT_SECRET_PASSWORD_OPTIONS } from "./jwt-keys";
import { AUTH_TOKEN_PASSWORD_OPTIONS } from "./auth-token";
export { makeHandler, parseAppSecret, nextJwtKeys, checkJwtKeys, checkJwtContinuity, JWT_SECRET_PASSWORD_OPTIONS, AUTH_TOKEN_PASSWORD_OPTIONS };
