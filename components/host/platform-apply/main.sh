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
