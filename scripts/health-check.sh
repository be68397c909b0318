#!/usr/bin/env bash
# Checks every part of MyPay Sandbox and prints a summary table; exit 0 only when all pass.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/health-check.sh [--local] [--json] [options]

Checks MyPay Sandbox and prints one row per component (PASS / WARN / FAIL).
Exit status: 0 when nothing FAILs, 1 when something FAILs (named in the last line
and in "failed" with --json), 2 on bad usage.

Modes:
  (default)      the Docker Compose deployment: each container's state and health, each
                 API's /health and each portal from inside its container, the database,
                 the public HTTPS hosts, disk, memory and recent errors in container logs.
  --local        processes started without Docker (scripts/sandbox.sh, pnpm … start):
                   PAYOUT_API_URL       default http://127.0.0.1:4001
                   PAYMENT_API_URL      default http://127.0.0.1:4002
                   MERCHANT_PORTAL_URL  default http://127.0.0.1:4010
                   ADMIN_PORTAL_URL     default http://127.0.0.1:4011
                   DATABASE_URL         default mysql://root@127.0.0.1:3306/mypay
                 plus disk, memory and errors in HEALTH_LOG_DIR (default logs/).

Options:
  --json               print the result as one JSON object on stdout (table goes away)
  --env staging|production
                       Compose mode: env file .env (production) or .env.staging, project mypay-<env>
  --env-file FILE      Compose mode: env file (default .env)
  --project NAME       Compose mode: project name (default mypay-production)
  --domain DOMAIN      public hosts to check (default DOMAIN from the env file)
  --resolve IP         reach the public hosts at IP (before DNS points at this server)
  --https-port PORT    the public hosts' HTTPS port (default 443; e.g. a test stack on 8443)
  --cacert FILE        trust this CA (or certificate) for the public hosts, besides the system's
  --skip-public        do not check the public HTTPS hosts
  --cert FILE          check this PEM certificate's expiry (repeatable), e.g.
                       nginx/certbot/conf/live/mypay/fullchain.pem
  -h, --help           this help

Thresholds (environment): HEALTH_DISK_MIN_FREE_MB (1024), HEALTH_MEM_MIN_AVAILABLE_MB (128),
HEALTH_LOG_WINDOW_MINUTES (15), HEALTH_LOG_MAX_ERRORS (20: more FAILs, fewer WARN),
HEALTH_TIMEOUT_SECONDS (5), HEALTH_CERT_MIN_DAYS (14: a certificate, served or --cert, that
expires sooner WARNs; an expired one FAILs).
USAGE
}

# --- HTTP checks -------------------------------------------------------------------------------
# http_probe URL [curl args…] → sets PROBE_CODE (000 when unreachable), PROBE_BODY, PROBE_ERROR.
http_probe() {
  local url="$1" body_file err_file
  shift
  body_file="$(ops_mktemp)"
  err_file="$(ops_mktemp)"
  PROBE_CODE="$(curl -sS -o "$body_file" -w '%{http_code}' --connect-timeout 3 \
    --max-time "${HEALTH_TIMEOUT_SECONDS:-5}" "$@" "$url" 2>"$err_file")" || true
  PROBE_CODE="${PROBE_CODE:-000}"
  PROBE_BODY="$(head -c 300 "$body_file" | tr -d '\n')"
  PROBE_ERROR="$(head -n 1 "$err_file")"
}

