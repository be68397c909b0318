import { randomBytes } from 'node:crypto';
import { isMyPayError, type MyPay, type Scenario } from '@mypay/sdk';
import { colorEnabled, err, out, paint, printJson, statusColor, UsageError } from '../output.ts';
import { planFor, SCENARIO_KEYS, type ScenarioKey, TRIGGER_TARGETS, type TriggerPlan } from '../trigger-plans.ts';

export interface TriggerOptions {
  payment: boolean;
  bank: boolean;
  amount: number;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs?: number;
  json: boolean;
  /** Bind the payout or checkout to this test clock. */
  clock?: string | undefined;
}

/** `testClock` for a create when --clock was given. */
const bound = (options: TriggerOptions) => (options.clock ? { testClock: options.clock } : {});

/** What to run instead of waiting when the object follows a clock. */
const advanceHint = (options: TriggerOptions, seconds: number) =>
  `  it follows test clock ${options.clock}: mypay clocks advance ${options.clock} ${Math.max(1, Math.ceil(seconds))}s`;

const tag = () => randomBytes(4).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The scenario as this deployment serves it (`GET /api/v1/scenarios`). Payment triggers must not
 * depend on the Payout API being up, so when it cannot be reached the documented numbering is used
 * (scenario N: mobile 03 + N in 9 digits, bank account N in 10 digits).
 */
async function scenarioByKey(client: MyPay, key: ScenarioKey): Promise<Scenario> {
  let scenarios: Scenario[];
  try {
    scenarios = await client.scenarios.list({ maxRetries: 0 });
  } catch (error) {
    if (!isMyPayError(error) || (error.code !== 'NETWORK_ERROR' && error.code !== 'TIMEOUT')) throw error;
    const number = SCENARIO_KEYS.indexOf(key) + 1;
    return {
      number,
      key,
      mobile: `03${String(number).padStart(9, '0')}`,
      bankAccount: String(number).padStart(10, '0'),
      description: key,
      payoutOutcome: '',
      paymentOutcome: '',
      verifyOutcome: '',
      delayMs: 0,
    };
  }
  const scenario = scenarios.find((s) => s.key === key);
  if (!scenario) throw new Error(`the API lists no scenario ${key}`);
  return scenario;
}

/** Polls until `done` or the deadline, with one progress line (rewritten in place on a terminal). */
async function waitUntil(
  describe: () => Promise<string>,
  done: (status: string) => boolean,
  options: TriggerOptions,
  label: string,
  targets: string[],
): Promise<string> {
  const started = Date.now();
  const tty = !options.json && Boolean(process.stderr.isTTY);
  const color = colorEnabled(process.stderr);
  let last = '';
  for (;;) {
    const status = await describe();
    const elapsed = Math.round((Date.now() - started) / 1000);
    if (!options.json) {
      const line = `${paint('dim', '…', color)} ${label} ${paint(statusColor(status), status, color)} ${paint('dim', `(${elapsed}s, waiting for ${targets.join(' or ')})`, color)}`;
      if (tty) process.stderr.write(`\r\u001b[2K${line}`);
      else if (status !== last) err(line);
    }
    last = status;
    if (done(status)) break;
    if (Date.now() - started > options.timeoutMs) {
      if (tty) process.stderr.write('\n');
      throw new Error(`gave up waiting after ${Math.round(options.timeoutMs / 1000)} s; ${label} is ${status}`);
    }
    await sleep(options.pollIntervalMs ?? 500);
  }
  if (tty) process.stderr.write('\n');
  return last;
}

/** `mypay trigger <target>`: creates the objects whose life produces the event or scenario. */
export async function trigger(client: MyPay, target: string, options: TriggerOptions): Promise<void> {
  const plan = planFor(target, options.payment ? 'payment' : 'payout');
  if (!plan) {
    throw new UsageError(`unknown trigger "${target}"; one of: ${TRIGGER_TARGETS.join(', ')}`);
  }
  if (plan.kind === 'webhook-test') {
    const result = await client.webhooks.sendTest();
    if (options.json) return printJson({ trigger: target, ...result });
    out(`Sent webhook.test ${result.eventId} to ${result.deliveries.length} endpoint(s)`);
    for (const d of result.deliveries) out(`  ${d.url} → ${d.attempt?.statusCode ?? d.attempt?.error ?? d.status}`);
    return;
  }
  if (plan.kind === 'checkout-expiry') return triggerCheckoutExpiry(client, target, plan, options);
  if (plan.kind === 'checkout-cancel') return triggerCheckoutCancel(client, target, plan, options);
  if (plan.kind === 'refund') return triggerRefund(client, target, plan, options);
  return plan.kind === 'payout'
    ? triggerPayout(client, target, plan, options)
    : triggerPayment(client, target, plan, options);
}

type ScenarioPlan = Extract<TriggerPlan, { kind: 'payout' | 'payment' }>;

