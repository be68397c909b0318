#!/usr/bin/env bash
# Consistent, compressed, verified database backup; keeps the newest BACKUP_KEEP archives.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/backup.sh [--local] [--dir DIR] [--keep N] [--label LABEL] [options]

Dumps the MyPay database with --single-transaction (a consistent InnoDB snapshot taken
without locking the apps out), gzips it to DIR/mypay-<db>-<UTC time>[-LABEL].sql.gz,
verifies the archive (gzip -t, a complete dump with the expected tables) and deletes all
but the newest N archives in DIR. Prints the archive path on stdout.

Options:
  --local            dump DATABASE_URL (default mysql://root@127.0.0.1:3306/mypay) with the
                     local mariadb-dump/mysqldump, instead of the Compose `mysql` service
  --env staging|production
                     Compose mode: env file .env (production) or .env.staging, project mypay-<env>
  --env-file FILE    Compose mode: env file (default .env)
  --project NAME     Compose mode: project name (default mypay-production)
  --dir DIR          where archives go (default BACKUP_DIR, else backups/<env> in Compose
                     mode — backups/production for the default project — or backups/local)
  --keep N           archives to keep in DIR (default BACKUP_KEEP or 5)
  --label LABEL      suffix for the file name, e.g. pre-deploy (letters, digits, -)
  -h, --help         this help
USAGE
}

# Sortable by name = sortable by time; milliseconds keep quick successive backups apart.
archive_path() {
  local dir="$1" db="$2" label="$3" stamp
  stamp="$(date -u +%Y%m%dT%H%M%S%3NZ)"
  printf '%s/mypay-%s-%s%s.sql.gz\n' "$dir" "$db" "$stamp" "${label:+-$label}"
}

# Keeps the newest N archives.
rotate_backups() {
  local dir="$1" keep="$2" old
  local -a archives=()
  mapfile -t archives < <(list_backups "$dir")
  if ((${#archives[@]} > keep)); then
    for old in "${archives[@]:0:${#archives[@]}-keep}"; do
      rm -f -- "${dir:?}/$old"
      info "removed old backup $old"
    done
  fi
}

create_backup() {
  local target="$1" dir="$2" keep="$3" label="$4" db file partial
  mkdir -p "$dir"
  chmod 700 "$dir" 2>/dev/null || true
  db="$(db_name "$target")"
  [[ -n "$db" ]] || die "could not determine the database name"
  file="$(archive_path "$dir" "$db" "$label")"
  partial="$file.partial"
  info "backing up database $db to $file"
  # umask: the dump holds customer data and password hashes.
  if ! (umask 077 && db_dump "$target" | gzip -c >"$partial"); then
    rm -f -- "$partial"
    die "dump of $db failed"
  fi
  if ! verify_archive "$partial"; then
    rm -f -- "$partial"
    die "backup verification failed; no archive written"
  fi
  mv -- "$partial" "$file"
  rotate_backups "$dir" "$keep"
  printf '%s\n' "$file"
}

main() {
  local target=compose dir='' keep="${BACKUP_KEEP:-5}" label=''
  ENV_FILE="${ENV_FILE:-$OPS_REPO_ROOT/.env}"
  COMPOSE_PROJECT="${COMPOSE_PROJECT:-mypay-production}"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --local) target="${DATABASE_URL:-mysql://root@127.0.0.1:3306/mypay}" ;;
      --env)
        [[ "${2:-}" =~ ^(staging|production)$ ]] || { usage >&2; exit 2; }
        ENV_FILE="$(env_file_for "$2")" COMPOSE_PROJECT="mypay-$2"
        shift
        ;;
      --env-file) ENV_FILE="${2:?--env-file needs a file}"; shift ;;
      --project) COMPOSE_PROJECT="${2:?--project needs a name}"; shift ;;
      --dir) dir="${2:?--dir needs a directory}"; shift ;;
      --keep) keep="${2:?--keep needs a number}"; shift ;;
      --label) label="${2:?--label needs a value}"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  export ENV_FILE COMPOSE_PROJECT
  if [[ -z "$dir" ]]; then
    if [[ "$target" == compose ]]; then dir="$(default_backup_dir compose)"; else dir="$(default_backup_dir local)"; fi
  fi
  [[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "--keep must be a positive number"
  [[ -z "$label" || "$label" =~ ^[A-Za-z0-9-]+$ ]] || die "--label may hold letters, digits and -"
  require_commands gzip find sort
  create_backup "$target" "$dir" "$keep" "$label"
}

main "$@"
