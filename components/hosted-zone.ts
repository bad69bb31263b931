// The public Route 53 hosted zone a config key names, looked up (never created). A missing zone
// fails the preview with the config key in the message: the data source's own error names no key.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export function publicZoneId(zoneName: string, configKey: string, parent: pulumi.Resource): pulumi.Output<string> {
    return pulumi.output(
        aws.route53.getZone({ name: zoneName, privateZone: false }, { parent }).then(
            (zone) => zone.zoneId,
            (err: Error) => {
                throw new Error(
                    `platform:${configKey}: ${JSON.stringify(zoneName)} is not a public Route 53 hosted zone of this account (${err.message}); create it or correct the key`,
                );
            },
        ),
    );
}
