import {
  createCheckoutExpiryWorker,
  createDeliveryWorker,
  createDirectory,
  createPaymentWorker,
  createRefundWorker,
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
import { loadPaymentApiConfig } from './config.ts';

async function main() {
  const config = loadPaymentApiConfig();
  const { logger, db } = await openProcess('payment-api', config);

  const scenarios = createScenarioCatalog(db, { delayScale: config.scenarioDelayScale });
  const app = buildApp(config, { db, logger, scenarios, directory: createDirectory(db) });
  const workers = config.workerEnabled
    ? [
        createPaymentWorker({
          pool: db.pool,
          logger,
          scenarios,
          publicUrl: config.publicUrl,
          pollIntervalMs: config.workerPollIntervalMs,
        }),
        createCheckoutExpiryWorker({ pool: db.pool, logger, publicUrl: config.publicUrl }),
        createRefundWorker({ pool: db.pool, logger, pollIntervalMs: config.workerPollIntervalMs }),
      ]
    : [];

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
    banner: { name: 'payment-api', version: config.version, docs: `${config.publicUrl}/api/checkout/docs` },
    background: [
      ...workers,
      config.webhookWorkerEnabled ? createDeliveryWorker(db, config.webhooks, { logger }) : null,
      createRetentionPurge({ pool: db.pool, logger, requestLogRetentionDays: config.requestLog.retentionDays }),
      app.locals.requestLog as RequestLogWriter | null,
      metricsServer ? { stop: () => metricsServer.close() } : null,
    ],
    onShutdown: async () => {
      await (app.locals.rateLimits as RateLimitBackend | null)?.close();
      await db.close();
    },
  });
}

runMain('payment-api', main);
