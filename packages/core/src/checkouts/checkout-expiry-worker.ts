import type { Pool, PoolConnection } from '@mypay/db';
import type { Logger } from '../logger.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { createDueRowWorker, type DueRowWorker, type WorkerScope } from '../workers/due-row-worker.ts';
import { CHECKOUT_EXPIRY_CONDITION, findPendingAttemptId, markCheckoutExpired } from './checkout-repository.ts';
import { CHECKOUT_COLUMNS, type CheckoutRow, toCheckoutResource } from './checkout-resource.ts';

/**
 * Expires one claimed checkout (its row locked by the caller). Runs READ COMMITTED, so the
 * pending-attempt check reads what is committed now: an attempt is only ever created, and a
 * PENDING one only ever settled, while its checkout row is locked — which we hold — so this read
 * cannot miss one.
 */
export async function expireCheckout(conn: PoolConnection, checkout: CheckoutRow, publicUrl: string, now: Date) {
  if ((await findPendingAttemptId(conn, checkout.id)) !== null) return;
  if (!(await markCheckoutExpired(conn, checkout.id, now))) return;
  const expired = toCheckoutResource({ ...checkout, status: 'EXPIRED', updatedAt: now }, publicUrl);
  await enqueueEvent(conn, checkout.merchantId, 'checkout.expired', expired, now);
}

/**
 * OPEN checkouts past expiresAt → EXPIRED, with a `checkout.expired` event in the same
 * transaction. A checkout whose payment attempt is still PENDING is left alone until that
 * attempt has an outcome (success completes it; failure lets the next sweep expire it). The
 * claim's condition is CHECKOUT_EXPIRY_CONDITION (checkout-repository.ts).
 */
export function createCheckoutExpiryWorker(options: {
  pool: Pool;
  logger: Logger;
  /** Only these merchants' rows (tests sharing one database); default: all. */
  scope?: WorkerScope;
  publicUrl: string;
  pollIntervalMs?: number;
  batchSize?: number;
  retryDelayMs?: number;
}): DueRowWorker {
  return createDueRowWorker<CheckoutRow>({
    name: 'checkout-expiry',
    pool: options.pool,
    logger: options.logger,
    table: 'Checkout',
    dueColumn: 'expiresAt',
    columns: CHECKOUT_COLUMNS,
    // A checkout bound to a test clock expires only when its clock is advanced past expiresAt.
    where: `testClockId IS NULL AND ${CHECKOUT_EXPIRY_CONDITION}`,
    handle: (conn, checkout, now) => expireCheckout(conn, checkout, options.publicUrl, now),
    scope: options.scope,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    batchSize: options.batchSize ?? 50,
    retryDelayMs: options.retryDelayMs,
    // Also: no gap locks, so the sweep never holds up the insert of a new checkout.
    isolation: 'READ COMMITTED',
  });
}
