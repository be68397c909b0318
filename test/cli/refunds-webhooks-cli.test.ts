import { mkdtempSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeliveryWorker, DEFAULT_WEBHOOK_SETTINGS, type DeliveryWorker } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, waitFor } from '../../packages/core/test/webhooks/support.ts';
import { MyPay, MyPayError, verifyWebhook } from '../../packages/sdk/src/index.ts';
import * as payment from '../../services/payment-api/test/support.ts';
import { addKey, createTestMerchant, startTestApi, type TestApi } from '../../services/payout-api/test/support.ts';
import { runCli } from '../support/cli.ts';
import { type Listening, listen } from '../support/ports.ts';

/** The SDK's refunds and webhookEndpoints, `mypay refunds …`, `mypay webhooks …` and `mypay trigger refund.*`, over real HTTP. */

let api: TestApi;
let pay: payment.TestApi;
const servers: Listening[] = [];
const closers: (() => Promise<void>)[] = [];
let payoutUrl: string;
let paymentUrl: string;
let key: string;
let merchantId: string;
let sdk: MyPay;

async function listenAt(app: http.RequestListener): Promise<string> {
  const server = await listen(app);
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'mypay-refunds-cli-'));
  process.env.NO_COLOR = '1';
  api = startTestApi();
  pay = payment.startTestApi();
  payoutUrl = await listenAt(api.app);
  paymentUrl = await listenAt(pay.app);
  const merchant = await createTestMerchant(api.db, { balance: 1_000_000 });
  merchantId = merchant.merchantId;
  key = await addKey(api.db, merchantId, 'all');
  sdk = new MyPay({ apiKey: key, baseUrl: payoutUrl, paymentBaseUrl: paymentUrl, retry: { maxRetries: 0 } });
});

afterAll(async () => {
  for (const close of closers) await close();
  await Promise.all(servers.map((s) => s.close()));
  await pay?.close();
  await api?.close();
});

/** Runs the CLI in this process against both APIs; stdout is captured. */
const mypay = (...args: string[]) =>
  runCli(['--api-key', key, '--base-url', payoutUrl, '--payment-base-url', paymentUrl, ...args]);

/** A SUCCEEDED payment of `amount` paid from `mobile` (scenario number). */
async function paidPayment(amount: number, mobile = '03000000001') {
  const checkout = await sdk.checkouts.create({
    amount,
    currency: 'PKR',
    orderId: `cli-refund-${Math.random().toString(36).slice(2)}`,
    successUrl: 'https://example.com/ok',
    cancelUrl: 'https://example.com/cancel',
  });
  return sdk.payments.complete({ checkoutId: checkout.id, provider: 'JAZZCASH', mobile, otp: '123456' });
}

describe('SDK refunds', () => {
  it('when a payment is refunded in part, then in full, then once more, then create/get/list answer and the last one is REFUND_EXCEEDS_PAYMENT', async () => {
    const txn = await paidPayment(10_000);
    const part = await sdk.refunds.create({ transactionId: txn.id, amount: 4_000, reason: 'one item back' });
    expect(part).toMatchObject({ id: expect.stringMatching(/^re_/), amount: 4_000, status: 'SUCCEEDED' });
    const rest = await sdk.refunds.create({ transactionId: txn.id });
    expect(rest.amount).toBe(6_000);
    await expect(sdk.refunds.create({ transactionId: txn.id, amount: 1 })).rejects.toMatchObject({
      code: 'REFUND_EXCEEDS_PAYMENT',
      status: 422,
    });
    expect(await sdk.refunds.get(part.id)).toEqual(part);
    const page = await sdk.refunds.list({ transactionId: txn.id });
    expect(page.data.map((r) => r.id)).toEqual([rest.id, part.id]);
    const err = await sdk.refunds.get('re_doesnotexist').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MyPayError);
    expect((err as MyPayError).status).toBe(404);
  });
});

describe('SDK webhookEndpoints', () => {
  it('when an endpoint is updated, rotated and read, then the SDK returns each answer and both secrets verify during the overlap', async () => {
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    const created = await sdk.webhookEndpoints.create({ url: receiver.url, events: ['refund.succeeded'] });
    const worker: DeliveryWorker = createDeliveryWorker(
      api.db,
      { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivateTargets: true, pollIntervalMs: 20 },
      { scope: { endpointIds: [created.id] } },
    );
    worker.start();
    closers.push(() => worker.stop());

    const updated = await sdk.webhookEndpoints.update(created.id, { description: 'refunds', enabled: true });
    expect(updated).toMatchObject({ id: created.id, description: 'refunds', enabled: true });
    const rotated = await sdk.webhookEndpoints.rotateSecret(created.id, { overlapSeconds: 600 });
    expect(rotated.secret).not.toBe(created.secret);

    const txn = await paidPayment(5_000);
    const refund = await sdk.refunds.create({ transactionId: txn.id });
    const hit = await waitFor(() => receiver.hits.find((h) => h.body.includes(refund.id)), {
      what: 'the refund.succeeded delivery',
    });
    const header = String(hit.headers['mypay-signature']);
    expect(verifyWebhook(hit.body, header, rotated.secret)).toBe(true);
    expect(verifyWebhook(hit.body, header, created.secret)).toBe(true);
    expect(verifyWebhook(hit.body, header, 'whsec_someoneelse')).toBe(false);

    const detail = await waitFor(async () => {
      const d = await sdk.webhookEndpoints.get(created.id);
      return d.deliveryStats.total >= 1 ? d : null;
    });
    expect(detail.deliveryStats).toMatchObject({ succeeded: 1, failed: 0, total: 1, successRate: 1 });
    expect(detail.previousSecretExpiresAt).toEqual(rotated.previousSecretExpiresAt);
  });
});

