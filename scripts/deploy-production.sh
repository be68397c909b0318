#!/usr/bin/env bash
# Deploys MyPay Sandbox with Docker Compose: backup, build, start, migrate, certificates,
# verify — and rolls back automatically when the verification fails.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

IMAGE_SERVICES=(migrate payout-api payment-api merchant-portal admin-portal)
CERT_NAME=mypay
CERT_DIR="$OPS_REPO_ROOT/nginx/certbot/conf"

usage() {
  cat <<'USAGE'
Usage: scripts/deploy-production.sh [--env staging|production] [options]

Steps (each logged to logs/deployment-<UTC time>.log):
  1. pre-deploy checks (env file, tools, resources)
  2. backup of the running database (skipped on the first deployment)
  3. tag the running images :rollback (the rollback point)
  4. build the images (pulling newer base images first when a registry answers)
  5. start MySQL, apply migrations, seed if the database is empty, least-privilege grants
     for the app user (scripts/db-grants.sh: AuditLog append-only)
  6. start everything (docker compose up -d) and wait for the health checks
  7. issue or renew the TLS certificate (scripts/certificates.sh: certbot's webroot flow
     through nginx), then start the certbot-renew loop (twice a day)
  8. verify with scripts/health-check.sh
If a step from 4 on fails, the previous images are put back (and the pre-deploy backup
restored when migrations had run) and the health check is repeated.

Options:
  --env staging|production   env file .env (production) or .env.staging, Compose project
                             mypay-<env> (default production)
  --env-file FILE            another env file (default: the one --env names)
  --project NAME             another Compose project name (default mypay-<env>)
  --pull                     pull newer base images before building; fail if that fails
  --no-pull                  build from the base images this machine has (no registry)
                             (default: pull when a registry answers, else build without)
  --https-port PORT          verify: the public hosts' HTTPS port (default 443)
  --cacert FILE              verify: trust this CA for the public hosts
  --skip-certs               leave certificates alone (e.g. behind another TLS terminator)
  --acme-server URL          ACME directory to issue from (default ACME_SERVER from the env
                             file, else Let's Encrypt production)
  --staging                  Let's Encrypt's staging directory (untrusted test certificates)
  --no-rollback              on failure, leave the new release running for inspection
  --yes                      no questions
  -h, --help                 this help

Environment: DEPLOY_HEALTH_TIMEOUT (seconds to wait for healthy containers, 300),
DEPLOY_LOG_DIR (logs/), DEPLOY_PULL_TIMEOUT (seconds the registry probe may take, 30).
Images are IMAGE_PREFIX/<service>:current (IMAGE_PREFIX from the env file, default mypay).
USAGE
}

# --- Steps -----------------------------------------------------------------------------------------
step() {
  STEP="$1"
  info "=== $STEP"
}

mysql_running() { [[ -n "$(compose ps -q mysql 2>/dev/null || true)" ]]; }

migration_count() {
  db_sql compose <<<"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'" |
    grep -qx 1 || { echo 0; return; }
  db_sql compose <<<"SELECT COUNT(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL"
}

pre_deploy_checks() {
  step "pre-deploy checks"
  "$SCRIPT_DIR/pre-deploy-check.sh" --env-file "$ENV_FILE" --checks resources,tools,env
}

backup_database() {
  step "backup"
  PRE_DEPLOY_BACKUP=''
  if ! mysql_running; then
    info "no running database (first deployment): nothing to back up"
    return
  fi
  PRE_DEPLOY_BACKUP="$("$SCRIPT_DIR/backup.sh" --env-file "$ENV_FILE" --project "$COMPOSE_PROJECT" --dir "$BACKUP_DIR" --label pre-deploy)"
  MIGRATIONS_BEFORE="$(migration_count)"
}

tag_rollback_point() {
  local svc
  step "rollback point"
  ROLLBACK_READY=1
  for svc in "${IMAGE_SERVICES[@]}"; do
    if docker image inspect "$(image_name "$svc" current)" >/dev/null 2>&1; then
      docker tag "$(image_name "$svc" current)" "$(image_name "$svc" rollback)"
      info "tagged $(image_name "$svc" rollback)"
    else
      ROLLBACK_READY=0
    fi
  done
  ((ROLLBACK_READY == 1)) || warn "no complete set of running images: this deployment has no rollback point"
  mkdir -p "$BACKUP_DIR"
  {
    echo "DEPLOYED_AT=$(ops_timestamp)"
    echo "GIT_COMMIT=$(git -C "$OPS_REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "PRE_DEPLOY_BACKUP=$PRE_DEPLOY_BACKUP"
    echo "ROLLBACK_IMAGES=$ROLLBACK_READY"
  } >"$BACKUP_DIR/last-deploy.env"
}

# Whether `build --pull` can work: it asks a registry for every base image, which fails
# where none can be reached (images made on this machine, no network).
pull_base_images() {
  local image
  case "$PULL" in
    yes) return 0 ;;
    no) return 1 ;;
  esac
  image="$(env_file_value "$ENV_FILE" NODE_IMAGE)"
  image="${NODE_IMAGE:-${image:-node:20-bookworm-slim}}"
  if timeout "${DEPLOY_PULL_TIMEOUT:-30}" docker pull -q "$image" >/dev/null 2>&1; then
    return 0
  fi
  warn "cannot pull $image (no registry reachable?): building from the local base images"
  return 1
}

