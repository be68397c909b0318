import { Writable } from 'node:stream';
import { createScenarioCatalog } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createTestMerchant, payoutBody, testConfig } from './support.ts';

/**
 * What the logs say about an answer the API gives on purpose: scenario 7's 503
 * PROVIDER_UNAVAILABLE is one warn line from the error handler and a warn request line,
 * neither with a stack trace. An unexpected failure still logs at error level with its stack.
 */
let db: Db;
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
    done();
  },
});

beforeAll(() => {
  db = createDb(testConfig().databaseUrl, { connectionLimit: 4 });
});
afterAll(() => db.close());

function appWithLogs() {
  const config = testConfig({ WORKER_ENABLED: 'false' });
  const logger = pino({ level: 'info' }, sink);
  return buildApp(config, { db, logger, scenarios: createScenarioCatalog(db, { delayScale: 0.01 }) });
}

describe('logs of expected 5xx answers', () => {
  it('when scenario 7 answers 503, then it is logged at warn level without a stack trace', async () => {
    const app = appWithLogs();
    const merchant = await createTestMerchant(db);
    const res = await request(app)
      .post('/api/v1/payouts')
      .set('Authorization', `Bearer ${merchant.key}`)
      .send(payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000007' } }));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    const requestId = res.headers['x-request-id'];
    const mine = lines.filter((line) => line.requestId === requestId);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    // pino levels: 40 warn, 50 error.
    expect(mine.map((line) => line.level)).toEqual(mine.map(() => 40));
    expect(JSON.stringify(mine)).not.toMatch(/"stack"|\n\s+at /);
    expect(mine.some((line) => line.code === 'PROVIDER_UNAVAILABLE')).toBe(true);
  });
});
