import { randomUUID } from 'node:crypto';
import type { Service } from './services.ts';

/** One HTTP exchange as the driver saw it; status 0 is a connection error (refused, reset, timeout). */
export interface Call {
  service: string;
  method: string;
  path: string;
  status: number;
  code: string | null;
  startedAt: number;
  endedAt: number;
  /** The scenario number the request was built for (payouts, payments), for the 503 rule. */
  scenario: number | null;
  /** Status 0 because the client gave up on purpose (its timeout), not a connection error. */
  aborted?: boolean;
}

export interface DriverMerchant {
  index: number;
  id: string;
  key: string;
  /** Rich merchants take payments too; the poor one only sends payouts (and runs out). */
  rich: boolean;
  /** Its webhook endpoint on the receiver (redeliveries go there). */
  endpointId: string;
}

/** Every creating endpoint the run exercises, by what a key creates. */
export type CreateKind = 'payout' | 'checkout' | 'payment' | 'simulate' | 'endpoint' | 'redeliver' | 'refund';
export const CREATE_KINDS: readonly CreateKind[] = [
  'payout',
  'checkout',
  'payment',
  'simulate',
  'endpoint',
  'redeliver',
  'refund',
];

/** What the driver knows about one create request, across its retries (same Idempotency-Key). */
export interface CreateOp {
  kind: CreateKind;
  merchant: number;
  idempotencyKey: string;
  body: Record<string, unknown>;
  scenario: number | null;
  /** The status a success answers (201 creates, 200 simulate, 202 redeliver). */
  successStatus: number;
  /** Final answer: the success status, a 4xx/5xx we accept as final, or 0 when every retry was ambiguous. */
  finalStatus: number;
  finalCode: string | null;
  /** What every success answer for this key named (one distinct value expected). */
  ids: string[];
  /** Some try died mid-flight (connection cut, client gave up, 503 from the database, 409 in progress). */
  ambiguous: boolean;
  /** Every try of this create (same key), in order; `requestId` is its X-Request-Id (audited effects carry it). */
  tries?: {
    status: number;
    code: string | null;
    startedAt: number;
    endedAt: number;
    requestId: string;
    aborted: boolean;
  }[];
  /** The payout a simulate forces, the event a redelivery sends, the payment a refund refunds. */
  target?: string;
  replays: number;
  replayMismatches: number;
  /** What a mismatching replay answered, for the report. */
  mismatchNotes?: string[];
}

export interface DriverResult {
  calls: Call[];
  ops: CreateOp[];
  /** Tries the client gave up on (its short timeout) and retried with the same key. */
  clientAborts: number;
  simulated: Set<string>;
  /** Payouts a simulate request was sent for, whatever the answer (a lost answer may still have moved it). */
  simulateSent: Set<string>;
  reads: number;
  reusedKeyRejections: number;
  reusedKeyWrongAnswers: number;
  crossTenantReads: number;
  crossTenantLeaks: number;
}

/** Small seeded PRNG (mulberry32) so a red run can be replayed with CHAOS_SEED. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}

export const WALLETS = ['JAZZCASH', 'EASYPAISA', 'SADAPAY', 'NAYAPAY'] as const;
export const BANKS = ['HBL', 'UBL', 'MCB', 'NBP', 'MEEZAN'] as const;
export const mobileFor = (scenario: number) => `0300000${String(scenario).padStart(4, '0')}`;
export const bankAccountFor = (scenario: number) => String(scenario).padStart(10, '0');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  body: Record<string, unknown> | null;
  replayed: boolean;
  startedAt: number;
  aborted: boolean;
}

/** What a success answer names, per kind: the object's id (a redelivery: its new deliveries). */
function answeredId(kind: CreateKind, body: Record<string, unknown> | null): string | null {
  if (kind === 'redeliver') {
    const deliveries = body?.deliveries as { id: string }[] | undefined;
    return deliveries ? deliveries.map((d) => d.id).join(',') : null;
  }
  return typeof body?.id === 'string' ? body.id : null;
}

