# ---------------------------------------------------------------------------------------------
# Static part of /usr/local/sbin/platform-apply (components/host/platform-apply.sh). The rendered
# header above it (components/host/apply-script.ts) holds this stack's values and desired files.
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

# ---- status --------------------------------------------------------------------------------

# Reads `docker compose ps --format json` (one object per line, or one array) from ST_PS_JSON and
# this run's results; prints the state (ok, degraded, failed) on the first line, the status JSON
# (at most 4 KB: a standard-tier parameter) on the second.
STATUS_PY="$(cat <<'PY'
import json, os, time
ps = {}
for line in os.environ["ST_PS_JSON"].splitlines():
    line = line.strip()
    if not line:
        continue
    try:
        parsed = json.loads(line)
    except ValueError:
        continue
    for c in parsed if isinstance(parsed, list) else [parsed]:
        ps[c.get("Service", "")] = {"state": c.get("State", ""), "health": c.get("Health", ""), "image": c.get("Image", "")}
def actual(service):
    return dict(ps.get(service, {"state": "absent", "health": "", "image": ""}))
data_ready = os.environ["ST_DATA_READY"] == "1"
stores = {s: actual(s) for s in os.environ["ST_STORES"].split()}
apps, missing = {}, []
for line in os.environ["ST_RESULTS"].splitlines():
    name, result, image = line.split("\t")
    apps[name] = dict(actual(name), result=result, desired=image)
    if result == "image-missing":
        missing.append(image)
state = "ok"
if any(a["result"] != "started" or a["state"] != "running" for a in apps.values()):
    state = "degraded"
if os.environ["ST_DB_RESYNC"] == "failed" or os.environ["ST_NGINX_RELOAD"] == "failed":
    state = "degraded"
if any(s["state"] == "running" and s["health"] not in ("", "healthy") for s in stores.values()):
    state = "degraded"
if os.environ["ST_FATAL"] or not data_ready or any(s["state"] != "running" for s in stores.values()):
    state = "failed"
status = {
    "state": state,
    "revision": os.environ["ST_REVISION"],
    "mode": os.environ["ST_MODE"],
    "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "dataVolumeMounted": data_ready,
    "passwordResync": os.environ["ST_DB_RESYNC"],
    "stores": stores,
    "apps": apps,
    "missingImages": missing,
}
if os.environ["ST_FATAL"]:
    status["error"] = os.environ["ST_FATAL"][:300]
text = json.dumps(status, separators=(",", ":"))
if len(text.encode()) > 4096:
    for a in list(stores.values()) + list(apps.values()):
        a.pop("image", None)
    text = json.dumps(status, separators=(",", ":"))[:4096]
print(state)
print(text)
PY
)"

write_status() {
  local ps_json results="" app out json attempt
  ps_json="$(compose ps --all --format json 2>/dev/null)" || ps_json=""
  for app in "${APPS[@]}"; do
    results+="$app"$'\t'"${APP_RESULT[$app]:-not-attempted}"$'\t'"${IMAGES[$app]}"$'\n'
  done
  out="$(ST_PS_JSON="$ps_json" ST_RESULTS="$results" ST_STORES="${STORES[*]}" ST_DATA_READY="$DATA_READY" ST_FATAL="$FATAL" \
    ST_REVISION="$REVISION" ST_MODE="$MODE" ST_DB_RESYNC="$DB_RESYNC" ST_NGINX_RELOAD="$NGINX_RELOAD" python3 -c "$STATUS_PY")" || {
    log "cannot build the status"
    return 1
  }
  STATUS_WRITTEN=1
  STATUS_STATE="${out%%$'\n'*}"
  json="${out#*$'\n'}"
  log "status $STATUS_STATE: $json"
  for attempt in 1 2 3; do
    if aws ssm put-parameter --region "$REGION" --name "$STATUS_PARAMETER" --type String --tier Standard \
      --overwrite --value "$json" >/dev/null; then
      return 0
    fi
    sleep $((attempt * POLL_SECONDS))
  done
  log "could not write $STATUS_PARAMETER (the status is in the journal)"
}

