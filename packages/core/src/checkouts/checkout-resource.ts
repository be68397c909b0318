import type { CheckoutStatus } from '@mypay/contracts';

export { CHECKOUT_STATUSES, type CheckoutStatus, redirectUrlProblem } from '@mypay/contracts';

/** A checkout session as the API shows it (and as `checkout.*` events carry it). */
export interface CheckoutResource {
  id: string;
  status: CheckoutStatus;
  amount: number;
  currency: string;
  orderId: string;
  customer: { mobile: string | null; email: string | null } | null;
  successUrl: string;
  cancelUrl: string;
  /** The hosted payment page to send the customer to. */
  checkoutUrl: string;
  expiresAt: string;
  completedAt: string | null;
  /** The test clock it follows; absent when it follows wall time. */
  testClock?: string;
  createdAt: string;
  updatedAt: string;
}

export interface CheckoutRow {
  id: string;
  merchantId: string;
  amount: number;
  currency: string;
  orderId: string;
  customerMobile: string | null;
  customerEmail: string | null;
  successUrl: string;
  cancelUrl: string;
  status: CheckoutStatus;
  expiresAt: Date;
  completedAt: Date | null;
  /** Bound to a test clock: it expires when an advance of that clock passes expiresAt. */
  testClockId?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const CHECKOUT_COLUMNS =
  'id, merchantId, amount, currency, orderId, customerMobile, customerEmail, successUrl, cancelUrl, status, expiresAt, completedAt, testClockId, createdAt, updatedAt';

/** `PUBLIC_SANDBOX_URL` + `/checkout/:id` (the base may carry a path prefix). */
export function checkoutUrlOf(publicUrl: string, checkoutId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/checkout/${encodeURIComponent(checkoutId)}`;
}

export function toCheckoutResource(row: CheckoutRow, publicUrl: string): CheckoutResource {
  return {
    id: row.id,
    status: row.status,
    amount: Number(row.amount),
    currency: row.currency,
    orderId: row.orderId,
    customer:
      row.customerMobile || row.customerEmail
        ? { mobile: row.customerMobile ?? null, email: row.customerEmail ?? null }
        : null,
    successUrl: row.successUrl,
    cancelUrl: row.cancelUrl,
    checkoutUrl: checkoutUrlOf(publicUrl, row.id),
    expiresAt: new Date(row.expiresAt).toISOString(),
    completedAt: row.completedAt ? new Date(row.completedAt).toISOString() : null,
    ...(row.testClockId ? { testClock: row.testClockId } : {}),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** The redirect target with the outcome appended as query parameters (existing ones are kept). */
export function redirectWithOutcome(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