export interface DriverOptions {
  services: { payout: Service[]; payment: Service };
  merchants: DriverMerchant[];
  seed: number;
  /** Create operations to run; each is 1–4 requests. */
  operations: number;
  concurrency: number;
  /** Called as operations complete, to fire the chaos events at fixed points of the run. */
  onProgress: (done: number, total: number) => Promise<void> | void;
  /** Base URL of the webhook receiver (endpoints the run creates point there). */
  receiverUrl: string;
  /**
   * Clients that give up and retry with the same key: `impatient` of the creates wait at most
   * 1–2 s per try (a request waiting on a held lock is abandoned, and its retry comes after
   * IDEMPOTENCY_STALE_AFTER: a takeover), and `early` of all tries give up after 30–300 ms.
   */
  giveUp: { impatient: number; early: number };
}

export async function runDriver(options: DriverOptions): Promise<DriverResult> {
  const rnd = prng(options.seed);
  const calls: Call[] = [];
  const ops: CreateOp[] = [];
  const simulated = new Set<string>();
  const created: {
    merchant: number;
    payouts: string[];
    checkouts: string[];
    payments: { id: string; amount: number }[];
  }[] = options.merchants.map((m) => ({
    merchant: m.index,
    payouts: [],
    checkouts: [],
    payments: [],
  }));
  const result: DriverResult = {
    calls,
    ops,
    clientAborts: 0,
    simulated,
    simulateSent: new Set<string>(),
    reads: 0,
    reusedKeyRejections: 0,
    reusedKeyWrongAnswers: 0,
    crossTenantReads: 0,
    crossTenantLeaks: 0,
  };
  let rr = 0;
  const nextPayoutService = () => options.services.payout[rr++ % options.services.payout.length] as Service;

  async function send(
    service: Service,
    method: string,
    path: string,
    key: string,
    body: unknown,
    headers: Record<string, string>,
    scenario: number | null,
    giveUpAfterMs = 30_000,
  ): Promise<Answer> {
    const startedAt = Date.now();
    let status = 0;
    let parsed: Record<string, unknown> | null = null;
    let replayed = false;
    let aborted = false;
    try {
      const res = await fetch(`${service.base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(giveUpAfterMs),
      });
      status = res.status;
      replayed = res.headers.get('idempotent-replayed') === 'true';
      const text = await res.text();
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = null;
      }
    } catch (error) {
      status = 0;
      // Our own short timeout (a client giving up), not a refused or reset connection.
      aborted = giveUpAfterMs < 30_000 && (error as Error).name === 'TimeoutError';
    }
    const error = parsed?.error as { code?: string } | undefined;
    calls.push({
      service: service.name,
      method,
      path: path.replace(/(po|cs|txn|evt|re)_[A-Za-z0-9]+/g, '$1_…'),
      status,
      code: error?.code ?? null,
      startedAt,
      endedAt: Date.now(),
      scenario,
      ...(aborted ? { aborted } : {}),
    });
    return { status, body: parsed, replayed, startedAt, aborted };
  }

  /**
   * A create with an Idempotency-Key, retried with the same key and body on ambiguous answers
   * (connection error, the client's own timeout, 503 DATABASE_UNAVAILABLE, 409
   * IDEMPOTENCY_IN_PROGRESS) as an integrator's client would, on the next process; bounded in
   * attempts and time. Some clients give up early on purpose (`giveUp`): mid-request, and the
   * server runs on.
   */
  async function create(op: CreateOp, pickService: () => Service, path: string, key: string): Promise<Answer | null> {
    const deadline = Date.now() + 20_000;
    const patience = rnd.chance(options.giveUp.impatient) ? rnd.int(1_000, 2_000) : 30_000;
    for (let attempt = 0; attempt < 12 && Date.now() < deadline; attempt++) {
      const requestId = `${op.idempotencyKey}.${attempt}`;
      const giveUp = rnd.chance(options.giveUp.early) ? rnd.int(30, 300) : patience;
      const answer = await send(
        pickService(),
        'POST',
        path,
        key,
        op.body,
        { 'Idempotency-Key': op.idempotencyKey, 'X-Request-Id': requestId },
        op.scenario,
        giveUp,
      );
      if (answer.aborted) result.clientAborts++;
      const code = (answer.body?.error as { code?: string } | undefined)?.code ?? null;
      op.tries = [
        ...(op.tries ?? []),
        {
          status: answer.status,
          code,
          startedAt: answer.startedAt,
          endedAt: Date.now(),
          requestId,
          aborted: answer.aborted,
        },
      ];
      const ambiguous =
        answer.status === 0 ||
        (answer.status === 503 && code === 'DATABASE_UNAVAILABLE') ||
        (answer.status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS');
      const id = answer.status === op.successStatus ? answeredId(op.kind, answer.body) : null;
      if (id) op.ids.push(id);
      if (!ambiguous) {
        op.finalStatus = answer.status;
        op.finalCode = code;
        return answer;
      }
      op.ambiguous = true;
      await sleep(Math.min(2_000, 250 * (attempt + 1)));
    }
    op.finalStatus = 0;
    return null;
  }

  /** Same key, same body again: must answer the stored response, never create a second object. */
  async function replay(op: CreateOp, service: Service, path: string, key: string, first: Answer) {
    const again = await send(
      service,
      'POST',
      path,
      key,
      op.body,
      // Every request of a key carries `<key>.<n>`, so anything it did is traceable to the key.
      { 'Idempotency-Key': op.idempotencyKey, 'X-Request-Id': `${op.idempotencyKey}.r${op.replays}` },
      op.scenario,
    );
    if (again.status === 0 || again.status === 503) return; // the process or database is away right now
    op.replays++;
    const id = again.status === op.successStatus ? answeredId(op.kind, again.body) : null;
    if (id) op.ids.push(id);
    if (
      again.status !== first.status ||
      !again.replayed ||
      answeredId(op.kind, again.body) !== answeredId(op.kind, first.body)
    ) {
      op.replayMismatches++;
      op.mismatchNotes = [
        ...(op.mismatchNotes ?? []),
        `${op.kind} ${service.name}: first ${first.status} ${String(first.body?.id)}, replay ${again.status} replayed=${again.replayed} ${JSON.stringify(again.body).slice(0, 200)}`,
      ];
    }
  }

  function newOp(
    kind: CreateKind,
    merchant: DriverMerchant,
    body: Record<string, unknown>,
    scenario: number | null,
    successStatus = 201,
  ): CreateOp {
    const op: CreateOp = {
      kind,
      merchant: merchant.index,
      idempotencyKey: randomUUID(),
      body,
      scenario,
      successStatus,
      finalStatus: 0,
      finalCode: null,
      ids: [],
      ambiguous: false,
      replays: 0,
      replayMismatches: 0,
    };
    ops.push(op);
    return op;
  }

  async function payoutOp(merchant: DriverMerchant) {
    const scenario = rnd.int(1, 10);
    const wallet = rnd.chance(0.6);
    const op = newOp(
      'payout',
      merchant,
      {
        amount: merchant.rich ? rnd.int(100, 50_000) : rnd.int(20_000, 60_000),
        currency: 'PKR',
        destination: wallet
          ? { type: 'wallet', provider: rnd.pick(WALLETS), accountNumber: mobileFor(scenario) }
          : { type: 'bank', provider: rnd.pick(BANKS), accountNumber: bankAccountFor(scenario) },
        reference: `chaos-${randomUUID()}`,
        ...(rnd.chance(0.3) ? { description: 'Salary <b>"run"</b> \'; DROP TABLE Payout; --' } : {}),
      },
      scenario,
    );
    const concurrentTwin = rnd.chance(0.06);
    const first = concurrentTwin
      ? // Two processes get the same key at once: one runs, the other replays or says "in progress".
        await Promise.all([
          create(op, nextPayoutService, '/api/v1/payouts', merchant.key),
          sleep(rnd.int(0, 20)).then(() =>
            send(
              nextPayoutService(),
              'POST',
              '/api/v1/payouts',
              merchant.key,
              op.body,
              { 'Idempotency-Key': op.idempotencyKey, 'X-Request-Id': `${op.idempotencyKey}.twin` },
              scenario,
            ),
          ),
        ]).then(([a, twin]) => {
          if (twin.status === 201 && typeof twin.body?.id === 'string') op.ids.push(twin.body.id);
          return a;
        })
      : await create(op, nextPayoutService, '/api/v1/payouts', merchant.key);
    if (!first) return;
    if (first.status === 201 && typeof first.body?.id === 'string') {
      created[merchant.index]?.payouts.push(first.body.id);
      if (rnd.chance(0.25)) await replay(op, nextPayoutService(), '/api/v1/payouts', merchant.key, first);
      if (rnd.chance(0.05)) {
        // Same key, another body: refused, nothing created.
        const other = await send(
          nextPayoutService(),
          'POST',
          '/api/v1/payouts',
          merchant.key,
          { ...op.body, amount: Number(op.body.amount) + 1 },
          { 'Idempotency-Key': op.idempotencyKey },
          scenario,
        );
        if (other.status === 422) result.reusedKeyRejections++;
        else if (other.status !== 0 && other.status !== 503) result.reusedKeyWrongAnswers++;
      }
    }
  }

  async function simulateOp(merchant: DriverMerchant) {
    // Recent payouts are the ones still in flight, where a forced transition races the worker.
    const ids = (created[merchant.index]?.payouts ?? []).slice(-4);
    if (ids.length === 0) return;
    const id = rnd.pick(ids);
    const status = rnd.pick(['PROCESSING', 'COMPLETED', 'FAILED', 'REVERSED'] as const);
    result.simulateSent.add(id);
    const op = newOp('simulate', merchant, { status }, null, 200);
    op.target = id;
    const path = `/api/v1/sandbox/payouts/${id}/simulate`;
    const answer = await create(op, nextPayoutService, path, merchant.key);
    if (answer?.status === 200) {
      simulated.add(id);
      if (rnd.chance(0.25)) await replay(op, nextPayoutService(), path, merchant.key, answer);
    }
  }

  /** A webhook endpoint that wants only `webhook.test` (none is sent in the run): it costs no deliveries. */
  async function endpointOp(merchant: DriverMerchant) {
    const op = newOp(
      'endpoint',
      merchant,
      { url: `${options.receiverUrl}/unused/${merchant.index}`, events: ['webhook.test'] },
      null,
    );
    const answer = await create(op, nextPayoutService, '/api/v1/webhook-endpoints', merchant.key);
    if (answer?.status === 201 && rnd.chance(0.5)) {
      await replay(op, nextPayoutService(), '/api/v1/webhook-endpoints', merchant.key, answer);
    }
  }

  /** Sends one of the merchant's recent events again, to its receiver endpoint. */
  async function redeliverOp(merchant: DriverMerchant) {
    result.reads++;
    const list = await send(nextPayoutService(), 'GET', '/api/v1/events?limit=5', merchant.key, undefined, {}, null);
    const events = (list.body?.data as { id: string }[] | undefined) ?? [];
    if (events.length === 0) return;
    const event = rnd.pick(events);
    const op = newOp('redeliver', merchant, { endpointId: merchant.endpointId }, null, 202);
    op.target = event.id;
    const path = `/api/v1/events/${event.id}/redeliver`;
    const answer = await create(op, nextPayoutService, path, merchant.key);
    if (answer?.status === 202 && rnd.chance(0.25)) await replay(op, nextPayoutService(), path, merchant.key, answer);
  }

  async function paymentOp(merchant: DriverMerchant) {
    const payment = options.services.payment;
    const checkout = newOp(
      'checkout',
      merchant,
      {
        amount: rnd.int(1_000, 80_000),
        currency: 'PKR',
        orderId: `chaos-${randomUUID()}`,
        successUrl: 'https://shop.example/paid',
        cancelUrl: 'https://shop.example/cart',
        ...(rnd.chance(0.5) ? { customer: { mobile: mobileFor(rnd.int(1, 10)), email: 'payer@example.test' } } : {}),
      },
      null,
    );
    const opened = await create(checkout, () => payment, '/api/checkout/create', merchant.key);
    if (opened?.status !== 201 || typeof opened.body?.id !== 'string') return;
    created[merchant.index]?.checkouts.push(opened.body.id);
    if (rnd.chance(0.15)) await replay(checkout, payment, '/api/checkout/create', merchant.key, opened);
    const scenario = rnd.int(1, 10);
    const complete = newOp(
      'payment',
      merchant,
      {
        checkoutId: opened.body.id,
        provider: rnd.pick(WALLETS),
        mobile: mobileFor(scenario),
        ...(rnd.chance(0.5) ? { otp: '123456' } : {}),
      },
      scenario,
    );
    const paid = await create(complete, () => payment, '/payment/complete', merchant.key);
    if (paid?.status === 201 && typeof paid.body?.id === 'string') {
      created[merchant.index]?.payments.push({ id: paid.body.id, amount: Number(checkout.body.amount) });
    }
    if (paid?.status === 201 && rnd.chance(0.25))
      await replay(complete, payment, '/payment/complete', merchant.key, paid);
  }

  /**
   * A manual refund of one of the merchant's recent payments: partial (often) or of all that
   * remains, sometimes several at once of the same payment (their sum must stay within it),
   * racing scenario 8's automatic refund and the payment worker. `reason` carries a unique
   * client key, so the invariants can count refunds per key. A 422 (not refundable yet, or
   * nothing left) is a final answer.
   */
  async function refundOp(merchant: DriverMerchant) {
    const payments = (created[merchant.index]?.payments ?? []).slice(-6);
    if (payments.length === 0) return;
    const target = rnd.pick(payments);
    const one = async () => {
      const body: Record<string, unknown> = {
        transactionId: target.id,
        reason: `chaos-${randomUUID()}`,
        ...(rnd.chance(0.7) ? { amount: rnd.int(1, Math.max(1, Math.floor(target.amount / 2))) } : {}),
      };
      const op = newOp('refund', merchant, body, null);
      op.target = target.id;
      const answer = await create(op, () => options.services.payment, '/refunds', merchant.key);
      if (answer?.status === 201 && rnd.chance(0.25)) {
        await replay(op, options.services.payment, '/refunds', merchant.key, answer);
      }
    };
    const racing = rnd.chance(0.2) ? rnd.int(2, 4) : 1;
    await Promise.all(Array.from({ length: racing }, one));
  }

  async function readOp(merchant: DriverMerchant) {
    result.reads++;
    const others = options.merchants.filter((m) => m.index !== merchant.index);
    const other = rnd.pick(others);
    const choice = rnd.int(0, 5);
    if (choice === 0) {
      await send(nextPayoutService(), 'GET', '/api/v1/balance', merchant.key, undefined, {}, null);
    } else if (choice === 1) {
      await send(nextPayoutService(), 'GET', '/api/v1/payouts?limit=5', merchant.key, undefined, {}, null);
    } else if (choice === 2) {
      await send(options.services.payment, 'GET', '/transactions?limit=5', merchant.key, undefined, {}, null);
    } else {
      // Another merchant's object through this merchant's key: 404, never the object.
      const theirs = created[other.index];
      const payoutId = theirs?.payouts.at(-1);
      const checkoutId = theirs?.checkouts.at(-1);
      const [service, path] =
        choice === 3 && payoutId
          ? [nextPayoutService(), `/api/v1/payouts/${payoutId}`]
          : checkoutId
            ? [options.services.payment, `/checkouts/${checkoutId}`]
            : [nextPayoutService(), '/api/v1/balance'];
      const answer = await send(service, 'GET', path, merchant.key, undefined, {}, null);
      if (path !== '/api/v1/balance') {
        result.crossTenantReads++;
        if (answer.status === 200) result.crossTenantLeaks++;
      }
    }
  }

  // The plan is drawn up front from the seed, so the mix does not depend on timing.
  const plan = Array.from({ length: options.operations }, () => {
    const merchant = rnd.pick(options.merchants);
    const roll = rnd.next();
    if (roll < 0.43) return () => payoutOp(merchant);
    if (roll < 0.53) return () => simulateOp(merchant);
    if (roll < 0.82) {
      const payer = merchant.rich ? merchant : (options.merchants.find((m) => m.rich) as DriverMerchant);
      return () => paymentOp(payer);
    }
    if (roll < 0.84) return () => endpointOp(merchant);
    if (roll < 0.87) return () => redeliverOp(merchant);
    if (roll < 0.93) {
      const payer = merchant.rich ? merchant : (options.merchants.find((m) => m.rich) as DriverMerchant);
      return () => refundOp(payer);
    }
    return () => readOp(merchant);
  });

  let nextIndex = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (nextIndex < plan.length) {
        const run = plan[nextIndex++] as () => Promise<void>;
        await run();
        done++;
        await options.onProgress(done, plan.length);
      }
    }),
  );
  return result;
}
