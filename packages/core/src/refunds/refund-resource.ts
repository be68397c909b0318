import type { RefundStatus } from '@mypay/contracts';

export { REFUND_STATUSES, type RefundStatus } from '@mypay/contracts';

/** A refund as the API shows it (and as `refund.*` events carry it). */
export interface RefundResource {
  id: string;
  transactionId: string;
  checkoutId: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: string | null;
  scenario: string;
  failure: { code: string; message: string | null } | null;
  /** The payment's test clock, when it is bound (absent otherwise). */
  testClock?: string;
  createdAt: string;
  updatedAt: string;
}

/** Column names as in the Refund table. */
export interface RefundRow {
  id: string;
  merchantId: string;
  transactionId: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: string | null;
  scenario: string;
  failureCode: string | null;
  failureMessage: string | null;
  nextTransitionAt: Date | null;
  testClockId?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const REFUND_COLUMNS =
  'id, merchantId, transactionId, amount, currency, status, reason, scenario, failureCode, failureMessage, nextTransitionAt, testClockId, createdAt, updatedAt';

/** For `FROM Refund r JOIN PaymentTransaction t ON t.id = r.transactionId`: the refund and its checkout id. */
export const REFUND_COLUMNS_JOINED = `${REFUND_COLUMNS.split(', ')
  .map((column) => `r.${column}`)
  .join(', ')}, t.checkoutId`;

export function toRefundResource(row: RefundRow, checkoutId: string): RefundResource {
  return {
    id: row.id,
    transactionId: row.transactionId,
    checkoutId,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    reason: row.reason ?? null,
    scenario: row.scenario,
    failure: row.failureCode ? { code: row.failureCode, message: row.failureMessage ?? null } : null,
    ...(row.testClockId ? { testClock: row.testClockId } : {}),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
