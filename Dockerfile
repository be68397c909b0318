# MyPay Sandbox images: one file, one target per image. docker-compose.yml builds each:
#   docker build --target payout-api -t mypay/payout-api:current .
# Targets: migrate, payout-api, payment-api, merchant-portal, admin-portal.
#
# No `# syntax=` line on purpose: Docker's built-in BuildKit frontend (Docker >= 20.10)
# supports everything used here (RUN --mount), and a syntax line would fetch a frontend
# image from a registry at every build.
#
# Build arguments (docs/operations.md, "Images"):
#   NODE_IMAGE    base of every stage (default node:20-bookworm-slim)
#   PNPM_VERSION  pnpm used to install (default the workspace's packageManager version)
# Build secret, optional: npm_ca, a CA bundle for reaching the npm registry through a
# TLS-inspecting proxy (`docker build --secret id=npm_ca,src=FILE`). It is mounted into the
# two download steps only and never lands in a layer.
#
# Layer plan: only `base` (pnpm) and `store` (the lockfile's packages) download anything;
# the `files` stage splits the context per image (docker/image-files.mjs); each image
# installs offline from the store and copies just its own files, so an edit rebuilds only
# the images whose files changed, and a source edit keeps the dependency layers.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
ARG PNPM_VERSION=12.21.0
ENV CI=true NEXT_TELEMETRY_DISABLED=1
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /app

# ---------------------------------------------------------------------------
# Every package the lockfile names, downloaded once; later stages install with --offline.
FROM base AS store
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches ./patches
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    pnpm fetch --store-dir /pnpm/store --cache-dir /pnpm/cache

# ---------------------------------------------------------------------------
# The whole context, split per image. Runs on every edit (a second or two); what each
# image copies from here is compared by content, so unrelated edits change nothing below.
FROM base AS files
COPY . /src
RUN node /src/docker/image-files.mjs /src /files \
    prisma-client=prisma.config.ts,prisma/schema.prisma \
    bundler=scripts/bundle.mjs \
    migrate=@mypay/prisma \
    payout-api=@mypay/payout-api \
    payment-api=@mypay/payment-api \
    merchant-portal=@mypay/merchant-portal \
    admin-portal=@mypay/admin-portal

# ---------------------------------------------------------------------------
# The Prisma client (generated TypeScript, shared by every image). The schema engine is not
# needed for this (driver adapter, no query engine).
FROM base AS prisma-client
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --cache-dir /pnpm/cache --filter mypay-sandbox --filter @mypay/db
COPY --from=files /files/prisma-client/ ./
RUN pnpm db:generate

# ---------------------------------------------------------------------------
# Production dependencies of one workspace package. The migrate job runs TypeScript through tsx
# (a dependency of @mypay/prisma); the APIs run their JavaScript build (below) with plain node, so
# their production install has no TypeScript loader. bcrypt ships prebuilt binaries.
FROM base AS migrate-deps
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --prod --store-dir /pnpm/store --cache-dir /pnpm/cache --filter "@mypay/prisma..."

FROM base AS payout-api-deps
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --prod --store-dir /pnpm/store --cache-dir /pnpm/cache --filter "@mypay/payout-api..."

FROM base AS payment-api-deps
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --prod --store-dir /pnpm/store --cache-dir /pnpm/cache --filter "@mypay/payment-api..."

# ---------------------------------------------------------------------------
# The APIs' JavaScript builds (all dependencies, then `pnpm build`: scripts/bundle.mjs bundles the
# service and its workspace packages, the generated Prisma client included, into dist/server.js;
# every other package stays an import served by the production install above).
FROM base AS payout-api-build
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --cache-dir /pnpm/cache --filter "@mypay/payout-api..."
COPY --from=prisma-client /app/packages/db/src/generated packages/db/src/generated
COPY --from=files /files/payout-api/ ./
COPY --from=files /files/bundler/ ./
RUN pnpm --filter @mypay/payout-api build

FROM base AS payment-api-build
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --cache-dir /pnpm/cache --filter "@mypay/payment-api..."
COPY --from=prisma-client /app/packages/db/src/generated packages/db/src/generated
COPY --from=files /files/payment-api/ ./
COPY --from=files /files/bundler/ ./
RUN pnpm --filter @mypay/payment-api build

