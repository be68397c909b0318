import {
  DEFAULT_CHECKOUT_TTL_SECONDS,
  MAX_CHECKOUT_TTL_SECONDS,
  MIN_CHECKOUT_TTL_SECONDS,
  normalizeMobile,
} from '@mypay/contracts';
import { type Db, withSqlTransaction } from '@mypay/db';
import { AppError, type ErrorDetail } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { CURRENCY, MAX_AMOUNT } from '../money.ts';
import { clockTimeForBinding } from '../test-clocks/test-clock-resource.ts';
import { insertCheckout } from './checkout-repository.ts';
import {
  type CheckoutResource,
  type CheckoutRow,
  redirectUrlProblem,
  toCheckoutResource,
} from './checkout-resource.ts';

export { DEFAULT_CHECKOUT_TTL_SECONDS, MAX_CHECKOUT_TTL_SECONDS, MIN_CHECKOUT_TTL_SECONDS };

export interface CheckoutDeps {
  db: Db;
  /** PUBLIC_SANDBOX_URL: the base of `checkoutUrl`. */
  publicUrl: string;
}

export interface CreateCheckoutInput {
  merchantId: string;
  amount: number;
  currency: string;
  orderId: string;
  customer?: { mobile?: string | undefined; email?: string | undefined } | undefined;
  successUrl: string;
  cancelUrl: string;
  expiresInSeconds?: number | undefined;
  /** A test clock of the merchant: the checkout's times are clock time and it expires on the clock. */
  testClock?: string | undefined;
}

/**
 * Opens a checkout session. The API schema validates the shape first; the rules are checked
 * here again so every caller (API, scripts, portals) gets the same answers.
 */
export async function createCheckout(
  deps: CheckoutDeps,
  input: CreateCheckoutInput,
  options: EffectOptions & { now?: Date } = {},
): Promise<CheckoutResource> {
  const now = input.testClock
    ? await clockTimeForBinding(deps.db.pool, input.merchantId, input.testClock)
    : (options.now ?? new Date());
  if (input.currency !== CURRENCY) {
    throw new AppError('UNSUPPORTED_CURRENCY', `only ${CURRENCY} is supported`, [
      { field: 'currency', message: `must be "${CURRENCY}"` },
    ]);
  }
  const problems: ErrorDetail[] = [];
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_AMOUNT) {
    problems.push({ field: 'amount', message: `a positive integer in paisa, at most ${MAX_AMOUNT}` });
  }
  for (const field of ['successUrl', 'cancelUrl'] as const) {
    const problem = redirectUrlProblem(input[field]);
    if (problem) problems.push({ field, message: problem });
  }
  const ttl = input.expiresInSeconds ?? DEFAULT_CHECKOUT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < MIN_CHECKOUT_TTL_SECONDS || ttl > MAX_CHECKOUT_TTL_SECONDS) {
    problems.push({
      field: 'expiresInSeconds',
      message: `an integer from ${MIN_CHECKOUT_TTL_SECONDS} to ${MAX_CHECKOUT_TTL_SECONDS}`,
    });
  }
  if (problems.length > 0) throw new AppError('VALIDATION_ERROR', 'the request is not valid', problems);

  const row: CheckoutRow = {
    id: newId('cs'),
    merchantId: input.merchantId,
    amount: input.amount,
    currency: CURRENCY,
    orderId: input.orderId,
    // Stored as 03XXXXXXXXX whichever accepted form was sent (+923…, 923…, 00923…): it pre-fills the hosted page.
    customerMobile: input.customer?.mobile ? (normalizeMobile(input.customer.mobile) ?? input.customer.mobile) : null,
    customerEmail: input.customer?.email ?? null,
    successUrl: input.successUrl,
    cancelUrl: input.cancelUrl,
    status: 'OPEN',
    expiresAt: new Date(now.getTime() + ttl * 1000),
    completedAt: null,
    testClockId: input.testClock ?? null,
    createdAt: now,
    updatedAt: now,
  };
  const checkout = toCheckoutResource(row, deps.publicUrl);
  // No money moves and no event exists for "opened": the insert and the idempotency record are
  // the whole transaction.
  await withSqlTransaction(deps.db.pool, async (conn) => {
    await insertCheckout(conn, row);
    await options.idempotency?.settle(conn, 201, checkout);
  });
  return checkout;
}
