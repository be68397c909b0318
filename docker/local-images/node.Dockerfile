# mypay-local/node:20 — a stand-in for node:20-bookworm-slim on machines without an image
# registry (scripts/stack-test.sh). The Debian base is made by debootstrap; Node 20 and npm
# are this machine's own, copied into the build context by stack-test.sh.
ARG DEBIAN_IMAGE=mypay-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
# The same unprivileged user as the official image (uid/gid 1000, named node).
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && groupadd --gid 1000 node \
    && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
    && node --version && npm --version
CMD ["node"]
