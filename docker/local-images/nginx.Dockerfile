# mypay-local/nginx:1.22 — Debian's nginx 1.22 with what the Compose nginx service uses:
# envsubst (nginx/render.sh) and wget (its health check). A stand-in for nginx:1.27-alpine
# on machines without an image registry (scripts/stack-test.sh, through NGINX_IMAGE).
ARG DEBIAN_IMAGE=mypay-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx gettext-base wget \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && nginx -v
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