build_images() {
  step "build"
  if pull_base_images; then
    compose build --pull
  else
    compose build
  fi
}

migrate_database() {
  local merchants
  step "database and migrations"
  write_seed_admin_secret
  compose up -d mysql
  wait_for_healthy mysql
  MIGRATIONS_BEFORE="${MIGRATIONS_BEFORE:-$(migration_count)}"
  compose run --rm --no-deps migrate node --import tsx migrate.ts
  merchants="$(db_sql compose <<<"SELECT COUNT(*) FROM Merchant")"
  if [[ "$merchants" == 0 ]]; then
    info "empty database: seeding"
    compose run --rm --no-deps migrate node --import tsx seed.ts
  else
    info "database holds $merchants merchant(s): no seed (the migrate service's seed only refreshes reference data)"
  fi
  # New tables need the app user's grants; AuditLog stays append-only.
  "$SCRIPT_DIR/db-grants.sh" --env-file "$ENV_FILE" --project "$COMPOSE_PROJECT"
}

start_stack() {
  step "start"
  ensure_certificate_files
  compose up -d --no-build --remove-orphans
  wait_for_healthy mysql payout-api payment-api merchant-portal admin-portal nginx
}

# nginx cannot start without certificate files: until certbot has issued the real one, a
# self-signed placeholder takes its place (the well-known nginx + certbot bootstrap).
ensure_certificate_files() {
  "$SCRIPT_DIR/certificates.sh" placeholder --domain "$(env_file_value "$ENV_FILE" DOMAIN)"
}

# certbot's webroot flow through our nginx (scripts/certificates.sh): issue when only the
# placeholder is there, else renew when due; then the renewal loop (certbot-renew) keeps it fresh.
issue_or_renew_certificate() {
  local domain email server
  local -a args
  step "certificates"
  domain="$(env_file_value "$ENV_FILE" DOMAIN)"
  email="$(env_file_value "$ENV_FILE" LETSENCRYPT_EMAIL)"
  server="${ACME_SERVER_ARG:-${ACME_SERVER:-$(env_file_value "$ENV_FILE" ACME_SERVER)}}"
  args=(--domain "$domain" --email "$email")
  [[ -n "$server" ]] && args+=(--server "$server")
  if [[ -f "$CERT_DIR/live/$CERT_NAME/.self-signed" ]]; then
    if ! "$SCRIPT_DIR/certificates.sh" issue "${args[@]}"; then
      CERT_FAILED=1
      error "certbot could not issue the certificate (DNS? port 80 reachable?); serving the self-signed placeholder"
      return 0
    fi
  else
    "$SCRIPT_DIR/certificates.sh" renew --now "${args[@]}" ||
      warn "certbot renew failed; the current certificate stays"
  fi
  # Twice a day from now on: certbot renews 30 days before expiry, nginx reloads every 6 h.
  compose --profile certbot up -d --no-build certbot-renew ||
    warn "could not start the certbot-renew service; renew by hand: scripts/certificates.sh renew"
}

verify() {
  local -a args=(--env-file "$ENV_FILE" --project "$COMPOSE_PROJECT" --resolve 127.0.0.1 --https-port "$HTTPS_PORT")
  step "verify"
  [[ -n "$CA_FILE" ]] && args+=(--cacert "$CA_FILE")
  # Public hosts are checked against this server (--resolve), whatever DNS says yet.
  [[ "${CERT_FAILED:-0}" == 1 || "$SKIP_CERTS" == 1 ]] && args+=(--skip-public)
  "$SCRIPT_DIR/health-check.sh" "${args[@]}"
}

# --- Rollback --------------------------------------------------------------------------------------
rollback() {
  local svc migrations_after
  error "deployment failed during '$STEP'"
  if [[ "${NO_ROLLBACK:-0}" == 1 ]]; then
    error "--no-rollback: the new release stays up for inspection; roll back with scripts/rollback.sh --full"
    return 1
  fi
  if [[ "${ROLLBACK_READY:-0}" != 1 ]]; then
    error "no rollback point (first deployment?): the stack stays as it is for inspection"
    return 1
  fi
  warn "=== automatic rollback to the previous release"
  for svc in "${IMAGE_SERVICES[@]}"; do
    docker tag "$(image_name "$svc" rollback)" "$(image_name "$svc" current)"
  done
  migrations_after="$(migration_count 2>/dev/null || echo unknown)"
  if [[ -n "${PRE_DEPLOY_BACKUP:-}" && "$migrations_after" != "${MIGRATIONS_BEFORE:-unknown}" ]]; then
    warn "migrations changed ($MIGRATIONS_BEFORE -> $migrations_after): restoring $PRE_DEPLOY_BACKUP"
    HEALTH_CHECK_EXTRA_ARGS=--skip-public "$SCRIPT_DIR/rollback.sh" --restore-db "$PRE_DEPLOY_BACKUP" --yes \
      --env-file "$ENV_FILE" --project "$COMPOSE_PROJECT" --dir "$BACKUP_DIR" || true
  fi
  compose up -d --no-build --remove-orphans
  if wait_for_healthy mysql payout-api payment-api merchant-portal admin-portal nginx &&
    "$SCRIPT_DIR/health-check.sh" --env-file "$ENV_FILE" --project "$COMPOSE_PROJECT" --skip-public; then
    warn "rolled back: the previous release is running and healthy"
  else
    error "the previous release is not healthy either: see the table above and QUICK-DEPLOY-GUIDE.md"
  fi
  return 1
}

