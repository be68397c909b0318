#!/usr/bin/env bash
# Builds the real images and runs the whole Docker Compose stack on this machine (project
# mypay-stacktest), for test/ops/docker-stack.test.ts or by hand; `down` takes it all away.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/setup.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/lib/setup.sh"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

PROJECT=mypay-stacktest
STATE_DIR="${STACK_TEST_DIR:-/var/tmp/mypay-stacktest}"
HTTP_PORT="${STACK_HTTP_PORT:-8080}"
HTTPS_PORT="${STACK_HTTPS_PORT:-8443}"
PROMETHEUS_PORT="${STACK_PROMETHEUS_PORT:-19090}"
ALERTMANAGER_PORT="${STACK_ALERTMANAGER_PORT:-19093}"
DOMAIN="${STACK_DOMAIN:-mypay.test}"
# Honest names for images made on this machine (never an official image's name).
LOCAL_DEBIAN=mypay-local/debian:bookworm
LOCAL_NODE=mypay-local/node:20
LOCAL_MARIADB=mypay-local/mariadb:10.11
LOCAL_NGINX=mypay-local/nginx:1.22
LOCAL_IMAGES_DIR="$OPS_REPO_ROOT/docker/local-images"
PACKAGES=(docker.io docker-compose debootstrap iptables openssl curl)
RULE_TAG=mypay-stacktest
# Containers of the test's Compose networks (br-…) may reach each other and nothing beyond;
# NEW connections from them to this host are refused too. Published ports (127.0.0.1 only)
# are reached from the host, so they are not affected.
RULES=(
  "DOCKER-USER -i br-+ ! -o br-+ -m comment --comment $RULE_TAG -j DROP"
  "INPUT -i br-+ -m conntrack --ctstate NEW -m comment --comment $RULE_TAG -j DROP"
)

usage() {
  cat <<'USAGE'
Usage: scripts/stack-test.sh check|up|monitoring|down

  check   prints "ok", or "skip: <reason>" and exits 3 where the stack cannot run here
          (not root, no Docker engine and no apt-get to install one, another run holds it,
          MYPAY_SKIP_DOCKER_STACK=1)
  up      installs docker.io, docker-compose and debootstrap if missing, starts dockerd if
          none runs, makes the base images locally (debootstrap; no registry needed), builds
          the project's images from Dockerfile + docker-compose.yml, starts Compose project
          mypay-stacktest with docker/compose.stack-test.yml, and returns when every service
          is healthy. Containers may reach only each other (iptables rules, removed by down);
          nginx is published on 127.0.0.1 only. Prints, one per line:
            CA: <certificate authority to trust>   ENV: <generated env file, random secrets>
            PAYOUT_KEY: <seeded payout API key>     BIN: <directory to put first on PATH>
            DOMAIN: …  HTTP_PORT: …  HTTPS_PORT: …  PROJECT: …  TIMINGS: …
  monitoring
          (after up) builds the Prometheus and Alertmanager images of Compose profile
          `monitoring` on the local Debian base, starts both and returns when they are healthy.
          Prints PROMETHEUS_URL: … and ALERTMANAGER_URL: … (published on 127.0.0.1 only)
  down    removes the project's containers, networks and volumes, the iptables rules and the
          generated files, and stops dockerd if `up` started it

Environment: STACK_HTTP_PORT (8080), STACK_HTTPS_PORT (8443), STACK_PROMETHEUS_PORT (19090),
STACK_ALERTMANAGER_PORT (19093), STACK_TEST_DIR
(/var/tmp/mypay-stacktest), STACK_DOMAIN (mypay.test), STACK_DEBIAN_MIRROR (default: the
Debian mirror in /etc/apt/sources.list.d/), NODE_EXTRA_CA_CERTS (passed to the download
steps of the build as the npm_ca build secret), MYPAY_SKIP_DOCKER_STACK.
USAGE
}

# --- Can it run here? ----------------------------------------------------------------------------
skip_reason() {
  local owner
  if [[ "${MYPAY_SKIP_DOCKER_STACK:-0}" == 1 ]]; then
    echo "MYPAY_SKIP_DOCKER_STACK=1"
  elif [[ "$(uname -s)" != Linux ]]; then
    echo "needs Linux"
  elif [[ "$(id -u)" != 0 ]]; then
    echo "needs root (installs packages, starts dockerd, sets iptables rules)"
  elif ! command -v dockerd >/dev/null 2>&1 && ! command -v apt-get >/dev/null 2>&1; then
    echo "no Docker engine and no apt-get to install one"
  elif owner="$(stack_owner)" && [[ -n "$owner" ]]; then
    echo "busy: another stack test (process $owner) holds $STATE_DIR"
  fi
}

