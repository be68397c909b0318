#!/usr/bin/env bash
# Sets up a machine and runs every check: lint, typecheck, build, then the whole test suite
# (real MariaDB, nginx, Chromium; as root, the Docker stack last). Usage: scripts/test.sh [vitest args…]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/setup.sh
source scripts/lib/setup.sh

main() {
  if [[ "${1:-}" == "--help" ]]; then
    sed -n '2,3p' "$0"
    exit 0
  fi
  export NODE_ENV=test NEXT_TELEMETRY_DISABLED=1
  export DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/mypay_test}"
  ensure_system_packages
  ensure_pnpm
  ensure_mariadb_running
  ensure_redis_running
  ensure_database "$DATABASE_URL"
  install_workspace
  log "lint";      pnpm -s lint
  log "typecheck"; pnpm -s typecheck
  log "build";     pnpm -s build
  log "tests";     pnpm -s test "$@"
}

main "$@"
