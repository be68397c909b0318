/**
 * Prints this API's OpenAPI document (the one it serves), for client generators, validating proxies
 * and linters: `pnpm --filter @mypay/payment-api -s openapi > payment-api.json` (or `pnpm openapi` for both).
 * The document is built from the app itself; no database connection is made.
 */
import { createLogger } from '@mypay/core';
import { createDb } from '@mypay/db';
import { buildApp } from './app.ts';
import { parsePaymentApiConfig } from './config.ts';

const config = parsePaymentApiConfig({ ...process.env, LOG_LEVEL: 'silent' });
// A pool is made but never used: the document needs no database.
const db = createDb(config.databaseUrl, { connectionLimit: 1 });
const app = buildApp(config, { db, logger: createLogger({ level: 'silent' }) });
process.stdout.write(`${JSON.stringify((app.locals.docs as { document(): unknown }).document(), null, 2)}\n`);
void db.close();
