#!/bin/sh
# Renders the nginx templates for one domain into OUTDIR (POSIX sh: it also runs inside
# the nginx:alpine container, which has envsubst but no bash).
set -eu

NGINX_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

usage() {
    cat <<'USAGE'
Usage: nginx/render.sh DOMAIN OUTDIR

Renders nginx/templates/*.template for DOMAIN (serving sandbox., devportal. and
devadmin.DOMAIN) into OUTDIR; start nginx with `nginx -c OUTDIR/nginx.conf`.

Environment (defaults are the Docker Compose values):
  HTTP_PORT=80  HTTPS_PORT=443
  PAYOUT_API_UPSTREAM=payout-api:4001        PAYMENT_API_UPSTREAM=payment-api:4002
  MERCHANT_PORTAL_UPSTREAM=merchant-portal:4010  ADMIN_PORTAL_UPSTREAM=admin-portal:4011
  TLS_CERT=/etc/letsencrypt/live/mypay/fullchain.pem
  TLS_KEY=/etc/letsencrypt/live/mypay/privkey.pem
  TLS_TRUSTED_CERT=/etc/letsencrypt/live/mypay/chain.pem
  OCSP_STAPLING=off      "on" only with a certificate whose CA runs OCSP (needs
                         TLS_TRUSTED_CERT); Let's Encrypt no longer does
  RESOLVER=127.0.0.11    DNS resolver for the upstream names (looked up per request)
                         and OCSP (Docker's embedded DNS)
  API_RATE_LIMIT=20r/s   API_RATE_BURST=40     CLIENT_MAX_BODY_SIZE=1m
  LOGIN_RATE_LIMIT=10r/m LOGIN_RATE_BURST=10   portal login posts per client address
  ACME_WEBROOT=/var/www/certbot
  NGINX_LOG_DIR=/var/log/nginx   NGINX_RUN_DIR=/tmp/nginx
  NGINX_STATE_DIR=/var/lib/mypay-nginx   (maintenance.on here = maintenance mode)
  NGINX_STATIC_DIR=<this directory>/static
USAGE
}

TEMPLATE_VARS='DOMAIN HTTP_PORT HTTPS_PORT PAYOUT_API_UPSTREAM PAYMENT_API_UPSTREAM
MERCHANT_PORTAL_UPSTREAM ADMIN_PORTAL_UPSTREAM TLS_CERT TLS_KEY OCSP_STAPLING_BLOCK API_RATE_LIMIT
API_RATE_BURST LOGIN_RATE_LIMIT LOGIN_RATE_BURST CLIENT_MAX_BODY_SIZE ACME_WEBROOT NGINX_LOG_DIR NGINX_RUN_DIR NGINX_STATE_DIR
NGINX_STATIC_DIR NGINX_CONF_OUT RESOLVER'

die() {
    echo "render.sh: $*" >&2
    exit 2
}

check_upstream() {
    case "$2" in
        *[!A-Za-z0-9.:_-]* | '' | *:) die "$1 must be host:port, got '$2'" ;;
        *:*) ;;
        *) die "$1 must be host:port, got '$2'" ;;
    esac
}

set_defaults() {
    : "${HTTP_PORT:=80}" "${HTTPS_PORT:=443}"
    : "${PAYOUT_API_UPSTREAM:=payout-api:4001}" "${PAYMENT_API_UPSTREAM:=payment-api:4002}"
    : "${MERCHANT_PORTAL_UPSTREAM:=merchant-portal:4010}" "${ADMIN_PORTAL_UPSTREAM:=admin-portal:4011}"
    : "${TLS_CERT:=/etc/letsencrypt/live/mypay/fullchain.pem}"
    : "${TLS_KEY:=/etc/letsencrypt/live/mypay/privkey.pem}"
    : "${TLS_TRUSTED_CERT:=/etc/letsencrypt/live/mypay/chain.pem}"
    : "${OCSP_STAPLING:=off}" "${RESOLVER:=127.0.0.11}"
    : "${API_RATE_LIMIT:=20r/s}" "${API_RATE_BURST:=40}" "${CLIENT_MAX_BODY_SIZE:=1m}"
    : "${LOGIN_RATE_LIMIT:=10r/m}" "${LOGIN_RATE_BURST:=10}"
    : "${ACME_WEBROOT:=/var/www/certbot}"
    : "${NGINX_LOG_DIR:=/var/log/nginx}" "${NGINX_RUN_DIR:=/tmp/nginx}"
    : "${NGINX_STATE_DIR:=/var/lib/mypay-nginx}" "${NGINX_STATIC_DIR:=$NGINX_DIR/static}"
}

validate() {
    case "$DOMAIN" in
        *[!a-z0-9.-]* | '' | .* | *.) die "DOMAIN must be a lower-case DNS name, got '$DOMAIN'" ;;
    esac
    for port in "$HTTP_PORT" "$HTTPS_PORT"; do
        case "$port" in *[!0-9]* | '') die "ports must be numbers, got '$port'" ;; esac
    done
    check_upstream PAYOUT_API_UPSTREAM "$PAYOUT_API_UPSTREAM"
    check_upstream PAYMENT_API_UPSTREAM "$PAYMENT_API_UPSTREAM"
    check_upstream MERCHANT_PORTAL_UPSTREAM "$MERCHANT_PORTAL_UPSTREAM"
    check_upstream ADMIN_PORTAL_UPSTREAM "$ADMIN_PORTAL_UPSTREAM"
    case "$OCSP_STAPLING" in on | off) ;; *) die "OCSP_STAPLING must be on or off" ;; esac
    case "$RESOLVER" in *[!A-Za-z0-9.:_\[\]-]* | '') die "RESOLVER must be an address, got '$RESOLVER'" ;; esac
}

# OCSP stapling is a switch, off by default: it only works for a certificate whose CA runs an
# OCSP responder (Let's Encrypt stopped in 2025; a self-signed one has none), and otherwise only
# makes nginx log warnings, so the block is left out.
ocsp_block() {
    if [ "$OCSP_STAPLING" = on ]; then
        printf 'ssl_stapling on;\nssl_stapling_verify on;\nssl_trusted_certificate %s;\nresolver %s valid=300s ipv6=off;\nresolver_timeout 5s;\n' \
            "$TLS_TRUSTED_CERT" "$RESOLVER"
    else
        printf '# OCSP stapling off (the default); OCSP_STAPLING=on for a certificate whose CA runs OCSP.\n'
    fi
}

render() {
    mkdir -p "$OUTDIR" "$NGINX_RUN_DIR" "$NGINX_LOG_DIR" "$NGINX_STATE_DIR"
    NGINX_CONF_OUT=$(CDPATH='' cd -- "$OUTDIR" && pwd)
    OCSP_STAPLING_BLOCK=$(ocsp_block)
    export OCSP_STAPLING_BLOCK NGINX_CONF_OUT
    # shellcheck disable=SC2086,SC2163 # exports each name in the list
    export $TEMPLATE_VARS
    # Only our variables are substituted, so nginx's own $variables survive untouched.
    vars=''
    for name in $TEMPLATE_VARS; do
        vars="$vars \${$name}"
    done
    for template in "$NGINX_DIR"/templates/*.template; do
        name=$(basename "$template" .template)
        envsubst "$vars" <"$template" >"$NGINX_CONF_OUT/$name"
    done
    echo "rendered nginx config for sandbox.$DOMAIN devportal.$DOMAIN devadmin.$DOMAIN into $NGINX_CONF_OUT"
}

main() {
    case "${1:-}" in
        -h | --help) usage; exit 0 ;;
    esac
    [ "$#" -eq 2 ] || { usage >&2; exit 2; }
    DOMAIN=$1
    OUTDIR=$2
    command -v envsubst >/dev/null 2>&1 || die "envsubst not found (Debian: gettext-base)"
    set_defaults
    validate
    render
}

main "$@"
