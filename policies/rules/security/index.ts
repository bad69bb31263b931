// Security controls (issue 7), one file per AWS service, each mapped to an AWS Foundational
// Security Best Practices control id (policies/controls.ts lists them for the README table).

export { control, tierHas } from "./control";
export type { SecurityControl } from "./control";
export { cloudfrontOriginsClosed, cloudfrontViewerHttps, cloudfrontViewerTls, cloudfrontWebAcl, CURRENT_TLS_POLICIES } from "./cloudfront";
export { ec2Imdsv2, noUnrestrictedIngress } from "./ec2";
export type { IngressConfig } from "./ec2";
export { ecsNoPublicIp, ecsReadonlyRootFilesystem } from "./ecs";
export { elasticacheAutomaticFailover, elasticacheBackups, elasticacheEncryptionAtRest, elasticacheEncryptionInTransit } from "./elasticache";
export { albDropInvalidHeaders, albHttpsRedirect, isApplicationLb, lbAccessLogs, lbDeletionProtection } from "./load-balancers";
export type { HttpsRedirectConfig } from "./load-balancers";
export { rdsDeletionProtection, rdsMultiAz, rdsNotPublic, rdsStorageEncrypted } from "./rds";
export { s3BlockPublicAccess } from "./s3";
export { rotationIntervalDays, secretsRotation } from "./secrets";
export type { RotationConfig } from "./secrets";
