// DNS the stack relies on: the public Route 53 hosted zone a config key names, looked up (never
// created), and DNS-validated ACM certificates whose validation record goes into that zone.
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

/**
 * An ACM certificate for `domainName`, validated through a record in `zoneId` (ACM DNS validation:
 * one CNAME per domainValidationOptions entry, then CertificateValidation waits until ACM has issued
 * it). Returns the validated certificate's ARN, so its users wait for issuance. `opts` places the
 * certificate (its region's provider); the record is global Route 53, under `parent`.
 */
export function dnsValidatedCertificate(
    name: string,
    domainName: string,
    zoneId: pulumi.Input<string>,
    parent: pulumi.Resource,
    opts: pulumi.CustomResourceOptions = { parent },
): pulumi.Output<string> {
    const certificate = new aws.acm.Certificate(name, { domainName, validationMethod: "DNS", tags: { Name: domainName } }, opts);
    // One name, no alternative names: exactly one validation option.
    const option = certificate.domainValidationOptions.apply((options) => options[0]);
    const record = new aws.route53.Record(
        `${name}-validation`,
        {
            zoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 300,
            // A re-issued certificate for the same name reuses the same record (ACM keeps the CNAME stable).
            allowOverwrite: true,
        },
        { parent },
    );
    return new aws.acm.CertificateValidation(name, { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }, opts).certificateArn;
}
