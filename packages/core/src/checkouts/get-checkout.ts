import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { type PaymentResource, toPaymentResource } from '../payments/payment-resource.ts';
import { isCheckoutPayable } from './cancel-checkout.ts';
import {
  findCheckoutAttempt,
  findCheckoutRow,
  findHostedCheckoutRow,
  findLatestTransaction,
} from './checkout-repository.ts';
import { type CheckoutResource, type CheckoutRow, toCheckoutResource } from './checkout-resource.ts';

export type CheckoutWithTransaction = CheckoutResource & { latestTransaction: PaymentResource | null };

/** The latest payment attempt of a checkout (index checkoutId, createdAt). */
export async function getLatestTransaction(db: Pick<Db, 'pool'>, checkoutId: string): Promise<PaymentResource | null> {
  const row = await findLatestTransaction(db.pool, checkoutId);
  return row ? toPaymentResource(row) : null;
}

/** The merchant's checkout and its latest transaction; another merchant's id is NOT_FOUND (no existence leak). */
export async function getCheckoutOrThrow(
  db: Pick<Db, 'pool'>,
  publicUrl: string,
  merchantId: string,
  checkoutId: string,
): Promise<CheckoutWithTransaction> {
  const row = await findCheckoutRow(db.pool, merchantId, checkoutId);
  if (!row) throw notFound('checkout');
  return { ...toCheckoutResource(row, publicUrl), latestTransaction: await getLatestTransaction(db, row.id) };
}

export interface HostedCheckout {
  checkout: CheckoutRow;
  merchantName: string;
  /** A suspended merchant's checkouts are shown but cannot be paid (completePayment refuses them). */
  merchantSuspended: boolean;
  latestTransaction: PaymentResource | null;
  /** The checkout's time: its test clock's when bound (and the clock exists), else now. */
  now: Date;
  /** isCheckoutPayable at the checkout's time: the page shows the form only then. */
  payable: boolean;
}

/**
 * For the hosted payment page, which the customer opens without an API key: the checkout id
 * (~143 random bits) is the capability. Null when there is no such checkout.
 */
export async function getHostedCheckout(db: Pick<Db, 'pool'>, checkoutId: string): Promise<HostedCheckout | null> {
  const row = await findHostedCheckoutRow(db.pool, checkoutId);
  if (!row) return null;
  const { checkout, merchantName, merchantSuspended, clockTime } = row;
  const now = clockTime ?? new Date();
  return {
    checkout,
    merchantName,
    merchantSuspended,
    latestTransaction: await getLatestTransaction(db, checkout.id),
    now,
    payable: isCheckoutPayable(checkout, now),
  };
}

/**
 * One payment attempt of the checkout, for the hosted page's result step (the customer's browser
 * names it); null when the checkout has no such attempt, so a guessed id shows nothing.
 */
export async function getCheckoutAttempt(
  db: Pick<Db, 'pool'>,
  checkoutId: string,
  transactionId: string,
): Promise<Pick<PaymentResource, 'id' | 'status'> | null> {
  return findCheckoutAttempt(db.pool, checkoutId, transactionId);
}
