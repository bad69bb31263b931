# shellcheck shell=bash
# Sourced by the .ci/setup-*.sh scripts: `apt_install NAME PACKAGE...` installs Debian packages
# quietly (apt's output only when it fails), without letting maintainer scripts start services on a
# build machine or in a container without an init system.
apt_install() {
  local who=$1; shift
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d "exit 101" forbids service starts; added only if none exists, removed afterwards.
  local policy=/usr/sbin/policy-rc.d added=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 0755 "$policy"
    added=1
  fi
  local log status=0
  log=$(mktemp)
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confold "$@"; } >"$log" 2>&1 || status=$?
  [ "$added" -eq 0 ] || $sudo rm -f "$policy"
  if [ "$status" -ne 0 ]; then
    cat "$log" >&2
    echo "$who: apt-get failed installing $*" >&2
  fi
  rm -f "$log"
  return "$status"
}
