#!/usr/bin/env bash
# Sets up and runs the whole local sandbox: installs what is missing, migrates and seeds the
# database, builds the portals, then runs both APIs and both portals until Ctrl-C or SIGTERM.
# Usage: scripts/sandbox.sh [--no-install] [--no-build]
#   --no-install   skip `pnpm install` and the Prisma client generation (a workspace already set up)
#   --no-build     skip building the portals (they must have been built before)
#   DATABASE_URL          default mysql://root@127.0.0.1:3306/mypay
#   PAYOUT_PORT           default 4001 (the Payout API; its public URL follows it)
#   PAYMENT_PORT          default 4002 (the Payment API and the hosted payment page)
#   MERCHANT_PORTAL_PORT  default 4010
#   ADMIN_PORTAL_PORT     default 4011
#   SEED_PAYOUT_API_KEY / SEED_ALL_API_KEY  fixed keys for the seeded merchant (else generated and printed once)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/setup.sh
source scripts/lib/setup.sh

# Seconds a child gets to stop after SIGTERM before it is killed (the APIs finish in-flight requests).
STOP_GRACE_SECONDS=8
PIDS=()
NAMES=()

# start NAME FILTER PORT [SCRIPT] — runs one workspace package's SCRIPT (default `start`) in its own session and process
# group, so one signal reaches pnpm, tsx/node and anything they spawn. Its output goes through a
# prefixer that ignores INT/TERM: the prefixer lives until the service closes its end, so a
# stopping service never writes into a pipe whose reader is gone (or full and never drained).
start() {
  local name="$1" filter="$2" port="$3" script="${4:-start}"
  log "starting $name on http://127.0.0.1:$port"
  PORT="$port" setsid pnpm -s --filter "$filter" "$script" \
    > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 < /dev/null &
  PIDS+=("$!")
  NAMES+=("$name")
}

# group_alive PGID — whether a live process of that process group is still there (zombies, which
# only wait for their parent to reap them, do not count).
group_alive() { ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'; }

# stop_all [STATUS] — SIGTERM to every child's whole process group, wait up to STOP_GRACE_SECONDS
# for every group to be empty, SIGKILL what is left, then exit with STATUS.
stop_all() {
  local status="${1:-0}" pid i deadline
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + STOP_GRACE_SECONDS))
  for i in "${!PIDS[@]}"; do
    while group_alive "${PIDS[$i]}" && ((SECONDS < deadline)); do sleep 0.1; done
    if group_alive "${PIDS[$i]}"; then
      log "${NAMES[$i]} did not stop within ${STOP_GRACE_SECONDS} s; killing it"
      kill -KILL -- "-${PIDS[$i]}" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  log "stopped"
  exit "$status"
}

main() {
  local install=1 build=1 arg
  for arg in "$@"; do
    case "$arg" in
      --help) sed -n '2,13p' "$0"; exit 0 ;;
      --no-install) install=0 ;;
      --no-build) build=0 ;;
      *) die "unknown option: $arg (see --help)" ;;
    esac
  done
  export NODE_ENV="${NODE_ENV:-development}" NEXT_TELEMETRY_DISABLED=1
  export DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/mypay}"
  local payout_port="${PAYOUT_PORT:-4001}" payment_port="${PAYMENT_PORT:-4002}"
  local merchant_port="${MERCHANT_PORTAL_PORT:-4010}" admin_port="${ADMIN_PORTAL_PORT:-4011}"
  # The public URLs follow the ports (OpenAPI servers, checkoutUrl, the portals' Developers page,
  # the admin system page's health checks), unless they are set explicitly.
  export PUBLIC_PAYOUT_API_URL="${PUBLIC_PAYOUT_API_URL:-http://127.0.0.1:$payout_port}"
  export PUBLIC_SANDBOX_URL="${PUBLIC_SANDBOX_URL:-http://127.0.0.1:$payment_port}"
  export PAYOUT_API_URL="${PAYOUT_API_URL:-http://127.0.0.1:$payout_port}"
  export PAYMENT_API_URL="${PAYMENT_API_URL:-http://127.0.0.1:$payment_port}"
  [[ $install -eq 1 ]] && ensure_pnpm
  ensure_mariadb_running
  ensure_database "$DATABASE_URL"
  [[ $install -eq 1 ]] && install_workspace
  log "migrating";  pnpm -s db:migrate
  log "seeding";    pnpm -s db:seed
  if [[ $build -eq 1 ]]; then log "building the APIs, the CLI and the portals"; pnpm -s build; fi

  trap 'stop_all 0' INT TERM
  trap 'stop_all 1' EXIT
  # The APIs' JavaScript build when there is one (`pnpm build`), else their sources through tsx.
  local api script
  for api in payout-api payment-api; do
    script=start
    [[ -f "services/$api/dist/server.js" ]] || script=start:src
    start "$api" "@mypay/$api" "$([[ $api == payout-api ]] && echo "$payout_port" || echo "$payment_port")" "$script"
  done
  [[ -d apps/merchant-portal ]] && start merchant-portal @mypay/merchant-portal "$merchant_port"
  [[ -d apps/admin-portal ]] && start admin-portal @mypay/admin-portal "$admin_port"
  cat >&2 <<INFO

  MyPay Sandbox is starting:
    Payout API       $PUBLIC_PAYOUT_API_URL/api/v1   docs: $PUBLIC_PAYOUT_API_URL/api/v1/docs
    Payment API      $PUBLIC_SANDBOX_URL          docs: $PUBLIC_SANDBOX_URL/api/checkout/docs
    Merchant portal  http://127.0.0.1:$merchant_port          test@mycodigital.io / test123456
    Admin portal     http://127.0.0.1:$admin_port          admin@mycodigital.io / admin123456
    API keys         printed by the seed above (scope all: for the CLI; payment: test-api-key-123)
  Ctrl-C (or SIGTERM) stops everything.

INFO
  # Returns when a child exits by itself (then everything stops, status 1) or when a trapped
  # signal arrives (its trap stops everything, status 0).
  wait -n "${PIDS[@]}" || true
  log "a service exited by itself"
  stop_all 1
}

main "$@"
