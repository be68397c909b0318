import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDeliveryWorker } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, testSettings } from '../../../packages/core/test/webhooks/support.ts';
import { metricNames, sampleValue } from '../../../test/support/metrics.ts';
import { client, createTestMerchant, payoutBody, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(() => {
  api = startTestApi({ worker: false });
});
afterAll(async () => {
  await api?.close();
});

const scrape = async (app = api.app) => {
  const res = await request(app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
};

describe('GET /metrics (Payout API)', () => {
  it('when scraped, then it serves the HTTP, pool, database, outbox, domain and process metrics', async () => {
    const names = metricNames(await scrape());
    expect(names).toEqual(
      expect.arrayContaining([
        'mypay_http_requests_total',
        'mypay_http_request_duration_seconds',
        'mypay_db_pool_connections',
        'mypay_db_pool_waiting',
        'mypay_db_up',
        'mypay_webhook_outbox_due',
        'mypay_webhook_outbox_oldest_due_seconds',
        'mypay_request_log_dropped_total',
        'mypay_payouts_created_total',
        'mypay_payments_created_total',
        'mypay_webhook_delivery_attempts_total',
        'mypay_webhook_event_to_delivery_seconds',
        'mypay_idempotent_replays_total',
        'mypay_rate_limit_rejections_total',
        'nodejs_eventloop_lag_seconds',
        'process_resident_memory_bytes',
      ]),
    );
    const text = await scrape();
    expect(sampleValue(text, 'mypay_db_up')).toBe(1);
    // METRICS_DISK_PATHS defaults to /.
    expect(sampleValue(text, 'mypay_disk_free_bytes', { path: '/' })).toBeGreaterThan(0);
  });

  it('when METRICS_CERT_FILES names a certificate, then its expiry time is exported', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mypay-metrics-cert-'));
    try {
      const cert = path.join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '10',
          '-subj',
          '/CN=metrics.test',
          '-keyout',
          path.join(dir, 'key.pem'),
          '-out',
          cert,
        ],
        { stdio: 'ignore' },
      );
      const withCert = startTestApi({ worker: false, env: { METRICS_CERT_FILES: `${cert},${dir}/missing.pem` } });
      try {
        const text = await scrape(withCert.app);
        const notAfter = sampleValue(text, 'mypay_tls_certificate_not_after_seconds', { file: cert });
        expect(notAfter - Date.now() / 1000).toBeGreaterThan(9 * 86_400);
        expect(notAfter - Date.now() / 1000).toBeLessThan(11 * 86_400);
        expect(text).not.toContain('missing.pem');
      } finally {
        await withCert.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when a payout is created and replayed, then the request, payout and replay counters move', async () => {
    const merchant = await createTestMerchant(api.db);
    const c = client(api.app, merchant.key);
    const before = await scrape();
    const key = `metrics-${Date.now()}`;
    const body = payoutBody();
    const created = await c.post('/payouts', body).set('Idempotency-Key', key);
    expect(created.status).toBe(201);
    const replay = await c.post('/payouts', body).set('Idempotency-Key', key);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const missing = await c.get('/payouts/po_doesnotexist');
    expect(missing.status).toBe(404);
    const after = await scrape();

    const route = { method: 'POST', route: '/api/v1/payouts', status: '201' };
    expect(sampleValue(after, 'mypay_http_requests_total', route)).toBe(
      sampleValue(before, 'mypay_http_requests_total', route) + 2,
    );
    expect(sampleValue(after, 'mypay_http_request_duration_seconds_count', route)).toBeGreaterThanOrEqual(2);
    // An error answered after the router gave up its base still carries the whole template.
    const notFound = { method: 'GET', route: '/api/v1/payouts/:id', status: '404' };
    expect(sampleValue(after, 'mypay_http_requests_total', notFound)).toBe(
      sampleValue(before, 'mypay_http_requests_total', notFound) + 1,
    );
    const payout = { status: created.body.status, scenario: 'SUCCESS' };
    expect(sampleValue(after, 'mypay_payouts_created_total', payout)).toBeGreaterThanOrEqual(
      sampleValue(before, 'mypay_payouts_created_total', payout) + 1,
    );
    expect(sampleValue(after, 'mypay_idempotent_replays_total')).toBeGreaterThanOrEqual(
      sampleValue(before, 'mypay_idempotent_replays_total') + 1,
    );
  });

  it('when a webhook is delivered, then the attempt is counted as DELIVERED and its event-to-delivery time observed', async () => {
    const receiver = await startReceiver();
    const endpointIds: string[] = [];
    const worker = createDeliveryWorker(api.db, testSettings(), { scope: { endpointIds } });
    worker.start();
    try {
      const merchant = await createTestMerchant(api.db);
      const c = client(api.app, merchant.key);
      const endpoint = await c.post('/webhook-endpoints', { url: receiver.url });
      expect(endpoint.status).toBe(201);
      endpointIds.push(endpoint.body.id);
      const before = await scrape();
      expect((await c.post('/payouts', payoutBody())).status).toBe(201);
      const delivered = { endpoint: endpoint.body.id, result: 'DELIVERED' };
      // An instant payout has three events (created, processing, completed).
      await expect
        .poll(async () => sampleValue(await scrape(), 'mypay_webhook_delivery_attempts_total', delivered), {
          timeout: 20_000,
        })
        .toBe(3);
      const after = await scrape();
      expect(sampleValue(after, 'mypay_webhook_event_to_delivery_seconds_count')).toBeGreaterThanOrEqual(
        sampleValue(before, 'mypay_webhook_event_to_delivery_seconds_count') + 3,
      );
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it('when a key goes over its rate limit, then the rejection is counted', async () => {
    const limited = startTestApi({ worker: false, env: { RATE_LIMIT_PER_MINUTE: '1' } });
    try {
      const merchant = await createTestMerchant(limited.db);
      const c = client(limited.app, merchant.key);
      const before = sampleValue(await scrape(limited.app), 'mypay_rate_limit_rejections_total');
      expect((await c.get('/balance')).status).toBe(200);
      expect((await c.get('/balance')).status).toBe(429);
      const after = await scrape(limited.app);
      expect(sampleValue(after, 'mypay_rate_limit_rejections_total')).toBeGreaterThanOrEqual(before + 1);
      // Refused before any route matched: the rejection has no template of its own.
      const refused = { method: 'GET', route: 'unmatched', status: '429' };
      expect(sampleValue(after, 'mypay_http_requests_total', refused)).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.close();
    }
  });

  it('when METRICS_PORT is set, then the API port does not serve /metrics', async () => {
    const separate = startTestApi({ worker: false, env: { METRICS_PORT: '9' } });
    try {
      const res = await request(separate.app).get('/metrics');
      expect(res.status).toBe(404);
    } finally {
      await separate.close();
    }
  });
});
