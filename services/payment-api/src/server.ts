import {
  createCheckoutExpiryWorker,
  createDirectory,
  createPaymentWorker,
  createRefundWorker,
  createScenarioCatalog,
} from '@mypay/core';
import { openProcess, runMain, serveApi } from '@mypay/http';
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

  await serveApi({
    name: 'payment-api',
    config,
    db,
    logger,
    app,
    docsUrl: `${config.publicUrl}/api/checkout/docs`,
    workers,
  });
}

runMain('payment-api', main);
