import { randomHex } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../services/payment-api/test/support.ts';
import * as payout from '../../services/payout-api/test/support.ts';

/**
 * Client addresses behind nginx (TRUST_PROXY=1, as docker-compose.yml sets it): nginx appends the
 * address it saw to X-Forwarded-For, so a first entry written by the client must never be what
 * an audit row stores or what the hosted page's per-IP limiter counts.
 */
let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;

beforeAll(() => {
  payoutApi = payout.startTestApi({ env: { TRUST_PROXY: '1' }, worker: false });
  paymentApi = payment.startTestApi({ env: { TRUST_PROXY: '1', RATE_LIMIT_PER_MINUTE: '3' }, workers: false });
});
afterAll(async () => {
  await payoutApi?.close();
  await paymentApi?.close();
});

describe('client address behind one trusted proxy', () => {
  it('when the client writes its own first X-Forwarded-For entry, then the audit row stores what nginx saw', async () => {
    const merchant = await payout.createTestMerchant(payoutApi.db);
    const res = await payout
      .client(payoutApi.app, merchant.key)
      .post('/webhook-endpoints', { url: 'https://hooks.example.test/mypay' })
      .set('X-Forwarded-For', '6.6.6.6, 203.0.113.77');
    expect(res.status).toBe(201);
    const row = await payoutApi.db.prisma.auditLog.findFirstOrThrow({
      where: { merchantId: merchant.merchantId, action: 'webhook_endpoint.created' },
    });
    expect(row.ip).toBe('203.0.113.77');
  });

  it('when one client varies its spoofed first entry, then the hosted page limiter still counts one address', async () => {
    const seen = `198.51.100.${Math.floor(Math.random() * 200) + 20}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(paymentApi.app)
        .get(`/checkout/cs_${randomHex(12)}`)
        .set('X-Forwarded-For', `10.9.${i}.${i + 1}, ${seen}`);
      statuses.push(res.status);
    }
    expect(statuses).toEqual([404, 404, 404, 429]);
    // Another address (as nginx saw it) has its own bucket.
    const other = await request(paymentApi.app)
      .get(`/checkout/cs_${randomHex(12)}`)
      .set('X-Forwarded-For', `${seen}, 192.0.2.${Math.floor(Math.random() * 200) + 20}`);
    expect(other.status).toBe(404);
  });
});
