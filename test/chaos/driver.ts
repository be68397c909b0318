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
}

export interface DriverMerchant {
  index: number;
  id: string;
  key: string;
  /** Rich merchants take payments too; the poor one only sends payouts (and runs out). */
  rich: boolean;
}

/** What the driver knows about one create request, across its retries (same Idempotency-Key). */
export interface CreateOp {
  kind: 'payout' | 'checkout' | 'payment';
  merchant: number;
  idempotencyKey: string;
  body: Record<string, unknown>;
  scenario: number | null;
  /** Final answer: 201, a 4xx/5xx we accept as final, or 0 when every retry was ambiguous. */
  finalStatus: number;
  finalCode: string | null;
  /** Ids returned by every 201 for this key (one distinct id expected). */
  ids: string[];
  /** Some try died mid-flight (connection cut, 503 from the database, 409 in progress). */
  ambiguous: boolean;
  /** Every try of this create (same key), in order. */
  tries?: { status: number; code: string | null; startedAt: number; endedAt: number }[];
  replays: number;
  replayMismatches: number;
  /** What a mismatching replay answered, for the report. */
  mismatchNotes?: string[];
}

export interface DriverResult {
  calls: Call[];
  ops: CreateOp[];
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
}

export async function runDriver(options: DriverOptions): Promise<DriverResult> {
  const rnd = prng(options.seed);
  const calls: Call[] = [];
  const ops: CreateOp[] = [];
  const simulated = new Set<string>();
  const created: { merchant: number; payouts: string[]; checkouts: string[] }[] = options.merchants.map((m) => ({
    merchant: m.index,
    payouts: [],
    checkouts: [],
  }));
  const result: DriverResult = {
    calls,
    ops,
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
  ): Promise<Answer> {
    const startedAt = Date.now();
    let status = 0;
    let parsed: Record<string, unknown> | null = null;
    let replayed = false;
    try {
      const res = await fetch(`${service.base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      replayed = res.headers.get('idempotent-replayed') === 'true';
      const text = await res.text();
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = null;
      }
    } catch {
      status = 0;
    }
    const error = parsed?.error as { code?: string } | undefined;
    calls.push({
      service: service.name,
      method,
      path: path.replace(/(po|cs|txn)_[A-Za-z0-9]+/g, '$1_…'),
      status,
      code: error?.code ?? null,
      startedAt,
      endedAt: Date.now(),
      scenario,
    });
    return { status, body: parsed, replayed, startedAt };
  }

  /**
   * A create with an Idempotency-Key, retried with the same key and body on ambiguous answers
   * (connection error, 503 DATABASE_UNAVAILABLE, 409 IDEMPOTENCY_IN_PROGRESS) as an integrator's
   * client would, on the next process; bounded in attempts and time.
   */
  async function create(op: CreateOp, pickService: () => Service, path: string, key: string): Promise<Answer | null> {
    const deadline = Date.now() + 20_000;
    for (let attempt = 0; attempt < 12 && Date.now() < deadline; attempt++) {
      const answer = await send(
        pickService(),
        'POST',
        path,
        key,
        op.body,
        { 'Idempotency-Key': op.idempotencyKey },
        op.scenario,
      );
      const code = (answer.body?.error as { code?: string } | undefined)?.code ?? null;
      op.tries = [
        ...(op.tries ?? []),
        { status: answer.status, code, startedAt: answer.startedAt, endedAt: Date.now() },
      ];
      const ambiguous =
        answer.status === 0 ||
        (answer.status === 503 && code === 'DATABASE_UNAVAILABLE') ||
        (answer.status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS');
      if (answer.status === 201 && typeof answer.body?.id === 'string') op.ids.push(answer.body.id);
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
      { 'Idempotency-Key': op.idempotencyKey },
      op.scenario,
    );
    if (again.status === 0 || again.status === 503) return; // the process or database is away right now
    op.replays++;
    if (again.status === 201 && typeof again.body?.id === 'string') op.ids.push(again.body.id);
    if (again.status !== first.status || !again.replayed || again.body?.id !== first.body?.id) {
      op.replayMismatches++;
      op.mismatchNotes = [
        ...(op.mismatchNotes ?? []),
        `${op.kind} ${service.name}: first ${first.status} ${String(first.body?.id)}, replay ${again.status} replayed=${again.replayed} ${JSON.stringify(again.body).slice(0, 200)}`,
      ];
    }
  }

  async function payoutOp(merchant: DriverMerchant) {
    const scenario = rnd.int(1, 10);
    const wallet = rnd.chance(0.6);
    const op: CreateOp = {
      kind: 'payout',
      merchant: merchant.index,
      idempotencyKey: randomUUID(),
      body: {
        amount: merchant.rich ? rnd.int(100, 50_000) : rnd.int(20_000, 60_000),
        currency: 'PKR',
        destination: wallet
          ? { type: 'wallet', provider: rnd.pick(WALLETS), accountNumber: mobileFor(scenario) }
          : { type: 'bank', provider: rnd.pick(BANKS), accountNumber: bankAccountFor(scenario) },
        reference: `chaos-${randomUUID()}`,
        ...(rnd.chance(0.3) ? { description: 'Salary <b>"run"</b> \'; DROP TABLE Payout; --' } : {}),
      },
      scenario,
      finalStatus: 0,
      finalCode: null,
      ids: [],
      ambiguous: false,
      replays: 0,
      replayMismatches: 0,
    };
    ops.push(op);
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
              { 'Idempotency-Key': op.idempotencyKey },
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
    const answer = await send(
      nextPayoutService(),
      'POST',
      `/api/v1/sandbox/payouts/${id}/simulate`,
      merchant.key,
      { status },
      {},
      null,
    );
    if (answer.status === 200) simulated.add(id);
  }

  async function paymentOp(merchant: DriverMerchant) {
    const payment = options.services.payment;
    const checkout: CreateOp = {
      kind: 'checkout',
      merchant: merchant.index,
      idempotencyKey: randomUUID(),
      body: {
        amount: rnd.int(1_000, 80_000),
        currency: 'PKR',
        orderId: `chaos-${randomUUID()}`,
        successUrl: 'https://shop.example/paid',
        cancelUrl: 'https://shop.example/cart',
        ...(rnd.chance(0.5) ? { customer: { mobile: mobileFor(rnd.int(1, 10)), email: 'payer@example.test' } } : {}),
      },
      scenario: null,
      finalStatus: 0,
      finalCode: null,
      ids: [],
      ambiguous: false,
      replays: 0,
      replayMismatches: 0,
    };
    ops.push(checkout);
    const opened = await create(checkout, () => payment, '/api/checkout/create', merchant.key);
    if (opened?.status !== 201 || typeof opened.body?.id !== 'string') return;
    created[merchant.index]?.checkouts.push(opened.body.id);
    if (rnd.chance(0.15)) await replay(checkout, payment, '/api/checkout/create', merchant.key, opened);
    const scenario = rnd.int(1, 10);
    const complete: CreateOp = {
      kind: 'payment',
      merchant: merchant.index,
      idempotencyKey: randomUUID(),
      body: {
        checkoutId: opened.body.id,
        provider: rnd.pick(WALLETS),
        mobile: mobileFor(scenario),
        ...(rnd.chance(0.5) ? { otp: '123456' } : {}),
      },
      scenario,
      finalStatus: 0,
      finalCode: null,
      ids: [],
      ambiguous: false,
      replays: 0,
      replayMismatches: 0,
    };
    ops.push(complete);
    const paid = await create(complete, () => payment, '/payment/complete', merchant.key);
    if (paid?.status === 201 && rnd.chance(0.25))
      await replay(complete, payment, '/payment/complete', merchant.key, paid);
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
    if (roll < 0.45) return () => payoutOp(merchant);
    if (roll < 0.55) return () => simulateOp(merchant);
    if (roll < 0.85) {
      const payer = merchant.rich ? merchant : (options.merchants.find((m) => m.rich) as DriverMerchant);
      return () => paymentOp(payer);
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