# shellcheck disable=SC2317 # called by the EXIT trap
on_exit() {
  local rc=$?
  if [ "$STATUS_WRITTEN" -eq 0 ]; then
    [ -n "$FATAL" ] || FATAL="stopped in step $STEP (exit $rc)"
    write_status || true
  fi
}
trap on_exit EXIT

# ---- desired files -------------------------------------------------------------------------

# put_file <host path> <mode> <tag> < content: installs the content when it differs and records <tag>.
put_file() {
  local target="$ROOT$1" mode="$2" tag="$3" tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if [ -f "$target" ] && cmp -s "$tmp" "$target"; then
    rm -f "$tmp"
    return 0
  fi
  install -D -m "$mode" "$tmp" "$target"
  rm -f "$tmp"
  changed "$tag" || CHANGED+="$tag "
  log "updated $1"
}

install_units() {
  if changed systemd; then
    systemctl daemon-reload
  fi
  # Enabled for later boots, never started from here (that would run this script twice).
  systemctl enable platform.service >/dev/null 2>&1 || log "cannot enable platform.service"
}

# ---- swap ----------------------------------------------------------------------------------

# cloud-init's swap module makes /swapfile at first boot (user-data.ts); this covers an image whose
# cloud-init does not run that module. On the root volume: disposable, and never in the snapshots.
ensure_swap() {
  if [ -n "$(swapon --show=NAME --noheadings 2>/dev/null)" ]; then
    return 0
  fi
  if [ ! -f "$SWAP_FILE" ]; then
    log "creating a ${SWAP_MIB} MiB swap file on the root volume"
    dd if=/dev/zero of="$SWAP_FILE" bs=1M count="$SWAP_MIB" status=none
    chmod 0600 "$SWAP_FILE"
    mkswap "$SWAP_FILE" >/dev/null
  fi
  touch "$FSTAB"
  grep -q '^/swapfile[[:space:]]' "$FSTAB" || printf '/swapfile none swap defaults,nofail 0 0\n' >>"$FSTAB"
  swapon "$SWAP_FILE" || log "swapon $SWAP_FILE failed"
}

# ---- data volume ---------------------------------------------------------------------------

# Prints the data volume's device: on Nitro types by the volume id (the NVMe serial), on Xen types
# (t2) by the attachment's device name, which the kernel shows as /dev/xvd?.
find_data_device() {
  local candidate
  for candidate in "$BY_ID_DIR/nvme-Amazon_Elastic_Block_Store_${DATA_VOLUME_ID//-/}" \
    "$ROOT/dev/xvd${DATA_DEVICE_NAME#/dev/sd}" "$ROOT$DATA_DEVICE_NAME"; do
    if [ -e "$candidate" ]; then
      printf '%s' "$candidate"
      return 0
    fi
  done
  return 1
}

update_fstab() {
  local line tmp
  # nofail: a boot without the volume still comes up (TimescaleDB then stays stopped).
  line="UUID=$1 /var/lib/platform/data xfs defaults,noatime,nofail,x-systemd.device-timeout=60s 0 2"
  touch "$FSTAB"
  if grep -qxF "$line" "$FSTAB"; then
    return 0
  fi
  tmp="$(mktemp)"
  grep -v '[[:space:]]/var/lib/platform/data[[:space:]]' "$FSTAB" >"$tmp" || true
  printf '%s\n' "$line" >>"$tmp"
  install -m 0644 "$tmp" "$FSTAB"
  rm -f "$tmp"
  CHANGED+="fstab "
}