# ---------------------------------------------------------------------------
# Next.js builds (all dependencies, then `next build`; standalone output). No secrets at
# build time: configuration is read when the server starts, not when it is built.
FROM base AS merchant-portal-build
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --cache-dir /pnpm/cache --filter "@mypay/merchant-portal..."
COPY --from=prisma-client /app/packages/db/src/generated packages/db/src/generated
COPY --from=files /files/merchant-portal/ ./
RUN --mount=type=cache,id=mypay-next-merchant-portal,target=/app/apps/merchant-portal/.next/cache \
    mkdir -p apps/merchant-portal/public && pnpm --filter @mypay/merchant-portal build

FROM base AS admin-portal-build
COPY --from=files /files/manifests/ ./
RUN --mount=type=bind,from=store,source=/pnpm,target=/pnpm,rw \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --cache-dir /pnpm/cache --filter "@mypay/admin-portal..."
COPY --from=prisma-client /app/packages/db/src/generated packages/db/src/generated
COPY --from=files /files/admin-portal/ ./
RUN --mount=type=cache,id=mypay-next-admin-portal,target=/app/apps/admin-portal/.next/cache \
    mkdir -p apps/admin-portal/public && pnpm --filter @mypay/admin-portal build

# ===========================================================================
# Runtime images. Files are root-owned and read-only for the process, which runs as the
# base image's unprivileged `node` user. Dependencies and the build (the APIs: dist/, which holds
# the Prisma client; the migrate job: the client and its sources) are separate layers, so a source
# edit ships one small layer.

# One shot (the Compose `migrate` service): applies prisma/migrations, runs the idempotent seed.
FROM ${NODE_IMAGE} AS migrate
ENV NODE_ENV=production
WORKDIR /app
COPY --from=migrate-deps /app /app
COPY --from=prisma-client /app/packages/db/src/generated /app/packages/db/src/generated
COPY --from=files /files/migrate/ /app/
USER node
WORKDIR /app/prisma
CMD ["sh", "-c", "node --import tsx migrate.ts && node --import tsx seed.ts"]

FROM ${NODE_IMAGE} AS payout-api
ENV NODE_ENV=production PORT=4001
WORKDIR /app
COPY --from=payout-api-deps /app /app
COPY --from=payout-api-build /app/services/payout-api/dist /app/services/payout-api/dist
USER node
WORKDIR /app/services/payout-api
EXPOSE 4001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1's child under `init: true` and receives SIGTERM directly (graceful shutdown).
# The heap cap keeps the process within its memory budget (docs/performance.md, "Memory").
CMD ["node", "--max-old-space-size=96", "dist/server.js"]

FROM ${NODE_IMAGE} AS payment-api
ENV NODE_ENV=production PORT=4002
WORKDIR /app
COPY --from=payment-api-deps /app /app
COPY --from=payment-api-build /app/services/payment-api/dist /app/services/payment-api/dist
USER node
WORKDIR /app/services/payment-api
EXPOSE 4002
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4002) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-old-space-size=96", "dist/server.js"]

# The standalone server carries only the files Next traced (node_modules included).
FROM ${NODE_IMAGE} AS merchant-portal
ENV NODE_ENV=production MYPAY_NODE_ENV=production PORT=4010 HOSTNAME=0.0.0.0 NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=merchant-portal-build /app/apps/merchant-portal/.next/standalone ./
COPY --from=merchant-portal-build /app/apps/merchant-portal/.next/static ./apps/merchant-portal/.next/static
COPY --from=merchant-portal-build /app/apps/merchant-portal/public ./apps/merchant-portal/public
USER node
EXPOSE 4010
# Anonymous visitors are redirected to the login page: any answer below 500 means alive.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4010) + '/', { redirect: 'manual' }).then(r => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/merchant-portal/server.js"]

FROM ${NODE_IMAGE} AS admin-portal
ENV NODE_ENV=production MYPAY_NODE_ENV=production PORT=4011 HOSTNAME=0.0.0.0 NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=admin-portal-build /app/apps/admin-portal/.next/standalone ./
COPY --from=admin-portal-build /app/apps/admin-portal/.next/static ./apps/admin-portal/.next/static
COPY --from=admin-portal-build /app/apps/admin-portal/public ./apps/admin-portal/public
USER node
EXPOSE 4011
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4011) + '/', { redirect: 'manual' }).then(r => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/admin-portal/server.js"]
