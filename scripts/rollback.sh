#!/usr/bin/env bash
# Puts MyPay Sandbox back into a known-good state: restart, restore the database, roll back
# to the previous images, or switch to a maintenance page.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

APP_SERVICES=(payout-api payment-api merchant-portal admin-portal)
IMAGE_SERVICES=(migrate payout-api payment-api merchant-portal admin-portal)

usage() {
  cat <<'USAGE'
Usage: scripts/rollback.sh [ACTION] [options]

Without an action on a terminal, shows a menu. Actions:
  --restart             restart the app containers (and nginx), then run health-check.sh
  --restore-db [FILE]   restore the database from FILE (default: the newest archive in the
                        backup directory). A safety backup is taken first (into
                        <backup dir>/pre-restore/); in Compose mode the apps are stopped
                        during the restore and started again after it.
  --full                previous release: the images tagged :rollback by deploy-production.sh
                        and the database backup taken just before that deployment
  --emergency           stop every app container (the database stays up) and make nginx
                        answer with the maintenance page (503 + Retry-After)
  --resume              leave maintenance mode: remove the flag, start the apps, health-check

Options:
  --local               act on processes started without Docker: the database at DATABASE_URL
                        (default mysql://root@127.0.0.1:3306/mypay); --emergency/--resume only
                        toggle the maintenance flag in NGINX_STATE_DIR
  --yes                 do not ask for confirmation (scripts, CI)
  --dir DIR             backup directory (default BACKUP_DIR, else backups/<env>, e.g.
                        backups/production, or backups/local with --local)
  --env staging|production
                        Compose mode: env file .env (production) or .env.staging, project mypay-<env>
  --env-file FILE       Compose mode: env file (default .env)
  --project NAME        Compose mode: project name (default mypay-production)
  --resolve IP          health check: reach the public hosts at IP (default 127.0.0.1, this server)
  --https-port PORT     health check: the public hosts' HTTPS port (default 443)
  --cacert FILE         health check: trust this CA for the public hosts
  -h, --help            this help

Environment: NGINX_STATE_DIR (the host directory nginx reads maintenance.on from; default:
what the nginx container mounts, else nginx/state), ROLLBACK_LOG_DIR (default logs/;
Compose mode logs each run to rollback-<time>.log there), HEALTH_CHECK_EXTRA_ARGS (passed
to health-check.sh, e.g. --skip-public).
USAGE
}

compose_mode() { [[ "$TARGET" == compose ]]; }

# The host directory behind the nginx container's /var/lib/mypay-nginx (the Compose file, or
# an override, decides where it is), unless NGINX_STATE_DIR says.
nginx_state_dir() {
  local id dir=''
  if [[ -n "${NGINX_STATE_DIR:-}" ]]; then
    dir="$NGINX_STATE_DIR"
  elif compose_mode && id="$(project_containers | awk '$1 == "nginx" { print $2; exit }')" && [[ -n "$id" ]]; then
    dir="$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/var/lib/mypay-nginx"}}{{.Source}}{{end}}{{end}}' "$id" 2>/dev/null || true)"
  fi
  printf '%s\n' "${dir:-$OPS_REPO_ROOT/nginx/state}"
}

maintenance_flag() { printf '%s/maintenance.on\n' "$(nginx_state_dir)"; }

LONG_RUNNING=(mysql "${APP_SERVICES[@]}" nginx)

run_health_check() {
  local -a args=() extra=()
  if compose_mode; then
    # Containers just (re)started get their health checks' time first.
    wait_for_healthy "${LONG_RUNNING[@]}" || warn "not every container is healthy yet; checking anyway"
    # Run on the server: public hosts are checked against this machine's nginx.
    args=(--env-file "$ENV_FILE" --project "$COMPOSE_PROJECT" --resolve "$RESOLVE_IP" --https-port "$HTTPS_PORT")
    [[ -n "$CA_FILE" ]] && args+=(--cacert "$CA_FILE")
  else
    args=(--local)
  fi
  # HEALTH_CHECK_EXTRA_ARGS: e.g. --skip-public while certificates are being bootstrapped.
  read -r -a extra <<<"${HEALTH_CHECK_EXTRA_ARGS:-}"
  if "$SCRIPT_DIR/health-check.sh" "${args[@]}" "${extra[@]+"${extra[@]}"}"; then
    info "health check passed"
  else
    error "health check failed after the rollback step; see the table above"
    return 1
  fi
}