function reportExpectedError(error: unknown, plan: ScenarioPlan, target: string, options: TriggerOptions): boolean {
  if (!plan.expectError || !isMyPayError(error) || error.code !== plan.expectError) return false;
  if (options.json) {
    printJson({ trigger: target, scenario: plan.scenario, outcome: { error: error.code, status: error.status } });
  } else {
    out(
      `Scenario ${plan.scenario}: the API answered ${error.status} ${paint('red', error.code, colorEnabled())} as this scenario does; nothing was created`,
    );
  }
  return true;
}

async function triggerPayout(client: MyPay, target: string, plan: ScenarioPlan, options: TriggerOptions) {
  const scenario = await scenarioByKey(client, plan.scenario);
  const destination = options.bank
    ? { type: 'bank' as const, provider: 'HBL' as const, accountNumber: scenario.bankAccount }
    : { type: 'wallet' as const, provider: 'JAZZCASH' as const, accountNumber: scenario.mobile };
  let payout: Awaited<ReturnType<MyPay['payouts']['create']>>;
  try {
    payout = await client.payouts.create(
      {
        amount: options.amount,
        currency: 'PKR',
        destination,
        reference: `mypay-trigger-${target}-${tag()}`,
        description: `mypay trigger ${target}`,
        ...bound(options),
      },
      // An expected 503 is the outcome, not something to retry.
      plan.expectError ? { maxRetries: 0 } : undefined,
    );
  } catch (error) {
    if (reportExpectedError(error, plan, target, options)) return;
    throw error;
  }
  const color = colorEnabled();
  if (!options.json) {
    out(
      `Created payout ${paint('bold', payout.id, color)} (scenario ${scenario.number} ${scenario.key}, ${destination.accountNumber}): ${paint(statusColor(payout.status), payout.status, color)}`,
    );
  }
  let status: string = payout.status;
  if (plan.waitFor.length > 0 && !plan.waitFor.includes(status)) {
    if (options.wait) {
      status = await waitUntil(
        async () => (await client.payouts.get(payout.id)).status,
        (s) => plan.waitFor.includes(s) || (s === 'FAILED' && !plan.waitFor.includes('FAILED')),
        options,
        `payout ${payout.id}`,
        plan.waitFor,
      );
    } else if (!options.json) {
      out(
        paint(
          'dim',
          options.clock
            ? advanceHint(options, scenario.delayMs / 1000 + 1)
            : `  it moves on to ${plan.waitFor.join(' or ')} in ~${Math.ceil(scenario.delayMs / 1000)} s (--wait to wait for it)`,
          color,
        ),
      );
    }
  }
  if (options.json) {
    const final = status === payout.status ? payout : await client.payouts.get(payout.id);
    return printJson({ trigger: target, scenario: scenario.key, payout: final, events: plan.events });
  }
  if (status !== payout.status) out(`Payout ${payout.id} is ${paint(statusColor(status), status, color)}`);
  if (plan.events.length) out(paint('dim', `  events: ${plan.events.join(', ')}`, color));
}

async function triggerPayment(client: MyPay, target: string, plan: ScenarioPlan, options: TriggerOptions) {
  const scenario = await scenarioByKey(client, plan.scenario);
  const color = colorEnabled();
  const checkout = await client.checkouts.create({
    amount: options.amount,
    currency: 'PKR',
    orderId: `mypay-trigger-${tag()}`,
    successUrl: 'https://example.com/mypay/success',
    cancelUrl: 'https://example.com/mypay/cancel',
    ...bound(options),
  });
  let payment: Awaited<ReturnType<MyPay['payments']['complete']>>;
  try {
    payment = await client.payments.complete(
      { checkoutId: checkout.id, provider: 'JAZZCASH', mobile: scenario.mobile, otp: '123456' },
      plan.expectError ? { maxRetries: 0 } : undefined,
    );
  } catch (error) {
    if (reportExpectedError(error, plan, target, options)) return;
    throw error;
  }
  if (!options.json) {
    out(
      `Created checkout ${paint('bold', checkout.id, color)} and paid it from ${scenario.mobile} (scenario ${scenario.number} ${scenario.key}): payment ${paint('bold', payment.id, color)} ${paint(statusColor(payment.status), payment.status, color)}`,
    );
  }
  let status: string = payment.status;
  if (plan.waitFor.length > 0 && !plan.waitFor.includes(status)) {
    if (options.wait) {
      status = await waitUntil(
        async () => (await client.checkouts.get(checkout.id)).latestTransaction?.status ?? 'PENDING',
        (s) => plan.waitFor.includes(s) || (s === 'FAILED' && !plan.waitFor.includes('FAILED')),
        options,
        `payment ${payment.id}`,
        plan.waitFor,
      );
    } else if (!options.json) {
      out(
        paint(
          'dim',
          options.clock
            ? advanceHint(options, scenario.delayMs / 1000 + 1)
            : `  it moves on to ${plan.waitFor.join(' or ')} in ~${Math.ceil(scenario.delayMs / 1000)} s (--wait to wait for it)`,
          color,
        ),
      );
    }
  }
  if (options.json) {
    const final = await client.checkouts.get(checkout.id);
    return printJson({
      trigger: target,
      scenario: scenario.key,
      checkout: final,
      payment: final.latestTransaction ?? payment,
      events: plan.events,
    });
  }
  if (status !== payment.status) out(`Payment ${payment.id} is ${paint(statusColor(status), status, color)}`);
  if (plan.events.length) out(paint('dim', `  events: ${plan.events.join(', ')}`, color));
}

