import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { AppError, notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { clockTimeOf } from '../test-clocks/test-clock-resource.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { findPendingAttemptId, lockCheckout, markCheckoutCancelled } from './checkout-repository.ts';
import { type CheckoutResource, type CheckoutRow, toCheckoutResource } from './checkout-resource.ts';

export interface CancelCheckoutInput {
  checkoutId: string;
  /** The caller's merchant (the API); omitted by the hosted page, whose capability is the id itself. */
  merchantId?: string | undefined;
}

/**
 * OPEN → CANCELLED, by the customer on the hosted page or the merchant through the API, with a
 * `checkout.cancelled` event in the same transaction. Not while a payment attempt is still
 * PENDING (it may yet succeed) and not once the checkout has expired: 422 INVALID_STATE naming
 * the current state. The checkout row is locked, the same order completePayment takes, so a
 * cancel and a payment of one checkout never both win.
 */
export async function cancelCheckout(
  deps: { db: Pick<Db, 'pool'>; publicUrl: string },
  input: CancelCheckoutInput,
  options: EffectOptions & { now?: Date; audit?: AuditContext } = {},
): Promise<CheckoutResource> {
  const now = options.now ?? new Date();
  return withSqlTransaction(deps.db.pool, async (conn) => {
    const checkout = await lockCheckout(conn, input.checkoutId, input.merchantId);
    if (!checkout) throw notFound('checkout');
    const at = checkout.testClockId ? ((await clockTimeOf(conn, checkout.testClockId)) ?? now) : now;
    assertCheckoutPayable(checkout, at);
    await assertNoPendingAttempt(conn, checkout.id);
    await markCheckoutCancelled(conn, checkout.id, at);
    const cancelled = toCheckoutResource({ ...checkout, status: 'CANCELLED', updatedAt: at }, deps.publicUrl);
    await enqueueEvent(conn, checkout.merchantId, 'checkout.cancelled', cancelled, at);
    if (options.audit) {
      await recordAudit(conn, {
        ...options.audit,
        action: 'checkout.cancelled',
        targetType: 'checkout',
        targetId: checkout.id,
        merchantId: checkout.merchantId,
        before: { status: checkout.status },
        after: { status: 'CANCELLED' },
      });
    }
    await options.idempotency?.settle(conn, 200, cancelled);
    return cancelled;
  });
}

/** The rule "payable": OPEN and not past expiresAt (the expiry sweep may not have marked it yet). */
export function isCheckoutPayable(checkout: Pick<CheckoutRow, 'status' | 'expiresAt'>, now: Date): boolean {
  return checkout.status === 'OPEN' && new Date(checkout.expiresAt).getTime() > now.getTime();
}

/** Throws INVALID_STATE, saying why, unless the checkout is payable (isCheckoutPayable). */
export function assertCheckoutPayable(checkout: Pick<CheckoutRow, 'status' | 'expiresAt'>, now: Date): void {
  if (isCheckoutPayable(checkout, now)) return;
  if (checkout.status !== 'OPEN') {
    throw new AppError('INVALID_STATE', `the checkout is ${checkout.status}`, [
      { field: 'checkoutId', message: `status is ${checkout.status}; only an OPEN checkout can be paid or cancelled` },
    ]);
  }
  throw new AppError('INVALID_STATE', 'the checkout has expired', [
    { field: 'checkoutId', message: 'expiresAt has passed' },
  ]);
}

/**
 * One attempt at a time: while an attempt is PENDING its outcome is not known, and a second
 * attempt could otherwise succeed as well and credit the merchant twice. A plain (non-locking)
 * read is enough: the caller holds the checkout row lock, and every change to an attempt's
 * status takes that lock too.
 */
export async function assertNoPendingAttempt(conn: Pick<PoolConnection, 'query'>, checkoutId: string): Promise<void> {
  // Sent at once (no await before it): completePayment pipelines it after the checkout's lock.
  const pending = await findPendingAttemptId(conn, checkoutId);
  if (pending !== null) {
    throw new AppError('INVALID_STATE', 'a payment for this checkout is still pending; wait for its outcome', [
      { field: 'checkoutId', message: `transaction ${pending} is PENDING` },
    ]);
  }
}