# --- Database restore ----------------------------------------------------------------------------
drop_all_tables_sql() {
  local target="$1"
  db_sql "$target" <<'SQL'
SELECT CONCAT('DROP ', IF(table_type = 'VIEW', 'VIEW', 'TABLE'), ' IF EXISTS `', table_name, '`;')
FROM information_schema.tables WHERE table_schema = DATABASE();
SQL
}

safety_backup() {
  local -a args=(--dir "$BACKUP_DIR/pre-restore" --label pre-restore)
  if compose_mode; then
    args+=(--env-file "$ENV_FILE" --project "$COMPOSE_PROJECT")
  else
    args+=(--local)
  fi
  DATABASE_URL="$TARGET_URL" "$SCRIPT_DIR/backup.sh" "${args[@]}"
}

# Replaces the whole database with the archive: tables that are not in it are dropped too,
# so a restore also undoes migrations applied after the backup.
restore_database() {
  local file="$1" safety expected actual drops
  [[ -n "$file" ]] || file="$(latest_backup "$BACKUP_DIR")"
  [[ -n "$file" ]] || die "no backups in $BACKUP_DIR"
  [[ -f "$file" ]] || die "backup not found: $file"
  verify_archive "$file" || die "refusing to restore from a damaged archive: $file"
  confirm "Replace database '$(db_name "$TARGET")' with $(basename "$file")?" || die "restore cancelled"

  safety="$(safety_backup)" || die "safety backup failed; nothing was changed"
  info "safety backup of the current data: $safety"

  if compose_mode; then
    info "stopping the apps during the restore: ${APP_SERVICES[*]}"
    compose stop "${APP_SERVICES[@]}"
  fi

  info "restoring $(basename "$file")"
  drops="$(drop_all_tables_sql "$TARGET")"
  if ! { printf 'SET FOREIGN_KEY_CHECKS=0;\n%s\n' "$drops"; gzip -dc "$file"; printf '\nSET FOREIGN_KEY_CHECKS=1;\n'; } | db_sql "$TARGET"; then
    error "restore failed; the data before it is in $safety (rollback.sh --restore-db $safety)"
    exit 1
  fi

  expected="$(gzip -dc "$file" | grep -c '^CREATE TABLE' || true)"
  actual="$(db_sql "$TARGET" <<<"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")"
  if [[ "$actual" != "$expected" ]]; then
    error "restore incomplete: $actual tables, the archive has $expected; previous data: $safety"
    exit 1
  fi
  info "restored $expected tables from $(basename "$file")"

  if compose_mode; then
    compose up -d --no-build "${APP_SERVICES[@]}"
    run_health_check
  fi
}

# --- Images and services -------------------------------------------------------------------------
restart_services() {
  compose_mode || die "--restart needs Docker Compose; restart local processes yourself (scripts/sandbox.sh)"
  confirm "Restart ${APP_SERVICES[*]} and nginx?" || die "restart cancelled"
  compose restart "${APP_SERVICES[@]}" nginx
  run_health_check
}

full_rollback() {
  local record="$BACKUP_DIR/last-deploy.env" backup svc
  compose_mode || die "--full needs Docker Compose"
  [[ -r "$record" ]] || die "no deployment record at $record (written by deploy-production.sh)"
  backup="$(sed -n 's/^PRE_DEPLOY_BACKUP=//p' "$record" | tail -n 1)"
  for svc in "${IMAGE_SERVICES[@]}"; do
    docker image inspect "$(image_name "$svc" rollback)" >/dev/null 2>&1 ||
      die "no rollback image $(image_name "$svc" rollback); nothing to roll back to"
  done
  confirm "Roll back to the previous images and restore $(basename "${backup:-<none>}")?" || die "rollback cancelled"
  compose stop "${APP_SERVICES[@]}"
  for svc in "${IMAGE_SERVICES[@]}"; do
    docker tag "$(image_name "$svc" rollback)" "$(image_name "$svc" current)"
    info "$(image_name "$svc" current) is the previous release again"
  done
  if [[ -n "$backup" && -f "$backup" ]]; then
    ASSUME_YES=1 restore_database "$backup"
  else
    warn "no pre-deploy backup recorded; the database is left as it is"
  fi
  compose up -d --no-build
  run_health_check
}

