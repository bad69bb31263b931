# ---------------------------------------------------------------------------------------------
# Static part of /usr/local/sbin/platform-apply (components/host/platform-apply/*.sh, joined in
# order by components/host/apply-script.ts). The rendered header above it holds this stack's values
# and desired files.
#
# Runs on every State Manager association run (`--mode association`) and at every boot from
# platform.service (`--mode boot`). Idempotent: what is already in place is left alone. Order:
# desired files, data volume, Docker, secrets from SSM, then NGINX, Redis and TimescaleDB, then
# each app on its own. An app whose image cannot be pulled is skipped and reported; the data
# stores and NGINX run regardless. Never reboots.
#
# Exit status: 0 ok, 2 degraded (stores run, an app is missing or failed), 1 failed. The status is
# also written to the SSM parameter $STATUS_PARAMETER and to the journal.
#
# Never prints a secret: no xtrace; secret values only ever go to root-only files or to stdin.
# ---------------------------------------------------------------------------------------------

# Everything this script touches lives under PLATFORM_ROOT: empty on the host, a sandbox in tests.
readonly ROOT="${PLATFORM_ROOT:-}"
readonly SECRETS_DIR="$ROOT/etc/platform/secrets"
readonly COMPOSE_FILE="$ROOT/etc/platform/compose.yaml"
readonly DATA_DIR="$ROOT/var/lib/platform/data"
readonly TIMESCALE_DATA="$DATA_DIR/timescaledb"
readonly ACME_DIR="$ROOT/var/lib/platform/acme"
readonly COMPOSE_PLUGIN="$ROOT/usr/local/lib/docker/cli-plugins/docker-compose"
readonly FSTAB="$ROOT/etc/fstab"
readonly BY_ID_DIR="$ROOT/dev/disk/by-id"
readonly LOCK_FILE="$ROOT/run/platform-apply.lock"
readonly SYSCTL_FILE="$ROOT/etc/sysctl.d/90-platform.conf"
readonly SWAP_FILE="$ROOT/swapfile"
# Tests shorten the waits; on the host these are the rendered limits.
readonly DATA_DEVICE_WAIT="${PLATFORM_DATA_DEVICE_WAIT_SECONDS:-$T_DATA_DEVICE}"
readonly STORES_WAIT="${PLATFORM_STORES_HEALTHY_SECONDS:-$T_STORES}"
readonly POLL_SECONDS="${PLATFORM_POLL_SECONDS:-5}"
readonly GENERATED_FORMAT='^[A-Za-z0-9._~-]{16,}$'

MODE=association
ARG_REVISION=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --mode) MODE="${2:-}"; shift 2 ;;
    --revision) ARG_REVISION="${2:-}"; shift 2 ;;
    *) printf 'platform-apply: unknown argument %s\n' "$1" >&2; exit 64 ;;
  esac
done
case "$MODE" in
  association | boot) ;;
  *) printf 'platform-apply: --mode is association or boot, not "%s"\n' "$MODE" >&2; exit 64 ;;
esac

declare -A APP_RESULT=()
STARTED_STORES=()
# Stores that had a container before this run's `up` (a first start needs no reload or recreate).
EXISTED_BEFORE=" "
DATA_READY=0
FATAL=""
STEP=start
STATUS_WRITTEN=0
STATUS_STATE=failed
DB_RESYNC=not-run
NGINX_RELOAD=not-needed
# Tags of what this run changed, space-separated: compose, nginx, redis, systemd, fstab, credfile:<file>.
CHANGED=" "

log() {
  printf 'platform-apply: %s\n' "$*" >&2
  # Association runs report to SSM's command output (stderr above) and to the journal; the boot
  # unit's stderr already goes to the journal.
  if [ "$MODE" = association ]; then logger -t platform-apply -- "$*" 2>/dev/null || true; fi
}

die() {
  FATAL="$*"
  log "FATAL: $*"
  exit 1
}

changed() {
  case "$CHANGED" in *" $1 "*) return 0 ;; esac
  return 1
}

compose() {
  docker compose --project-name "$PROJECT" --file "$COMPOSE_FILE" "$@"
}

# retry <attempts> <command...>: backs off 2, 4, ... poll intervals between attempts.
retry() {
  local attempts="$1" n=1
  shift
  until "$@"; do
    [ "$n" -lt "$attempts" ] || return 1
    sleep $((n * POLL_SECONDS * 2))
    n=$((n + 1))
  done
}
