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