# The live process that brought the stack up, other than our caller; empty when none.
stack_owner() {
  local owner
  owner="$(cat "$STATE_DIR/owner.pid" 2>/dev/null || true)"
  if [[ -n "$owner" && "$owner" != "$PPID" ]] && kill -0 "$owner" 2>/dev/null; then
    printf '%s\n' "$owner"
  fi
}

check() {
  local reason
  reason="$(skip_reason)"
  if [[ -n "$reason" ]]; then
    echo "skip: $reason"
    exit 3
  fi
  echo ok
}

# --- Docker engine and CLI ---------------------------------------------------------------------
# A docker CLI that builds with BuildKit: buildx, or a client older than 23 (BuildKit built in).
# A newer client without buildx cannot build RUN --mount, so the older one is put first on PATH.
can_build() {
  local major
  "$1" buildx version >/dev/null 2>&1 && return 0
  major="$("$1" --version 2>/dev/null | sed -n 's/^Docker version \([0-9]*\)\..*/\1/p')"
  [[ -n "$major" && "$major" -lt 23 ]]
}

select_docker_cli() {
  local candidate
  mkdir -p "$STATE_DIR/bin"
  for candidate in "$(command -v docker || true)" /usr/bin/docker; do
    if [[ -n "$candidate" && -x "$candidate" ]] && can_build "$candidate"; then
      ln -sfn "$candidate" "$STATE_DIR/bin/docker"
      export PATH="$STATE_DIR/bin:$PATH"
      info "docker CLI: $candidate ($("$candidate" --version))"
      return 0
    fi
  done
  die "no docker CLI that can build with BuildKit (install docker.io, or buildx)"
}

start_dockerd() {
  local pid stale _
  if docker info >/dev/null 2>&1; then
    info "using the Docker engine that is running"
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd not installed"
  # A pid file left by a dockerd that was killed (no systemd cleans up) stops a new one.
  stale="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [[ -n "$stale" && "$(cat "/proc/$stale/comm" 2>/dev/null || true)" != dockerd ]]; then
    rm -f /var/run/docker.pid
  fi
  info "starting dockerd (log: $STATE_DIR/dockerd.log)"
  setsid dockerd >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$STATE_DIR/dockerd.pid"
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && { info "dockerd $pid is up"; return 0; }
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$STATE_DIR/dockerd.log" >&2; die "dockerd exited"; }
    sleep 0.5
  done
  tail -n 20 "$STATE_DIR/dockerd.log" >&2
  die "dockerd did not answer within 60 s"
}

stop_dockerd() {
  local pid _
  pid="$(cat "$STATE_DIR/dockerd.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  if [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == dockerd ]]; then
    info "stopping dockerd $pid (started by up)"
    kill -TERM "$pid"
    for _ in $(seq 1 120); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "dockerd $pid did not stop in 60 s: killing it"
      kill -KILL "$pid" || true
    fi
  fi
  rm -f "$STATE_DIR/dockerd.pid"
}

# --- Base images made on this machine ------------------------------------------------------------
debian_mirror() {
  local mirror="${STACK_DEBIAN_MIRROR:-}"
  if [[ -z "$mirror" ]]; then
    mirror="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  fi
  if [[ -z "$mirror" ]]; then
    mirror="$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
  fi
  printf '%s\n' "${mirror:-http://deb.debian.org/debian}"
}

make_debian_image() {
  local root mirror
  docker image inspect "$LOCAL_DEBIAN" >/dev/null 2>&1 && return 0
  mirror="$(debian_mirror)"
  root="$(mktemp -d "${TMPDIR:-/tmp}/mypay-debootstrap.XXXXXX")"
  info "debootstrap --variant=minbase bookworm from $mirror"
  if ! debootstrap --variant=minbase bookworm "$root" "$mirror" >"$STATE_DIR/debootstrap.log" 2>&1; then
    tail -n 20 "$STATE_DIR/debootstrap.log" >&2
    rm -rf "$root"
    die "debootstrap failed"
  fi
  # The image's apt uses this machine's Debian sources (with security updates) when it has them.
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/debian.sources"
    rm -f "$root/etc/apt/sources.list"
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' - "$LOCAL_DEBIAN" >/dev/null
  rm -rf "$root"
  info "made $LOCAL_DEBIAN"
}

