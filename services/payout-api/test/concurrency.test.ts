import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  balanceRow,
  client,
  createTestMerchant,
  ledgerSum,
  payoutBody,
  startTestApi,
  type TestApi,
} from './support.ts';

let api: TestApi;

beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('concurrency', () => {
  it('when 100 payouts race on one merchant, then each is 201 or 422 and the balance and ledger agree', async () => {
    const opening = 1_000_000;
    const m = await createTestMerchant(api.db, { balance: opening });
    const c = client(api.app, m.key);
    // 100 × 17,000 = 1,700,000 asked of 1,000,000: some must be refused.
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => c.post('/payouts', payoutBody({ amount: 17_000, reference: `race-${i}` }))),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 422)).toBe(true);
    for (const r of responses.filter((r) => r.status === 422)) expect(r.body.error.code).toBe('INSUFFICIENT_BALANCE');
    const accepted = responses.filter((r) => r.status === 201);
    expect(accepted.length).toBe(Math.floor(opening / 17_000));
    const acceptedSum = accepted.reduce((sum, r) => sum + r.body.amount, 0);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: opening - acceptedSum, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(opening - acceptedSum);
    const rows = await api.db.pool.query(
      'SELECT COUNT(*) AS n, COUNT(DISTINCT reference) AS refs FROM Payout WHERE merchantId = ?',
      [m.merchantId],
    );
    expect(Number(rows[0].n)).toBe(accepted.length);
    expect(Number(rows[0].refs)).toBe(accepted.length);
    const debits = await api.db.pool.query(
      "SELECT COUNT(*) AS n FROM LedgerEntry WHERE merchantId = ? AND type = 'PAYOUT_DEBIT'",
      [m.merchantId],
    );
    expect(Number(debits[0].n)).toBe(accepted.length);
  });

  it('when 20 requests with one Idempotency-Key race, then exactly one payout exists and replays match it', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const c = client(api.app, m.key);
    const body = payoutBody({ amount: 5_000 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => c.post('/payouts', body).set('Idempotency-Key', 'same-key-20')),
    );
    const created = responses.filter((r) => r.status === 201);
    const inProgress = responses.filter((r) => r.status === 409);
    expect(created.length + inProgress.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of inProgress) expect(r.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    const rows = await api.db.pool.query('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId]);
    expect(Number(rows[0].n)).toBe(1);
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(995_000);
    // After the race, a retry gets the stored response.
    const replay = await c.post('/payouts', body).set('Idempotency-Key', 'same-key-20');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(created[0]!.body.id);
  });
});