describe('mypay refunds and mypay webhooks', () => {
  it('when refunds are created, read and listed from the CLI, then it prints them; a bad amount is a usage error', async () => {
    const txn = await paidPayment(8_000);
    const created = await mypay(
      '--json',
      'refunds',
      'create',
      '--transaction',
      txn.id,
      '--amount',
      '3000',
      '--reason',
      'cli',
    );
    expect(created.code).toBe(0);
    const refund = JSON.parse(created.stdout);
    expect(refund).toMatchObject({ transactionId: txn.id, amount: 3_000, status: 'SUCCEEDED', reason: 'cli' });
    const human = await mypay('refunds', 'get', refund.id);
    expect(human.stdout).toContain(refund.id);
    expect(human.stdout).toContain('PKR 30.00');
    const listed = await mypay('refunds', 'list', '--transaction', txn.id);
    expect(listed.stdout).toContain(refund.id);
    const json = JSON.parse(
      (await mypay('--json', 'refunds', 'list', '--status', 'succeeded', '--transaction', txn.id)).stdout,
    );
    expect(json.data.map((r: { id: string }) => r.id)).toEqual([refund.id]);
    expect((await mypay('refunds', 'create', '--transaction', txn.id, '--amount', '99999')).code).toBe(1);
    expect((await mypay('refunds', 'create', '--transaction', txn.id, '--amount', '-5')).code).toBe(2);
    expect((await mypay('refunds', 'list', '--status', 'DONE')).code).toBe(2);
  });

  it('when an endpoint is disabled, re-enabled, rotated and read from the CLI, then each step shows in its answer', async () => {
    const endpoint = await sdk.webhookEndpoints.create({ url: 'http://127.0.0.1:9/cli' });
    const disabled = JSON.parse((await mypay('--json', 'webhooks', 'update', endpoint.id, '--disable')).stdout);
    expect(disabled).toMatchObject({ enabled: false });
    const evented = await mypay(
      'webhooks',
      'update',
      endpoint.id,
      '--enable',
      '--events',
      'refund.succeeded,refund.failed',
    );
    expect(evented.code).toBe(0);
    expect(evented.stdout).toContain('enabled');
    expect(evented.stdout).toContain('refund.succeeded, refund.failed');
    const rotated = await mypay('webhooks', 'rotate-secret', endpoint.id, '--overlap', '60');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/whsec_\S+/);
    const shown = await mypay('webhooks', 'get', endpoint.id);
    expect(shown.stdout).toContain('old secret');
    expect(shown.stdout).toContain('no attempts');
    expect((await mypay('webhooks', 'list')).stdout).toContain(endpoint.id);
    expect((await mypay('webhooks', 'update', endpoint.id)).code).toBe(2);
    expect((await mypay('webhooks', 'update', endpoint.id, '--events', 'refund.exploded')).code).toBe(2);
    expect((await mypay('webhooks', 'rotate-secret', endpoint.id, '--overlap', '999999999')).code).toBe(2);
    expect((await mypay('webhooks', 'get', 'we_doesnotexist')).code).toBe(1);
  });
});

describe('mypay trigger refund.*', () => {
  it('when refund.succeeded is triggered, then a payment is made and refunded in full at once', async () => {
    const out = await mypay('--json', 'trigger', 'refund.succeeded', '--amount', '2500');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({
      trigger: 'refund.succeeded',
      scenario: 'SUCCESS',
      refund: { amount: 2_500, status: 'SUCCEEDED' },
      events: expect.arrayContaining(['refund.created', 'refund.succeeded']),
    });
    expect((await sdk.refunds.get(result.refund.id)).transactionId).toBe(result.payment.id);
  });

  it('when refund.failed is triggered with --wait, then the refund of a TITLE_MISMATCH payment ends FAILED with ACCOUNT_TITLE_MISMATCH', async () => {
    const out = await mypay('--json', 'trigger', 'refund.failed', '--amount', '2500', '--wait', '--timeout', '60');
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({
      scenario: 'TITLE_MISMATCH',
      refund: { status: 'FAILED', failure: { code: 'ACCOUNT_TITLE_MISMATCH' } },
    });
    const human = await mypay('trigger', 'refund.succeeded');
    expect(human.stdout).toMatch(/refund re_\S+ SUCCEEDED/);
  });
});
