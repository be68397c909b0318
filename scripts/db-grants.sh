#!/usr/bin/env bash
# Least-privilege grants for the application's database user: DML on every table, and
# AuditLog append-only (SELECT, INSERT). Re-run after migrations that add tables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/db-grants.sh [--local] [--user NAME] [--host HOST] [--print] [options]

Replaces every privilege of the app user with:
  SELECT, INSERT, UPDATE, DELETE on each table of the database, except
  SELECT, INSERT on AuditLog (the audit trail cannot be changed or erased by the app)
  SELECT on _prisma_migrations (migrations run as root through the `migrate` service)
No DDL, no GRANT OPTION. Tables added by later migrations need a re-run (deploy-production.sh
does it after migrating).

Options:
  --local            act on DATABASE_URL's server and database as an admin (default
                     mysql://root@127.0.0.1:3306/mypay) instead of the Compose `mysql` service
  --user NAME        the app user (default MYSQL_USER from the env file, else mypay_app)
  --host HOST        the user's host part (default %)
  --print            only print the statements
  --env staging|production, --env-file FILE, --project NAME   Compose mode selection
  -h, --help         this help
USAGE
}

sql_string() { printf "'%s'" "${1//\'/\'\'}"; }

grant_statements() {
  local target="$1" account="$2" db table
  db="$(db_sql "$target" <<<"SELECT DATABASE()")"
  while read -r table; do
    [[ -n "$table" ]] || continue
    case "$table" in
      AuditLog) echo "GRANT SELECT, INSERT ON \`$db\`.\`$table\` TO $account;" ;;
      _prisma_migrations) echo "GRANT SELECT ON \`$db\`.\`$table\` TO $account;" ;;
      *) echo "GRANT SELECT, INSERT, UPDATE, DELETE ON \`$db\`.\`$table\` TO $account;" ;;
    esac
  done < <(db_sql "$target" <<<"SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name")
}

main() {
  local target=compose user='' host='%' print=0 account statements
  ENV_FILE="${ENV_FILE:-$OPS_REPO_ROOT/.env}"
  COMPOSE_PROJECT="${COMPOSE_PROJECT:-mypay-production}"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --local) target="${DATABASE_URL:-mysql://root@127.0.0.1:3306/mypay}" ;;
      --user) user="${2:?--user needs a name}"; shift ;;
      --host) host="${2:?--host needs a host}"; shift ;;
      --print) print=1 ;;
      --env)
        [[ "${2:-}" =~ ^(staging|production)$ ]] || { usage >&2; exit 2; }
        ENV_FILE="$(env_file_for "$2")" COMPOSE_PROJECT="mypay-$2"
        shift
        ;;
      --env-file) ENV_FILE="${2:?--env-file needs a file}"; shift ;;
      --project) COMPOSE_PROJECT="${2:?--project needs a name}"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  export ENV_FILE COMPOSE_PROJECT
  if [[ -z "$user" ]]; then
    if [[ -r "$ENV_FILE" ]]; then user="$(sed -n 's/^MYSQL_USER=//p' "$ENV_FILE" | tail -n 1)"; fi
    user="${user:-mypay_app}"
  fi
  [[ "$user" =~ ^[A-Za-z0-9_]+$ ]] || die "unsupported user name: $user"
  [[ "$user" != root ]] || die "refusing to restrict root"
  account="$(sql_string "$user")@$(sql_string "$host")"
  statements="$(grant_statements "$target" "$account")"
  [[ -n "$statements" ]] || die "the database has no tables yet: migrate first"
  statements="REVOKE ALL PRIVILEGES, GRANT OPTION FROM $account;"$'\n'"$statements"
  if [[ "$print" == 1 ]]; then
    printf '%s\n' "$statements"
    return
  fi
  db_sql "$target" <<<"$statements"
  info "granted least privileges to $user@$host ($(grep -c '^GRANT' <<<"$statements") tables; AuditLog append-only)"
}

main "$@"