# Node 20 as this machine has it (binary and npm), on the local Debian base.
make_node_image() {
  local node npm_dir version context
  node="$(command -v node)" || die "node is not installed"
  version="$("$node" --version)"
  [[ "$version" == v20.* ]] || die "this machine's Node is $version; the images need Node 20"
  if docker image inspect "$LOCAL_NODE" >/dev/null 2>&1 &&
    [[ "$(docker run --rm --network none "$LOCAL_NODE" node --version 2>/dev/null)" == "$version" ]]; then
    return 0
  fi
  npm_dir="$(npm root -g)/npm"
  [[ -f "$npm_dir/bin/npm-cli.js" ]] || die "npm not found at $npm_dir"
  context="$(mktemp -d "${TMPDIR:-/tmp}/mypay-node-image.XXXXXX")"
  cp "$(readlink -f "$node")" "$context/node"
  cp -a "$npm_dir" "$context/npm"
  docker build -q --build-arg DEBIAN_IMAGE="$LOCAL_DEBIAN" -f "$LOCAL_IMAGES_DIR/node.Dockerfile" -t "$LOCAL_NODE" "$context" >/dev/null
  rm -rf "$context"
  info "made $LOCAL_NODE (Node $version)"
}

# MariaDB and nginx from Debian's packages (cached by BuildKit after the first time).
make_service_images() {
  docker build -q --build-arg DEBIAN_IMAGE="$LOCAL_DEBIAN" -f "$LOCAL_IMAGES_DIR/mariadb.Dockerfile" \
    -t "$LOCAL_MARIADB" "$LOCAL_IMAGES_DIR" >/dev/null
  docker build -q --build-arg DEBIAN_IMAGE="$LOCAL_DEBIAN" -f "$LOCAL_IMAGES_DIR/nginx.Dockerfile" \
    -t "$LOCAL_NGINX" "$LOCAL_IMAGES_DIR" >/dev/null
  info "base images: $LOCAL_DEBIAN $LOCAL_NODE $LOCAL_MARIADB $LOCAL_NGINX"
}

# --- Generated env file and certificates ---------------------------------------------------------
set_env() {
  local file="$1" key="$2" value="$3"
  if grep -q "^$key=" "$file"; then
    sed -i "s|^$key=.*|$key=$value|" "$file"
  else
    printf '%s=%s\n' "$key" "$value" >>"$file"
  fi
}

# .env.production with every placeholder replaced by a random value, plus the test's settings.
write_env_file() {
  local file="$STATE_DIR/stack.env" line name
  (
    umask 077
    while IFS= read -r line; do
      if [[ "$line" =~ ^([A-Z_]+)=CHANGE_ME ]]; then
        name="${BASH_REMATCH[1]}"
        case "$name" in
          LETSENCRYPT_EMAIL) echo "$name=ops@$DOMAIN" ;;
          SEED_ADMIN_PASSWORD) echo "$name=$(openssl rand -hex 16)" ;;
          *) echo "$name=$(openssl rand -hex 32)" ;;
        esac
      else
        printf '%s\n' "$line"
      fi
    done <"$OPS_REPO_ROOT/.env.production" >"$file"
  )
  set_env "$file" COMPOSE_FILE docker-compose.yml:docker/compose.stack-test.yml
  set_env "$file" STACK_TEST_DIR "$STATE_DIR"
  set_env "$file" IMAGE_PREFIX "$PROJECT"
  set_env "$file" NODE_IMAGE "$LOCAL_NODE"
  set_env "$file" MYSQL_IMAGE "$LOCAL_MARIADB"
  set_env "$file" NGINX_IMAGE "$LOCAL_NGINX"
  set_env "$file" NGINX_HTTP_PUBLISH "127.0.0.1:$HTTP_PORT"
  set_env "$file" NGINX_HTTPS_PUBLISH "127.0.0.1:$HTTPS_PORT"
  set_env "$file" MONITORING_DEBIAN_IMAGE "$LOCAL_DEBIAN"
  set_env "$file" PROMETHEUS_PUBLISH "127.0.0.1:$PROMETHEUS_PORT"
  set_env "$file" ALERTMANAGER_PUBLISH "127.0.0.1:$ALERTMANAGER_PORT"
  set_env "$file" DOMAIN "$DOMAIN"
  set_env "$file" PUBLIC_SANDBOX_URL "https://sandbox.$DOMAIN"
  set_env "$file" NGINX_OCSP_STAPLING off
  set_env "$file" DB_POOL_SIZE 5
  set_env "$file" SEED_PAYOUT_API_KEY "mp_test_$(openssl rand -hex 24)"
  # The demo merchant (and its payout key) is opt-in once the seed asks for it.
  set_env "$file" SEED_DEMO_MERCHANT true
  # The compose secret of the seeded admin's password, next to the rest of this stack's state.
  set_env "$file" SEED_ADMIN_PASSWORD_FILE "$STATE_DIR/seed_admin_password"
  chmod 600 "$file"
  ENV_FILE="$file"
  export ENV_FILE
}