start_emergency() {
  local flag
  flag="$(maintenance_flag)"
  confirm "Stop the apps and show the maintenance page?" || die "emergency stop cancelled"
  mkdir -p "$(dirname "$flag")"
  printf 'since %s\n' "$(ops_timestamp)" >"$flag"
  chmod 644 "$flag"
  info "maintenance page on ($flag)"
  if compose_mode; then
    compose stop "${APP_SERVICES[@]}"
    # nginx alone (its dependencies are down on purpose); the database keeps running.
    compose up -d --no-deps nginx
    info "apps stopped; database and nginx running. Leave with: scripts/rollback.sh --resume"
  else
    warn "local mode: only the maintenance flag was set; stop your processes yourself"
  fi
}

end_emergency() {
  local flag
  flag="$(maintenance_flag)"
  rm -f -- "$flag"
  info "maintenance page off"
  if compose_mode; then
    compose up -d --no-build
    run_health_check
  fi
}

menu() {
  local choice
  [[ -t 0 ]] || { usage >&2; exit 2; }
  cat <<'MENU'
MyPay Sandbox rollback
  1) Restart the apps
  2) Restore the database from the newest backup
  3) Restore the database from a chosen backup
  4) Full rollback (previous images + pre-deploy backup)
  5) Emergency: stop the apps, show the maintenance page
  6) Leave maintenance mode
  q) Quit
MENU
  read -r -p "Choice: " choice
  case "$choice" in
    1) restart_services ;;
    2) restore_database "" ;;
    3)
      list_backups "$BACKUP_DIR" | nl -w2 -s') '
      read -r -p "Backup number: " choice
      restore_database "$BACKUP_DIR/$(list_backups "$BACKUP_DIR" | sed -n "${choice}p")"
      ;;
    4) full_rollback ;;
    5) start_emergency ;;
    6) end_emergency ;;
    *) info "nothing done" ;;
  esac
}

parse_args() {
  ACTION='' RESTORE_FILE='' TARGET=compose ASSUME_YES="${ASSUME_YES:-0}"
  RESOLVE_IP=127.0.0.1 HTTPS_PORT=443 CA_FILE=''
  local dir=''
  ENV_FILE="${ENV_FILE:-$OPS_REPO_ROOT/.env}"
  COMPOSE_PROJECT="${COMPOSE_PROJECT:-mypay-production}"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --restart) ACTION=restart ;;
      --restore-db)
        ACTION=restore
        if [[ -n "${2:-}" && "$2" != --* ]]; then RESTORE_FILE="$2"; shift; fi
        ;;
      --full) ACTION=full ;;
      --emergency) ACTION=emergency ;;
      --resume) ACTION=resume ;;
      --local) TARGET=local ;;
      --yes) ASSUME_YES=1 ;;
      --dir) dir="${2:?--dir needs a directory}"; shift ;;
      --env)
        [[ "${2:-}" =~ ^(staging|production)$ ]] || { usage >&2; exit 2; }
        ENV_FILE="$(env_file_for "$2")" COMPOSE_PROJECT="mypay-$2"
        shift
        ;;
      --env-file) ENV_FILE="${2:?--env-file needs a file}"; shift ;;
      --project) COMPOSE_PROJECT="${2:?--project needs a name}"; shift ;;
      --resolve) RESOLVE_IP="${2:?--resolve needs an IP}"; shift ;;
      --https-port)
        [[ "${2:-}" =~ ^[0-9]{1,5}$ ]] || { echo "--https-port needs a port number" >&2; usage >&2; exit 2; }
        HTTPS_PORT="$2"
        shift
        ;;
      --cacert) CA_FILE="${2:?--cacert needs a file}"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  TARGET_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/mypay}"
  [[ "$TARGET" == local ]] && TARGET="$TARGET_URL"
  if [[ -n "$dir" ]]; then
    BACKUP_DIR="$dir"
  elif [[ "$TARGET" == compose ]]; then
    BACKUP_DIR="$(default_backup_dir compose)"
  else
    BACKUP_DIR="$(default_backup_dir local)"
  fi
  export ENV_FILE COMPOSE_PROJECT ASSUME_YES
}

main() {
  parse_args "$@"
  if compose_mode; then
    mkdir -p "${ROLLBACK_LOG_DIR:-$OPS_REPO_ROOT/logs}"
    OPS_LOG_FILE="${ROLLBACK_LOG_DIR:-$OPS_REPO_ROOT/logs}/rollback-$(date -u +%Y%m%dT%H%M%SZ).log"
  fi
  require_commands gzip
  case "$ACTION" in
    restart) restart_services ;;
    restore) restore_database "$RESTORE_FILE" ;;
    full) full_rollback ;;
    emergency) start_emergency ;;
    resume) end_emergency ;;
    '') menu ;;
  esac
}

main "$@"
