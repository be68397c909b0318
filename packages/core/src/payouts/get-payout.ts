import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { findPayoutRow, listPayoutStatusEvents } from './payout-repository.ts';
import { type PayoutEventView, type PayoutResource, toPayoutResource } from './payout-resource.ts';

type Runner = { query: (sql: string, values?: unknown[]) => Promise<unknown> };

/** The merchant's payout with its status history; another merchant's id is NOT_FOUND (no existence leak). */
export async function getPayoutOrThrow(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  payoutId: string,
): Promise<PayoutResource & { events: PayoutEventView[] }> {
  return readPayoutOrThrow(db.pool, merchantId, payoutId);
}

/** The same read on any connection, e.g. inside the transaction that just changed the payout. */
export async function readPayoutOrThrow(
  runner: Runner,
  merchantId: string,
  payoutId: string,
): Promise<PayoutResource & { events: PayoutEventView[] }> {
  const row = await findPayoutRow(runner, merchantId, payoutId);
  if (!row) throw notFound('payout');
  const events = await listPayoutStatusEvents(runner, payoutId);
  return {
    ...toPayoutResource(row),
    events: events.map((e) => ({
      status: e.status,
      at: e.at.toISOString(),
      ...(e.reason ? { reason: e.reason } : {}),
    })),
  };
}
