// What every Lambda folder under lambda/ shares: how Lambda runs it (Node.js 22 on arm64, shipped
// as-is with `pulumi.asset.FileArchive`) and the shape of the IAM statements it asks for.

/** How Lambda runs a function shipped from one folder of lambda/. */
export interface LambdaPackage {
    /** Absolute path of the folder to archive; `index.js` is at its root. */
    path: string;
    /** `index.handler`. */
    handler: string;
    runtime: "nodejs22.x";
    /** `arm64`, the single architecture (Graviton, about 20% cheaper per GB-second). */
    architecture: "arm64";
    /** The same as a fresh list, for `aws.lambda.Function`'s `architectures`. */
    architectures: ["arm64"];
    /** Seconds. */
    timeout: number;
    /** MB. */
    memorySize: number;
}

/** The package of the folder `dir` (a fresh object, fresh arrays, on every call). */
export function nodeLambdaPackage(dir: string, limits: { timeout: number; memorySize: number }): LambdaPackage {
    return {
        path: dir,
        handler: "index.handler",
        runtime: "nodejs22.x",
        architecture: "arm64",
        architectures: ["arm64"],
        timeout: limits.timeout,
        memorySize: limits.memorySize,
    };
}

/** One IAM policy statement, assignable to `aws.iam.PolicyStatement` when `R` is a Pulumi input. */
export interface LambdaPolicyStatement<R = string> {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: R | "*";
}