# Mounts the data volume at /var/lib/platform/data; formats it only when it holds no file system.
prepare_data_volume() {
  local device="" fstype="" uuid rc=0 deadline=$((SECONDS + DATA_DEVICE_WAIT))
  until device="$(find_data_device)"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "data volume $DATA_VOLUME_ID is not attached after ${DATA_DEVICE_WAIT}s: TimescaleDB stays stopped"
      return 0
    fi
    sleep "$POLL_SECONDS"
  done
  device="$(readlink -f "$device")"
  # blkid exits 2 when it finds no signature at all: the only case that is formatted.
  fstype="$(blkid -p -o value -s TYPE "$device")" || rc=$?
  if [ "$rc" -eq 2 ] && [ -z "$fstype" ]; then
    log "data volume $DATA_VOLUME_ID ($device) is blank: creating an XFS file system"
    mkfs.xfs -q -L platform-data "$device"
    fstype=xfs
    CHANGED+="formatted "
  elif [ "$rc" -ne 0 ]; then
    die "cannot read the file system on $device (blkid exit $rc): not formatting it"
  fi
  [ "$fstype" = xfs ] || die "data volume $device holds '$fstype', not xfs: leaving it alone"
  uuid="$(blkid -p -o value -s UUID "$device")"
  [ -n "$uuid" ] || die "no file system UUID on $device"
  update_fstab "$uuid"
  install -d -m 0755 "$DATA_DIR"
  if ! mountpoint -q "$DATA_DIR"; then
    mount -t xfs -o noatime "UUID=$uuid" "$DATA_DIR"
    log "mounted data volume $DATA_VOLUME_ID at /var/lib/platform/data"
  fi
  # A larger host.dataVolumeGb grows the EBS volume in place; the file system follows (no-op otherwise).
  xfs_growfs -d "$DATA_DIR" >/dev/null || log "xfs_growfs $DATA_DIR failed"
  install -d -m 0700 "$TIMESCALE_DATA"
  DATA_READY=1
}

# ---- Docker --------------------------------------------------------------------------------

docker_answers() {
  docker info >/dev/null 2>&1
}

ensure_docker() {
  local deadline
  if ! command -v docker >/dev/null 2>&1; then
    log "installing Docker from the Amazon Linux repository"
    retry 3 timeout "$T_PACKAGES" dnf install -y -q docker || die "dnf install docker failed"
  fi
  systemctl enable --now docker.service >/dev/null 2>&1 || die "cannot start docker.service"
  deadline=$((SECONDS + 300))
  until docker_answers; do
    [ "$SECONDS" -lt "$deadline" ] || die "dockerd does not answer after 300s"
    sleep "$POLL_SECONDS"
  done
}

compose_plugin_ok() {
  [ -x "$COMPOSE_PLUGIN" ] && printf '%s  %s\n' "$1" "$COMPOSE_PLUGIN" | sha256sum --check --status
}

# Amazon Linux 2023's repository has no Compose plugin: the pinned release, checked by sha256.
ensure_compose() {
  local arch sha tmp
  case "$(uname -m)" in
    x86_64) arch=x86_64 sha="$COMPOSE_SHA256_X86_64" ;;
    aarch64 | arm64) arch=aarch64 sha="$COMPOSE_SHA256_AARCH64" ;;
    *) die "unsupported architecture $(uname -m)" ;;
  esac
  if compose_plugin_ok "$sha"; then
    return 0
  fi
  log "installing Docker Compose $COMPOSE_VERSION ($arch)"
  tmp="$(mktemp)"
  if ! retry 3 curl -fsSL --max-time 900 -o "$tmp" "https://github.com/docker/compose/releases/download/$COMPOSE_VERSION/docker-compose-linux-$arch"; then
    rm -f "$tmp"
    die "cannot download Docker Compose $COMPOSE_VERSION"
  fi
  if ! printf '%s  %s\n' "$sha" "$tmp" | sha256sum --check --status; then
    rm -f "$tmp"
    die "Docker Compose $COMPOSE_VERSION ($arch): sha256 mismatch, refusing to install it"
  fi
  install -D -m 0755 "$tmp" "$COMPOSE_PLUGIN"
  rm -f "$tmp"
}

# ---- secrets -------------------------------------------------------------------------------

# Prints the parameter's value on stdout (captured by the caller, never logged).
# $2: a regex the value must match.
fetch_parameter() {
  local name="$1" pattern="$2" value attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if value="$(aws ssm get-parameter --region "$REGION" --with-decryption --name "$name" --query Parameter.Value --output text)"; then
      if [[ ! "$value" =~ $pattern ]]; then
        log "parameter $name does not hold the expected format"
        return 1
      fi
      printf '%s' "$value"
      return 0
    fi
    log "cannot read parameter $name yet (attempt $attempt), retrying"
    sleep $((attempt * POLL_SECONDS))
  done
  log "giving up on parameter $name"
  return 1
}

