import type { Server } from 'node:http';
import {
  createDeliveryWorker,
  createLogger,
  createRetentionPurge,
  type Logger,
  type RequestLogWriter,
} from '@mypay/core';
import { createDb, type Db, describeConnectionError, pingDatabase } from '@mypay/db';
import type { Express } from 'express';
import type { ApiSettings } from './api-config.ts';
import { type AppMetrics, startMetricsServer } from './metrics.ts';
import { logProcessErrors } from './process-errors.ts';
import type { RateLimitBackend } from './rate-limit.ts';
import { handleTransportErrors } from './transport-errors.ts';

/** A background job of an API process: a worker, the purge, the request log writer. */
export interface BackgroundJob {
  start?(): void;
  stop(): Promise<unknown> | unknown;
}

/**
 * The start of every API process: its logger and its database pool. The process starts even
 * when the database is away (health reports it); this just says so.
 */
export async function openProcess(
  name: string,
  config: { logLevel: string; databaseUrl: string; dbPoolSize: number },
): Promise<{ logger: Logger; db: Db }> {
  const logger = createLogger({ level: config.logLevel, name });
  const db = createDb(config.databaseUrl, { connectionLimit: config.dbPoolSize });
  await pingDatabase(db).catch((error) => logger.warn(describeConnectionError(db.location, error)));
  return { logger, db };
}

export interface RunServerOptions {
  /** The Express app (anything whose `listen(port, callback)` returns the HTTP server). */
  app: { listen(port: number, callback: () => void): Server };
  port: number;
  logger: Logger;
  /** Grace period for in-flight requests on SIGTERM/SIGINT before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** With a name, the process logs `<name> listening` with its port, version and docs URL once bound. */
  banner?: { name: string; version: string; docs: string };
  /** Started once the port is bound (after onListening), stopped together on shutdown. */
  background?: (BackgroundJob | null | undefined)[];
  /** Called once the port is bound (after the banner). */
  onListening?: () => void;
  /**
   * Called on shutdown after the server stopped accepting, its in-flight requests finished and
   * the background jobs stopped: close the database. The process exits 0 when it resolves.
   */
  onShutdown?: () => Promise<unknown>;
}

/**
 * The one lifecycle of an API process: listen, start the background jobs, answer transport
 * errors in the error shape, log process-level errors, and on SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish (bounded by `shutdownTimeoutMs`), stop the jobs, run `onShutdown`
 * and exit.
 */
export function runServer(options: RunServerOptions): Server {
  const { app, port, logger, shutdownTimeoutMs } = options;
  const background = (options.background ?? []).filter((job): job is BackgroundJob => Boolean(job));
  logProcessErrors(logger);
  const server = app.listen(port, () => {
    if (options.banner) {
      const { name, version, docs } = options.banner;
      logger.info({ port, version, docs }, `${name} listening`);
    }
    options.onListening?.();
    for (const job of background) job.start?.();
  });
  server.keepAliveTimeout = 65_000;
  handleTransportErrors(server, logger);
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'cannot listen');
    process.exit(1);
  });

  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const forced = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, shutdownTimeoutMs);
    forced.unref();
    // Stop accepting; idle keep-alive sockets are closed, busy ones close after their response.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await Promise.all(background.map((job) => job.stop()));
    await options.onShutdown?.();
    logger.info('stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return server;
}

export interface ServeApiOptions {
  /** The process name (`payment-api`): the banner's. */
  name: string;
  config: ApiSettings;
  db: Db;
  logger: Logger;
  /** The app `buildApiApp` made (its `locals` hold the metrics, the request log and the rate limits). */
  app: Express;
  /** The docs page's URL, for the banner. */
  docsUrl: string;
  /** The API's own workers (none when WORKER_ENABLED=false). */
  workers: BackgroundJob[];
  /** Also purge expired idempotency records (one table for both APIs: one of them purges it). */
  purgeIdempotency?: boolean;
}

/**
 * An API process from its built app: `/metrics` on METRICS_PORT when set, then `runServer` with
 * the API's workers, the webhook delivery worker (WEBHOOK_WORKER_ENABLED), the retention purge and
 * the request log writer as background jobs; on shutdown the rate-limit store and the pool close.
 */
export async function serveApi(options: ServeApiOptions): Promise<Server> {
  const { name, config, db, logger, app } = options;
  // METRICS_PORT: /metrics on a listener of its own (never published; Prometheus reaches it inside the network).
  const metricsServer =
    config.metricsPort !== undefined
      ? await startMetricsServer(app.locals.metrics as AppMetrics, config.metricsPort)
      : null;
  if (metricsServer) logger.info({ port: config.metricsPort }, 'metrics listening');

  return runServer({
    app,
    port: config.port,
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    banner: { name, version: config.version, docs: options.docsUrl },
    background: [
      ...options.workers,
      // Webhook deliveries: every replica runs one; they share the work through SKIP LOCKED claims.
      config.webhookWorkerEnabled ? createDeliveryWorker(db, config.webhooks, { logger }) : null,
      createRetentionPurge({
        pool: db.pool,
        logger,
        requestLogRetentionDays: config.requestLog.retentionDays,
        ...(options.purgeIdempotency ? { idempotency: true } : {}),
      }),
      app.locals.requestLog as RequestLogWriter | null,
      metricsServer ? { stop: () => metricsServer.close() } : null,
    ],
    onShutdown: async () => {
      await (app.locals.rateLimits as RateLimitBackend | null)?.close();
      await db.close();
    },
  });
}

/** For an entry file: run `main`, and if it fails before a logger exists, say so on stderr and exit 1. */
export function runMain(processName: string, main: () => Promise<unknown>): void {
  main().catch((error) => {
    process.stderr.write(`${processName}: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
