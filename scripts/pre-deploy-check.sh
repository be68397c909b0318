#!/usr/bin/env bash
# Checks that this server and the env file are ready for deploy-production.sh.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

ALL_CHECKS=(resources tools ports dns env)

# Every variable the stack reads (see .env.production for what each one means).
REQUIRED_VARS=(DOMAIN LETSENCRYPT_EMAIL MYSQL_ROOT_PASSWORD MYSQL_DATABASE MYSQL_USER MYSQL_PASSWORD
  NODE_ENV LOG_LEVEL PUBLIC_SANDBOX_URL SCENARIO_DELAY_SCALE WEBHOOK_RETRY_SCHEDULE
  WEBHOOK_ALLOW_PRIVATE_TARGETS MERCHANT_JWT_SECRET ADMIN_JWT_SECRET CHECKOUT_CSRF_SECRET COOKIE_SECURE
  SEED_ADMIN_PASSWORD)
# Secrets: at least 32 characters. Passwords also end up in mysql:// URLs: URL-safe only.
LONG_SECRETS=(MYSQL_ROOT_PASSWORD MYSQL_PASSWORD MERCHANT_JWT_SECRET ADMIN_JWT_SECRET CHECKOUT_CSRF_SECRET)
URL_SAFE=(MYSQL_ROOT_PASSWORD MYSQL_PASSWORD MYSQL_USER MYSQL_DATABASE)