# write_secret <file in SECRETS_DIR> <content> <owner uid> <mode>: atomic; records credfile:<file> on change.
write_secret() {
  local target="$SECRETS_DIR/$1" tmp
  tmp="$(mktemp "$SECRETS_DIR/.tmp.XXXXXX")"
  printf '%s' "$2" >"$tmp"
  chown "$3" "$tmp"
  chmod "$4" "$tmp"
  if [ -f "$target" ] && cmp -s "$tmp" "$target"; then
    rm -f "$tmp"
    return 0
  fi
  mv -f "$tmp" "$target"
  CHANGED+="credfile:$1 "
}

# NAME='value' for compose's env_file (single-quoted: taken literally).
env_line() {
  case "$2" in
    *\'* | *$'\n'* | *$'\r'* | *\\)
      log "cannot write $1 to an env file: single quote, line break or trailing backslash"
      return 1 ;;
  esac
  printf "%s='%s'\n" "$1" "$2"
}

# Prints top-level key $1 of the app secret JSON (string values as they are, others as compact JSON).
# shellcheck disable=SC2317 # called by write_app_secret_files only when an app selects a key
app_secret_key() {
  printf '%s' "$app_secret" | python3 -c 'import functools, json, sys
v = functools.reduce(lambda d, k: d[k], sys.argv[1].split("."), json.load(sys.stdin))
sys.stdout.write(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))' "$1" 2>/dev/null || {
    log "the application secret has no key $1"
    return 1
  }
}

load_secrets() {
  local redis_password database_password
  install -d -m 0700 "$SECRETS_DIR"
  redis_password="$(fetch_parameter "$REDIS_PASSWORD_PARAMETER" "$GENERATED_FORMAT")"
  database_password="$(fetch_parameter "$DATABASE_PASSWORD_PARAMETER" "$GENERATED_FORMAT")"
  write_secret redis_password "$redis_password" 0 0600
  write_secret redis-auth.conf "requirepass $redis_password"$'\n' "$REDIS_UID" 0400
  write_secret db_password "$database_password" 0 0600
  write_secret app.env "REDIS_PASSWORD=$redis_password
REDIS_URL=redis://:$redis_password@redis:6379/0
DATABASE_PASSWORD=$database_password
DATABASE_URL=postgresql://$DATABASE_USER:$database_password@timescaledb:5432/$DATABASE_NAME
" 0 0600
  write_app_secret_files
  unset redis_password database_password
  log "secrets from SSM written to /etc/platform/secrets"
}

# ---- TLS -----------------------------------------------------------------------------------

ensure_tls() {
  [ -n "$TLS_CERT" ] || return 0
  if [ -s "$ROOT$TLS_CERT" ] && [ -s "$ROOT$TLS_KEY" ]; then
    return 0
  fi
  command -v openssl >/dev/null 2>&1 || retry 3 timeout "$T_PACKAGES" dnf install -y -q openssl || die "dnf install openssl failed"
  log "no certificate at $TLS_CERT: installing a temporary self-signed one (replace it, then reload nginx)"
  mkdir -p "$(dirname "$ROOT$TLS_CERT")" "$(dirname "$ROOT$TLS_KEY")"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$PROJECT" -keyout "$ROOT$TLS_KEY" -out "$ROOT$TLS_CERT" 2>/dev/null
  chmod 0600 "$ROOT$TLS_KEY"
  chmod 0644 "$ROOT$TLS_CERT"
}

# ---- images and containers -----------------------------------------------------------------

# shellcheck disable=SC2317 # called through retry
ecr_login_once() {
  aws ecr get-login-password --region "$2" | docker login --username AWS --password-stdin "$1" >/dev/null
}

ecr_login() {
  local entry
  for entry in "${ECR_LOGINS[@]}"; do
    retry 3 ecr_login_once "${entry% *}" "${entry#* }" || log "ECR login to ${entry% *} failed: its images will not pull"
  done
}

