import type { TransactionStatus } from './payment-state-machine.ts';

/** A payment transaction as the API shows it (and as `payment.*` events carry it). */
export interface PaymentResource {
  id: string;
  checkoutId: string;
  orderId: string;
  amount: number;
  amountRefunded: number;
  currency: string;
  status: TransactionStatus;
  provider: string;
  mobile: string;
  scenario: string;
  failure: { code: string; message: string | null } | null;
  /** The test clock it follows (its checkout's); absent when it follows wall time. */
  testClock?: string;
  createdAt: string;
  updatedAt: string;
}

/** Column names as in the PaymentTransaction table, plus the checkout's orderId (joined). */
export interface TransactionRow {
  id: string;
  merchantId: string;
  checkoutId: string;
  orderId: string;
  amount: number;
  /** Refunds that succeeded (0 on a new row). */
  amountRefunded: number;
  currency: string;
  provider: string;
  mobile: string;
  status: TransactionStatus;
  scenario: string;
  failureCode: string | null;
  failureMessage: string | null;
  nextTransitionAt: Date | null;
  testClockId?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The PaymentTransaction row alone (what the workers claim and a refund locks; no orderId). */
export const TRANSACTION_COLUMNS = `id, merchantId, checkoutId, amount, amountRefunded, currency, provider, mobile, status, scenario,
  failureCode, failureMessage, nextTransitionAt, testClockId, createdAt, updatedAt`;

/** For `FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId`. */
export const TRANSACTION_COLUMNS_JOINED =
  't.id, t.merchantId, t.checkoutId, c.orderId, t.amount, t.amountRefunded, t.currency, t.provider, t.mobile, t.status, t.scenario, t.failureCode, t.failureMessage, t.nextTransitionAt, t.testClockId, t.createdAt, t.updatedAt';

export function toPaymentResource(row: TransactionRow): PaymentResource {
  return {
    id: row.id,
    checkoutId: row.checkoutId,
    orderId: row.orderId,
    amount: Number(row.amount),
    amountRefunded: Number(row.amountRefunded ?? 0),
    currency: row.currency,
    status: row.status,
    provider: row.provider,
    mobile: row.mobile,
    scenario: row.scenario,
    failure: row.failureCode ? { code: row.failureCode, message: row.failureMessage ?? null } : null,
    ...(row.testClockId ? { testClock: row.testClockId } : {}),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
