// Generated secret values: letters and digits only, so they are valid ElastiCache AUTH tokens
// (16-128 printable ASCII without / " @), safe in URLs, env files and redis.conf alike.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export function generatedSecret(name: string, length: number, opts: pulumi.CustomResourceOptions): random.RandomPassword {
    return new random.RandomPassword(name, { length, special: false, minUpper: 1, minLower: 1, minNumeric: 1 }, opts);
}