# ensure_image <ref>: 0 when the image is here (tags are immutable: no re-pull), 3 when it does not
# exist in its registry (nothing pushed yet), 4 when the pull failed otherwise.
ensure_image() {
  local ref="$1" out attempt
  if docker image inspect "$ref" >/dev/null 2>&1; then
    return 0
  fi
  for attempt in 1 2 3; do
    if out="$(timeout "$T_PULL" docker pull --quiet "$ref" 2>&1)"; then
      return 0
    fi
    case "$out" in
      *"manifest unknown"* | *"not found"* | *"name unknown"* | *"does not exist"*) return 3 ;;
    esac
    log "pull of $ref failed (attempt $attempt): ${out##*$'\n'}"
    [ "$attempt" -eq 3 ] || sleep $((attempt * POLL_SECONDS * 2))
  done
  return 4
}

# Prints "<State> <Health>" of a service's container, or nothing when it has none.
HEALTH_PY="$(cat <<'PY'
import json, sys
for line in sys.stdin.read().splitlines():
    line = line.strip()
    if not line:
        continue
    parsed = json.loads(line)
    for c in parsed if isinstance(parsed, list) else [parsed]:
        print(c.get("State", ""), c.get("Health", ""))
        sys.exit(0)
PY
)"

# Prints the services that have a container, space-separated.
SERVICES_PY="$(cat <<'PY'
import json, sys
names = []
for line in sys.stdin.read().splitlines():
    if line.strip():
        parsed = json.loads(line)
        names += [c.get("Service", "") for c in (parsed if isinstance(parsed, list) else [parsed])]
print(" ".join(names))
PY
)"

service_health() {
  compose ps --all --format json "$1" 2>/dev/null | python3 -c "$HEALTH_PY" 2>/dev/null || true
}

# NGINX, Redis and TimescaleDB first, whatever the apps do.
start_stores() {
  local svc rc
  for svc in "${STORES[@]}"; do
    if [ "$svc" = timescaledb ] && [ "$DATA_READY" -ne 1 ]; then
      continue
    fi
    rc=0
    ensure_image "${IMAGES[$svc]}" || rc=$?
    if [ "$rc" -ne 0 ]; then
      log "store $svc: image ${IMAGES[$svc]} is not available (ensure_image exit $rc)"
      continue
    fi
    STARTED_STORES+=("$svc")
  done
  [ "${#STARTED_STORES[@]}" -gt 0 ] || return 0
  EXISTED_BEFORE+="$(compose ps --all --format json 2>/dev/null | python3 -c "$SERVICES_PY" 2>/dev/null || true) "
  compose up --detach --no-deps --pull never --remove-orphans "${STARTED_STORES[@]}" ||
    log "docker compose up ${STARTED_STORES[*]} failed"
  # Redis reads its password and its config file only when it starts.
  if { changed credfile:redis-auth.conf || changed redis; } && store_started redis && [[ "$EXISTED_BEFORE" == *" redis "* ]]; then
    compose up --detach --no-deps --pull never --force-recreate redis || log "recreating redis failed"
  fi
}

store_started() {
  [[ " ${STARTED_STORES[*]} " == *" $1 "* ]]
}

wait_healthy() {
  local svc="$1" health deadline=$((SECONDS + STORES_WAIT))
  until health="$(service_health "$svc")" && [ "$health" = "running healthy" ]; do
    if [ -z "$health" ]; then
      log "$svc has no container: not waiting for it"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$svc is not healthy after ${STORES_WAIT}s: starting the apps anyway"
      return 1
    fi
    sleep "$POLL_SECONDS"
  done
}

# The role's password follows the SSM parameter on every run, so a regenerated password still
# matches the initialised database. Sent as a SCRAM-SHA-256 verifier on stdin over the container's
# local socket: the password itself is in no statement, no argument and no log.
SCRAM_PY="$(cat <<'PY'
import base64, hashlib, hmac, os, sys
raw = sys.stdin.read().encode()
salt, iterations = os.urandom(16), 4096
salted = hashlib.pbkdf2_hmac("sha256", raw, salt, iterations)
client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
stored_key = hashlib.sha256(client_key).digest()
def b64(raw):
    return base64.b64encode(raw).decode()
