// Pure logic of the NAT instance (no Pulumi): its boot script and its patch schedule. The component
// that wires them into resources is ./nat-instance.ts.
import { parseCidr } from "../config/cidr";

/**
 * Where the instance keeps what the boot script persists.
 * - `rulesFile`: the file iptables-services' `iptables.service` restores at every boot
 *   (`ExecStart=/usr/libexec/iptables/iptables.init start`, whose start() runs
 *   `iptables-restore /etc/sysconfig/iptables`; iptables.init and iptables.service of the Fedora /
 *   RHEL iptables package, e.g. eurolinux-enterprise-linux-sources/iptables iptables.init).
 *   iptables-save format; the same format for the nf_tables backend ("use the xtables-nft tools
 *   exactly the same way as the corresponding original tools", xtables-nft(8)).
 * - `sysctlFile`: read by systemd-sysctl at every boot (sysctl.d(5)).
 */
export const NAT_BOOT_PATHS = {
    rulesFile: "/etc/sysconfig/iptables",
    sysctlFile: "/etc/sysctl.d/90-nat.conf",
} as const;

/**
 * Environment variables that override `NAT_BOOT_PATHS`. On the instance nothing sets them. They
 * exist only so tests/network/nat-netns.test.ts can run the very same script text inside a network
 * namespace without writing the CI machine's /etc.
 */
export const NAT_BOOT_PATH_OVERRIDES = {
    rulesFile: "NAT_RULES_FILE",
    sysctlFile: "NAT_SYSCTL_FILE",
} as const;

export interface NatBootConfig {
    /** The VPC's CIDR: the only source the router forwards new connections from and masquerades. */
    vpcCidr: string;
}

/**
 * The NAT instance's user data: a bash script that
 * 1. installs iptables-services (Amazon Linux 2023 ships no iptables; dnf retried, see below),
 * 2. persists and applies `net.ipv4.ip_forward = 1`,
 * 3. writes the rules file explicitly: nat POSTROUTING MASQUERADE of the VPC CIDR out of the
 *    interface holding the default route; filter FORWARD policy DROP, accepting NEW connections from
 *    the VPC CIDR out of that interface and ESTABLISHED,RELATED replies, so nothing from outside
 *    reaches the private subnets; INPUT and OUTPUT ACCEPT (inbound to the router is the security
 *    group's job: it admits the private subnets only; the SSM agent, DHCP, IMDS and NTP keep working),
 * 4. enables and starts iptables.service, which loads that file (and will at every boot),
 * 5. verifies what is live (forwarding on, the MASQUERADE rule, FORWARD exactly as written) and
 *    exits non-zero when not, so a broken router shows as a failed cloud-init run.
 *
 * Review B3: the previous script ran `service iptables save` before the service had ever started
 * (on the nf_tables backend iptables.init's save() finds no /proc/net/ip_tables_names and saves
 * nothing) and then `systemctl enable --now iptables` loaded the package's default rules, whose
 * `-A FORWARD -j REJECT` cuts forwarded traffic (firezone/firezone#8483 hit that default on
 * Amazon Linux 2023). AL2023 also lacks the `service` command (initscripts not installed;
 * MiqdadProjects/KodeKloud-100-Days-Of-AWS#1, third-party, unconfirmed by AWS).
 */
