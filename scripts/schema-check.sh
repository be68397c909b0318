#!/usr/bin/env bash
# Compares the schema and applied migrations of two MyPay databases; non-zero on any drift.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/schema-check.sh SOURCE TARGET

Compares two databases — e.g. staging and production — through information_schema
(tables, columns with type/nullability/default/extra, indexes, foreign keys) and the
applied migrations in _prisma_migrations, and prints a unified diff of what differs.

SOURCE and TARGET are each one of:
  mysql://user:pass@host:port/db   a server reachable from here
  compose:PROJECT                  the `mysql` service of a Compose project on this host,
                                   e.g. compose:mypay-staging (env file .env.staging),
                                   compose:mypay-production (env file .env)

Exit status: 0 identical, 1 drift found, 2 usage or connection error.
USAGE
}

# One sorted line per object, so a plain diff shows drift per object. Defaults and
# EXTRA are normalised where MySQL and MariaDB only spell the same thing differently.
SCHEMA_SQL="
SELECT CONCAT_WS(' | ', 'table', table_name, IFNULL(engine, ''), IFNULL(table_collation, ''))
  FROM information_schema.tables WHERE table_schema = DATABASE()
UNION ALL
SELECT CONCAT_WS(' | ', 'column', table_name, column_name, LPAD(ordinal_position, 3, '0'),
       column_type, is_nullable,
       CASE WHEN column_default IS NULL OR column_default = 'NULL' THEN IF(is_nullable = 'YES', 'NULL', '<none>')
            WHEN LOWER(column_default) LIKE 'current_timestamp%' THEN LOWER(column_default)
            ELSE TRIM(BOTH '''' FROM column_default) END,
       TRIM(REPLACE(LOWER(extra), 'default_generated', '')))
  FROM information_schema.columns WHERE table_schema = DATABASE()
UNION ALL
SELECT CONCAT_WS(' | ', 'index', table_name, index_name, IF(non_unique = 0, 'unique', 'non-unique'),
       GROUP_CONCAT(column_name ORDER BY seq_in_index SEPARATOR ','))
  FROM information_schema.statistics WHERE table_schema = DATABASE()
  GROUP BY table_name, index_name, non_unique
UNION ALL
SELECT CONCAT_WS(' | ', 'foreign-key', k.table_name, k.constraint_name,
       GROUP_CONCAT(k.column_name ORDER BY k.ordinal_position SEPARATOR ','),
       k.referenced_table_name,
       GROUP_CONCAT(k.referenced_column_name ORDER BY k.ordinal_position SEPARATOR ','),
       r.update_rule, r.delete_rule)
  FROM information_schema.key_column_usage k
  JOIN information_schema.referential_constraints r
    ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
   AND r.table_name = k.table_name
 WHERE k.table_schema = DATABASE() AND k.referenced_table_name IS NOT NULL
 GROUP BY k.table_name, k.constraint_name, k.referenced_table_name, r.update_rule, r.delete_rule;
"

MIGRATIONS_SQL="
SELECT CONCAT_WS(' | ', 'migration', migration_name, checksum,
       IF(finished_at IS NULL, 'unfinished', 'finished'),
       IF(rolled_back_at IS NULL, '', 'rolled-back'))
  FROM _prisma_migrations ORDER BY migration_name;
"

# Resolves SOURCE/TARGET into a db target for ops-common's db_sql (sets ENV_FILE for compose).
describe_target() {
  local spec="$1"
  case "$spec" in
    compose:*) echo "compose" ;;
    mysql://* | mariadb://*) echo "$spec" ;;
    *) echo "unsupported database: $spec" >&2; usage >&2; exit 2 ;;
  esac
}

snapshot() {
  local spec="$1" out="$2" target has_migrations
  target="$(describe_target "$spec")"
  if [[ "$target" == compose ]]; then
    COMPOSE_PROJECT="${spec#compose:}"
    ENV_FILE="$(env_file_for "${COMPOSE_PROJECT#mypay-}")"
    export COMPOSE_PROJECT ENV_FILE
  fi
  if ! db_sql "$target" <<<"$SCHEMA_SQL" | sort >"$out"; then
    error "cannot read the schema of $(redact_url "$spec")"
    exit 2
  fi
  [[ -s "$out" ]] || warn "$(redact_url "$spec") has no tables"
  has_migrations="$(db_sql "$target" <<<"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'")"
  if [[ "$has_migrations" == 1 ]]; then
    db_sql "$target" <<<"$MIGRATIONS_SQL" >>"$out"
  else
    echo "migration | <no _prisma_migrations table>" >>"$out"
  fi
}

main() {
  case "${1:-}" in
    -h | --help) usage; exit 0 ;;
  esac
  [[ $# -eq 2 ]] || { usage >&2; exit 2; }
  OPS_DIE_STATUS=2
  local source_snapshot target_snapshot source_label target_label
  source_snapshot="$(ops_mktemp)"
  target_snapshot="$(ops_mktemp)"
  source_label="$(redact_url "$1")"
  target_label="$(redact_url "$2")"
  snapshot "$1" "$source_snapshot"
  snapshot "$2" "$target_snapshot"
  if diff -u --label "$source_label" --label "$target_label" "$source_snapshot" "$target_snapshot"; then
    info "no drift: $(grep -c . "$source_snapshot") schema objects and migrations are identical"
    exit 0
  fi
  error "schema drift between $source_label and $target_label (- only in the first, + only in the second)"
  exit 1
}

main "$@"
