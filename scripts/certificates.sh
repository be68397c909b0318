#!/usr/bin/env bash
# Issues and renews the TLS certificate of the three public hosts with certbot's webroot flow:
# the ACME server fetches http://<host>/.well-known/acme-challenge/<token> from our own nginx,
# which serves it from the webroot (nginx.conf's port-80 server). deploy-production.sh runs it;
# so does the certbot-renew Compose service's loop (docs/operations.md, "Certificates").
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ops-common.sh source-path=SCRIPTDIR
source "$SCRIPT_DIR/ops-common.sh"

LETSENCRYPT_PRODUCTION=https://acme-v02.api.letsencrypt.org/directory
LETSENCRYPT_STAGING=https://acme-staging-v02.api.letsencrypt.org/directory
CERT_NAME=mypay

usage() {
  cat <<'USAGE'
Usage: scripts/certificates.sh issue|renew|placeholder --domain DOMAIN [options]

  issue        request a certificate for sandbox., devportal. and devadmin.DOMAIN (replaces
               a self-signed placeholder), then reload nginx
  renew        renew it when due (certbot renew: 30 days before expiry), then reload nginx
  placeholder  write a self-signed certificate where nginx expects one, when there is none
               (nginx cannot start without one; issue replaces it)

Options:
  --domain DOMAIN      the public hosts' domain (required)
  --email EMAIL        ACME account contact (default: none, --register-unsafely-without-email)
  --server URL         ACME directory (default ACME_SERVER, else Let's Encrypt production)
  --staging            Let's Encrypt's staging directory (untrusted certificates, high limits)
  --force              renew: renew whatever the expiry (--force-renewal)
  --now                renew: no random delay first (certbot sleeps up to 8 minutes when it
                       runs unattended, to spread the load on the CA; deploys pass --now)
  --certbot compose|local
                       compose (default): `docker compose run --rm certbot`, with the config in
                       nginx/certbot/conf and the webroot nginx/certbot/www (mounted in nginx)
                       local: the certbot on this machine, with --config-dir/--webroot
  --config-dir DIR     local: certbot's configuration (live/, archive/, renewal/)
  --webroot DIR        local: the directory nginx serves /.well-known/acme-challenge/ from
  --reload CMD         how to reload nginx (default: nginx -s reload in the Compose nginx service)

Environment: ACME_SERVER, CERTBOT_EXTRA_ARGS (appended to every certbot call).
The certificate is live/mypay/{fullchain,privkey,chain}.pem under the config directory.
USAGE
}

certbot_run() {
  local -a extra=()
  [[ -n "${CERTBOT_EXTRA_ARGS:-}" ]] && read -r -a extra <<<"$CERTBOT_EXTRA_ARGS"
  if [[ "$CERTBOT_MODE" == compose ]]; then
    compose run --rm --no-deps --entrypoint certbot certbot "$@" "${extra[@]+"${extra[@]}"}"
  else
    certbot --config-dir "$CONFIG_DIR" --work-dir "$CONFIG_DIR/work" --logs-dir "$CONFIG_DIR/logs" \
      "$@" "${extra[@]+"${extra[@]}"}"
  fi
}

# The webroot as certbot sees it (inside the certbot container in compose mode).
certbot_webroot() {
  if [[ "$CERTBOT_MODE" == compose ]]; then echo /var/www/certbot; else echo "$WEBROOT"; fi
}

reload_nginx() {
  if [[ -n "$RELOAD_CMD" ]]; then
    bash -c "$RELOAD_CMD"
  else
    compose exec -T nginx nginx -c /tmp/nginx/conf/nginx.conf -s reload
  fi
  info "nginx reloaded: new connections get the new certificate, open ones finish undisturbed"
}

write_placeholder() {
  local live="$CONFIG_DIR/live/$CERT_NAME"
  [[ -f "$live/fullchain.pem" && -f "$live/privkey.pem" ]] && return 0
  info "no certificate yet: creating a temporary self-signed one for $DOMAIN"
  mkdir -p "$live"
  openssl req -x509 -nodes -newkey rsa:2048 -days 2 -subj "/CN=sandbox.$DOMAIN" \
    -addext "subjectAltName=DNS:sandbox.$DOMAIN,DNS:devportal.$DOMAIN,DNS:devadmin.$DOMAIN" \
    -keyout "$live/privkey.pem" -out "$live/fullchain.pem" 2>/dev/null
  cp "$live/fullchain.pem" "$live/chain.pem"
  touch "$live/.self-signed"
}

issue() {
  local -a contact=(--register-unsafely-without-email)
  [[ -n "$EMAIL" ]] && contact=(--email "$EMAIL" --no-eff-email)
  info "requesting a certificate for sandbox./devportal./devadmin.$DOMAIN from $SERVER"
  mkdir -p "$WEBROOT"
  # A placeholder stays in nginx's memory until the reload; certbot needs live/mypay to itself.
  # nginx keeps serving the placeholder it loaded until the reload below.
  if [[ -f "$CONFIG_DIR/live/$CERT_NAME/.self-signed" ]]; then
    rm -rf "${CONFIG_DIR:?}/live/$CERT_NAME" "${CONFIG_DIR:?}/archive/$CERT_NAME" "${CONFIG_DIR:?}/renewal/$CERT_NAME.conf"
  fi
  if ! certbot_run certonly --webroot -w "$(certbot_webroot)" --server "$SERVER" --cert-name "$CERT_NAME" \
    -d "sandbox.$DOMAIN" -d "devportal.$DOMAIN" -d "devadmin.$DOMAIN" \
    "${contact[@]}" --agree-tos --non-interactive --keep-until-expiring; then
    write_placeholder
    die "certbot could not issue the certificate (DNS? port 80 reachable from the ACME server?)"
  fi
  reload_nginx
}

renew() {
  local -a args=(renew --non-interactive --cert-name "$CERT_NAME")
  [[ "$FORCE" == 1 ]] && args+=(--force-renewal)
  [[ "$NOW" == 1 ]] && args+=(--no-random-sleep-on-renew)
  # The server and the webroot come from renewal/mypay.conf, written at issue time.
  certbot_run "${args[@]}"
  reload_nginx
}

parse_args() {
  COMMAND="${1:-}"
  [[ "$COMMAND" =~ ^(issue|renew|placeholder)$ ]] || { [[ "$COMMAND" =~ ^(-h|--help)$ ]] && { usage; exit 0; }; usage >&2; exit 2; }
  shift
  DOMAIN='' EMAIL='' SERVER="${ACME_SERVER:-$LETSENCRYPT_PRODUCTION}" FORCE=0 NOW=0 CERTBOT_MODE=compose RELOAD_CMD=''
  CONFIG_DIR="$OPS_REPO_ROOT/nginx/certbot/conf" WEBROOT="$OPS_REPO_ROOT/nginx/certbot/www"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --domain) DOMAIN="${2:?--domain needs a domain}"; shift ;;
      --email) EMAIL="${2:-}"; shift ;;
      --server) SERVER="${2:?--server needs a URL}"; shift ;;
      --staging) SERVER="$LETSENCRYPT_STAGING" ;;
      --force) FORCE=1 ;;
      --now) NOW=1 ;;
      --certbot)
        [[ "${2:-}" =~ ^(compose|local)$ ]] || { echo "--certbot is compose or local" >&2; exit 2; }
        CERTBOT_MODE="$2"
        shift
        ;;
      --config-dir) CONFIG_DIR="${2:?--config-dir needs a directory}"; shift ;;
      --webroot) WEBROOT="${2:?--webroot needs a directory}"; shift ;;
      --reload) RELOAD_CMD="${2:?--reload needs a command}"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  [[ "$DOMAIN" =~ ^[a-z0-9.-]+$ ]] || { echo "--domain needs a lower-case DNS name" >&2; exit 2; }
  [[ "$SERVER" =~ ^https:// ]] || { echo "the ACME server must be an https:// URL, got '$SERVER'" >&2; exit 2; }
}

main() {
  parse_args "$@"
  case "$COMMAND" in
    issue) issue ;;
    renew) renew ;;
    placeholder) write_placeholder ;;
  esac
}

main "$@"
