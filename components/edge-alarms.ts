// Alarms on the edge's distribution. CloudFront publishes its metrics in us-east-1 only (namespace
// AWS/CloudFront, dimensions DistributionId and Region=Global; CloudFront Developer Guide, "Monitoring
// CloudFront metrics with Amazon CloudWatch"), and an alarm notifies topics of its own region: in
// another region the alarm and a topic for it (with the stack's email subscription) live in us-east-1.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLOUDFRONT_CERTIFICATE_REGION } from "../config/resolve/sections";
import { cloudFrontRegionOptions } from "./edge";

export interface EdgeAlarmsArgs {
    namePrefix: string;
    region: string;
    distributionId: pulumi.Input<string>;
    /** The stack's alarm topic (its region). */
    topicArn: pulumi.Input<string>;
    alarmEmail?: string;
    /** Alarm above this share of viewer requests answered 5xx, %. */
    fiveXxPercent: number;
}

export class EdgeAlarms extends pulumi.ComponentResource {
    readonly alarmNames: pulumi.Output<string>[];

    constructor(name: string, args: EdgeAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:edge:EdgeAlarms", name, {}, opts);
        const sameRegion = args.region === CLOUDFRONT_CERTIFICATE_REGION;
        const global = cloudFrontRegionOptions(name, args.region, this);
        let topicArn = args.topicArn;
        if (!sameRegion) {
            const topic = new aws.sns.Topic(`${name}-topic`, { name: `${args.namePrefix}-edge-alarms` }, global);
            if (args.alarmEmail) new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: args.alarmEmail }, global);
            topicArn = topic.arn;
        }
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-5xx-rate`,
            {
                name: `${args.namePrefix}-edge-5xx-rate`,
                alarmDescription: `More than ${args.fiveXxPercent}% of viewer requests answered with a 5xx at the edge (CloudFront or the origin)`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: args.fiveXxPercent,
                evaluationPeriods: 5,
                namespace: "AWS/CloudFront",
                metricName: "5xxErrorRate",
                dimensions: { DistributionId: args.distributionId, Region: "Global" },
                statistic: "Average",
                period: 60,
                // No data means no requests, not an incident.
                treatMissingData: "notBreaching",
                alarmActions: [topicArn],
                okActions: [topicArn],
            },
            global,
        );
        this.alarmNames = [alarm.name];
        this.registerOutputs({});
    }
}
