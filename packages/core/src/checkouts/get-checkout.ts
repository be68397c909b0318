import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import {
  type PaymentResource,
  TRANSACTION_COLUMNS_JOINED,
  type TransactionRow,
  toPaymentResource,
} from '../payments/payment-resource.ts';
import { isCheckoutPayable } from './cancel-checkout.ts';
import { CHECKOUT_COLUMNS, type CheckoutResource, type CheckoutRow, toCheckoutResource } from './checkout-resource.ts';

export type CheckoutWithTransaction = CheckoutResource & { latestTransaction: PaymentResource | null };

/** The latest payment attempt of a checkout (index checkoutId, createdAt). */
export async function getLatestTransaction(db: Pick<Db, 'pool'>, checkoutId: string): Promise<PaymentResource | null> {
  const rows = (await db.pool.query(
    `SELECT ${TRANSACTION_COLUMNS_JOINED} FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId
      WHERE t.checkoutId = ? ORDER BY t.createdAt DESC, t.id DESC LIMIT 1`,
    [checkoutId],
  )) as TransactionRow[];
  return rows[0] ? toPaymentResource(rows[0]) : null;
}

/** The merchant's checkout and its latest transaction; another merchant's id is NOT_FOUND (no existence leak). */
export async function getCheckoutOrThrow(
  db: Pick<Db, 'pool'>,
  publicUrl: string,
  merchantId: string,
  checkoutId: string,
): Promise<CheckoutWithTransaction> {
  const rows = (await db.pool.query(`SELECT ${CHECKOUT_COLUMNS} FROM Checkout WHERE id = ? AND merchantId = ?`, [
    checkoutId,
    merchantId,
  ])) as CheckoutRow[];
  const row = rows[0];
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
  const rows = (await db.pool.query(
    `SELECT ${CHECKOUT_COLUMNS.split(', ')
      .map((column) => `c.${column}`)
      .join(', ')}, m.name AS merchantName, m.status = 'SUSPENDED' AS merchantSuspended, k.frozenTime AS clockTime
       FROM Checkout c JOIN Merchant m ON m.id = c.merchantId
       LEFT JOIN TestClock k ON k.id = c.testClockId
      WHERE c.id = ?`,
    [checkoutId],
  )) as (CheckoutRow & { merchantName: string; merchantSuspended: number | boolean; clockTime: Date | null })[];
  const row = rows[0];
  if (!row) return null;
  const { merchantName, merchantSuspended, clockTime, ...checkout } = row;
  const now = clockTime ? new Date(clockTime) : new Date();
  return {
    checkout,
    merchantName,
    merchantSuspended: Boolean(Number(merchantSuspended)),
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
  const rows = (await db.pool.query('SELECT id, status FROM PaymentTransaction WHERE id = ? AND checkoutId = ?', [
    transactionId,
    checkoutId,
  ])) as Pick<PaymentResource, 'id' | 'status'>[];
  return rows[0] ?? null;
}
