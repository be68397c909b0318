import type { Pool, PoolConnection } from '@mypay/db';
import type { Logger } from '../logger.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { createDueRowWorker, type DueRowWorker } from '../workers/due-row-worker.ts';
import { CHECKOUT_COLUMNS, type CheckoutRow, toCheckoutResource } from './checkout-resource.ts';

/**
 * OPEN checkouts past expiresAt → EXPIRED, with a `checkout.expired` event in the same
 * transaction. A checkout whose payment attempt is still PENDING is left alone until that
 * attempt has an outcome (success completes it; failure lets the next sweep expire it).
 * Index (status, expiresAt) serves the claim.
 */
export const CHECKOUT_EXPIRY_CONDITION =
  "status = 'OPEN' AND NOT EXISTS (SELECT 1 FROM PaymentTransaction t WHERE t.checkoutId = Checkout.id AND t.status = 'PENDING')";

export async function expireCheckout(conn: PoolConnection, checkout: CheckoutRow, publicUrl: string, now: Date) {
  const updated = await conn.query(
    "UPDATE Checkout SET status = 'EXPIRED', updatedAt = ? WHERE id = ? AND status = 'OPEN'",
    [now, checkout.id],
  );
  if (updated.affectedRows !== 1) return;
  const expired = toCheckoutResource({ ...checkout, status: 'EXPIRED', updatedAt: now }, publicUrl);
  await enqueueEvent(conn, checkout.merchantId, 'checkout.expired', expired, now);
}

export function createCheckoutExpiryWorker(options: {
  pool: Pool;
  logger: Logger;
  publicUrl: string;
  pollIntervalMs?: number;
  batchSize?: number;
}): DueRowWorker {
  return createDueRowWorker<CheckoutRow>({
    name: 'checkout-expiry',
    pool: options.pool,
    logger: options.logger,
    table: 'Checkout',
    dueColumn: 'expiresAt',
    columns: CHECKOUT_COLUMNS,
    where: CHECKOUT_EXPIRY_CONDITION,
    handle: (conn, checkout, now) => expireCheckout(conn, checkout, options.publicUrl, now),
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    batchSize: options.batchSize ?? 50,
  });
}