async function triggerCheckoutExpiry(
  client: MyPay,
  target: string,
  plan: Extract<TriggerPlan, { kind: 'checkout-expiry' }>,
  options: TriggerOptions,
) {
  const checkout = await client.checkouts.create({
    amount: options.amount,
    currency: 'PKR',
    orderId: `mypay-trigger-${tag()}`,
    successUrl: 'https://example.com/mypay/success',
    cancelUrl: 'https://example.com/mypay/cancel',
    // The shortest lifetime the API allows.
    expiresInSeconds: 60,
    ...bound(options),
  });
  const color = colorEnabled();
  if (!options.json) out(`Created checkout ${paint('bold', checkout.id, color)}; it expires at ${checkout.expiresAt}`);
  let status: string = checkout.status;
  if (options.wait) {
    status = await waitUntil(
      async () => (await client.checkouts.get(checkout.id)).status,
      (s) => s !== 'OPEN',
      { ...options, timeoutMs: Math.max(options.timeoutMs, 150_000) },
      `checkout ${checkout.id}`,
      plan.waitFor,
    );
  } else if (!options.json) {
    out(
      paint(
        'dim',
        options.clock
          ? advanceHint(options, 61)
          : '  checkout.expired follows in about a minute (--wait to wait for it)',
        color,
      ),
    );
  }
  if (options.json)
    return printJson({ trigger: target, checkout: await client.checkouts.get(checkout.id), events: plan.events });
  if (status !== checkout.status) out(`Checkout ${checkout.id} is ${paint(statusColor(status), status, color)}`);
}

async function triggerCheckoutCancel(
  client: MyPay,
  target: string,
  plan: Extract<TriggerPlan, { kind: 'checkout-cancel' }>,
  options: TriggerOptions,
) {
  const checkout = await client.checkouts.create({
    amount: options.amount,
    currency: 'PKR',
    orderId: `mypay-trigger-${tag()}`,
    successUrl: 'https://example.com/mypay/success',
    cancelUrl: 'https://example.com/mypay/cancel',
  });
  const cancelled = await client.checkouts.cancel(checkout.id);
  if (options.json) return printJson({ trigger: target, checkout: cancelled, events: plan.events });
  const color = colorEnabled();
  out(
    `Created checkout ${paint('bold', checkout.id, color)} and cancelled it: ${paint(statusColor(cancelled.status), cancelled.status, color)}`,
  );
  out(paint('dim', `  events: ${plan.events.join(', ')}`, color));
}

/** Pays a checkout from the plan's scenario number, then refunds the payment in full. */
async function triggerRefund(
  client: MyPay,
  target: string,
  plan: Extract<TriggerPlan, { kind: 'refund' }>,
  options: TriggerOptions,
) {
  const scenario = await scenarioByKey(client, plan.scenario);
  const color = colorEnabled();
  const checkout = await client.checkouts.create({
    amount: options.amount,
    currency: 'PKR',
    orderId: `mypay-trigger-${tag()}`,
    successUrl: 'https://example.com/mypay/success',
    cancelUrl: 'https://example.com/mypay/cancel',
  });
  const payment = await client.payments.complete({
    checkoutId: checkout.id,
    provider: 'JAZZCASH',
    mobile: scenario.mobile,
    otp: '123456',
  });
  if (payment.status !== 'SUCCEEDED') {
    throw new Error(`the payment ${payment.id} is ${payment.status}, so there is nothing to refund`);
  }
  const refund = await client.refunds.create({ transactionId: payment.id, reason: `mypay trigger ${target}` });
  if (!options.json) {
    out(
      `Paid checkout ${paint('bold', checkout.id, color)} from ${scenario.mobile} (scenario ${scenario.number} ${scenario.key}) and refunded payment ${payment.id}: refund ${paint('bold', refund.id, color)} ${paint(statusColor(refund.status), refund.status, color)}`,
    );
  }
  let status: string = refund.status;
  if (plan.waitFor.length > 0 && !plan.waitFor.includes(status)) {
    if (options.wait) {
      status = await waitUntil(
        async () => (await client.refunds.get(refund.id)).status,
        (s) => s !== 'PENDING',
        options,
        `refund ${refund.id}`,
        plan.waitFor,
      );
    } else if (!options.json) {
      out(paint('dim', `  it moves on to ${plan.waitFor.join(' or ')} shortly (--wait to wait for it)`, color));
    }
  }
  if (options.json) {
    const final = status === refund.status ? refund : await client.refunds.get(refund.id);
    return printJson({ trigger: target, scenario: scenario.key, payment, refund: final, events: plan.events });
  }
  if (status !== refund.status) out(`Refund ${refund.id} is ${paint(statusColor(status), status, color)}`);
  out(paint('dim', `  events: ${plan.events.join(', ')}`, color));
}
