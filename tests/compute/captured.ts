// Reading the compute tier from a mocked run: resource types, the TLS policy and rule priority the
// stack files lead to, and lookups the compute specs share.
import { find, ofType } from "../../harness/run";
import { computedState, mockId } from "../../harness/mocks";
import { CapturedResource, StackCapture } from "../../harness/types";

export const LB = "aws:lb/loadBalancer:LoadBalancer";
export const LISTENER = "aws:lb/listener:Listener";
export const RULE = "aws:lb/listenerRule:ListenerRule";
export const TG = "aws:lb/targetGroup:TargetGroup";
export const TD = "aws:ecs/taskDefinition:TaskDefinition";
export const SERVICE = "aws:ecs/service:Service";
export const TARGET = "aws:appautoscaling/target:Target";
export const POLICY = "aws:appautoscaling/policy:Policy";
export const REPO = "aws:ecr/repository:Repository";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const ROLE = "aws:iam/role:Role";
export const SECRET = "aws:secretsmanager/secret:Secret";
export const SG = "aws:ec2/securityGroup:SecurityGroup";
export const SUBNET = "aws:ec2/subnet:Subnet";
export const CERTIFICATE = "aws:acm/certificate:Certificate";
export const CERT_VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
export const RECORD = "aws:route53/record:Record";
/** The TLS 1.3 policy with post-quantum key exchange, TLS 1.2 still accepted (the default sslPolicy). */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";
/** servicePriorityBlock("devices") (FNV-1a of the name): 323, so its path rules start at 32350. */
export const DEVICES_PATH_PRIORITY = 32350;

export const containers = (capture: StackCapture, service: string): any[] => JSON.parse(find(capture, TD, `${service}-task`).inputs.containerDefinitions);
export const policiesOf = (capture: StackCapture, service: string): CapturedResource[] =>
    ofType(capture, POLICY).filter((p) => p.name.startsWith(`${service}-`));
export const privateSubnetIds = (capture: StackCapture) =>
    ofType(capture, SUBNET)
        .filter((s) => s.inputs.tags.SubnetTier === "private")
        .map((s) => mockId(SUBNET, s.name));
export const targetGroupArn = (_capture: StackCapture, name: string): string => computedState(TG, name, {}, "us-east-1").arn;
export const taskRoleId = (service: string): string => computedState(ROLE, `${service}-task-role`, {}, "us-east-1").id;
export const publicCidrs = (capture: StackCapture): string[] =>
    ofType(capture, SUBNET)
        .filter((s) => s.inputs.tags.SubnetTier === "public")
        .map((s) => s.inputs.cidrBlock);
