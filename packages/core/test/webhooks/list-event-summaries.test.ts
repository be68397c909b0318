import type { Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventObjectRef, listEventSummaries } from '../../src/index.ts';
import { emit, newEndpoint, newMerchant, openDb } from './support.ts';

let db: Db;
beforeAll(() => {
  db = openDb();
});
afterAll(async () => {
  await db.close();
});

describe('listEventSummaries', () => {
  it('when events have deliveries in several states, then each row counts them and its attempts, and names its object', async () => {
    const merchantId = await newMerchant(db, 'summaries');
    const a = await newEndpoint(db, merchantId, 'http://127.0.0.1:9/a');
    const b = await newEndpoint(db, merchantId, 'http://127.0.0.1:9/b');
    const payout = await emit(db, merchantId, 'payout.failed', { id: 'po_summary1', status: 'FAILED' });
    const refund = await emit(db, merchantId, 'refund.created', { id: 're_summary1', transactionId: 'txn_summary1' });
    await db.pool.query(
      `UPDATE WebhookDelivery SET status = CASE endpointId WHEN ? THEN 'DELIVERED' ELSE 'FAILED' END,
              attemptCount = CASE endpointId WHEN ? THEN 1 ELSE 4 END, nextAttemptAt = NULL
        WHERE eventId = ?`,
      [a.id, a.id, payout.id],
    );
    await db.pool.query('UPDATE WebhookDelivery SET attemptCount = 1 WHERE eventId = ? AND endpointId = ?', [
      refund.id,
      b.id,
    ]);

    const page = await listEventSummaries(db, { merchantId });
    const byId = new Map(page.data.map((e) => [e.id, e]));
    expect(byId.get(payout.id)).toMatchObject({
      type: 'payout.failed',
      deliveries: { total: 2, delivered: 1, pending: 0, failed: 1, attempts: 5 },
      about: { kind: 'payout', id: 'po_summary1', transactionId: null },
    });
    expect(byId.get(refund.id)).toMatchObject({
      deliveries: { total: 2, delivered: 0, pending: 2, failed: 0, attempts: 1 },
      about: { kind: 'refund', id: 're_summary1', transactionId: 'txn_summary1' },
    });
  });

  it('when the merchant has no endpoint, then an empty page is empty and an event has zero deliveries', async () => {
    const merchantId = await newMerchant(db, 'summaries-none');
    expect(await listEventSummaries(db, { merchantId })).toEqual({ data: [], hasMore: false, nextCursor: null });
    const event = await emit(db, merchantId, 'checkout.completed', { id: 'cs_summary1' });
    const page = await listEventSummaries(db, { merchantId });
    expect(page.data).toEqual([
      expect.objectContaining({
        id: event.id,
        deliveries: { total: 0, delivered: 0, pending: 0, failed: 0, attempts: 0 },
        about: { kind: 'checkout', id: 'cs_summary1', transactionId: null },
      }),
    ]);
  });
});

describe('eventObjectRef', () => {
  it('when the event is a test event or its object has no id, then it is about nothing linkable', () => {
    expect(eventObjectRef('webhook.test', { object: 'webhook_test' })).toBeNull();
    expect(eventObjectRef('payment.succeeded', null)).toBeNull();
    expect(eventObjectRef('payment.succeeded', { id: 'txn_1' })).toEqual({
      kind: 'payment',
      id: 'txn_1',
      transactionId: null,
    });
  });
});
