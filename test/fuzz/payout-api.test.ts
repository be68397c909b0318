import { normalizeMobile } from '@mypay/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addKey, createTestMerchant, payoutBody, startTestApi } from '../../services/payout-api/test/support.ts';
import {
  badAuthHeaders,
  badBody,
  deepNesting,
  expectRejected,
  type FieldSpec,
  fuzzSession,
  hostileString,
  junkId,
  rawJunkBody,
  runs,
} from './support.ts';

/**
 * Bad requests against every Payout API endpoint (docs/reliability.md): never a 5xx, always the
 * SPEC error shape, and nothing changes — the merchant's rows and balance are the same after.
 */
let payoutId: string;
const session = fuzzSession('payout-api', {
  start: () => startTestApi({ worker: false }),
  // A small balance: a well-formed payout above it is refused too (INSUFFICIENT_BALANCE).
  merchant: (api) => createTestMerchant(api.db, { balance: 50_000, scope: 'all' }),
  arrange: async ({ call }) => {
    const created = await call({ method: 'POST', path: '/api/v1/payouts', body: payoutBody({ amount: 1_000 }) });
    expect(created.status).toBe(201);
    payoutId = (created.json as { id: string }).id;
  },
});
const { call } = session;

const PAYOUT_FIELDS: FieldSpec[] = [
  { path: 'amount', kind: 'amount', required: true },
  { path: 'currency', kind: 'currency', required: true },
  { path: 'destination', kind: 'object', required: true },
  {
    path: 'destination.type',
    kind: 'strict',
    required: true,
    invalid: fc.oneof(fc.constantFrom('WALLET', 'card', 'crypto', ''), hostileString),
  },
  {
    path: 'destination.provider',
    kind: 'strict',
    required: true,
    invalid: fc.oneof(fc.constantFrom('jazzcash', 'PAYPAL', 'HBL ', ''), hostileString),
  },
  {
    path: 'destination.accountNumber',
    kind: 'strict',
    required: true,
    invalid: fc.oneof(
      // +923001234567 and 0300-1234567 are accepted mobile forms (normalised to 03001234567), so not here.
      fc.constantFrom('0300000000', '030000000011', '+92300123456', '0300-12345', '3001234567', '03000000003', ''),
      hostileString.filter((s) => normalizeMobile(s) === null),
    ),
  },
  { path: 'destination.accountTitle', kind: 'free', required: false, max: 191 },
  { path: 'reference', kind: 'free', required: true, max: 191 },
  { path: 'description', kind: 'free', required: false, max: 500 },
  { path: 'metadata', kind: 'object', required: false },
];