# A throwaway CA and a certificate for the three hosts signed by it (nginx's TLS_CERT paths).
write_certificates() {
  local live="$STATE_DIR/certs/live/mypay" work="$STATE_DIR/ca-work"
  mkdir -p "$live" "$work"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=MyPay stack test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$work/ca.key" -out "$STATE_DIR/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=sandbox.$DOMAIN" \
    -keyout "$live/privkey.pem" -out "$work/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:sandbox.%s,DNS:devportal.%s,DNS:devadmin.%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    "$DOMAIN" "$DOMAIN" "$DOMAIN" >"$work/leaf.ext"
  openssl x509 -req -in "$work/leaf.csr" -CA "$STATE_DIR/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -days 30 -extfile "$work/leaf.ext" -out "$live/cert.pem" 2>/dev/null
  cat "$live/cert.pem" "$STATE_DIR/ca.pem" >"$live/fullchain.pem"
  cp "$STATE_DIR/ca.pem" "$live/chain.pem"
  chmod 600 "$live/privkey.pem"
  rm -rf "$work"
}

# --- Network rule ----------------------------------------------------------------------------------
add_rules() {
  local rule
  local -a spec
  for rule in "${RULES[@]}"; do
    read -r -a spec <<<"$rule"
    iptables -C "${spec[@]}" 2>/dev/null || iptables -I "${spec[0]}" 1 "${spec[@]:1}"
  done
  info "network rule: containers on br-* reach only each other"
}

remove_rules() {
  local rule
  local -a spec
  command -v iptables >/dev/null 2>&1 || return 0
  for rule in "${RULES[@]}"; do
    read -r -a spec <<<"$rule"
    while iptables -D "${spec[@]}" 2>/dev/null; do :; done
  done
}

# --- up / down -------------------------------------------------------------------------------------
# A stack is "held" while the process that brought it up lives. What a run that was killed
# left behind (its containers restart with the engine, its volume keeps old passwords) is
# removed once the engine is up; the dockerd it started counts as this run's.
claim_state() {
  local owner keep
  owner="$(stack_owner)"
  if [[ -n "$owner" ]]; then
    echo "busy: a stack test brought up by process $owner is running ($STATE_DIR)" >&2
    exit 4
  fi
  if [[ -d "$STATE_DIR" ]]; then
    info "clearing what a previous run left in $STATE_DIR"
    keep="$(cat "$STATE_DIR/dockerd.pid" 2>/dev/null || true)"
    rm -rf "$STATE_DIR"
    mkdir -p "$STATE_DIR"
    [[ -z "$keep" ]] || echo "$keep" >"$STATE_DIR/dockerd.pid"
  fi
  mkdir -p "$STATE_DIR"
  chmod 755 "$STATE_DIR"
  echo "$PPID" >"$STATE_DIR/owner.pid"
}

build_images() {
  local -a secret=()
  # Only the `base` and `store` stages download; build them once with the CA as a build
  # secret (Compose v1 cannot pass one), so `compose build` below finds them in the cache.
  if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -s "$NODE_EXTRA_CA_CERTS" ]]; then
    secret=(--secret "id=npm_ca,src=$NODE_EXTRA_CA_CERTS")
  fi
  DOCKER_BUILDKIT=1 docker build -q "${secret[@]+"${secret[@]}"}" --build-arg NODE_IMAGE="$LOCAL_NODE" \
    --target store -f "$OPS_REPO_ROOT/Dockerfile" "$OPS_REPO_ROOT" >/dev/null
  compose build >&2
}

