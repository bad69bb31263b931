#!/usr/bin/env bash
# Installs what the NAT instance's network-namespace test needs (Debian 12 packages):
#   iproute2 (ip netns, veth pairs, routes) and iptables (iptables-nft, the same rules-file format
#   as Amazon Linux 2023's iptables-services restores). Packets are sent and received by node,
#   which the test suite already runs on, so no netcat or python is needed.
# Idempotent and quiet: does nothing when every tool is already on PATH.
set -euo pipefail

need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v iptables-restore >/dev/null 2>&1 || need+=(iptables)

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi

# shellcheck source=.ci/apt-install.sh
source "$(dirname "$0")/apt-install.sh"
apt_install setup-netns "${need[@]}"

for tool in ip iptables iptables-restore; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup-netns: $tool still missing after install" >&2; exit 1; }
done
echo "setup-netns: installed ${need[*]}"