describe('payout-api fuzz', () => {
  it('when POST /payouts gets a broken body, then it is refused with the error shape and nothing is created', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: badBody(() => payoutBody({ amount: 100 }), PAYOUT_FIELDS) },
          // Well-formed but more than the balance, or to scenario 3 / 7 numbers: refused, no debit.
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.integer({ min: 50_001, max: 1_000_000_000 }), fc.boolean())
              .map(([amount]) => ({ body: payoutBody({ amount }), why: `amount ${amount} above the balance` })),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom('03000000003', '03000000007').map((n) => ({
              body: payoutBody({ destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: n } }),
              why: `scenario number ${n}`,
            })),
          },
        ),
        fc.option(fc.string({ minLength: 1, maxLength: 40 })),
        async ({ body, why }, idempotencyKey) => {
          const answer = await call({
            method: 'POST',
            path: '/api/v1/payouts',
            body,
            headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey.replace(/[^\x21-\x7e]/g, 'k') } : {},
          });
          // Scenario 7's number is answered 503 PROVIDER_UNAVAILABLE by design (SPEC), nothing created.
          expectRejected(answer, `POST /payouts ${why}`, { providerUnavailable: why.includes('03000000007') });
        },
      ),
      { numRuns: runs(450) },
    );
  });

  it('when a body is not a JSON object, too deep, too big or sent as another content type, then it is a 4xx error', async () => {
    const valid = JSON.stringify(payoutBody());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/api/v1/payouts',
          `/api/v1/sandbox/payouts/${'PAYOUT'}/simulate`,
          '/api/v1/verify-account',
          '/api/v1/webhook-endpoints',
        ),
        fc.oneof(
          rawJunkBody.map((body) => ({
            body,
            type: 'application/json',
            why: `raw ${JSON.stringify(body).slice(0, 60)}`,
          })),
          deepNesting.map((body) => ({ body, type: 'application/json', why: `nesting of ${body.length} chars` })),
          fc.constant({ body: `{"reference":"${'x'.repeat(120_000)}"}`, type: 'application/json', why: '120 KB' }),
          fc
            .constantFrom(
              'text/plain',
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'application/xml',
              'application/json; charset=utf-16',
              'application/json; charset=latin1',
            )
            .map((type) => ({ body: valid, type, why: `valid body as ${type}` })),
        ),
        fc.boolean(),
        async (route, { body, type, why }, withIdempotencyKey) => {
          const answer = await call({
            method: 'POST',
            path: route.replace('PAYOUT', payoutId),
            body,
            headers: { 'Content-Type': type, ...(withIdempotencyKey ? { 'Idempotency-Key': 'fuzz-raw' } : {}) },
          });
          // verify-account has no required effect; any answer but a 5xx or a non-error 2xx would be wrong.
          expectRejected(answer, `POST ${route} ${why}`);
        },
      ),
      { numRuns: runs(220) },
    );
  });

  it('when simulate gets a bad status, a bad body or an unknown payout, then nothing moves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badBody(
            () => ({ status: 'FAILED', reason: 'fuzz' }),
            [
              {
                path: 'status',
                kind: 'strict',
                required: true,
                invalid: fc.oneof(fc.constantFrom('PENDING', 'completed', 'DELETED', ''), hostileString),
              },
              { path: 'reason', kind: 'free', required: false, max: 255 },
            ],
          ).map((b) => ({ ...b, id: null as string | null })),
          junkId.map((id) => ({ body: { status: 'FAILED' } as Record<string, unknown>, why: `id ${id}`, id })),
        ),
        async ({ body, why, id }) => {
          const answer = await call({
            method: 'POST',
            path: `/api/v1/sandbox/payouts/${id ?? payoutId}/simulate`,
            body,
          });
          expectRejected(answer, `simulate ${why}`);
        },
      ),
      { numRuns: runs(160) },
    );
  });

  it('when verify-account gets anything, then it never fails with a 5xx and errors have the shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          type: fc.oneof(fc.constantFrom('wallet', 'bank'), hostileString),
          provider: fc.oneof(fc.constantFrom('JAZZCASH', 'HBL'), hostileString),
          accountNumber: fc.oneof(fc.constantFrom('03000000004', '0000000009'), hostileString, fc.integer()),
        }),
        async (body) => {
          const answer = await call({ method: 'POST', path: '/api/v1/verify-account', body });
          // 200 for a well-formed question; 503 PROVIDER_UNAVAILABLE is scenario 7's documented answer.
          expectRejected(answer, `verify-account ${JSON.stringify(body)}`, { allow: [200], providerUnavailable: true });
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it('when webhook endpoints are created with bad URLs or event types, or deleted by unknown ids, then nothing changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badBody(
            () => ({ url: 'https://hooks.example/fuzz', events: ['payout.completed'] }),
            [
              {
                path: 'url',
                kind: 'strict',
                required: true,
                invalid: fc.oneof(
                  fc.constantFrom(
                    'javascript:alert(1)',
                    'ftp://example.com/x',
                    '//example.com/x',
                    '/relative',
                    'http://',
                    'data:text/html,<b>x</b>',
                    'file:///etc/passwd',
                    '',
                  ),
                  hostileString,
                ),
              },
              { path: 'events', kind: 'array', required: false },
            ],
          ).map((b) => ({ kind: 'create' as const, ...b })),
          fc
            .array(fc.oneof(hostileString, fc.constantFrom('payout.exploded', 'PAYOUT.COMPLETED', '*')), {
              minLength: 1,
              maxLength: 3,
            })
            .map((events) => ({
              kind: 'create' as const,
              body: { url: 'https://hooks.example/x', events },
              why: `events ${JSON.stringify(events)}`,
            })),
          junkId.map((id) => ({ kind: 'delete' as const, body: {}, why: `delete ${id}`, id })),
        ),
        async (req) => {
          const answer =
            req.kind === 'delete'
              ? await call({ method: 'DELETE', path: `/api/v1/webhook-endpoints/${(req as { id: string }).id}` })
              : await call({ method: 'POST', path: '/api/v1/webhook-endpoints', body: req.body });
          expectRejected(answer, `webhook-endpoints ${req.why}`);
        },
      ),
      { numRuns: runs(160) },
    );
  });

  it('when an id-taking route gets an id that is not the merchant’s, then it is 404 (or 400) with the shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET /api/v1/payouts/ID', 'GET /api/v1/events/ID', 'POST /api/v1/events/ID/redeliver'),
        junkId,
        async (route, id) => {
          const [method, path] = route.replace('ID', id).split(' ') as [string, string];
          const answer = await call({ method, path, body: method === 'POST' ? {} : undefined });
          expectRejected(answer, `${method} ${path}`);
        },
      ),
      { numRuns: runs(120) },
    );
  });

  it('when list routes get bad query parameters, then they answer 400 with the shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/v1/payouts', '/api/v1/events'),
        fc.oneof(
          fc
            .oneof(fc.constantFrom('0', '-1', '101', '1.5', 'abc', '1e3', ''), hostileString)
            // Numeric text the query coerces into 1…100 (' 5', '0x10') is a valid limit, not a bad one.
            .filter((v) => v.trim() === '' || !(Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 100))
            .map((v) => `limit=${encodeURIComponent(v)}`),
          fc
            .oneof(
              fc.constantFrom('yesterday', '2026-13-45', '0', 'NaN'),
              hostileString.filter((s) => s.trim() !== '' && Number.isNaN(Date.parse(s))),
            )
            .map((v) => `from=${encodeURIComponent(v)}`),
          fc
            .constantFrom('x'.repeat(300), "' OR 1=1 --", '%00', 'eyJpZCI6MX0')
            .map((v) => `cursor=${encodeURIComponent(v)}`),
        ),
        async (path, query) => {
          const answer = await call({ method: 'GET', path: `${path}?${query}` });
          expectRejected(answer, `GET ${path}?${query}`);
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it('when a request carries a bad or missing key, then every route answers 401 with the shape', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/v1/payouts'],
      ['GET', '/api/v1/payouts'],
      ['GET', `/api/v1/payouts/${'PAYOUT'}`],
      ['GET', '/api/v1/balance'],
      ['POST', '/api/v1/verify-account'],
      ['GET', '/api/v1/directory/banks'],
      ['GET', '/api/v1/directory/wallets'],
      ['GET', '/api/v1/scenarios'],
      ['POST', `/api/v1/sandbox/payouts/${'PAYOUT'}/simulate`],
      ['POST', '/api/v1/webhook-endpoints'],
      ['GET', '/api/v1/webhook-endpoints'],
      ['DELETE', '/api/v1/webhook-endpoints/we_x'],
      ['GET', '/api/v1/events'],
      ['GET', '/api/v1/events/evt_x'],
      ['POST', '/api/v1/events/evt_x/redeliver'],
      ['GET', '/api/v1/events/stream'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), badAuthHeaders, async ([method, path], headers) => {
        const answer = await call(
          {
            method,
            path: path.replace('PAYOUT', payoutId),
            headers,
            body: method === 'POST' ? (path.endsWith('/payouts') ? payoutBody() : { status: 'FAILED' }) : undefined,
          },
          false,
        );
        expectRejected(answer, `${method} ${path} with ${JSON.stringify(headers).slice(0, 80)}`);
        expect([400, 401, 431]).toContain(answer.status);
      }),
      { numRuns: runs(200) },
    );
  });

  it('when a payment-scope key calls the Payout API, then it is 403 and nothing is created', async () => {
    const paymentKey = await addKey(session.api.db, session.merchantId, 'payment');
    const answer = await call(
      {
        method: 'POST',
        path: '/api/v1/payouts',
        headers: { Authorization: `Bearer ${paymentKey}` },
        body: payoutBody(),
      },
      false,
    );
    expectRejected(answer, 'payment key');
    expect(answer.status).toBe(403);
    // The extra key is the only change this test makes; the snapshot counts keys, so put it back.
    await session.api.db.pool.query('DELETE FROM ApiKey WHERE merchantId = ? AND scope = ?', [
      session.merchantId,
      'payment',
    ]);
  });

  it('when the fuzzing is over, then the merchant’s rows and balance are exactly as before', async () => {
    expect(await session.snapshot()).toEqual(session.before);
  });
});
