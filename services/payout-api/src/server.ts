import { createDirectory, createPayoutWorker, createScenarioCatalog } from '@mypay/core';
import { openProcess, runMain, serveApi } from '@mypay/http';
import { buildApp } from './app.ts';
import { loadPayoutApiConfig } from './config.ts';

async function main() {
  const config = loadPayoutApiConfig();
  const { logger, db } = await openProcess('payout-api', config);

  const scenarios = createScenarioCatalog(db, { delayScale: config.scenarioDelayScale });
  const app = buildApp(config, { db, logger, scenarios, directory: createDirectory(db) });
  const workers = config.workerEnabled
    ? [createPayoutWorker({ pool: db.pool, logger, scenarios, pollIntervalMs: config.workerPollIntervalMs })]
    : [];

  await serveApi({
    name: 'payout-api',
    config,
    db,
    logger,
    app,
    docsUrl: `${config.publicUrl}/api/v1/docs`,
    workers,
    // Expired idempotency records (one table for both APIs) are purged here; both APIs purge the request log.
    purgeIdempotency: true,
  });
}

runMain('payout-api', main);