# An API's GET /health: 200 with {"status":"ok","db":"up"} passes, 200 "degraded" warns.
judge_api_health() {
  local name="$1" code="$2" body="$3" error="$4"
  if [[ "$code" == 000 ]]; then
    record "$name" FAIL "not reachable: ${error:-no answer}"
  elif [[ "$code" == 200 && "$body" =~ \"status\":\"ok\" && "$body" =~ \"db\":\"up\" ]]; then
    record "$name" PASS "200 status ok, db up"
  elif [[ "$code" == 200 ]]; then
    record "$name" WARN "200 but degraded: $body"
  else
    record "$name" FAIL "HTTP $code: $body"
  fi
}

# A portal answers below 500 (anonymous visitors are redirected to the login page).
judge_portal() {
  local name="$1" code="$2" error="$3"
  if [[ "$code" == 000 ]]; then
    record "$name" FAIL "not reachable: ${error:-no answer}"
  elif ((10#$code < 500)); then
    record "$name" PASS "HTTP $code"
  else
    record "$name" FAIL "HTTP $code"
  fi
}

check_local_api() {
  local name="$1" base="$2"
  http_probe "${base%/}/health"
  judge_api_health "$name" "$PROBE_CODE" "$PROBE_BODY" "$PROBE_ERROR"
}

check_local_portal() {
  local name="$1" base="$2"
  http_probe "${base%/}/"
  judge_portal "$name" "$PROBE_CODE" "$PROBE_ERROR"
}

# --- Database ------------------------------------------------------------------------------------
check_database() {
  local target="$1" out err_file
  err_file="$(ops_mktemp)"
  if out="$(db_sql "$target" <<<"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()" 2>"$err_file")"; then
    if [[ "$out" =~ ^[0-9]+$ && "$out" -gt 0 ]]; then
      record database PASS "reachable, $out tables"
    else
      record database FAIL "reachable but the schema is empty (run migrations)"
    fi
  else
    record database FAIL "$(grep -v '^$' "$err_file" | tail -n 1 | cut -c1-160)"
  fi
}

# --- Host resources ------------------------------------------------------------------------------
check_disk() {
  local path="$1" free_mb min_mb="${HEALTH_DISK_MIN_FREE_MB:-1024}"
  free_mb="$(df -Pm "$path" | awk 'NR == 2 { print $4 }')"
  if ((free_mb < min_mb)); then
    record disk FAIL "${free_mb} MB free on $path (< ${min_mb} MB)"
  elif ((free_mb < min_mb * 5)); then
    record disk WARN "${free_mb} MB free on $path"
  else
    record disk PASS "${free_mb} MB free on $path"
  fi
}

check_memory() {
  local avail_mb min_mb="${HEALTH_MEM_MIN_AVAILABLE_MB:-128}"
  if [[ ! -r /proc/meminfo ]]; then
    record memory WARN "/proc/meminfo not readable"
    return
  fi
  avail_mb="$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)"
  if ((avail_mb < min_mb)); then
    record memory FAIL "${avail_mb} MB available (< ${min_mb} MB)"
  elif ((avail_mb < min_mb * 4)); then
    record memory WARN "${avail_mb} MB available"
  else
    record memory PASS "${avail_mb} MB available"
  fi
}

# pino error/fatal lines, nginx [error]/[crit]/[emerg] lines, and plain "ERROR" lines.
count_error_lines() {
  grep -cE '"level":(50|60)[,}]|\[(error|crit|alert|emerg)\]|(^|[^A-Za-z])(ERROR|FATAL)[^A-Za-z]' || true
}

judge_log_errors() {
  local count="$1" where="$2" max="${HEALTH_LOG_MAX_ERRORS:-20}"
  if ((count > max)); then
    record logs FAIL "$count error lines in the last ${HEALTH_LOG_WINDOW_MINUTES:-15} min ($where)"
  elif ((count > 0)); then
    record logs WARN "$count error lines in the last ${HEALTH_LOG_WINDOW_MINUTES:-15} min ($where)"
  else
    record logs PASS "no error lines in the last ${HEALTH_LOG_WINDOW_MINUTES:-15} min ($where)"
  fi
}

check_local_logs() {
  local dir="$1" count=0 files
  if [[ ! -d "$dir" ]]; then
    record logs PASS "no log directory at $dir"
    return
  fi
  files="$(find "$dir" -type f -name '*.log' -mmin "-${HEALTH_LOG_WINDOW_MINUTES:-15}" 2>/dev/null || true)"
  if [[ -n "$files" ]]; then
    count="$(xargs -d '\n' cat -- <<<"$files" | count_error_lines)"
  fi
  judge_log_errors "$count" "$dir"
}

# --- Compose deployment --------------------------------------------------------------------------
SERVICES=(mysql payout-api payment-api merchant-portal admin-portal nginx)

# Container ids by service (ops-common.sh project_containers: stopped ones included).
declare -A SERVICE_IDS=()
load_containers() {
  local svc id
  while read -r svc id; do
    if [[ -n "$id" ]]; then SERVICE_IDS[$svc]+="${SERVICE_IDS[$svc]:+ }$id"; fi
  done < <(project_containers)
}

check_containers() {
  local svc id state
  load_containers
  for svc in "${SERVICES[@]}"; do
    if [[ -z "${SERVICE_IDS[$svc]:-}" ]]; then
      record "$svc container" FAIL "not created"
      continue
    fi
    for id in ${SERVICE_IDS[$svc]}; do
      state="$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id" 2>/dev/null || echo "unknown unknown")"
      case "$state" in
        "running healthy") record "$svc container" PASS "running, healthy (${id:0:12})" ;;
        "running starting") record "$svc container" WARN "running, health check still starting (${id:0:12})" ;;
        *) record "$svc container" FAIL "$state (${id:0:12})" ;;
      esac
    done
  done
}

