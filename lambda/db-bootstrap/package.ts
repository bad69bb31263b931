// What the Pulumi program needs to deploy the database bootstrap function (index.ts): the bundle, how
// Lambda runs it, what it reads from the environment and what it may call.
//
// Unlike lambda/rotation and lambda/redeploy, this function needs a package the runtime lacks (pg) and
// shares schema/app-user.ts with schema/apply.ts, so it is bundled at program time with esbuild into one
// CommonJS file, in a cache folder that depends only on this repository's path: the same sources give
// the same bytes, so an unchanged function shows no diff. @aws-sdk/* is left to the Node.js 22 runtime.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildSync } from "esbuild";
import { LambdaPackage, LambdaPolicyStatement, nodeLambdaPackage } from "../package-common";
import { BOOTSTRAP_ENV } from "./env";

const REPO_ROOT = path.resolve(__dirname, "../..");
/** node_modules/.cache is ignored by git and conventional for generated build output. */
export const BUNDLE_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "platform-lambda", "db-bootstrap");
const ENTRY = path.join(__dirname, "index.ts");

/** The package, plus the bundle's SHA-256 (hex): the Invocation re-runs when it changes. */
export interface DbBootstrapLambdaPackage extends LambdaPackage {
    codeSha256: string;
}

/** The bundle's text, built in memory (no file written). */
export function bundleSource(): string {
    const result = buildSync({
        entryPoints: [ENTRY],
        absWorkingDir: REPO_ROOT,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        // The runtime provides the AWS SDK v3; pg-native is pg's optional native binding, never loaded
        // unless asked for (`require("pg").native`).
        external: ["@aws-sdk/*", "pg-native"],
        write: false,
        minify: false,
        sourcemap: false,
        legalComments: "eof",
        charset: "utf8",
        logLevel: "silent",
    });
    if (result.errors.length > 0) throw new Error(`db-bootstrap bundle: ${result.errors.map((e) => e.text).join("; ")}`);
    return result.outputFiles[0].text;
}

let cached: DbBootstrapLambdaPackage | undefined;

/**
 * Bundles (once per process) into BUNDLE_DIR/index.js and describes it. The file is rewritten only when
 * its content changes, through a rename, so a concurrent reader never sees half a file.
 * `timeout` 60 s: one connection and a few dozen catalog statements; `memorySize` 128 MB.
 */
export function dbBootstrapLambdaPackage(): DbBootstrapLambdaPackage {
    if (!cached) {
        const source = bundleSource();
        const target = path.join(BUNDLE_DIR, "index.js");
        fs.mkdirSync(BUNDLE_DIR, { recursive: true });
        if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== source) {
            const tmp = `${target}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, source);
            fs.renameSync(tmp, target);
        }
        cached = { ...nodeLambdaPackage(BUNDLE_DIR, { timeout: 60, memorySize: 128 }), codeSha256: createHash("sha256").update(source).digest("hex") };
    }
    return { ...cached, architectures: ["arm64"] };
}

/**
 * The Lambda Node.js 20+ runtimes' bundle of Amazon CA certificates (RDS's included), loaded only when
 * NODE_EXTRA_CA_CERTS names it (AWS Compute Blog on the Node.js 20.x runtime; unconfirmed on a running
 * function from here).
 */
export const LAMBDA_RUNTIME_CA_BUNDLE = "/var/runtime/ca-cert.pem";

/** The function's environment. Generic so Pulumi inputs pass through. */
export function dbBootstrapEnvironment<T = string>(opts: {
    masterSecretArn: T;
    appSecretArn: T;
    username: T;
    /** The instance's address, port and database, as deployed. */
    database: { host: T; port: T; name: T };
    secretsManagerEndpoint?: T;
}): Record<string, T | string> {
    return {
        [BOOTSTRAP_ENV.masterSecretArn]: opts.masterSecretArn,
        [BOOTSTRAP_ENV.appSecretArn]: opts.appSecretArn,
        [BOOTSTRAP_ENV.username]: opts.username,
        [BOOTSTRAP_ENV.databaseHost]: opts.database.host,
        [BOOTSTRAP_ENV.databasePort]: opts.database.port,
        [BOOTSTRAP_ENV.databaseName]: opts.database.name,
        ...(opts.secretsManagerEndpoint !== undefined ? { [BOOTSTRAP_ENV.secretsManagerEndpoint]: opts.secretsManagerEndpoint } : {}),
        NODE_EXTRA_CA_CERTS: LAMBDA_RUNTIME_CA_BUNDLE,
    };
}

/** An IAM statement, optionally with a condition; assignable to `aws.iam.PolicyStatement` for Pulumi inputs. */
export type DbBootstrapPolicyStatement<A = string> = LambdaPolicyStatement<A[]> & { Condition?: Record<string, Record<string, A>> };

/**
 * Least privilege for the function's role: read the two secrets, write the app-user secret only (to
 * repair its connection keys after the instance was replaced), and use their customer-managed keys only
 * through Secrets Manager (kms:ViaService). ENI and log permissions are attached separately.
 */
export function dbBootstrapPolicyStatements<A = string>(opts: {
    masterSecretArn: A;
    appSecretArn: A;
    /** Customer-managed keys of the two secrets, if any (the AWS-managed key needs no statement). */
    kmsKeyArns?: A[];
    /** `secretsmanager.<region>.amazonaws.com`. */
    secretsManagerService: A;
}): DbBootstrapPolicyStatement<A>[] {
    const statements: DbBootstrapPolicyStatement<A>[] = [
        { Sid: "ReadDatabaseSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [opts.masterSecretArn, opts.appSecretArn] },
        { Sid: "RepairAppUserSecret", Effect: "Allow", Action: ["secretsmanager:PutSecretValue"], Resource: [opts.appSecretArn] },
    ];
    if (opts.kmsKeyArns && opts.kmsKeyArns.length > 0) {
        statements.push({
            Sid: "UseSecretKeysViaSecretsManager",
            Effect: "Allow",
            // GenerateDataKey: PutSecretValue encrypts the repaired version with the secret's key.
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [...opts.kmsKeyArns],
            Condition: { StringEquals: { "kms:ViaService": opts.secretsManagerService } },
        });
    }
    return statements;
}
