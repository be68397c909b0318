#!/usr/bin/env bash
# Shared set-up steps for scripts/sandbox.sh, scripts/test.sh and .ci/run.
# Sourced, not run. Every function is safe to call on a machine that already has the thing.

PNPM_VERSION="12.21.0"
SYSTEM_PACKAGES=(mariadb-client nginx chromium shellcheck wrk docker-compose openssl curl gettext-base gzip
  prometheus prometheus-alertmanager pebble certbot redis-server)

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the test suite drives for real (nginx, Chromium, shellcheck, …).
ensure_system_packages() {
  ensure_packages "${SYSTEM_PACKAGES[@]}"
}

# ensure_packages PKG… — installs the Debian packages that are missing (apt-get).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get to install them"
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  log "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_pnpm() {
  if command -v pnpm >/dev/null && [[ "$(pnpm --version 2>/dev/null)" == "$PNPM_VERSION" ]]; then return 0; fi
  log "installing pnpm $PNPM_VERSION"
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null
}

# Starts the local MariaDB server when nothing answers on its socket.
ensure_mariadb_running() {
  if mysqladmin ping --silent >/dev/null 2>&1; then return 0; fi
  [[ -x /usr/sbin/mariadbd ]] || die "MariaDB is not running and /usr/sbin/mariadbd is not installed"
  log "starting MariaDB"
  if [[ ! -d /run/mysqld ]]; then
    mkdir -p /run/mysqld
    chown mysql:mysql /run/mysqld 2>/dev/null || true
  fi
  if [[ $(id -u) -eq 0 ]]; then
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  else
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  fi
  local _
  for _ in $(seq 1 60); do
    mysqladmin ping --silent >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "MariaDB did not start within 30 s"
}

# Starts a local Redis (the shared rate-limit store's tests) when nothing answers on 6379; no
# persistence, it holds counters only.
ensure_redis_running() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  command -v redis-server >/dev/null || die "Redis is not running and redis-server is not installed"
  log "starting Redis"
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
  local _
  for _ in $(seq 1 40); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "Redis did not start within 10 s"
}

# Creates the database named in a mysql:// URL (root access through the local server).
ensure_database() {
  local url="$1" name
  name="${url##*/}"
  name="${name%%\?*}"
  [[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || die "unsupported database name in DATABASE_URL: $name"
  mysql -h 127.0.0.1 -u root -e "CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" 2>/dev/null \
    || mysql -u root -e "CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
}

install_workspace() {
  log "installing dependencies"
  CI=true pnpm install --frozen-lockfile --reporter=silent
  log "generating the Prisma client"
  pnpm -s db:generate >/dev/null
}
