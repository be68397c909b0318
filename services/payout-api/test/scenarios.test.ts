import { BANKS, makeIban, SCENARIO_KEYS } from '@mypay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  balanceRow,
  client,
  createTestMerchant,
  ledgerSum,
  payoutBody,
  startTestApi,
  type TestApi,
  waitFor,
} from './support.ts';

let api: TestApi;

beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const AMOUNT = 25_000;
const OPENING = 1_000_000;

// [scenario, wallet number, bank account, final status, failure code, refunded?, statuses seen in order]
const CASES = [
  [1, 'COMPLETED', null, false, ['PENDING', 'PROCESSING', 'COMPLETED']],
  [2, 'COMPLETED', null, false, ['PENDING', 'PROCESSING', 'COMPLETED']],
  [4, 'FAILED', 'ACCOUNT_BLOCKED', true, ['PENDING', 'PROCESSING', 'FAILED']],
  [5, 'FAILED', 'RECEIVER_LIMIT_EXCEEDED', true, ['PENDING', 'PROCESSING', 'FAILED']],
  [6, 'FAILED', 'PROVIDER_TIMEOUT', true, ['PENDING', 'PROCESSING', 'FAILED']],
  [8, 'REVERSED', 'REVERSED_BY_PROVIDER', true, ['PENDING', 'PROCESSING', 'COMPLETED', 'REVERSED']],
  [9, 'COMPLETED', null, false, ['PENDING', 'PROCESSING', 'COMPLETED']],
  [10, 'FAILED', 'PROVIDER_ERROR', true, ['PENDING', 'PROCESSING', 'FAILED']],
] as const;

const mobile = (n: number) => `030000000${String(n).padStart(2, '0')}`;
const bankAccount = (n: number) => `00000000${String(n).padStart(2, '0')}`;
/** A valid IBAN whose account part ends in the scenario's bank number (the 6 digits before it do not count). */
const iban = (n: number) => makeIban(BANKS[n % BANKS.length]!.ibanCode, `${123456 + n}${bankAccount(n)}`);
/** The scenario's mobile number as a Raast ID, in the +92 form. */
const raastId = (n: number) => `+92${mobile(n).slice(1)}`;
const destinationFor = (type: 'wallet' | 'bank' | 'iban' | 'raast', n: number) =>
  type === 'wallet'
    ? { type, provider: 'JAZZCASH', accountNumber: mobile(n) }
    : type === 'bank'
      ? { type, provider: 'HBL', accountNumber: bankAccount(n) }
      : type === 'iban'
        ? { type, accountNumber: iban(n) }
        : { type, accountNumber: raastId(n) };

describe('scenarios end to end (SCENARIO_DELAY_SCALE 0.01)', () => {
  for (const type of ['wallet', 'bank', 'iban', 'raast'] as const) {
    it.each(CASES)(
      `when a ${type} payout hits scenario %i, then it ends %s (%s), refunded: %s`,
      async (n, status, code, refunded, path) => {
        const m = await createTestMerchant(api.db, { balance: OPENING });
        const c = client(api.app, m.key);
        const destination = destinationFor(type, n);
        const created = await c.post('/payouts', payoutBody({ amount: AMOUNT, destination }));
        expect(created.status).toBe(201);
        const final = await waitFor(
          async () => (await c.get(`/payouts/${created.body.id}`)).body,
          (p) => p.status === status && (status !== 'COMPLETED' || n !== 8),
          10_000,
        );
        expect(final.status).toBe(status);
        expect(final.scenario).toBe(SCENARIO_KEYS[n - 1]);
        expect(final.failure?.code ?? null).toBe(code);
        expect(final.events.map((e: { status: string }) => e.status)).toEqual(path);
        // Settled: nothing due any more, nothing pending; refunds put the money back exactly once.
        const row = await api.db.pool.query('SELECT nextTransitionAt FROM Payout WHERE id = ?', [created.body.id]);
        expect(row[0].nextTransitionAt).toBeNull();
        const expected = refunded ? OPENING : OPENING - AMOUNT;
        expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: expected, pending: 0 });
        expect(await ledgerSum(api.db, m.merchantId)).toBe(expected);
        const refunds = await api.db.pool.query(
          "SELECT COUNT(*) AS n FROM LedgerEntry WHERE payoutId = ? AND type = 'PAYOUT_REFUND'",
          [created.body.id],
        );
        expect(Number(refunds[0].n)).toBe(refunded ? 1 : 0);
        // One outbox event per status change.
        const events = await api.db.pool.query(
          "SELECT type FROM WebhookEvent WHERE merchantId = ? AND JSON_VALUE(payload, '$.data.object.id') = ? ORDER BY seq",
          [m.merchantId, created.body.id],
        );
        expect(events.map((e: { type: string }) => e.type)).toEqual(
          path.map((s) => (s === 'PENDING' ? 'payout.created' : `payout.${s.toLowerCase()}`)),
        );
      },
    );
  }

  it('when an async payout is seen in flight, then pending holds its amount until it settles', async () => {
    const m = await createTestMerchant(api.db, { balance: OPENING });
    const c = client(api.app, m.key);
    const created = await c.post(
      '/payouts',
      payoutBody({ amount: AMOUNT, destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: mobile(6) } }),
    );
    expect(created.body.status).toBe('PROCESSING');
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: OPENING - AMOUNT, pending: AMOUNT });
  });

  it.each(['wallet', 'bank', 'iban', 'raast'] as const)(
    'when a %s payout uses scenarios 3 and 7, then nothing is created (422 ACCOUNT_NOT_FOUND / 503)',
    async (type) => {
      const m = await createTestMerchant(api.db, { balance: OPENING });
      const c = client(api.app, m.key);
      const notFound = await c.post('/payouts', payoutBody({ destination: destinationFor(type, 3) }));
      expect(notFound.status).toBe(422);
      expect(notFound.body.error.code).toBe('ACCOUNT_NOT_FOUND');
      const down = await c.post('/payouts', payoutBody({ destination: destinationFor(type, 7) }));
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('PROVIDER_UNAVAILABLE');
      expect(await ledgerSum(api.db, m.merchantId)).toBe(OPENING);
      const rows = await api.db.pool.query('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId]);
      expect(Number(rows[0].n)).toBe(0);
    },
  );
});
