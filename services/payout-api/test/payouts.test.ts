import { createDirectory, createPayout, createScenarioCatalog } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  balanceRow,
  client,
  createTestMerchant,
  ledgerSum,
  payoutBody,
  startTestApi,
  type TestApi,
  type TestMerchant,
} from './support.ts';

let api: TestApi;
let merchant: TestMerchant;

beforeAll(async () => {
  api = startTestApi();
  merchant = await createTestMerchant(api.db, { balance: 10_000_000 });
});
afterAll(async () => {
  await api?.close();
});

const as = (m: TestMerchant) => client(api.app, m.key);

describe('POST /payouts', () => {
  it('when the request is valid, then 201, the balance is debited and the ledger, history and outbox agree', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const res = await as(m).post(
      '/payouts',
      payoutBody({ amount: 150_000, description: 'Salary', metadata: { orderId: 'A-1', attempt: 1 } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      amount: 150_000,
      currency: 'PKR',
      status: 'COMPLETED',
      scenario: 'SUCCESS',
      description: 'Salary',
      metadata: { orderId: 'A-1', attempt: 1 },
      failure: null,
    });
    expect(res.body.id).toMatch(/^po_/);
    expect(res.body.events.map((e: { status: string }) => e.status)).toEqual(['PENDING', 'PROCESSING', 'COMPLETED']);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 850_000, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(850_000);
    const events = await api.db.pool.query('SELECT type FROM WebhookEvent WHERE merchantId = ? ORDER BY seq', [
      m.merchantId,
    ]);
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'payout.created',
      'payout.processing',
      'payout.completed',
    ]);
  });

  it('when the destination is a bank account or an IBAN, then it is accepted', async () => {
    const bank = await as(merchant).post(
      '/payouts',
      payoutBody({
        destination: { type: 'bank', provider: 'HBL', accountNumber: '12345678901234', accountTitle: 'Ali' },
      }),
    );
    expect(bank.status).toBe(201);
    expect(bank.body.destination).toEqual({
      type: 'bank',
      provider: 'HBL',
      accountNumber: '12345678901234',
      accountTitle: 'Ali',
    });
    const iban = await as(merchant).post(
      '/payouts',
      payoutBody({ destination: { type: 'bank', provider: 'MEEZAN', accountNumber: 'PK93MEZN0000001234567890' } }),
    );
    expect(iban.status).toBe(201);
  });

  it.each([
    ['amount', { amount: 0 }],
    ['amount', { amount: 10.5 }],
    ['amount', { amount: 1_000_000_001 }],
    ['amount', { amount: '100' }],
    ['currency', { currency: 'PK' }],
    ['reference', { reference: '' }],
    ['reference', { reference: 'x'.repeat(192) }],
    ['destination.type', { destination: { type: 'card', provider: 'JAZZCASH', accountNumber: '03001234567' } }],
    [
      'destination.accountNumber',
      { destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '3001234567' } },
    ],
    ['destination.accountNumber', { destination: { type: 'bank', provider: 'HBL', accountNumber: '12345' } }],
    ['destination.provider', { destination: { type: 'wallet', provider: 'HBL', accountNumber: '03001234567' } }],
    ['destination.provider', { destination: { type: 'bank', provider: 'JAZZCASH', accountNumber: '1234567890' } }],
    ['metadata.nested', { metadata: { nested: { deep: true } } }],
    ['metadata', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }],
  ])('when %s is invalid (%j), then 400 VALIDATION_ERROR naming it, nothing debited', async (field, overrides) => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const res = await as(m).post('/payouts', payoutBody(overrides));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(1_000_000);
  });

  it('when several fields are invalid, then each one is named', async () => {
    const res = await as(merchant).post('/payouts', { amount: -1, currency: 'PKR', reference: '' });
    expect(res.status).toBe(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['amount', 'reference', 'destination']));
  });

  it('when the currency is another well-formed code, then 422 UNSUPPORTED_CURRENCY', async () => {
    const res = await as(merchant).post('/payouts', payoutBody({ currency: 'USD' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('UNSUPPORTED_CURRENCY');
  });

  it('when the reference was used before by the merchant, then 409 DUPLICATE_REFERENCE and one debit only', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const body = payoutBody({ amount: 1_000 });
    expect((await as(m).post('/payouts', body)).status).toBe(201);
    const first = await as(m).get(`/payouts?reference=${encodeURIComponent(body.reference)}`);
    const again = await as(m).post('/payouts', { ...body, amount: 2_000 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('DUPLICATE_REFERENCE');
    // It names the payout that holds the reference, in the message and the details.
    const holder = first.body.data[0].id as string;
    expect(again.body.error.message).toContain(holder);
    expect(again.body.error.details).toEqual([expect.objectContaining({ field: 'reference', payoutId: holder })]);
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(999_000);
    // Another merchant may use the same reference.
    expect((await as(merchant).post('/payouts', body)).status).toBe(201);
  });

  it('when the balance is too low, then 422 INSUFFICIENT_BALANCE and nothing is written', async () => {
    const m = await createTestMerchant(api.db, { balance: 5_000 });
    const res = await as(m).post('/payouts', payoutBody({ amount: 5_001 }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INSUFFICIENT_BALANCE');
    const rows = await api.db.pool.query('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId]);
    expect(Number(rows[0].n)).toBe(0);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 5_000, pending: 0 });
  });

  it('when the balance is too low after earlier payouts (the merchant has events), then 422 INSUFFICIENT_BALANCE and nothing of the attempt is written', async () => {
    // The refused debit reserves no event numbers: the batch stops at the events' INSERT, which the
    // API answers as INSUFFICIENT_BALANCE (not a 500).
    const m = await createTestMerchant(api.db, { balance: 5_000 });
    expect((await as(m).post('/payouts', payoutBody({ amount: 3_000 }))).status).toBe(201);
    const events = async () =>
      Number(
        (await api.db.pool.query('SELECT COUNT(*) AS n FROM WebhookEvent WHERE merchantId = ?', [m.merchantId]))[0].n,
      );
    const eventsBefore = await events();
    const res = await as(m).post('/payouts', payoutBody({ amount: 2_001 }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('INSUFFICIENT_BALANCE');
    const rows = await api.db.pool.query('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId]);
    expect(Number(rows[0].n)).toBe(1);
    expect(await events()).toBe(eventsBefore);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 2_000, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(2_000);
    // The next payout that fits takes the next numbers, with no gap.
    expect((await as(m).post('/payouts', payoutBody({ amount: 2_000 }))).status).toBe(201);
    const sequences = (
      (await api.db.pool.query('SELECT sequence FROM WebhookEvent WHERE merchantId = ? ORDER BY sequence', [
        m.merchantId,
      ])) as { sequence: number }[]
    ).map((row) => Number(row.sequence));
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
  });

  it('when text fields carry SQL (quotes, semicolons, comments), then they are stored as text and nothing else runs', async () => {
    const m = await createTestMerchant(api.db, { balance: 100_000 });
    const reference = "x'; DELETE FROM Payout; --";
    const description = 'a"; UPDATE MerchantBalance SET available = 0; /*';
    const res = await as(m).post('/payouts', payoutBody({ amount: 1_000, reference, description }));
    expect(res.status).toBe(201);
    const stored = await api.db.pool.query('SELECT reference, description FROM Payout WHERE id = ?', [res.body.id]);
    expect(stored[0]).toEqual({ reference, description });
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(99_000);
    expect((await as(merchant).get('/balance')).body.available).toBeGreaterThan(0);
  });

  it('when the account does not exist (scenario 3), then 422 ACCOUNT_NOT_FOUND, no debit, nothing created', async () => {
    const m = await createTestMerchant(api.db, { balance: 100_000 });
    const res = await as(m).post(
      '/payouts',
      payoutBody({ destination: { type: 'wallet', provider: 'EASYPAISA', accountNumber: '03000000003' } }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ACCOUNT_NOT_FOUND');
    const bank = await as(m).post(
      '/payouts',
      payoutBody({ destination: { type: 'bank', provider: 'UBL', accountNumber: '0000000003' } }),
    );
    expect(bank.body.error.code).toBe('ACCOUNT_NOT_FOUND');
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(100_000);
    const rows = await api.db.pool.query('SELECT COUNT(*) AS n FROM Payout WHERE merchantId = ?', [m.merchantId]);
    expect(Number(rows[0].n)).toBe(0);
  });

  it('when the provider is down (scenario 7), then 503 PROVIDER_UNAVAILABLE and nothing is created', async () => {
    const m = await createTestMerchant(api.db, { balance: 100_000 });
    const res = await as(m).post(
      '/payouts',
      payoutBody({ destination: { type: 'wallet', provider: 'SADAPAY', accountNumber: '03000000007' } }),
    );
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(res.headers['retry-after']).toBeDefined();
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(100_000);
    expect(await ledgerSum(api.db, m.merchantId)).toBe(100_000);
  });

  it('when the body is not JSON, too large, or missing, then 400/413/400', async () => {
    const bad = await as(merchant).post('/payouts').set('Content-Type', 'application/json').send('{"amount": 1,');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_JSON');
    const big = await as(merchant).post('/payouts', payoutBody({ description: 'x'.repeat(101 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const none = await as(merchant).post('/payouts');
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('Idempotency-Key on POST /payouts', () => {
  it('when a request is retried with the same key and body, then the stored response comes back and one payout exists', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const body = payoutBody({ amount: 7_000 });
    const first = await as(m).post('/payouts', body).set('Idempotency-Key', 'retry-1');
    const second = await as(m).post('/payouts', body).set('Idempotency-Key', 'retry-1');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect((await balanceRow(api.db, m.merchantId)).available).toBe(993_000);
  });

  it('when the same key comes with a different body, then 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    await as(m).post('/payouts', payoutBody()).set('Idempotency-Key', 'k1');
    const res = await as(m).post('/payouts', payoutBody()).set('Idempotency-Key', 'k1');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('when the first attempt failed (insufficient balance), then the key is not stored and a retry runs again', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000 });
    const body = payoutBody({ amount: 2_000 });
    expect((await as(m).post('/payouts', body).set('Idempotency-Key', 'k2')).status).toBe(422);
    await api.db.pool.query('UPDATE MerchantBalance SET available = 5000 WHERE merchantId = ?', [m.merchantId]);
    const retry = await as(m).post('/payouts', body).set('Idempotency-Key', 'k2');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('when two merchants use the same key, then they do not interfere', async () => {
    const a = await createTestMerchant(api.db);
    const b = await createTestMerchant(api.db);
    expect((await as(a).post('/payouts', payoutBody()).set('Idempotency-Key', 'shared')).status).toBe(201);
    expect((await as(b).post('/payouts', payoutBody()).set('Idempotency-Key', 'shared')).status).toBe(201);
  });
});

describe('GET /payouts/:id', () => {
  it('when the payout is the merchant’s, then it comes with its history', async () => {
    const created = await as(merchant).post('/payouts', payoutBody());
    const res = await as(merchant).get(`/payouts/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(created.body.id);
    expect(res.body.events).toHaveLength(3);
    expect(res.body.events[0]).toMatchObject({ status: 'PENDING' });
  });

  it("when the id is another merchant's payout, then 404 NOT_FOUND (no existence leak)", async () => {
    const other = await createTestMerchant(api.db);
    const created = await as(other).post('/payouts', payoutBody());
    const res = await as(merchant).get(`/payouts/${created.body.id}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const unknown = await as(merchant).get('/payouts/po_doesnotexist');
    expect(unknown.status).toBe(404);
  });
});

describe('GET /payouts', () => {
  it('when listing page by page, then every payout appears once, newest first, even with inserts in between', async () => {
    const m = await createTestMerchant(api.db, { balance: 10_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await as(m).post('/payouts', payoutBody({ amount: 100 + i }))).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await as(m).get(`/payouts?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
      expect(res.body.hasMore).toBe(cursor !== null);
      // A payout created while paging sorts before the cursor and does not shift later pages.
      if (pages === 0) await as(m).post('/payouts', payoutBody());
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...ids].reverse());
  });

  it('when filtering by status and time, then only matching payouts come back', async () => {
    const m = await createTestMerchant(api.db, { balance: 10_000_000 });
    await as(m).post('/payouts', payoutBody());
    const failed = await as(m).post(
      '/payouts',
      payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000004' } }),
    );
    expect(failed.body.status).toBe('FAILED');
    const onlyFailed = await as(m).get('/payouts?status=FAILED');
    expect(onlyFailed.body.data.map((p: { id: string }) => p.id)).toEqual([failed.body.id]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await as(m).get(`/payouts?from=${encodeURIComponent(future)}`)).body.data).toEqual([]);
    expect((await as(m).get(`/payouts?to=${encodeURIComponent(future)}`)).body.data).toHaveLength(2);
  });

  it('when looking a reference up, then exactly that payout comes back (and an unknown one, none)', async () => {
    const m = await createTestMerchant(api.db);
    const wanted = payoutBody();
    const made = await as(m).post('/payouts', wanted);
    await as(m).post('/payouts', payoutBody());
    const found = await as(m).get(`/payouts?reference=${encodeURIComponent(wanted.reference)}`);
    expect(found.status).toBe(200);
    expect(found.body.data.map((p: { id: string }) => p.id)).toEqual([made.body.id]);
    const none = await as(m).get('/payouts?reference=no-such-reference');
    expect(none.body).toEqual({ data: [], hasMore: false, nextCursor: null });
  });

  it('when a query parameter is misspelt, then 400 VALIDATION_ERROR names it instead of returning everything', async () => {
    const res = await as(merchant).get('/payouts?referense=INV-1');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('unknown query parameter: referense');
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'referense' })]);
  });

  it('when the query is invalid, then 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['status=DONE', 'status'],
      ['from=yesterday', 'from'],
      ['cursor=garbage', 'cursor'],
    ]) {
      const res = await as(merchant).get(`/payouts?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.details[0].field, query).toBe(field);
    }
  });
});

describe('GET /balance', () => {
  it('when asked, then available and pending in paisa', async () => {
    const m = await createTestMerchant(api.db, { balance: 500_000 });
    await as(m).post(
      '/payouts',
      payoutBody({
        amount: 100_000,
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
      }),
    );
    const res = await as(m).get('/balance');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ currency: 'PKR', available: 400_000, pending: 100_000 });
    expect(new Date(res.body.updatedAt).toString()).not.toBe('Invalid Date');
  });
});

describe('directory, scenarios, verify-account', () => {
  it('when listing banks and wallets, then the seeded ones', async () => {
    const banks = await as(merchant).get('/directory/banks');
    expect(banks.status).toBe(200);
    expect(banks.body.data.map((b: { code: string }) => b.code)).toEqual(
      expect.arrayContaining([
        'HBL',
        'UBL',
        'MCB',
        'NBP',
        'ABL',
        'MEEZAN',
        'BAFL',
        'BAHL',
        'SCB',
        'FAYSAL',
        'ASKARI',
        'JSBL',
      ]),
    );
    expect(banks.body.data).toHaveLength(12);
    const wallets = await as(merchant).get('/directory/wallets');
    expect(wallets.body.data.map((w: { code: string }) => w.code).sort()).toEqual([
      'EASYPAISA',
      'JAZZCASH',
      'NAYAPAY',
      'SADAPAY',
    ]);
  });

  it('when listing scenarios, then the 10 of the SPEC with scaled delays', async () => {
    const res = await as(merchant).get('/scenarios');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(10);
    expect(res.body.data[1]).toMatchObject({ number: 2, key: 'ASYNC_SUCCESS', mobile: '03000000002', delayMs: 50 });
  });

  it.each([
    ['03000000001', { valid: true, accountTitle: 'Test Account', status: 'ACTIVE' }],
    ['03000000003', { valid: false, status: 'NOT_FOUND' }],
    ['03000000004', { valid: true, status: 'BLOCKED' }],
    ['03000000009', { valid: true, accountTitle: 'Different Name' }],
    ['03331234567', { valid: true, accountTitle: 'Test Account' }],
  ])('when verifying %s, then %j', async (accountNumber, expected) => {
    const res = await as(merchant).post('/verify-account', { type: 'wallet', provider: 'NAYAPAY', accountNumber });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(expected);
  });

  it('when verifying a scenario-7 account, then 503; a malformed one, then 400', async () => {
    const down = await as(merchant).post('/verify-account', {
      type: 'bank',
      provider: 'MCB',
      accountNumber: '0000000007',
    });
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    const bad = await as(merchant).post('/verify-account', {
      type: 'wallet',
      provider: 'NAYAPAY',
      accountNumber: '123',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe('accountNumber');
  });
});

describe('POST /sandbox/payouts/:id/simulate', () => {
  it('when the transition is legal, then it happens now, with its refund', async () => {
    const m = await createTestMerchant(api.db, { balance: 100_000 });
    const created = await as(m).post(
      '/payouts',
      payoutBody({
        amount: 30_000,
        destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
      }),
    );
    expect(created.body.status).toBe('PROCESSING');
    const failed = await as(m).post(`/sandbox/payouts/${created.body.id}/simulate`, {
      status: 'FAILED',
      reason: 'BANK_SAYS_NO',
    });
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ status: 'FAILED', failure: { code: 'BANK_SAYS_NO' } });
    expect(failed.body.events.map((e: { status: string }) => e.status)).toEqual(['PENDING', 'PROCESSING', 'FAILED']);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 100_000, pending: 0 });
    expect(await ledgerSum(api.db, m.merchantId)).toBe(100_000);
  });

  it('when a completed payout is reversed, then it is refunded once', async () => {
    const m = await createTestMerchant(api.db, { balance: 100_000 });
    const created = await as(m).post('/payouts', payoutBody({ amount: 40_000 }));
    const reversed = await as(m).post(`/sandbox/payouts/${created.body.id}/simulate`, { status: 'REVERSED' });
    expect(reversed.status).toBe(200);
    expect(reversed.body.status).toBe('REVERSED');
    const again = await as(m).post(`/sandbox/payouts/${created.body.id}/simulate`, { status: 'REVERSED' });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('INVALID_STATE');
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 100_000, pending: 0 });
  });

  it('when a PENDING payout is forced to FAILED, then 422 INVALID_STATE (it must go through PROCESSING) and nothing moves', async () => {
    const m = await createTestMerchant(api.db, { balance: 100_000 });
    // Scenario 2 is PENDING until its first step is due. Written as of an hour from now, so no
    // worker of any test file moves it meanwhile.
    const created = await createPayout(
      { db: api.db, scenarios: createScenarioCatalog(api.db, { delayScale: 1 }), directory: createDirectory(api.db) },
      {
        merchantId: m.merchantId,
        ...payoutBody({
          amount: 30_000,
          destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000002' },
        }),
      } as Parameters<typeof createPayout>[1],
      { now: new Date(Date.now() + 3_600_000) },
    );
    expect(created.status).toBe('PENDING');
    const failed = await as(m).post(`/sandbox/payouts/${created.id}/simulate`, { status: 'FAILED' });
    expect(failed.status).toBe(422);
    expect(failed.body.error).toMatchObject({
      code: 'INVALID_STATE',
      message: 'a PENDING payout cannot become FAILED (allowed: PROCESSING)',
    });
    const after = await as(m).get(`/payouts/${created.id}`);
    expect(after.body.events.map((e: { status: string }) => e.status)).toEqual(['PENDING']);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 70_000, pending: 30_000 });
  });

  it('when the transition is illegal, then 422 INVALID_STATE; unknown status 400; another merchant 404', async () => {
    const created = await as(merchant).post('/payouts', payoutBody());
    const illegal = await as(merchant).post(`/sandbox/payouts/${created.body.id}/simulate`, { status: 'PROCESSING' });
    expect(illegal.status).toBe(422);
    expect(illegal.body.error.code).toBe('INVALID_STATE');
    const bad = await as(merchant).post(`/sandbox/payouts/${created.body.id}/simulate`, { status: 'DONE' });
    expect(bad.status).toBe(400);
    const other = await createTestMerchant(api.db);
    const hidden = await as(other).post(`/sandbox/payouts/${created.body.id}/simulate`, { status: 'REVERSED' });
    expect(hidden.status).toBe(404);
  });
});

describe('auth, limits, unknown routes', () => {
  it('when no key or an unknown key is sent, then 401 UNAUTHENTICATED', async () => {
    const none = await request(api.app).get('/api/v1/balance');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const unknown = await request(api.app).get('/api/v1/balance').set('X-API-Key', 'mp_test_nope');
    expect(unknown.status).toBe(401);
  });

  it('when a payment-scope key is used, then 403 FORBIDDEN; an all-scope key passes', async () => {
    const payment = await createTestMerchant(api.db, { scope: 'payment' });
    const res = await client(api.app, payment.key).get('/balance');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const all = await createTestMerchant(api.db, { scope: 'all' });
    expect((await client(api.app, all.key).get('/balance')).status).toBe(200);
  });

  it('when the route does not exist, then 404 in JSON with the request id', async () => {
    const res = await as(merchant).get('/nope').set('X-Request-Id', 'req-404');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), requestId: 'req-404' } });
    expect(res.headers['x-request-id']).toBe('req-404');
  });

  it('when a key goes over its per-minute limit, then 429 RATE_LIMITED with Retry-After', async () => {
    const limited = startTestApi({ env: { RATE_LIMIT_PER_MINUTE: '2' }, worker: false });
    try {
      const m = await createTestMerchant(limited.db);
      const c = client(limited.app, m.key);
      expect((await c.get('/balance')).status).toBe(200);
      expect((await c.get('/balance')).status).toBe(200);
      const res = await c.get('/balance');
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