# GET inside the service's container (the apps are not published on the host).
container_probe() {
  local svc="$1" port="$2" path="$3" out
  # shellcheck disable=SC2016 # JavaScript, not shell
  local js='const [port, path] = process.argv.slice(1);
fetch(`http://127.0.0.1:${port}${path}`, { redirect: "manual", signal: AbortSignal.timeout(5000) })
  .then(async (r) => { console.log(r.status + " " + (await r.text()).slice(0, 300).replace(/\n/g, " ")); })
  .catch((e) => { console.log("000 " + e.message); });'
  local id="${SERVICE_IDS[$svc]%% *}"
  out=''
  if [[ -n "$id" ]]; then out="$(docker exec "$id" node -e "$js" "$port" "$path" 2>&1 | tail -n 1)" || true; fi
  [[ "$out" =~ ^[0-9]{3}\  ]] || out="000 container not running"
  PROBE_CODE="${out%% *}"
  [[ "$PROBE_CODE" =~ ^[0-9]{3}$ ]] || PROBE_CODE=000
  PROBE_BODY="${out#* }"
  PROBE_ERROR="$PROBE_BODY"
}

check_compose_apps() {
  container_probe payout-api 4001 /health
  judge_api_health payout-api "$PROBE_CODE" "$PROBE_BODY" "$PROBE_ERROR"
  container_probe payment-api 4002 /health
  judge_api_health payment-api "$PROBE_CODE" "$PROBE_BODY" "$PROBE_ERROR"
  container_probe merchant-portal 4010 /
  judge_portal merchant-portal "$PROBE_CODE" "$PROBE_ERROR"
  container_probe admin-portal 4011 /
  judge_portal admin-portal "$PROBE_CODE" "$PROBE_ERROR"
}

# Seconds until a PEM certificate (on stdin) expires; negative once it has.
cert_seconds_left() {
  local end
  end="$(openssl x509 -noout -enddate 2>/dev/null | cut -d= -f2)" || true
  [[ -n "$end" ]] || return 1
  echo $(($(date -d "$end" +%s) - $(date +%s)))
}

served_cert_seconds_left() {
  local host="$1"
  openssl s_client -connect "${RESOLVE_IP:-$host}:$HTTPS_PORT" -servername "$host" </dev/null 2>/dev/null |
    cert_seconds_left
}

# judge_certificate NAME SECONDS_LEFT: FAIL once expired, WARN within HEALTH_CERT_MIN_DAYS (14).
judge_certificate() {
  local name="$1" left="$2" days
  days=$((left / 86400))
  if ((left <= 0)); then
    record "$name" FAIL "expired $((-left / 86400)) days ago: renew now (scripts/certificates.sh renew --force --now)"
  elif ((days < ${HEALTH_CERT_MIN_DAYS:-14})); then
    record "$name" WARN "expires in $days days: renewal is failing (certbot renews at 30 days; scripts/certificates.sh renew)"
  else
    record "$name" PASS "valid for $days more days"
  fi
}

# The certificate files named with --cert.
check_certificate_files() {
  local file left
  for file in "${CERT_FILES[@]+"${CERT_FILES[@]}"}"; do
    if ! left="$(cert_seconds_left <"$file")"; then
      record "certificate $file" FAIL "not a readable PEM certificate"
      continue
    fi
    judge_certificate "certificate $file" "$left"
  done
}

check_public_hosts() {
  local domain="$1" host path name left origin
  local -a tls
  for host in "sandbox.$domain" "devportal.$domain" "devadmin.$domain"; do
    tls=()
    [[ -n "${RESOLVE_IP:-}" ]] && tls+=(--resolve "$host:$HTTPS_PORT:$RESOLVE_IP")
    [[ -n "${CA_FILE:-}" ]] && tls+=(--cacert "$CA_FILE")
    origin="https://$host"
    [[ "$HTTPS_PORT" == 443 ]] || origin+=":$HTTPS_PORT"
    path=/
    [[ "$host" == sandbox.* ]] && path=/health
    name="https://$host"
    http_probe "$origin$path" "${tls[@]+"${tls[@]}"}"
    if [[ "$host" == sandbox.* ]]; then
      judge_api_health "$name" "$PROBE_CODE" "$PROBE_BODY" "$PROBE_ERROR"
    else
      judge_portal "$name" "$PROBE_CODE" "$PROBE_ERROR"
    fi
    if left="$(served_cert_seconds_left "$host")"; then
      judge_certificate "$name certificate" "$left"
    fi
  done
}

