#!/usr/bin/env bash
# Installs the real tools the host tests validate against (Debian 12 packages):
#   cloud-init (cloud-init schema), nginx (nginx -t), shellcheck, openssl (throwaway TLS cert),
#   python3 and flock (the apply script run in its sandbox: tests/host/apply.test.ts).
# Idempotent and quiet: does nothing when every tool is already on PATH.
set -euo pipefail

need=()
command -v cloud-init >/dev/null 2>&1 || need+=(cloud-init)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v flock >/dev/null 2>&1 || need+=(util-linux)

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi

# shellcheck source=.ci/apt-install.sh
source "$(dirname "$0")/apt-install.sh"
apt_install setup-host-tools "${need[@]}"

for tool in cloud-init nginx shellcheck openssl python3 flock; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup-host-tools: $tool still missing after install" >&2; exit 1; }
done
echo "setup-host-tools: installed ${need[*]}"
