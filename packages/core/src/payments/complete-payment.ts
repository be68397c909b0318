import { MOBILE_PROBLEM, normalizeMobile, OTP_PATTERN } from '@mypay/contracts';
import { type Db, type PoolConnection, withBatchedTransaction } from '@mypay/db';
import { commitWithWrites } from '../batched-commit.ts';
import { assertCheckoutPayable, assertNoPendingAttempt } from '../checkouts/cancel-checkout.ts';
import { insertTransaction, lockCheckout, markCheckoutCompleted } from '../checkouts/checkout-repository.ts';
import { type CheckoutRow, toCheckoutResource } from '../checkouts/checkout-resource.ts';
import type { Directory } from '../directory/directory.ts';
import { AppError, type ErrorDetail, notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { changeBalance, insertLedgerEntry, updateBalance } from '../ledger/change-balance.ts';
import { findMerchantStatus } from '../merchants/merchant-repository.ts';
import { domainMetrics } from '../metrics/domain-metrics.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { clockTimeOf } from '../test-clocks/test-clock-resource.ts';
import {
  type EventSpec,
  enqueueEvent,
  insertEventsWithDeliveries,
  reserveEventSequences,
} from '../webhooks/enqueue-event.ts';
import { notifyWebhookWorkers } from '../webhooks/worker-signal.ts';
import { type PaymentResource, type TransactionRow, toPaymentResource } from './payment-resource.ts';
import {
  paymentBalanceEffect,
  paymentEventTypeFor,
  paymentNextTransitionAt,
  planPayment,
} from './payment-state-machine.ts';

export interface PaymentDeps {
  db: Db;
  scenarios: ScenarioCatalog;
  directory: Directory;
  /** PUBLIC_SANDBOX_URL, for the checkout carried by `checkout.completed`. */
  publicUrl: string;
}

export interface CompletePaymentInput {
  merchantId: string;
  checkoutId: string;
  /** A seeded wallet code (JAZZCASH, EASYPAISA, SADAPAY, NAYAPAY). */
  provider: string;
  /** The payer's wallet number, 03XXXXXXXXX; it picks the scenario. */
  mobile: string;
  otp?: string | undefined;
}

export { OTP_PATTERN };

/**
 * A payment attempt on a checkout, used by POST /payment/complete and the hosted page alike.
 *
 * The checkout row is locked (FOR UPDATE) for the whole transaction, so concurrent attempts on
 * one checkout run one after another: the first that succeeds marks it COMPLETED and every later
 * one sees that and gets INVALID_STATE — the balance is credited once. A failed attempt leaves
 * the checkout OPEN (the customer may try again, e.g. with another number); a PENDING one blocks
 * further attempts until its outcome is known. Success credits the merchant (PAYMENT_CREDIT) in
 * the same transaction as the status change and the outbox events.
 */
export async function completePayment(
  deps: PaymentDeps,
  input: CompletePaymentInput,
  options: EffectOptions & { now?: Date } = {},
): Promise<PaymentResource> {
  const wallNow = options.now ?? new Date();
  const problems: ErrorDetail[] = [];
  const mobile = normalizeMobile(input.mobile);
  if (!mobile) problems.push({ field: 'mobile', message: MOBILE_PROBLEM });
  if (input.otp !== undefined && !OTP_PATTERN.test(input.otp)) {
    problems.push({ field: 'otp', message: '4 to 6 digits' });
  }
  if (!(await deps.directory.isProvider('wallet', input.provider))) {
    problems.push({
      field: 'provider',
      message: `unknown wallet "${input.provider}" (see GET /api/v1/directory/wallets)`,
    });
  }
  if (problems.length > 0) throw new AppError('VALIDATION_ERROR', 'the request is not valid', problems);

  const scenario = await deps.scenarios.resolve(mobile!, 'mobile');
  const plan = planPayment(scenario.key);
  const delayMs = await deps.scenarios.delayOf(scenario.key);

  // Two round trips (each a batch, one query): the transaction's opening and the checks' reads
  // (the checkout's lock first, so the pending-attempt read runs under it), then every write —
  // the payment, the checkout, the balance update that reserves the event numbers, the ledger
  // entry, the events with their deliveries, the idempotency settle — and COMMIT with them
  // (commitWithWrites: every refusal there is a statement's error, which stops the batch before
  // the COMMIT). Delivery workers are woken after the commit.
  let deliveries = 0;
  const payment = await withBatchedTransaction(deps.db.pool, async (conn) => {
    // Each of these sends its statement when called: three pipelined reads, one round trip.
    const locked = lockCheckout(conn, input.checkoutId, input.merchantId);
    const merchantStatus = findMerchantStatus(conn, input.merchantId);
    const pendingAttempt = assertNoPendingAttempt(conn, input.checkoutId);
    const [lockedResult, merchantResult, pendingResult] = await Promise.allSettled([
      locked,
      merchantStatus,
      pendingAttempt,
    ]);
    if (lockedResult.status === 'rejected') throw lockedResult.reason;
    const checkout = lockedResult.value;
    if (!checkout) throw notFound('checkout');
    // The hosted page has no API key (whose check refuses a suspended merchant), so this is
    // where a suspended merchant's checkouts stop being payable, for both ways in.
    if (merchantResult.status === 'rejected') throw merchantResult.reason;
    assertActive(merchantResult.value);
    // A payment on a bound checkout is bound too: it happens at the clock's time and follows the clock.
    const now = checkout.testClockId ? ((await clockTimeOf(conn, checkout.testClockId)) ?? wallNow) : wallNow;
    assertCheckoutPayable(checkout, now);
    if (pendingResult.status === 'rejected') throw pendingResult.reason;
    // After the state checks: paying a finished checkout is INVALID_STATE whatever the number.
    if (scenario.key === 'PROVIDER_UNAVAILABLE') {
      throw new AppError('PROVIDER_UNAVAILABLE', `${input.provider} is unavailable, try again later`, undefined, {
        'Retry-After': '30',
      });
    }

    const row: TransactionRow = {
      id: newId('txn'),
      merchantId: checkout.merchantId,
      checkoutId: checkout.id,
      orderId: checkout.orderId,
      amount: Number(checkout.amount),
      amountRefunded: 0,
      currency: checkout.currency,
      provider: input.provider,
      mobile: mobile!,
      status: plan.status,
      scenario: scenario.key,
      failureCode: plan.failure?.code ?? null,
      failureMessage: plan.failure?.message ?? null,
      nextTransitionAt: paymentNextTransitionAt(scenario.key, plan.status, delayMs, now),
      testClockId: checkout.testClockId ?? null,
      createdAt: now,
      updatedAt: now,
    };
    const payment = toPaymentResource(row);
    const specs: EventSpec[] = [];
    const eventType = paymentEventTypeFor(plan.status);
    if (eventType) specs.push({ type: eventType, object: payment, at: now });
    const succeeded = plan.status === 'SUCCEEDED';
    if (succeeded) {
      const completed = toCheckoutResource(
        { ...checkout, status: 'COMPLETED', completedAt: now, updatedAt: now },
        deps.publicUrl,
      );
      specs.push({ type: 'checkout.completed', object: completed, at: now });
    }
    const credit = succeeded ? creditOf(checkout, row) : null;

    // One batch: the balance row (credit and event numbers) after the writes that need no lock of
    // it, and the events read their numbers from it in SQL, so nothing waits for the reservation.
    const writes: Promise<unknown>[] = [insertTransaction(conn, row)];
    if (succeeded) writes.push(completeCheckout(conn, checkout, now));
    if (credit) {
      writes.push(
        updateBalance(conn, credit, { reserveEventSequences: specs.length }),
        insertLedgerEntry(conn, credit),
      );
    } else if (specs.length > 0) {
      writes.push(reserveEventSequences(conn, row.merchantId, specs.length));
    }
    writes.push(
      insertEventsWithDeliveries(conn, row.merchantId, specs).then((r) => {
        deliveries = r.deliveries;
      }),
    );
    if (options.idempotency) writes.push(options.idempotency.settle(conn, 201, payment));
    await commitWithWrites(conn, writes);
    return payment;
  });
  if (deliveries > 0) setImmediate(notifyWebhookWorkers);
  domainMetrics.paymentCreated(payment.status, scenario.key);
  return payment;
}

function assertActive(status: string | null): void {
  if (status === 'SUSPENDED') {
    throw new AppError('FORBIDDEN', 'the merchant account is suspended: its checkouts cannot be paid');
  }
}

/** 403 FORBIDDEN for a suspended merchant (the code the API-key check answers with too). */
export async function assertMerchantActive(conn: PoolConnection, merchantId: string): Promise<void> {
  assertActive(await findMerchantStatus(conn, merchantId));
}

/**
 * A successful attempt: the checkout becomes COMPLETED (it is locked by the caller) and the
 * merchant is credited — the balance row last, so it stays locked for as short as possible.
 */
export async function settleCheckout(
  conn: PoolConnection,
  publicUrl: string,
  checkout: CheckoutRow,
  transaction: Pick<TransactionRow, 'id' | 'amount'>,
  now: Date,
): Promise<void> {
  await completeCheckout(conn, checkout, now);
  const completed = toCheckoutResource(
    { ...checkout, status: 'COMPLETED', completedAt: now, updatedAt: now },
    publicUrl,
  );
  await enqueueEvent(conn, checkout.merchantId, 'checkout.completed', completed, now);
  await changeBalance(conn, creditOf(checkout, transaction));
}

/** The checkout's own change on success (it is locked by the caller). */
async function completeCheckout(conn: PoolConnection, checkout: CheckoutRow, now: Date): Promise<void> {
  // Callers check first; this is the invariant itself: a credit lands only on an OPEN checkout.
  if (checkout.status !== 'OPEN') throw new Error(`checkout ${checkout.id} is ${checkout.status}, not OPEN`);
  await markCheckoutCompleted(conn, checkout.id, now);
}

function creditOf(checkout: CheckoutRow, transaction: Pick<TransactionRow, 'id' | 'amount'>) {
  const credit = paymentBalanceEffect('SUCCEEDED', Number(transaction.amount))!;
  return {
    merchantId: checkout.merchantId,
    type: credit.type,
    amount: credit.amount,
    transactionId: transaction.id,
    description: `Payment for order ${checkout.orderId}`.slice(0, 255),
  };
}
