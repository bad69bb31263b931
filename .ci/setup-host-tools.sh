#!/usr/bin/env bash
# Installs the real tools the host user-data tests validate against (Debian 12 packages):
#   cloud-init (cloud-init schema), nginx (nginx -t), shellcheck, openssl (throwaway TLS cert).
# Idempotent and quiet: does nothing when every tool is already on PATH.
set -euo pipefail

need=()
command -v cloud-init >/dev/null 2>&1 || need+=(cloud-init)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

export DEBIAN_FRONTEND=noninteractive

# Keep the packages' maintainer scripts from starting nginx/cloud-init services on a build machine
# or in a container without an init system; the file is only added if none exists and is removed after.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 0755 "$policy"
  added_policy=1
fi
cleanup() { if [ "$added_policy" -eq 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

# Quiet on success; the full apt output is shown only when something fails.
log="$(mktemp)"
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "setup-host-tools: apt-get failed installing ${need[*]}" >&2
  exit 1
fi
rm -f "$log"

for tool in cloud-init nginx shellcheck openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup-host-tools: $tool still missing after install" >&2; exit 1; }
done
echo "setup-host-tools: installed ${need[*]}"
