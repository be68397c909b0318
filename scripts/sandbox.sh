#!/usr/bin/env bash
# Sets up and runs the whole local sandbox: installs what is missing, migrates and seeds the
# database, builds the portals, then runs both APIs and both portals until Ctrl-C.
# Usage: scripts/sandbox.sh [--no-build]
#   DATABASE_URL   default mysql://root@127.0.0.1:3306/mypay
#   SEED_PAYOUT_API_KEY  fixed payout key for the seeded merchant (else generated and printed once)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/setup.sh
source scripts/lib/setup.sh

PIDS=()

start() { # name, pnpm filter, port
  local name="$1" filter="$2" port="$3"
  log "starting $name on http://127.0.0.1:$port"
  (PORT="$port" exec pnpm -s --filter "$filter" start 2>&1 | sed -u "s/^/[$name] /") &
  PIDS+=("$!")
}

stop_all() {
  trap - INT TERM EXIT
  log "stopping"
  local pid
  for pid in "${PIDS[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

main() {
  if [[ "${1:-}" == "--help" ]]; then sed -n '2,7p' "$0"; exit 0; fi
  export NODE_ENV="${NODE_ENV:-development}" NEXT_TELEMETRY_DISABLED=1
  export DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/mypay}"
  ensure_pnpm
  ensure_mariadb_running
  ensure_database "$DATABASE_URL"
  install_workspace
  log "migrating";  pnpm -s db:migrate
  log "seeding";    pnpm -s db:seed
  if [[ "${1:-}" != "--no-build" ]]; then log "building the portals"; pnpm -s build; fi

  trap stop_all INT TERM EXIT
  start payout-api @mypay/payout-api 4001
  start payment-api @mypay/payment-api 4002
  [[ -d apps/merchant-portal ]] && start merchant-portal @mypay/merchant-portal 4010
  [[ -d apps/admin-portal ]] && start admin-portal @mypay/admin-portal 4011
  cat >&2 <<'INFO'

  MyPay Sandbox is starting:
    Payout API       http://127.0.0.1:4001/api/v1   docs: http://127.0.0.1:4001/api/v1/docs
    Payment API      http://127.0.0.1:4002          docs: http://127.0.0.1:4002/api/checkout/docs
    Merchant portal  http://127.0.0.1:4010          test@mycodigital.io / test123456
    Admin portal     http://127.0.0.1:4011          admin@mycodigital.io / admin123456
    Payment API key  test-api-key-123   (payout key: printed by the seed above)
  Ctrl-C stops everything.

INFO
  wait -n || true
}

main "$@"
