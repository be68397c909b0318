import type http from 'node:http';
import type { Db } from '@mypay/db';
import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Listening, listen } from '../support/ports.ts';

export { type Listening, listen };

/**
 * Shared pieces of the fuzz suites: a listening server for an in-process app, a snapshot of
 * everything a request could change for one merchant, the SPEC error-shape check, and the
 * hostile values the generators draw from.
 */

/** `FUZZ_RUNS_SCALE=3 pnpm vitest run test/fuzz` for a longer hunt; CI runs the default. */
export const runs = (n: number) => Math.max(1, Math.round(n * Number(process.env.FUZZ_RUNS_SCALE ?? 1)));

export interface Sent {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent as is: a string is the raw body, anything else is JSON.stringify'd. */
  body?: unknown;
}

export interface Answer {
  status: number;
  contentType: string;
  requestId: string | null;
  text: string;
  json: unknown;
}

/** Plain fetch so no client library tidies up what we send (content types, odd bodies). */
export async function send(base: string, req: Sent): Promise<Answer> {
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${base}${req.path}`, {
    method: req.method,
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    requestId: res.headers.get('x-request-id'),
    text,
    json,
  };
}

/** Counts of every row a request of this merchant could create or change, and its balance. */
export async function snapshot(db: Db, merchantId: string): Promise<Record<string, number>> {
  const [row] = (await db.pool.query(
    `SELECT
       (SELECT COUNT(*) FROM Payout WHERE merchantId = ?) AS payouts,
       (SELECT COUNT(*) FROM PayoutEvent pe JOIN Payout p ON p.id = pe.payoutId WHERE p.merchantId = ?) AS payoutEvents,
       (SELECT COUNT(*) FROM Checkout WHERE merchantId = ?) AS checkouts,
       (SELECT COUNT(*) FROM Checkout WHERE merchantId = ? AND status <> 'OPEN') AS checkoutsNotOpen,
       (SELECT COUNT(*) FROM PaymentTransaction WHERE merchantId = ?) AS transactions,
       (SELECT COUNT(*) FROM LedgerEntry WHERE merchantId = ?) AS ledgerEntries,
       (SELECT COUNT(*) FROM WebhookEndpoint WHERE merchantId = ?) AS webhookEndpoints,
       (SELECT COUNT(*) FROM WebhookEndpoint WHERE merchantId = ? AND deletedAt IS NOT NULL) AS webhookEndpointsDeleted,
       (SELECT COUNT(*) FROM WebhookEvent WHERE merchantId = ?) AS webhookEvents,
       (SELECT COUNT(*) FROM WebhookDelivery d JOIN WebhookEvent e ON e.id = d.eventId WHERE e.merchantId = ?) AS deliveries,
       (SELECT COUNT(*) FROM IdempotencyRecord WHERE merchantId = ?) AS idempotencyRecords,
       (SELECT COUNT(*) FROM AuditLog WHERE merchantId = ?) AS auditLogs,
       (SELECT COUNT(*) FROM ApiKey WHERE merchantId = ?) AS apiKeys,
       (SELECT available FROM MerchantBalance WHERE merchantId = ?) AS available,
       (SELECT pending FROM MerchantBalance WHERE merchantId = ?) AS pending,
       (SELECT GROUP_CONCAT(CONCAT(id, ':', status) ORDER BY id) FROM Payout WHERE merchantId = ?) AS payoutStates`,
    Array.from({ length: 16 }, () => merchantId),
  )) as Record<string, unknown>[];
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(row ?? {})) out[k] = typeof v === 'string' ? hashString(v) : Number(v);
  return out;
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Counts of answers by status, for the printed summary. */
export class Tally {
  readonly byStatus = new Map<number, number>();
  total = 0;
  add(status: number) {
    this.total++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
  toString() {
    return [...this.byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
  }
}

/** What a fuzz file runs against: a test API started without workers. */
export interface FuzzApi {
  app: http.RequestListener;
  db: Db;
  close(): Promise<void>;
}

export interface FuzzSession<A extends FuzzApi> {
  api: A;
  /** The listening app's base URL. */
  url: string;
  merchantId: string;
  key: string;
  /** The merchant's rows once arranged, before any property ran. */
  before: Record<string, number>;
  tally: Tally;
  /** Sends `req` with the merchant's key (unless `withKey` is false) and counts its status. */
  call(req: Sent, withKey?: boolean): Promise<Answer>;
  /** The merchant's rows now. */
  snapshot(): Promise<Record<string, number>>;
}

/**
 * One fuzz file's set-up and its final check: the API listening on a port, the merchant
 * (`merchant`), what the properties aim at (`arrange`), then the snapshot of the merchant's rows.
 * After all: the tally printed, both closed, and the rows compared with the snapshot — outside
 * the tests too, so a change by any property is caught even if its own check missed it.
 */
export function fuzzSession<A extends FuzzApi>(
  name: string,
  options: {
    start: () => A;
    merchant: (api: A) => Promise<{ merchantId: string; key: string }>;
    arrange?: (session: FuzzSession<A>) => Promise<void>;
  },
): FuzzSession<A> {
  let server: Listening | undefined;
  const session: FuzzSession<A> = {
    tally: new Tally(),
    call: async (req: Sent, withKey = true): Promise<Answer> => {
      const answer = await send(session.url, {
        ...req,
        headers: { ...(withKey ? { Authorization: `Bearer ${session.key}` } : {}), ...(req.headers ?? {}) },
      });
      session.tally.add(answer.status);
      return answer;
    },
    snapshot: () => snapshot(session.api.db, session.merchantId),
  } as FuzzSession<A>;

  beforeAll(async () => {
    session.api = options.start();
    server = await listen(session.api.app);
    session.url = server.url;
    const merchant = await options.merchant(session.api);
    session.merchantId = merchant.merchantId;
    session.key = merchant.key;
    await options.arrange?.(session);
    session.before = await session.snapshot();
  });

  afterAll(async () => {
    const after = await session.snapshot();
    process.stdout.write(`\n${name} fuzz: ${session.tally.total} requests (${session.tally})\n`);
    await server?.close();
    await session.api?.close();
    expect(after).toEqual(session.before);
  });

  return session;
}

/**
 * The SPEC's rules for an answer to a bad request: never a 5xx (503 PROVIDER_UNAVAILABLE is a
 * scenario, allowed where the caller says so), and a JSON error of the one shape with the
 * request id of the X-Request-Id header.
 */
export function expectRejected(
  answer: Answer,
  context: string,
  options: { allow?: number[]; providerUnavailable?: boolean } = {},
) {
  const why = `${context} → ${answer.status} ${answer.text.slice(0, 300)}`;
  if (options.providerUnavailable && answer.status === 503) {
    expectErrorShape(answer, why);
    expect((answer.json as { error: { code: string } }).error.code, why).toBe('PROVIDER_UNAVAILABLE');
    return;
  }
  expect(answer.status, why).toBeLessThan(500);
  if (options.allow?.includes(answer.status)) return;
  expect(answer.status, why).toBeGreaterThanOrEqual(400);
  expectErrorShape(answer, why);
}

export function expectErrorShape(answer: Answer, why: string) {
  expect(answer.contentType, why).toMatch(/application\/json/);
  const error = (answer.json as { error?: Record<string, unknown> } | null)?.error;
  expect(error, why).toBeTypeOf('object');
  expect(error?.code, why).toMatch(/^[A-Z_]+$/);
  expect(error?.message, why).toBeTypeOf('string');
  expect(error?.requestId, why).toBeTypeOf('string');
  expect(error?.requestId, why).toBe(answer.requestId);
  if (error?.details !== undefined) expect(Array.isArray(error.details), why).toBe(true);
  expect(answer.text, why).not.toMatch(/<html|at \S+ \(|node_modules|SqlError|Prisma/i);
}

// --- hostile values -------------------------------------------------------------------------

export const INJECTION = [
  "' OR '1'='1",
  "'; DROP TABLE Payout; --",
  '" OR 1=1 --',
  '1; SELECT SLEEP(5)',
  "\\'; UPDATE MerchantBalance SET available = 1e12; --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${7*7}',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e\u0041\u0042',
  'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ',
  '👩‍👩‍👧‍👦💸',
  'Ω≈ç√∫˜µ≤≥÷',
  'ت ش ٹ ی ے',
  '\r\nSet-Cookie: x=1',
  '\t\b\f\v',
  ' ',
  '',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  '[object Object]',
  '__proto__',
  'constructor',
];

/** Any JSON value that is not a string (for string fields). */
export const notAString: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
  fc.constant({ __proto__: { admin: true } }),
  fc.constant({ $gt: '' }),
);

/** Any JSON value that is not a number (for numeric fields): strings that look like numbers too. */
export const notANumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('100', '1e3', '0x10', ' 5', '', 'NaN', 'Infinity', '１００'),
  fc.string({ maxLength: 10 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Numbers an amount must refuse: zero, negative, fractional, beyond the maximum, beyond safe integers. */
export const badAmount: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1.000001, 1_000_000_001, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE),
  fc.integer({ min: -2_147_483_648, max: 0 }),
  fc.integer({ min: 1_000_000_001, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ min: 0.000001, max: 1e9, noNaN: true }).filter((n) => !Number.isInteger(n)),
);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTION),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this generates
  fc.stringMatching(/^[\x00-\x1f\x7f]{1,8}$/),
);

/** Arrays and objects nested `depth` deep; JSON text, since the parser is what is under test. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 50, max: 40_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Bodies that are not JSON objects at all, or not JSON. */
export const rawJunkBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{', '{"amount":', '{"a":1,}', "{'a':1}", 'null', 'true', '123', '"str"', '[]', '[1,2,3]', '\u0000'),
  fc.string({ maxLength: 60 }),
  fc.json().filter((j) => !j.trim().startsWith('{')),
);

/** Authorization headers that must never authenticate. */
export const badAuthHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constant({}),
  fc.constantFrom<Record<string, string>>(
    { Authorization: 'Bearer' },
    { Authorization: 'Bearer ' },
    { Authorization: 'Basic dGVzdDp0ZXN0' },
    { Authorization: 'bearer mp_test_0000000000000000000000000000000000000000' },
    { Authorization: "Bearer ' OR '1'='1" },
    { 'X-API-Key': "' OR 1=1 --" },
    { 'X-API-Key': 'mp_test_' },
    { Authorization: `Bearer ${'a'.repeat(300)}` },
    { Authorization: `Bearer ${'x'.repeat(8000)}` },
  ),
  fc.stringMatching(/^[\x21-\x7e]{1,80}$/).map((k) => ({ Authorization: `Bearer ${k}` })),
  fc.stringMatching(/^[\x20-\x7e]{0,80}$/).map((k) => ({ 'X-API-Key': k })),
);

/** Ids that belong to nobody (or are not ids at all), ready for a path segment. */
export const junkId: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('po_', 'cs_', 'txn_', 'evt_', 'we_', 'po_000000000000000000000000', '...', 'a..b', 'null'),
    fc.stringMatching(/^(po|cs|txn|evt|we)_[A-Za-z0-9]{1,40}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.constantFrom(...INJECTION.filter((s) => s.length > 0)),
  )
  .map((id) => encodeURIComponent(id))
  // A dot segment (`..`, `%2e%2e`) never reaches an id route: every HTTP client resolves it to the
  // parent path first (WHATWG URL), which is another route (the API base now leads to its docs).
  .filter((id) => !/^(\.|%2e){1,2}$/i.test(id));

// --- bad bodies from a valid one ------------------------------------------------------------

export type FieldKind =
  /** integer minor units */
  | 'amount'
  /** `PKR` */
  | 'currency'
  /** a string with a format or a closed set (account numbers, providers, enums, ids, urls) */
  | 'strict'
  /** free text: only over-long or wrong-typed values are invalid */
  | 'free'
  /** a nested object */
  | 'object'
  /** an array */
  | 'array'
  /** an integer with a range (expiresInSeconds) */
  | 'int';

export interface FieldSpec {
  path: string;
  kind: FieldKind;
  required: boolean;
  /** Longest valid length for strings. */
  max?: number;
  /** For `strict` fields: values that must be refused (they all fail the format). */
  invalid?: fc.Arbitrary<string>;
}

const getParent = (obj: Record<string, unknown>, path: string): [Record<string, unknown>, string] => {
  const parts = path.split('.');
  let node = obj;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  return [node, parts.at(-1) as string];
};

/** One mutation that makes the body invalid on its own, described for the failure message. */
function breaker(field: FieldSpec): fc.Arbitrary<{ why: string; apply: (b: Record<string, unknown>) => void }> {
  const set = (why: string, value: unknown) => ({
    why: `${field.path} = ${why}`,
    apply: (b: Record<string, unknown>) => {
      const [parent, key] = getParent(b, field.path);
      parent[key] = value;
    },
  });
  const options: fc.Arbitrary<{ why: string; apply: (b: Record<string, unknown>) => void }>[] = [];
  if (field.required) {
    options.push(
      fc.constant({
        why: `${field.path} missing`,
        apply: (b: Record<string, unknown>) => {
          const [parent, key] = getParent(b, field.path);
          delete parent[key];
        },
      }),
    );
  }
  switch (field.kind) {
    case 'amount':
      options.push(
        badAmount.map((v) => set(String(v), v)),
        notANumber.map((v) => set(JSON.stringify(v), v)),
      );
      break;
    case 'int':
      options.push(
        fc.oneof(fc.integer({ max: 59 }), fc.integer({ min: 86_401 }), fc.constant(60.5)).map((v) => set(String(v), v)),
        notANumber.map((v) => set(JSON.stringify(v), v)),
      );
      break;
    case 'currency':
      options.push(
        fc
          .oneof(
            fc.constantFrom('USD', 'pkrr', 'PK', '', 'P K', 'ПКР', "PKR'--", 'PKR\u0000', 'EUR'),
            fc.stringMatching(/^[A-Za-z]{3}$/).filter((c) => c.toUpperCase() !== 'PKR'),
          )
          .map((v) => set(JSON.stringify(v), v)),
        notAString.map((v) => set(JSON.stringify(v), v)),
      );
      break;
    case 'strict':
      options.push(notAString.map((v) => set(JSON.stringify(v), v)));
      if (field.invalid) options.push(field.invalid.map((v) => set(JSON.stringify(v), v)));
      break;
    case 'free':
      options.push(notAString.map((v) => set(JSON.stringify(v), v)));
      if (field.max)
        options.push(
          fc.integer({ min: field.max + 1, max: field.max + 500 }).map((n) => set(`${n} chars`, 'x'.repeat(n))),
        );
      break;
    case 'object':
      options.push(
        fc
          .oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }))
          .map((v) => set(JSON.stringify(v), v)),
      );
      break;
    case 'array':
      options.push(
        fc
          .oneof(
            fc.string({ maxLength: 10 }),
            fc.integer(),
            fc.boolean(),
            fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
          )
          .map((v) => set(JSON.stringify(v), v)),
      );
      break;
  }
  return fc.oneof(...options);
}

/** Free-text fields get hostile but valid-looking strings on top: the breaker keeps the body invalid. */
function noise(fields: FieldSpec[]): fc.Arbitrary<{ why: string; apply: (b: Record<string, unknown>) => void }[]> {
  const free = fields.filter((f) => f.kind === 'free');
  if (free.length === 0) return fc.constant([]);
  return fc.array(
    fc.tuple(fc.constantFrom(...free), hostileString).map(([field, value]) => ({
      why: `${field.path} = ${JSON.stringify(value)}`,
      apply: (b: Record<string, unknown>) => {
        const [parent, key] = getParent(b, field.path);
        parent[key] = value;
      },
    })),
    { maxLength: 2 },
  );
}

/** A valid body broken by one or two breakers, with hostile noise and stray keys on top. */
export function badBody(
  base: () => Record<string, unknown>,
  fields: FieldSpec[],
): fc.Arbitrary<{ body: Record<string, unknown>; why: string }> {
  const breakers = fc.array(fc.oneof(...fields.map(breaker)), { minLength: 1, maxLength: 2 });
  const extra = fc.option(
    fc.dictionary(fc.constantFrom('isAdmin', 'merchantId', 'status', '__proto__', 'id', 'balance'), fc.jsonValue(), {
      maxKeys: 2,
    }),
  );
  return fc.tuple(noise(fields), breakers, extra).map(([noisy, broken, stray]) => {
    const body = structuredClone(base());
    for (const m of noisy) m.apply(body);
    for (const m of broken) m.apply(body);
    if (stray) Object.assign(body, stray);
    return { body, why: [...noisy, ...broken].map((m) => m.why).join('; ') };
  });
}
