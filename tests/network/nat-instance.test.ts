// The NAT instance as the real program declares it (mocked runs of the stack files), and the
// component's resource options built directly under mocks.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { find, ofType } from "../../harness/run";
import { callResult, computedState, mockId } from "../../harness/mocks";
import { StackCapture } from "../../harness/types";
import { NatInstance } from "../../components/nat-instance";
import { NAT_PATCH_SCHEDULE, renderNatBootScript } from "../../components/nat-instance-software";
import { runWith, stackRun } from "../helpers/stacks";

const INSTANCE = "aws:ec2/instance:Instance";
const ROLE = "aws:iam/role:Role";
const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
const ASSOCIATION = "aws:ssm/association:Association";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";

/** The physical name the mocked engine gives an autonamed resource (as AWS would after create). */
const physicalName = (type: string, name: string) => computedState(type, name, {}, "us-east-1").name;

describe("NAT instance (staging, mocked run)", () => {
    let capture: StackCapture;
    before(async () => {
        capture = await stackRun("staging");
    });
    const instance = () => find(capture, INSTANCE, "network-nat");

    it("is one NatInstance component under the network, holding the router, its role, profile, security group and patch association", () => {
        const component = find(capture, "platform:network:NatInstance", "network-nat");
        assert.strictEqual(component.parent, find(capture, "platform:network:Network", "network").urn);
        for (const [type, name] of [
            [INSTANCE, "network-nat"],
            [ROLE, "network-nat"],
            [PROFILE, "network-nat"],
            [SG, "network-nat"],
            [ASSOCIATION, "network-nat-patching"],
        ]) {
            assert.strictEqual(find(capture, type, name).parent, component.urn, `${type} ${name}`);
        }
    });

    it("boots the rendered script for the stack's VPC CIDR and is replaced, not stopped and started, when it changes (review C3)", () => {
        assert.strictEqual(instance().inputs.userData, renderNatBootScript({ vpcCidr: "10.0.0.0/16" }));
        assert.strictEqual(instance().inputs.userDataReplaceOnChange, true);
    });

    it("takes the VPC CIDR from config into the boot script", async () => {
        const other = await runWith("staging", { config: { network: { vpcCidr: "10.20.0.0/16" } } });
        assert.match(find(other, INSTANCE, "network-nat").inputs.userData, /^readonly vpc_cidr='10\.20\.0\.0\/16'$/m);
    });

    it("is reached through Session Manager only: a role that EC2 assumes with AmazonSSMManagedInstanceCore, no key pair, no port 22", () => {
        const role = find(capture, ROLE, "network-nat");
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [
            { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } },
        ]);
        const roleName = physicalName(ROLE, "network-nat");
        const attachments = ofType(capture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === roleName);
        assert.deepStrictEqual(
            attachments.map((a) => a.inputs.policyArn),
            ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
        );
        assert.ok(!ofType(capture, "aws:iam/rolePolicy:RolePolicy").some((p) => p.inputs.role === roleName), "no inline policy");
        assert.strictEqual(find(capture, PROFILE, "network-nat").inputs.role, roleName);
        assert.strictEqual(instance().inputs.iamInstanceProfile, physicalName(PROFILE, "network-nat"));
        assert.strictEqual(instance().inputs.keyName, undefined);
        assert.strictEqual(ofType(capture, "aws:ec2/keyPair:KeyPair").length, 0);
        const natGroup = mockId(SG, "network-nat");
        const ingress = ofType(capture, INGRESS).filter((r) => r.inputs.securityGroupId === natGroup);
        assert.deepStrictEqual(
            ingress.map((r) => [r.inputs.cidrIpv4, r.inputs.ipProtocol]),
            [
                ["10.0.10.0/24", "-1"],
                ["10.0.11.0/24", "-1"],
            ],
            "only the private subnets",
        );
    });

    it("keeps IMDSv2 (one hop), an encrypted gp3 root, standard credits, no source/dest check, automatic recovery", () => {
        const i = instance().inputs;
        assert.deepStrictEqual(i.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
        assert.deepStrictEqual(i.rootBlockDevice, { volumeType: "gp3", volumeSize: 8, encrypted: true });
        assert.deepStrictEqual(i.creditSpecification, { cpuCredits: "standard" });
        assert.strictEqual(i.sourceDestCheck, false);
        assert.deepStrictEqual(i.maintenanceOptions, { autoRecovery: "default" });
        assert.strictEqual(i.associatePublicIpAddress, true);
    });

    it("boots after the public internet route and the SSM policy exist, and ignores newer AMIs", () => {
        assert.ok(instance().dependsOn!.includes("aws:ec2/route:Route::network-public-internet"), instance().dependsOn!.join(", "));
        assert.ok(instance().dependsOn!.includes("aws:iam/rolePolicyAttachment:RolePolicyAttachment::network-nat-ssm-core"));
        assert.deepStrictEqual(instance().ignoreChanges, ["ami"]);
    });

    it("is patched weekly by State Manager: AWS-RunPatchBaseline Install, reboot only if needed, only at the cron interval (review D)", () => {
        const a = find(capture, ASSOCIATION, "network-nat-patching").inputs;
        assert.strictEqual(a.name, "AWS-RunPatchBaseline");
        assert.deepStrictEqual(a.targets, [{ key: "InstanceIds", values: [mockId(INSTANCE, "network-nat")] }]);
        assert.deepStrictEqual(a.parameters, { Operation: "Install", RebootOption: "RebootIfNeeded" });
        assert.strictEqual(a.scheduleExpression, NAT_PATCH_SCHEDULE);
        assert.strictEqual(a.applyOnlyAtCronInterval, true, "no patch run (and reboot) when created or re-targeted at a replacement");
    });

    it("the private subnets' default routes target this instance's primary network interface, so they follow a replacement", () => {
        const eni = computedState(INSTANCE, "network-nat", {}, "us-east-1").primaryNetworkInterfaceId;
        const routes = ofType(capture, "aws:ec2/route:Route").filter((r) => /^network-private-\d-egress$/.test(r.name));
        assert.deepStrictEqual(
            routes.map((r) => [r.inputs.destinationCidrBlock, r.inputs.networkInterfaceId]),
            [
                ["0.0.0.0/0", eni],
                ["0.0.0.0/0", eni],
            ],
        );
    });
});