check_compose_logs() {
  local svc id count=0 n
  for svc in "${SERVICES[@]}"; do
    for id in ${SERVICE_IDS[$svc]:-}; do
      n="$(docker logs --since "${HEALTH_LOG_WINDOW_MINUTES:-15}m" "$id" 2>&1 | count_error_lines)"
      count=$((count + n))
    done
  done
  judge_log_errors "$count" "container logs"
}

# --- Main ----------------------------------------------------------------------------------------
run_local() {
  check_local_api payout-api "${PAYOUT_API_URL:-http://127.0.0.1:4001}"
  check_local_api payment-api "${PAYMENT_API_URL:-http://127.0.0.1:4002}"
  check_local_portal merchant-portal "${MERCHANT_PORTAL_URL:-http://127.0.0.1:4010}"
  check_local_portal admin-portal "${ADMIN_PORTAL_URL:-http://127.0.0.1:4011}"
  check_database "${DATABASE_URL:-mysql://root@127.0.0.1:3306/mypay}"
  check_certificate_files
  check_disk "$OPS_REPO_ROOT"
  check_memory
  check_local_logs "${HEALTH_LOG_DIR:-$OPS_REPO_ROOT/logs}"
}

run_compose() {
  require_commands docker curl openssl
  check_containers
  check_compose_apps
  check_database compose
  if [[ "$SKIP_PUBLIC" != 1 ]]; then
    [[ -n "$DOMAIN_ARG" ]] || DOMAIN_ARG="$(env_file_value "$ENV_FILE" DOMAIN)"
    check_public_hosts "${DOMAIN_ARG:-mycodigital.io}"
  fi
  check_certificate_files
  check_disk "$OPS_REPO_ROOT"
  check_memory
  check_compose_logs
}

parse_args() {
  MODE=compose JSON=0 SKIP_PUBLIC=0 DOMAIN_ARG='' RESOLVE_IP='' HTTPS_PORT=443 CA_FILE='' CERT_FILES=()
  ENV_FILE="${ENV_FILE:-$OPS_REPO_ROOT/.env}"
  COMPOSE_PROJECT="${COMPOSE_PROJECT:-mypay-production}"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --local) MODE=local ;;
      --json) JSON=1 ;;
      --env)
        [[ "${2:-}" =~ ^(staging|production)$ ]] || { usage >&2; exit 2; }
        ENV_FILE="$(env_file_for "$2")" COMPOSE_PROJECT="mypay-$2"
        shift
        ;;
      --env-file) ENV_FILE="${2:?--env-file needs a file}"; shift ;;
      --project) COMPOSE_PROJECT="${2:?--project needs a name}"; shift ;;
      --domain) DOMAIN_ARG="${2:?--domain needs a domain}"; shift ;;
      --resolve) RESOLVE_IP="${2:?--resolve needs an IP}"; shift ;;
      --https-port)
        [[ "${2:-}" =~ ^[0-9]{1,5}$ ]] || { echo "--https-port needs a port number" >&2; usage >&2; exit 2; }
        HTTPS_PORT="$2"
        shift
        ;;
      --cacert)
        [[ -r "${2:-}" ]] || { echo "--cacert needs a readable file" >&2; exit 2; }
        CA_FILE="$2"
        shift
        ;;
      --skip-public) SKIP_PUBLIC=1 ;;
      --cert) CERT_FILES+=("${2:?--cert needs a file}"); shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  export ENV_FILE COMPOSE_PROJECT
}

main() {
  parse_args "$@"
  require_commands curl awk df
  ((${#CERT_FILES[@]} == 0)) || require_commands openssl
  if [[ "$MODE" == local ]]; then run_local; else run_compose; fi
  if [[ "$JSON" == 1 ]]; then print_json "$MODE"; else print_table; fi
  [[ -z "$(failed_components)" ]]
}

main "$@"