# Exit trap: a failure after the rollback point (set -e stops at the failing step) puts the
# previous release back before the script ends.
on_exit() {
  local status=$?
  if ((status != 0)) && [[ "${IN_RISKY_PART:-0}" == 1 ]]; then
    IN_RISKY_PART=0
    rollback || true
    error "deployment of ${DEPLOY_ENV:-?} failed"
  fi
  ops_cleanup
  exit "$status"
}

run_deployment() {
  pre_deploy_checks
  backup_database
  tag_rollback_point
  IN_RISKY_PART=1
  build_images
  migrate_database
  start_stack
  certificates
  verify
  IN_RISKY_PART=0
}

certificates() {
  if [[ "$SKIP_CERTS" == 1 ]]; then info "certificates skipped (--skip-certs)"; return 0; fi
  issue_or_renew_certificate
}

parse_args() {
  DEPLOY_ENV=production SKIP_CERTS=0 NO_ROLLBACK=0 ASSUME_YES="${ASSUME_YES:-0}"
  PULL=auto HTTPS_PORT=443 CA_FILE='' COMPOSE_PROJECT='' ACME_SERVER_ARG=''
  local env_file=''
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --env)
        [[ "${2:-}" =~ ^(staging|production)$ ]] || { usage >&2; exit 2; }
        DEPLOY_ENV="$2"
        shift
        ;;
      --env-file) env_file="${2:?--env-file needs a file}"; shift ;;
      --project) COMPOSE_PROJECT="${2:?--project needs a name}"; shift ;;
      --pull) PULL=yes ;;
      --no-pull) PULL=no ;;
      --https-port)
        [[ "${2:-}" =~ ^[0-9]{1,5}$ ]] || { echo "--https-port needs a port number" >&2; usage >&2; exit 2; }
        HTTPS_PORT="$2"
        shift
        ;;
      --cacert) CA_FILE="${2:?--cacert needs a file}"; shift ;;
      --skip-certs) SKIP_CERTS=1 ;;
      --acme-server) ACME_SERVER_ARG="${2:?--acme-server needs a URL}"; shift ;;
      --staging) ACME_SERVER_ARG=https://acme-staging-v02.api.letsencrypt.org/directory ;;
      --no-rollback) NO_ROLLBACK=1 ;;
      --yes) ASSUME_YES=1 ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  ENV_FILE="${env_file:-${ENV_FILE:-$(env_file_for "$DEPLOY_ENV")}}"
  COMPOSE_PROJECT="${COMPOSE_PROJECT:-mypay-$DEPLOY_ENV}"
  BACKUP_DIR="$(default_backup_dir compose)"
  export ENV_FILE COMPOSE_PROJECT BACKUP_DIR ASSUME_YES
}

main() {
  local log_dir started
  parse_args "$@"
  [[ -r "$ENV_FILE" ]] || die "$ENV_FILE not found: cp .env.production $ENV_FILE, fill it in, chmod 600"
  log_dir="${DEPLOY_LOG_DIR:-$OPS_REPO_ROOT/logs}"
  mkdir -p "$log_dir"
  OPS_LOG_FILE="$log_dir/deployment-$(date -u +%Y%m%dT%H%M%SZ).log"
  # Everything, including docker output, goes to the terminal and the deployment log.
  exec > >(tee -a "$OPS_LOG_FILE") 2>&1
  OPS_LOG_FILE=''
  started=$SECONDS
  info "deploying $DEPLOY_ENV (project $COMPOSE_PROJECT, env file $ENV_FILE)"
  confirm "Deploy $(git -C "$OPS_REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo this checkout) to $DEPLOY_ENV?" || die "deployment cancelled"
  trap on_exit EXIT
  run_deployment
  if [[ "${CERT_FAILED:-0}" == 1 ]]; then
    warn "deployed in $((SECONDS - started)) s, but with a self-signed certificate: fix DNS/port 80 and rerun"
    exit 3
  fi
  info "deployed $DEPLOY_ENV in $((SECONDS - started)) s"
}

main "$@"
