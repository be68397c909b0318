#!/usr/bin/env bash
# Shared helpers for the operations scripts (health-check, backup, rollback, schema-check,
# pre-deploy-check, deploy-production). Sourced, not run.
#
# A "database target" is either a mysql:// URL (a server reachable from here, e.g. local
# development or CI) or "compose" (the `mysql` service of the current Compose project, reached
# with `docker compose exec`, using the root password that lives inside that container).

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  case "${1:-}" in
    -h | --help)
      echo "Usage: source scripts/ops-common.sh   (library for the scripts/*.sh operations scripts)"
      exit 0
      ;;
  esac
  echo "ops-common.sh is a library: source it from another script (--help for usage)" >&2
  exit 2
fi

OPS_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One private directory per run for temporary files, removed by ops_cleanup (each script traps
# it on EXIT). Files are made inside it, so ones created in $(…) subshells are removed too.
OPS_TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/mypay-ops.XXXXXX")"
trap ops_cleanup EXIT
OPS_LOG_FILE="${OPS_LOG_FILE:-}"

ops_timestamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# Messages go to stderr (stdout is for results such as --json), and to OPS_LOG_FILE if set.
ops_emit() {
  local line
  line="$(ops_timestamp) $*"
  printf '%s\n' "$line" >&2
  if [[ -n "$OPS_LOG_FILE" ]]; then printf '%s\n' "$line" >>"$OPS_LOG_FILE"; fi
}
info() { ops_emit "INFO  $*"; }
warn() { ops_emit "WARN  $*"; }
error() { ops_emit "ERROR $*"; }
die() {
  error "$*"
  exit "${OPS_DIE_STATUS:-1}"
}

ops_mktemp() {
  mktemp "$OPS_TMPDIR/tmp.XXXXXX"
}
ops_cleanup() {
  [[ -n "${OPS_TMPDIR:-}" ]] && rm -rf -- "$OPS_TMPDIR"
  return 0
}

require_commands() {
  local cmd missing=()
  for cmd in "$@"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd"); done
  [[ ${#missing[@]} -eq 0 ]] || die "missing required tools: ${missing[*]}"
}

# The filled-in env file of an environment: .env for production (the name Compose and
# .gitignore know), .env.<env> otherwise. .env.production in git is only the template.
env_file_for() {
  if [[ "$1" == production ]]; then
    printf '%s/.env\n' "$OPS_REPO_ROOT"
  else
    printf '%s/.env.%s\n' "$OPS_REPO_ROOT" "$1"
  fi
}

# A KEY=value line of an env file (the last one wins); empty when absent. Env files are
# read, never executed.
env_file_value() {
  local file="$1" key="$2"
  [[ -r "$file" ]] || return 0
  sed -n "s/^${key}=//p" "$file" | tail -n 1
}

# --- Docker Compose ------------------------------------------------------------------------
# COMPOSE_PROJECT (default mypay-production) and ENV_FILE (default .env) select the stack.
# The Compose files are COMPOSE_FILE (':'-separated, paths relative to the repository), taken
# from the environment or else from the env file, default docker-compose.yml: a stack with an
# override (e.g. scripts/stack-test.sh's) is then reached by its --env-file alone.
compose_files() {
  local list file
  list="${COMPOSE_FILE:-$(env_file_value "${ENV_FILE:-$OPS_REPO_ROOT/.env}" COMPOSE_FILE)}"
  local -a files
  IFS=: read -r -a files <<<"${list:-docker-compose.yml}"
  for file in "${files[@]}"; do
    [[ -n "$file" ]] || continue
    [[ "$file" == /* ]] || file="$OPS_REPO_ROOT/$file"
    printf '%s\n' "$file"
  done
}

compose() {
  local -a cmd files=()
  local file
  if [[ -n "${COMPOSE_BIN:-}" ]]; then
    read -r -a cmd <<<"$COMPOSE_BIN"
  elif docker compose version >/dev/null 2>&1; then
    cmd=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    cmd=(docker-compose)
  else
    die "neither 'docker compose' nor 'docker-compose' is available"
  fi
  while read -r file; do files+=(-f "$file"); done < <(compose_files)
  # The Dockerfile needs BuildKit (RUN --mount). Compose v2 always uses it; v1 (docker-compose
  # 1.29) builds through the docker CLI with BuildKit only when asked to.
  DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 \
    "${cmd[@]}" --project-directory "$OPS_REPO_ROOT" "${files[@]}" \
    -p "${COMPOSE_PROJECT:-mypay-production}" --env-file "${ENV_FILE:-$OPS_REPO_ROOT/.env}" "$@"
}

# The seeded admin's password reaches the migrate container as a Compose secret (a mounted file),
# never as an environment value (an exited container keeps its environment: `docker inspect`).
# Written from the env file's SEED_ADMIN_PASSWORD to SEED_ADMIN_PASSWORD_FILE (relative to the
# repository; default secrets/seed_admin_password): mode 0444 inside a 0700 directory, so the
# container's unprivileged user reads it and nobody else on the host reaches it.
write_seed_admin_secret() {
  local env_file="${ENV_FILE:-$OPS_REPO_ROOT/.env}" target value
  target="$(env_file_value "$env_file" SEED_ADMIN_PASSWORD_FILE)"
  target="${target:-./secrets/seed_admin_password}"
  [[ "$target" == /* ]] || target="$OPS_REPO_ROOT/${target#./}"
  value="$(env_file_value "$env_file" SEED_ADMIN_PASSWORD)"
  if [[ -z "$value" ]]; then
    [[ -s "$target" ]] || die "SEED_ADMIN_PASSWORD is empty in $env_file and $target does not exist"
    return 0
  fi
  mkdir -p "$(dirname "$target")"
  chmod 700 "$(dirname "$target")"
  rm -f "$target"
  (umask 022 && printf '%s' "$value" >"$target")
  chmod 444 "$target"
}

# Image names, one rule for Compose and the scripts: IMAGE_PREFIX from the environment, else
# from the env file, else "mypay"; :current is the running release, :rollback the one before.
image_prefix() {
  local prefix="${IMAGE_PREFIX:-$(env_file_value "${ENV_FILE:-$OPS_REPO_ROOT/.env}" IMAGE_PREFIX)}"
  printf '%s\n' "${prefix:-mypay}"
}
image_name() { printf '%s/%s:%s\n' "$(image_prefix)" "$1" "$2"; }

# "SERVICE ID" lines: the project's containers, stopped ones included, one-off `run` containers
# not, from the labels Compose v1 and v2 both set (one docker call, not a Compose run each).
project_containers() {
  docker ps -a --filter "label=com.docker.compose.project=${COMPOSE_PROJECT:-mypay-production}" \
    --filter "label=com.docker.compose.oneoff=False" \
    --format '{{.Label "com.docker.compose.service"}} {{.ID}}' 2>/dev/null || true
}

# wait_for_healthy SERVICE… — until each service's container is healthy (or, without a
# health check, running); DEPLOY_HEALTH_TIMEOUT seconds (300), then fails naming the rest.
wait_for_healthy() {
  local deadline=$((SECONDS + ${DEPLOY_HEALTH_TIMEOUT:-300})) svc id state containers
  local -a pending
  while :; do
    pending=()
    containers="$(project_containers)"
    for svc in "$@"; do
      id="$(awk -v svc="$svc" '$1 == svc { print $2; exit }' <<<"$containers")"
      state="$([[ -n "$id" ]] && docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo missing)"
      [[ "$state" == healthy || "$state" == running ]] || pending+=("$svc:$state")
    done
    ((${#pending[@]} == 0)) && return 0
    if ((SECONDS >= deadline)); then
      error "not healthy in time: ${pending[*]}"
      return 1
    fi
    sleep 2
  done
}

# --- Database URLs and clients ---------------------------------------------------------------
urldecode() {
  local encoded="${1//+/ }"
  printf '%b' "${encoded//%/\\x}"
}

# Sets DB_USER DB_PASS DB_HOST DB_PORT DB_NAME from mysql://user:pass@host:port/db?params.
parse_database_url() {
  local url="$1" auth
  local pattern='^(mysql|mariadb)://(([^@/]*)@)?([^/:?@]+)(:([0-9]+))?/([A-Za-z0-9_$-]+)([?].*)?$'
  [[ "$url" =~ $pattern ]] || die "not a mysql://user:pass@host:port/db URL: $(redact_url "$url")"
  auth="${BASH_REMATCH[3]}"
  DB_HOST="${BASH_REMATCH[4]}"
  DB_PORT="${BASH_REMATCH[6]:-3306}"
  DB_NAME="${BASH_REMATCH[7]}"
  DB_USER="$(urldecode "${auth%%:*}")"
  DB_PASS=''
  if [[ "$auth" == *:* ]]; then DB_PASS="$(urldecode "${auth#*:}")"; fi
  [[ -n "$DB_USER" ]] || DB_USER=root
}

# The URL with its password replaced, for messages and logs.
redact_url() {
  local url="$1"
  if [[ "$url" =~ ^([a-z]+://[^:@/]+:)[^@/]*@(.*)$ ]]; then
    printf '%s***@%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    printf '%s\n' "$url"
  fi
}

mysql_client() {
  if command -v mariadb >/dev/null 2>&1; then echo mariadb; elif command -v mysql >/dev/null 2>&1; then echo mysql; else die "no mariadb/mysql client installed (Debian: mariadb-client)"; fi
}
mysql_dump_client() {
  if command -v mariadb-dump >/dev/null 2>&1; then echo mariadb-dump; elif command -v mysqldump >/dev/null 2>&1; then echo mysqldump; else die "no mariadb-dump/mysqldump installed (Debian: mariadb-client)"; fi
}

# A 0600 option file with the URL's credentials, so no password appears in `ps`.
db_option_file() {
  local url="$1" file pass
  parse_database_url "$url"
  file="$(ops_mktemp)"
  chmod 600 "$file"
  pass="${DB_PASS//\\/\\\\}"
  pass="${pass//\"/\\\"}"
  {
    echo "[client]"
    echo "user=$DB_USER"
    echo "password=\"$pass\""
    echo "host=$DB_HOST"
    echo "port=$DB_PORT"
    echo "protocol=TCP"
  } >"$file"
  printf '%s\n' "$file"
}

# db_sql TARGET [client args…] — runs SQL from stdin against the target's database,
# batch mode without column names (tab-separated rows on stdout).
db_sql() {
  local target="$1" options
  shift
  if [[ "$target" == compose ]]; then
    # shellcheck disable=SC2016 # expanded inside the container, where the password lives
    compose exec -T mysql sh -c 'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysql -uroot --batch --skip-column-names "$@" "$MYSQL_DATABASE"' mysql "$@"
  else
    options="$(db_option_file "$target")"
    parse_database_url "$target"
    "$(mysql_client)" --defaults-extra-file="$options" --connect-timeout="${DB_CONNECT_TIMEOUT:-5}" --batch --skip-column-names "$@" "$DB_NAME"
  fi
}

# The database name a target points at.
db_name() {
  local target="$1"
  if [[ "$target" == compose ]]; then
    # shellcheck disable=SC2016
    compose exec -T mysql sh -c 'printf %s "$MYSQL_DATABASE"'
  else
    parse_database_url "$target"
    printf '%s\n' "$DB_NAME"
  fi
}

# db_dump TARGET — a consistent logical dump on stdout (InnoDB snapshot, no table locks).
db_dump() {
  local target="$1" options
  local -a flags=(--single-transaction --quick --routines --triggers --hex-blob
    --no-tablespaces --default-character-set=utf8mb4 --add-drop-table)
  if [[ "$target" == compose ]]; then
    # shellcheck disable=SC2016
    # --set-gtid-purged is MySQL's (GTIDs would make the dump unloadable elsewhere); MariaDB's
    # mysqldump does not know it and needs nothing in its place.
    compose exec -T mysql sh -c 'gtid=; if mysqldump --help 2>/dev/null | grep -q -- --set-gtid-purged; then gtid=--set-gtid-purged=OFF; fi
MYSQL_PWD="$MYSQL_ROOT_PASSWORD" exec mysqldump -uroot $gtid "$@" "$MYSQL_DATABASE"' mysqldump "${flags[@]}"
  else
    options="$(db_option_file "$target")"
    parse_database_url "$target"
    "$(mysql_dump_client)" --defaults-extra-file="$options" "${flags[@]}" "$DB_NAME"
  fi
}

# A usable archive: intact gzip, a dump that finished, and at least one table in it.
verify_archive() {
  local file="$1" tables
  gzip -t "$file" || { error "$file: gzip integrity test failed"; return 1; }
  if ! gzip -dc "$file" | tail -n 3 | grep -q -- '-- Dump completed'; then
    error "$file: dump is incomplete (no 'Dump completed' trailer)"
    return 1
  fi
  tables="$(gzip -dc "$file" | grep -c '^CREATE TABLE' || true)"
  if ((tables == 0)); then
    error "$file: dump contains no tables"
    return 1
  fi
  info "verified $file ($tables tables, $(du -h "$file" | cut -f1))"
}

# Per-environment backup directories, so "the newest backup" of production is never staging's.
# BACKUP_DIR overrides; local mode uses backups/local, Compose mode backups/<env>.
default_backup_dir() {
  local mode="$1"
  if [[ -n "${BACKUP_DIR:-}" ]]; then
    printf '%s\n' "$BACKUP_DIR"
  elif [[ "$mode" == local ]]; then
    printf '%s/backups/local\n' "$OPS_REPO_ROOT"
  else
    printf '%s/backups/%s\n' "$OPS_REPO_ROOT" "${COMPOSE_PROJECT#mypay-}"
  fi
}

# Archive names in DIR, oldest first (ordered by the UTC time stamp in the name).
list_backups() {
  local dir="$1"
  find "$dir" -maxdepth 1 -type f -name 'mypay-*.sql.gz' -printf '%f\n' 2>/dev/null |
    sed -E 's/^.*-([0-9]{8}T[0-9]{9}Z)(-[A-Za-z0-9-]+)?\.sql\.gz$/\1 &/' | sort | cut -d' ' -f2
}

latest_backup() {
  local dir="$1" name
  name="$(list_backups "$dir" | tail -n 1)"
  [[ -n "$name" ]] && printf '%s/%s\n' "$dir" "$name"
  return 0
}

# --- Check tables (health-check, pre-deploy-check) -------------------------------------------
CHECK_NAMES=()
CHECK_STATUSES=()
CHECK_DETAILS=()

record() {
  CHECK_NAMES+=("$1")
  CHECK_STATUSES+=("$2")
  CHECK_DETAILS+=("$3")
}

# Names of the failed components, each once, in check order.
failed_components() {
  local i
  for i in "${!CHECK_NAMES[@]}"; do
    if [[ "${CHECK_STATUSES[$i]}" == FAIL ]]; then printf '%s\n' "${CHECK_NAMES[$i]}"; fi
  done | awk '!seen[$0]++'
}

print_table() {
  local i failed
  printf '%-32s %-6s %s\n' COMPONENT STATUS DETAIL
  for i in "${!CHECK_NAMES[@]}"; do
    printf '%-32s %-6s %s\n' "${CHECK_NAMES[$i]}" "${CHECK_STATUSES[$i]}" "${CHECK_DETAILS[$i]}"
  done
  failed="$(failed_components | paste -sd, - | sed 's/,/, /g')"
  if [[ -n "$failed" ]]; then
    printf '\nRESULT: FAIL — %s\n' "$failed"
  else
    printf '\nRESULT: PASS — all %d checks passed\n' "${#CHECK_NAMES[@]}"
  fi
}

print_json() {
  local mode="$1" i sep='' failed_json='' name
  while read -r name; do
    [[ -n "$name" ]] || continue
    failed_json+="${failed_json:+,}\"$(json_escape "$name")\""
  done < <(failed_components)
  printf '{"ok":%s,"mode":"%s","failed":[%s],"checks":[' \
    "$([[ -z "$failed_json" ]] && echo true || echo false)" "$mode" "$failed_json"
  for i in "${!CHECK_NAMES[@]}"; do
    printf '%s{"component":"%s","status":"%s","detail":"%s"}' "$sep" \
      "$(json_escape "${CHECK_NAMES[$i]}")" "${CHECK_STATUSES[$i]}" "$(json_escape "${CHECK_DETAILS[$i]}")"
    sep=','
  done
  printf ']}\n'
}

# --- Output helpers --------------------------------------------------------------------------
json_escape() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  printf '%s' "$s" | tr -d '\000-\010\013\014\016-\037'
}

# yes/no question; --yes (ASSUME_YES=1) answers yes, no terminal answers no.
confirm() {
  local prompt="$1" answer
  [[ "${ASSUME_YES:-0}" == 1 ]] && return 0
  [[ -t 0 ]] || { warn "no terminal to confirm '$prompt' (use --yes)"; return 1; }
  read -r -p "$prompt [y/N] " answer
  [[ "$answer" =~ ^[Yy]([Ee][Ss])?$ ]]
}
