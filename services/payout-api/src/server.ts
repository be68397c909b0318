import type { Server } from 'node:http';
import {
  createDeliveryWorker,
  createDirectory,
  createLogger,
  createPayoutWorker,
  createScenarioCatalog,
  purgeExpiredIdempotencyRecords,
  purgeRequestLogs,
  type RequestLogWriter,
} from '@mypay/core';
import { createDb, describeConnectionError, pingDatabase } from '@mypay/db';
import { handleTransportErrors } from '@mypay/http';
import { buildApp } from './app.ts';
import { loadPayoutApiConfig } from './config.ts';

async function main() {
  const config = loadPayoutApiConfig();
  const logger = createLogger({ level: config.logLevel, name: 'payout-api' });
  const db = createDb(config.databaseUrl, { connectionLimit: config.dbPoolSize });
  // Start even when the database is away (health reports it); just say so.
  await pingDatabase(db).catch((error) => logger.warn(describeConnectionError(db.location, error)));

  const scenarios = createScenarioCatalog(db, { delayScale: config.scenarioDelayScale });
  const app = buildApp(config, { db, logger, scenarios, directory: createDirectory(db) });
  const worker = config.workerEnabled
    ? createPayoutWorker({ pool: db.pool, logger, scenarios, pollIntervalMs: config.workerPollIntervalMs })
    : null;
  // Webhook deliveries: every replica runs one; they share the work through SKIP LOCKED claims.
  const webhookWorker = config.webhookWorkerEnabled ? createDeliveryWorker(db, config.webhooks, { logger }) : null;

  const server: Server = app.listen(config.port, () => {
    logger.info(
      { port: config.port, version: config.version, docs: `${config.publicUrl}/api/v1/docs` },
      'payout-api listening',
    );
    worker?.start();
    webhookWorker?.start();
  });
  server.keepAliveTimeout = 65_000;
  handleTransportErrors(server, logger);
  // Idempotency records live 24 h; expired ones are also replaced on reuse, this just keeps the table small.
  // Request log entries live REQUEST_LOG_RETENTION_DAYS (the Payment API runs the same purge; both are idempotent).
  const purge = setInterval(() => {
    purgeExpiredIdempotencyRecords(db.pool).catch((error) => logger.warn({ err: error }, 'idempotency purge failed'));
    purgeRequestLogs(db.pool, config.requestLog.retentionDays).catch((error) =>
      logger.warn({ err: error }, 'request log purge failed'),
    );
  }, 600_000);
  purge.unref();
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
    }, config.shutdownTimeoutMs);
    forced.unref();
    // Stop accepting; idle keep-alive sockets are closed, busy ones close after their response.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    clearInterval(purge);
    await Promise.all([
      worker?.stop(),
      webhookWorker?.stop(),
      (app.locals.requestLog as RequestLogWriter | null)?.stop(),
    ]);
    await db.close();
    logger.info('stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`payout-api: ${(error as Error).message}\n`);
  process.exit(1);
});
