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
