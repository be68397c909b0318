import { createDirectory, createScenarioCatalog, type PayoutDeps } from '@mypay/core';
import { getConfig } from './config.ts';
import { getDb } from './portal.ts';

const holder = globalThis as unknown as { __mypayMerchantPortalDeps?: PayoutDeps };

/** The payout use-cases' dependencies, built once per process. */
export function getPayoutDeps(): PayoutDeps {
  if (!holder.__mypayMerchantPortalDeps) {
    const db = getDb();
    holder.__mypayMerchantPortalDeps = {
      db,
      scenarios: createScenarioCatalog(db, { delayScale: getConfig().scenarioDelayScale }),
      directory: createDirectory(db),
      limits: getConfig().payoutLimits,
    };
  }
  return holder.__mypayMerchantPortalDeps;
}