describe("NAT instance in the other tiers", () => {
    for (const stack of ["production", "dev"]) {
        it(`${stack}: no NAT instance, no router role, no patch association`, async () => {
            const capture = await stackRun(stack);
            assert.strictEqual(ofType(capture, "platform:network:NatInstance").length, 0);
            assert.ok(!capture.resources.some((r) => r.name === "network-nat"));
            for (const type of [INSTANCE, ROLE, PROFILE, SG, ASSOCIATION]) {
                assert.deepStrictEqual(
                    ofType(capture, type)
                        .filter((r) => r.name.startsWith("network-nat"))
                        .map((r) => r.name),
                    [],
                    type,
                );
            }
            // The zero-cost host has its own SSM associations (configuration and patching); none is the NAT's.
            const associations = ofType(capture, ASSOCIATION);
            if (stack === "dev") {
                const host = find(capture, "platform:host:Host", "host");
                assert.deepStrictEqual(associations.map((a) => a.name).sort(), ["host-apply", "host-patching"]);
                assert.ok(
                    associations.every((a) => a.parent === host.urn),
                    "the host's own",
                );
            } else {
                assert.strictEqual(associations.length, 0);
            }
        });
    }
});

// ---------------------------------------------------------------------------------------------
// The component built directly, with its resource options recorded (the harness keeps only some).
// ---------------------------------------------------------------------------------------------

interface Registered {
    type: string;
    name: string;
    inputs: any;
    opts: pulumi.CustomResourceOptions;
}

const waitForRPCs: () => Promise<void> = (pulumi.runtime as any).waitForRPCs ?? (async () => undefined);

async function build(patchSchedule?: string): Promise<{ resources: Registered[]; error?: Error }> {
    const registered: Registered[] = [];
    const inputs = new Map<string, any>();
    pulumi.runtime.setAllConfig({}, []);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const state = computedState(args.type, args.name, args.inputs, "us-east-1");
                inputs.set(`${args.type}::${args.name}`, args.inputs);
                return { id: state.id, state: { ...args.inputs, ...state } };
            },
            call(args) {
                return callResult(args.token, args.inputs, "us-east-1");
            },
        },
        "platform",
        "unit",
        false,
    );
    let error: Error | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            registered.push({ type: args.type, name: args.name, inputs: undefined, opts: args.opts as pulumi.CustomResourceOptions });
            return undefined;
        });
        try {
            new NatInstance("nat", {
                vpcId: "vpc-1",
                vpcCidr: "10.0.0.0/16",
                subnetId: "subnet-public-1",
                privateSubnetCidrs: ["10.0.10.0/24"],
                instanceType: "t4g.nano",
                namePrefix: "platform-unit",
                internetRoute: [],
                patchSchedule,
            });
        } catch (e) {
            error = e as Error;
        }
        return {};
    });
    await waitForRPCs();
    return { resources: registered.map((r) => ({ ...r, inputs: inputs.get(`${r.type}::${r.name}`) })), error };
}

describe("NAT instance component (direct)", () => {
    it("keeps Pulumi's create-before-delete replacement: no deleteBeforeReplace, so the routes move to the new interface before the old router goes", async () => {
        const instance = (await build()).resources.find((r) => r.type === INSTANCE)!;
        assert.ok(instance, "instance registered");
        assert.notStrictEqual(instance.opts.deleteBeforeReplace, true);
        assert.strictEqual(instance.opts.replaceOnChanges, undefined, "replacement comes from userDataReplaceOnChange alone");
    });

    it("a custom patch window reaches the association; a rate expression is refused before anything is registered", async () => {
        const association = (await build("cron(30 2 ? * WED *)")).resources.find((r) => r.type === ASSOCIATION)!;
        assert.strictEqual(association.inputs.scheduleExpression, "cron(30 2 ? * WED *)");
        const refused = await build("rate(7 days)");
        assert.match(String(refused.error), /must be a cron\(\.\.\.\) expression with 6 fields/);
        assert.deepStrictEqual(refused.resources, []);
    });
});