up() {
  local started=$SECONDS t_base t_build t_up key reason
  reason="$(skip_reason)"
  [[ "$reason" != busy* ]] || { echo "$reason" >&2; exit 4; }
  [[ -z "$reason" ]] || die "cannot run here: $reason"
  claim_state
  ensure_packages "${PACKAGES[@]}"
  select_docker_cli
  start_dockerd
  remove_project
  remove_rules
  t_base=$SECONDS
  make_debian_image
  make_node_image
  make_service_images
  t_base=$((SECONDS - t_base))
  write_env_file
  write_seed_admin_secret
  write_certificates
  mkdir -p "$STATE_DIR/nginx-state" "$STATE_DIR/logs/nginx"
  chmod 755 "$STATE_DIR/nginx-state" "$STATE_DIR/certs"
  add_rules
  export COMPOSE_PROJECT="$PROJECT"
  t_build=$SECONDS
  build_images
  t_build=$((SECONDS - t_build))
  t_up=$SECONDS
  compose up -d >&2
  if ! DEPLOY_HEALTH_TIMEOUT="${STACK_HEALTH_TIMEOUT:-420}" wait_for_healthy mysql payout-api payment-api merchant-portal admin-portal nginx; then
    compose ps >&2 || true
    compose logs --tail 30 >&2 || true
    die "the stack did not become healthy"
  fi
  t_up=$((SECONDS - t_up))
  key="$(env_file_value "$ENV_FILE" SEED_PAYOUT_API_KEY)"
  printf 'CA: %s\nENV: %s\nPAYOUT_KEY: %s\nBIN: %s\n' "$STATE_DIR/ca.pem" "$ENV_FILE" "$key" "$STATE_DIR/bin"
  printf 'DOMAIN: %s\nHTTP_PORT: %s\nHTTPS_PORT: %s\nPROJECT: %s\n' "$DOMAIN" "$HTTP_PORT" "$HTTPS_PORT" "$PROJECT"
  printf 'TIMINGS: base images %d s, build %d s, up to healthy %d s, total %d s\n' \
    "$t_base" "$t_build" "$t_up" "$((SECONDS - started))"
}

# The `monitoring` profile on the running stack: its two images built from Debian's packages on
# the local base (cached by BuildKit after the first time), both started and healthy.
monitoring() {
  local t_build t_up
  [[ -r "$STATE_DIR/stack.env" ]] || die "no stack is up (run: scripts/stack-test.sh up)"
  if [[ -x "$STATE_DIR/bin/docker" ]]; then export PATH="$STATE_DIR/bin:$PATH"; fi
  ENV_FILE="$STATE_DIR/stack.env" COMPOSE_PROJECT="$PROJECT"
  export ENV_FILE COMPOSE_PROJECT
  t_build=$SECONDS
  compose --profile monitoring build prometheus alertmanager >&2
  t_build=$((SECONDS - t_build))
  t_up=$SECONDS
  compose --profile monitoring up -d --no-deps prometheus alertmanager >&2
  if ! DEPLOY_HEALTH_TIMEOUT="${STACK_HEALTH_TIMEOUT:-420}" wait_for_healthy prometheus alertmanager; then
    compose --profile monitoring logs --tail 30 prometheus alertmanager >&2 || true
    die "the monitoring services did not become healthy"
  fi
  t_up=$((SECONDS - t_up))
  printf 'PROMETHEUS_URL: http://127.0.0.1:%s\nALERTMANAGER_URL: http://127.0.0.1:%s\n' "$PROMETHEUS_PORT" "$ALERTMANAGER_PORT"
  printf 'TIMINGS: monitoring build %d s, up to healthy %d s\n' "$t_build" "$t_up"
}

# Everything of the project, whether or not its env file still exists (labels find it).
remove_project() {
  local ids
  if [[ -r "$STATE_DIR/stack.env" ]]; then
    ENV_FILE="$STATE_DIR/stack.env" COMPOSE_PROJECT="$PROJECT" compose down -v --remove-orphans --timeout 10 >&2 || true
  fi
  ids="$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")"
  [[ -z "$ids" ]] || xargs docker rm -f -v <<<"$ids" >/dev/null
  ids="$(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")"
  [[ -z "$ids" ]] || xargs docker network rm <<<"$ids" >/dev/null
  ids="$(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT")"
  [[ -z "$ids" ]] || xargs docker volume rm -f <<<"$ids" >/dev/null
}

take_down() {
  [[ "$(id -u)" == 0 ]] || die "needs root"
  if [[ -x "$STATE_DIR/bin/docker" ]]; then export PATH="$STATE_DIR/bin:$PATH"; fi
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    remove_project
  fi
  remove_rules
  stop_dockerd
  rm -rf "$STATE_DIR"
  info "stack test taken down"
}

main() {
  case "${1:-}" in
    check) check ;;
    up) up ;;
    monitoring) monitoring ;;
    down) take_down ;;
    -h | --help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