sys.stdout.write("SCRAM-SHA-256$%d:%s$%s:%s" % (iterations, b64(salt), b64(stored_key), b64(server_key)))
PY
)"

resync_database_password() {
  local verifier
  store_started timescaledb || return 0
  if ! wait_healthy timescaledb; then
    DB_RESYNC=skipped
    return 0
  fi
  verifier="$(python3 -c "$SCRAM_PY" <"$SECRETS_DIR/db_password")"
  if printf "ALTER ROLE \"%s\" PASSWORD '%s';\n" "$DATABASE_USER" "$verifier" |
    compose exec -T timescaledb psql -v ON_ERROR_STOP=1 -X -q -U "$DATABASE_USER" -d "$DATABASE_NAME" >/dev/null; then
    DB_RESYNC=applied
    log "TimescaleDB role $DATABASE_USER: password re-synced from $DATABASE_PASSWORD_PARAMETER"
  else
    DB_RESYNC=failed
    log "TimescaleDB role $DATABASE_USER: password re-sync failed"
  fi
}

# Each app on its own: one missing image or one failing container does not stop the others.
start_apps() {
  local app ref rc
  for app in "${APPS[@]}"; do
    ref="${IMAGES[$app]}"
    rc=0
    ensure_image "$ref" || rc=$?
    case "$rc" in
      0)
        if compose up --detach --no-deps --pull never "$app"; then
          APP_RESULT[$app]=started
        else
          APP_RESULT[$app]=start-failed
          log "app $app: docker compose up failed"
        fi ;;
      3)
        APP_RESULT[$app]=image-missing
        log "app $app: image $ref does not exist (push it; the next run starts it): skipped" ;;
      *)
        APP_RESULT[$app]=pull-failed
        log "app $app: cannot pull $ref: skipped" ;;
    esac
  done
}

reload_nginx_if_changed() {
  changed nginx || return 0
  store_started nginx && [[ "$EXISTED_BEFORE" == *" nginx "* ]] || return 0
  if compose exec -T nginx nginx -t -q && compose exec -T nginx nginx -s reload; then
    NGINX_RELOAD=applied
    log "NGINX reloaded its configuration"
  else
    NGINX_RELOAD=failed
    log "NGINX refused the new configuration (nginx -t): it keeps serving the previous one"
  fi
}

# ---- main ----------------------------------------------------------------------------------

install -d -m 0755 "$(dirname "$LOCK_FILE")"
exec 9>"$LOCK_FILE"
STEP=lock
if ! flock -w "$T_LOCK" 9; then
  # The run holding the lock reports the status; this one must not overwrite it.
  STATUS_WRITTEN=1
  die "another platform-apply still runs after ${T_LOCK}s"
fi
log "applying revision ${REVISION:0:12} ($MODE)"
if [ -n "$ARG_REVISION" ] && [ "$ARG_REVISION" != "$REVISION" ]; then
  log "warning: the association passed revision ${ARG_REVISION:0:12}, this script is ${REVISION:0:12}"
fi

STEP=files
desired_files
install -d -m 0755 "$ACME_DIR"
STEP=sysctl
sysctl -q -p "$SYSCTL_FILE" || log "sysctl -p $SYSCTL_FILE failed"
STEP=swap
ensure_swap
STEP=units
install_units
STEP=data-volume
prepare_data_volume
STEP=docker
ensure_docker
ensure_compose
STEP=secrets
load_secrets
STEP=tls
ensure_tls
STEP=registry
ecr_login
STEP=stores
start_stores
if store_started redis; then
  wait_healthy redis || true
fi
STEP=database-password
resync_database_password
STEP=apps
start_apps
STEP=nginx
reload_nginx_if_changed
STEP=prune
# Images no container uses any more (previous releases), once they are a day old.
docker image prune --all --force --filter until=24h >/dev/null 2>&1 || true
STEP=status
write_status || true
case "$STATUS_STATE" in
  ok) exit 0 ;;
  degraded) exit 2 ;;
  *) exit 1 ;;
esac