usage() {
  cat <<'USAGE'
Usage: scripts/pre-deploy-check.sh [--env staging|production | --env-file FILE] [options]

Checks, one row each (exit 0 only when nothing FAILs):
  resources  RAM (PREDEPLOY_MIN_RAM_MB, 2048) and free disk (PREDEPLOY_MIN_DISK_MB, 10240)
  tools      docker, Docker Compose, curl, openssl, gzip, getent
  ports      80 and 443 free (or already held by this project's nginx)
  dns        sandbox., devportal. and devadmin.DOMAIN resolve (to PREDEPLOY_EXPECT_IP if set)
  env        the env file: present, mode 600, every variable set, no CHANGE_ME left,
             secrets >= 32 characters, SEED_ADMIN_PASSWORD >= 12, production-safe flags

Options:
  --env staging|production   env file .env (production, the default) or .env.staging,
                             Compose project mypay-<env>
  --env-file FILE            another env file
  --checks LIST              comma-separated subset of: resources,tools,ports,dns,env
  --json                     print the result as JSON
  -h, --help                 this help
USAGE
}

env_value() { env_file_value "$ENV_FILE" "$1"; }

check_resources() {
  local ram_mb disk_mb
  ram_mb="$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)"
  if ((ram_mb < ${PREDEPLOY_MIN_RAM_MB:-2048})); then
    record ram FAIL "${ram_mb} MB (< ${PREDEPLOY_MIN_RAM_MB:-2048} MB: MySQL, two Node APIs and two Next servers)"
  else
    record ram PASS "${ram_mb} MB"
  fi
  disk_mb="$(df -Pm "$OPS_REPO_ROOT" | awk 'NR == 2 { print $4 }')"
  if ((disk_mb < ${PREDEPLOY_MIN_DISK_MB:-10240})); then
    record disk FAIL "${disk_mb} MB free (< ${PREDEPLOY_MIN_DISK_MB:-10240} MB for images, database, backups)"
  else
    record disk PASS "${disk_mb} MB free"
  fi
}

check_tools() {
  local tool missing=()
  for tool in docker curl openssl gzip getent; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if ! { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; }; then
    missing+=("docker compose")
  fi
  if ((${#missing[@]} > 0)); then
    record tools FAIL "missing: ${missing[*]}"
  else
    record tools PASS "docker, compose, curl, openssl, gzip, getent"
  fi
}

check_ports() {
  local port holders
  if [[ -n "$(compose ps -q nginx 2>/dev/null || true)" ]]; then
    record ports PASS "80/443 held by this project's nginx (redeploy)"
    return
  fi
  for port in 80 443; do
    holders="$(ss -Hltn "sport = :$port" 2>/dev/null || true)"
    if [[ -n "$holders" ]]; then
      record "port $port" FAIL "already in use: $(head -n 1 <<<"$holders" | awk '{ print $4 }')"
    else
      record "port $port" PASS "free"
    fi
  done
}

check_dns() {
  local domain host addresses
  domain="$(env_value DOMAIN)"
  [[ -n "$domain" ]] || { record dns FAIL "DOMAIN is not set in $ENV_FILE"; return; }
  for host in "sandbox.$domain" "devportal.$domain" "devadmin.$domain"; do
    addresses="$(getent ahostsv4 "$host" 2>/dev/null | awk '{ print $1 }' | sort -u | paste -sd' ' - || true)"
    if [[ -z "$addresses" ]]; then
      record "dns $host" FAIL "does not resolve (create an A record; certbot needs it)"
    elif [[ -n "${PREDEPLOY_EXPECT_IP:-}" && " $addresses " != *" $PREDEPLOY_EXPECT_IP "* ]]; then
      record "dns $host" FAIL "resolves to $addresses, not $PREDEPLOY_EXPECT_IP"
    else
      record "dns $host" PASS "$addresses"
    fi
  done
}

env_problems() {
  local name value mode domain
  mode="$(stat -c %a "$ENV_FILE")"
  [[ "$mode" == 600 ]] || echo "mode is $mode, must be 600 (chmod 600 $ENV_FILE)"
  for name in "${REQUIRED_VARS[@]}"; do
    value="$(env_value "$name")"
    if [[ -z "$value" ]]; then
      echo "$name is not set"
    elif [[ "$value" == *CHANGE_ME* ]]; then
      echo "$name still holds a CHANGE_ME placeholder"
    fi
  done
  for name in "${LONG_SECRETS[@]}"; do
    value="$(env_value "$name")"
    [[ -z "$value" || "$value" == *CHANGE_ME* || ${#value} -ge 32 ]] ||
      echo "$name is ${#value} characters, needs >= 32 (openssl rand -hex 32)"
  done
  for name in "${URL_SAFE[@]}"; do
    value="$(env_value "$name")"
    [[ -z "$value" || "$value" =~ ^[A-Za-z0-9._~-]+$ ]] || echo "$name must be URL-safe (letters, digits, . _ ~ -)"
  done
  value="$(env_value SEED_ADMIN_PASSWORD)"
  [[ -z "$value" || "$value" == *CHANGE_ME* || ${#value} -ge 12 ]] || echo "SEED_ADMIN_PASSWORD needs >= 12 characters"
  [[ "$(env_value MERCHANT_JWT_SECRET)" != "$(env_value ADMIN_JWT_SECRET)" ]] ||
    echo "MERCHANT_JWT_SECRET and ADMIN_JWT_SECRET must differ"
  [[ "$(env_value NODE_ENV)" == production ]] || echo "NODE_ENV must be production"
  [[ "$(env_value COOKIE_SECURE)" == true ]] || echo "COOKIE_SECURE must be true (HTTPS only)"
  [[ "$(env_value WEBHOOK_ALLOW_PRIVATE_TARGETS)" == false ]] ||
    echo "WEBHOOK_ALLOW_PRIVATE_TARGETS must be false (webhooks into private networks = SSRF)"
  domain="$(env_value DOMAIN)"
  [[ -z "$domain" || "$domain" =~ ^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$ ]] || echo "DOMAIN '$domain' is not a lower-case DNS name"
  value="$(env_value PUBLIC_SANDBOX_URL)"
  [[ -z "$value" || -z "$domain" || "$value" == "https://sandbox.$domain" || "$value" == *CHANGE_ME* ]] ||
    echo "PUBLIC_SANDBOX_URL should be https://sandbox.$domain (is $value)"
  # Images are IMAGE_PREFIX/<service>:current on the host: staging's must not be production's.
  if [[ "$(basename "$ENV_FILE")" == .env.staging ]]; then
    value="$(env_value IMAGE_PREFIX)"
    [[ -n "$value" && "$value" != mypay && "$value" != mypay-production ]] ||
      echo "IMAGE_PREFIX must be set and differ from production's (e.g. IMAGE_PREFIX=mypay-staging)"
  fi
  return 0
}

check_env() {
  local problems line
  if [[ ! -r "$ENV_FILE" ]]; then
    record env FAIL "$ENV_FILE not found (cp .env.production $ENV_FILE, fill it in, chmod 600)"
    return
  fi
  # An explicit opt-in, so a warning and not a failure: the demo merchant's credentials are public.
  if [[ "$(env_value SEED_DEMO_MERCHANT)" == true ]]; then
    record "env SEED_DEMO_MERCHANT" WARN \
      "the seed creates the public demo merchant (test@mycodigital.io / test123456, key test-api-key-123): anyone can sign in; set SEED_DEMO_MERCHANT=false unless this host is a public demo"
  fi
  problems="$(env_problems)"
  if [[ -z "$problems" ]]; then
    record env PASS "$ENV_FILE complete"
    return
  fi
  while read -r line; do
    record env FAIL "$line"
  done <<<"$problems"
}

main() {
  local checks json=0 check
  checks="$(IFS=,; echo "${ALL_CHECKS[*]}")"
  ENV_FILE="$(env_file_for production)" COMPOSE_PROJECT=mypay-production
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --env)
        [[ "${2:-}" =~ ^(staging|production)$ ]] || { usage >&2; exit 2; }
        ENV_FILE="$(env_file_for "$2")" COMPOSE_PROJECT="mypay-$2"
        shift
        ;;
      --env-file) ENV_FILE="${2:?--env-file needs a file}"; shift ;;
      --checks) checks="${2:?--checks needs a list}"; shift ;;
      --json) json=1 ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  export ENV_FILE COMPOSE_PROJECT
  for check in ${checks//,/ }; do
    case "$check" in
      resources | tools | ports | dns | env) "check_$check" ;;
      *) echo "unknown check: $check" >&2; usage >&2; exit 2 ;;
    esac
  done
  if [[ "$json" == 1 ]]; then print_json pre-deploy; else print_table; fi
  [[ -z "$(failed_components)" ]]
}

main "$@"
