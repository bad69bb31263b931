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