export function renderNatBootScript(config: NatBootConfig): string {
    // Validated here because it is pasted into the script: only a plain a.b.c.d/n gets through.
    if (parseCidr(config.vpcCidr) === undefined) {
        throw new Error(`NAT instance: VPC CIDR ${JSON.stringify(config.vpcCidr)} is not an IPv4 CIDR block (a.b.c.d/n with no host bits)`);
    }
    const { rulesFile, sysctlFile } = NAT_BOOT_PATHS;
    const env = NAT_BOOT_PATH_OVERRIDES;
    return `#!/bin/bash
# NAT instance boot (rendered by components/nat-instance-software.ts). cloud-init runs it once per
# instance; what it sets up is persisted, so later boots (patch reboots, recovery) restore it alone.
set -euo pipefail

readonly vpc_cidr='${config.vpcCidr}'
# The instance's paths. ${env.rulesFile} and ${env.sysctlFile} are set only by the network-namespace
# test, to run this same script without writing the test machine's /etc.
rules_file=\${${env.rulesFile}:-${rulesFile}}
sysctl_file=\${${env.sysctlFile}:-${sysctlFile}}

say() { echo "nat-boot: $*"; }

# iptables-services provides iptables.service, which restores the rules file at every boot. dnf at
# first boot can collide with other package activity (aws/aws-cdk#36717): retry before giving up.
installed=0
for attempt in 1 2 3 4 5; do
    if dnf install -y iptables-services; then
        installed=1
        break
    fi
    say "dnf install iptables-services failed (attempt $attempt of 5)"
    sleep 15
done
if [ "$installed" -ne 1 ]; then
    echo "nat-boot: FAILED: could not install iptables-services" >&2
    exit 1
fi

# Forwarding: persisted for systemd-sysctl at boot, applied now.
printf 'net.ipv4.ip_forward = 1\\n' > "$sysctl_file"
sysctl -q -p "$sysctl_file"

# The interface holding the IPv4 default route (ens5 on Nitro instances): looked up, not assumed.
wan=$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
if [ -z "$wan" ]; then
    echo "nat-boot: FAILED: no IPv4 default route to masquerade out of" >&2
    exit 1
fi

# The rules file, written whole (never saved from live state), in iptables-save format.
tmp=$(mktemp "\${rules_file}.XXXXXX")
cat > "$tmp" <<EOF
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s \${vpc_cidr} -o \${wan} -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -s \${vpc_cidr} -o \${wan} -m conntrack --ctstate NEW -j ACCEPT
COMMIT
EOF
chmod 600 "$tmp"
mv -f "$tmp" "$rules_file"
if command -v restorecon >/dev/null 2>&1; then restorecon "$rules_file"; fi

# Load it the way every later boot will: iptables.service runs iptables-restore on the file.
systemctl enable iptables.service
systemctl restart iptables.service

# Verify what is live, not what was meant.
problems=()
[ "$(sysctl -n net.ipv4.ip_forward)" = 1 ] || problems+=("net.ipv4.ip_forward is not 1")
iptables -t nat -C POSTROUTING -s "$vpc_cidr" -o "$wan" -j MASQUERADE 2>/dev/null ||
    problems+=("no MASQUERADE of $vpc_cidr out of $wan")
[ "$(iptables -S FORWARD | awk 'NR == 1')" = "-P FORWARD DROP" ] || problems+=("FORWARD policy is not DROP")
iptables -C FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null ||
    problems+=("FORWARD does not accept replies")
iptables -C FORWARD -s "$vpc_cidr" -o "$wan" -m conntrack --ctstate NEW -j ACCEPT 2>/dev/null ||
    problems+=("FORWARD does not accept new connections from $vpc_cidr")
forward_rules=$(iptables -S FORWARD | grep -c '^-A FORWARD' || true)
[ "$forward_rules" = 2 ] || problems+=("FORWARD has $forward_rules rules, not the 2 written")
if [ "\${#problems[@]}" -gt 0 ]; then
    printf 'nat-boot: FAILED: %s\\n' "\${problems[@]}" >&2
    exit 1
fi
say "forwarding $vpc_cidr to the internet through $wan"
`;
}

/**
 * Weekly patching window: Sundays 05:00 UTC, after the staging cache's default maintenance window
 * (sun:03:00-sun:04:00). A cron expression: State Manager's `applyOnlyAtCronInterval`, which keeps
 * the association from also running (and rebooting the router) when it is created or updated,
 * "is not supported for rate expressions" (aws.ssm.Association docs, pulumi-aws 7).
 */
export const NAT_PATCH_SCHEDULE = "cron(0 5 ? * SUN *)";

/**
 * AWS-RunPatchBaseline parameters: install approved patches; RebootIfNeeded reboots only when a patch
 * was installed or is pending a reboot (SSM API reference, InstancePatchState.RebootOption), so a
 * reboot happens only inside the run, that is inside the window.
 */
export const NAT_PATCH_PARAMETERS = { Operation: "Install", RebootOption: "RebootIfNeeded" } as const;

/** Refuses a schedule State Manager would reject with `applyOnlyAtCronInterval`, or a malformed cron. */
export function validatePatchSchedule(expression: string): string {
    // Systems Manager cron expressions have six fields: minutes hours day-of-month month day-of-week year.
    if (!/^cron\(\S+( \S+){5}\)$/.test(expression)) {
        throw new Error(
            `NAT instance patch schedule ${JSON.stringify(expression)} must be a cron(...) expression with 6 fields ` +
                `(e.g. ${NAT_PATCH_SCHEDULE}): patching runs only at the cron interval, which State Manager does not allow with rate expressions`,
        );
    }
    return expression;
}
