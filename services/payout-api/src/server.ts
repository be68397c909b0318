import {
  createDeliveryWorker,
  createDirectory,
  createPayoutWorker,
  createRetentionPurge,
  createScenarioCatalog,
  type RequestLogWriter,
} from '@mypay/core';
import {
  type AppMetrics,
  openProcess,
  type RateLimitBackend,
  runMain,
  runServer,
  startMetricsServer,
} from '@mypay/http';
import { buildApp } from './app.ts';
import { loadPayoutApiConfig } from './config.ts';

async function main() {
  const config = loadPayoutApiConfig();
  const { logger, db } = await openProcess('payout-api', config);

  const scenarios = createScenarioCatalog(db, { delayScale: config.scenarioDelayScale });
  const app = buildApp(config, { db, logger, scenarios, directory: createDirectory(db) });

  // METRICS_PORT: /metrics on a listener of its own (never published; Prometheus reaches it inside the network).
  const metricsServer =
    config.metricsPort !== undefined
      ? await startMetricsServer(app.locals.metrics as AppMetrics, config.metricsPort)
      : null;
  if (metricsServer) logger.info({ port: config.metricsPort }, 'metrics listening');

  runServer({
    app,
    port: config.port,
    logger,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    banner: { name: 'payout-api', version: config.version, docs: `${config.publicUrl}/api/v1/docs` },
    background: [
      config.workerEnabled
        ? createPayoutWorker({ pool: db.pool, logger, scenarios, pollIntervalMs: config.workerPollIntervalMs })
        : null,
      // Webhook deliveries: every replica runs one; they share the work through SKIP LOCKED claims.
      config.webhookWorkerEnabled ? createDeliveryWorker(db, config.webhooks, { logger }) : null,
      // Expired idempotency records (one table for both APIs) are purged here; both APIs purge the request log.
      createRetentionPurge({
        pool: db.pool,
        logger,
        requestLogRetentionDays: config.requestLog.retentionDays,
        idempotency: true,
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

runMain('payout-api', main);
