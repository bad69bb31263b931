#!/usr/bin/env bash
# Installs the real PostgreSQL the schema tests (tests/schema/*.test.ts) run against, from Debian 12's
# packages: PostgreSQL 15 server, pg_partman (4.7.x in bookworm) and pg_cron (1.4.x in bookworm).
# Idempotent and quiet: does nothing when the binaries and both extensions are already installed.
# The tests start and stop their own throwaway cluster (schema/testing/pg-cluster.ts); for trying
# schema/apply.ts by hand there is the same kind of cluster here:
#   bash .ci/setup-postgres.sh                      install (default)
#   bash .ci/setup-postgres.sh start [dir] [port]   throwaway cluster in dir (default /tmp/pgtest-manual), port 55432
#   bash .ci/setup-postgres.sh stop [dir]           stop it and delete dir
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
bindir="/usr/lib/postgresql/${PG_MAJOR}/bin"
extdir="/usr/share/postgresql/${PG_MAJOR}/extension"

# Runs a server binary as `postgres` when we are root (initdb and postgres refuse to run as root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-install}" in
  install) ;;
  start)
    dir="${2:-/tmp/pgtest-manual}"; port="${3:-55432}"
    if [ -e "$dir" ]; then echo "setup-postgres: $dir exists; stop it first" >&2; exit 1; fi
    mkdir -p "$dir" && chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    if [ "$(id -u)" -eq 0 ]; then user=postgres; else user=$(id -un); fi
    (cd /tmp && as_pg "$bindir/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null)
    # Like an RDS parameter group with pg_cron preloaded (cron.database_name defaults to postgres there too).
    printf "%s\n" "listen_addresses = '127.0.0.1'" "port = $port" "unix_socket_directories = '$dir'" \
      "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'" "timezone = 'UTC'" \
      | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
    (cd /tmp && as_pg "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -t 30 >/dev/null)
    echo "postgres://$user@127.0.0.1:$port/postgres"
    exit 0 ;;
  stop)
    dir="${2:-/tmp/pgtest-manual}"
    if [ -d "$dir/data" ]; then (cd /tmp && as_pg "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null) || true; fi
    rm -rf "$dir"
    exit 0 ;;
  *) echo "usage: $0 [install|start [dir] [port]|stop [dir]]" >&2; exit 2 ;;
esac

need=()
[ -x "$bindir/postgres" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] || need+=("postgresql-${PG_MAJOR}")
[ -e "$extdir/pg_partman.control" ] || need+=("postgresql-${PG_MAJOR}-partman")
[ -e "$extdir/pg_cron.control" ] || need+=("postgresql-${PG_MAJOR}-cron")

if [ "${#need[@]}" -eq 0 ]; then
  exit 0
fi

# shellcheck source=.ci/apt-install.sh
source "$(dirname "$0")/apt-install.sh"
apt_install setup-postgres "${need[@]}"

for f in "$bindir/postgres" "$bindir/initdb" "$bindir/pg_ctl" "$extdir/pg_partman.control" "$extdir/pg_cron.control"; do
  [ -e "$f" ] || { echo "setup-postgres: $f still missing after installing ${need[*]}" >&2; exit 1; }
done
echo "setup-postgres: installed ${need[*]}"
