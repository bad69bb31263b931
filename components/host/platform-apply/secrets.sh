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
