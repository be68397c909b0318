import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import {
  PAYOUT_COLUMNS,
  type PayoutEventView,
  type PayoutResource,
  type PayoutRow,
  toPayoutResource,
} from './payout-resource.ts';

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
  const rows = (await runner.query(`SELECT ${PAYOUT_COLUMNS} FROM Payout WHERE id = ? AND merchantId = ?`, [
    payoutId,
    merchantId,
  ])) as PayoutRow[];
  const row = rows[0];
  if (!row) throw notFound('payout');
  const events = (await runner.query('SELECT status, reason, at FROM PayoutEvent WHERE payoutId = ? ORDER BY id', [
    payoutId,
  ])) as { status: PayoutRow['status']; reason: string | null; at: Date }[];
  return {
    ...toPayoutResource(row),
    events: events.map((e) => ({
      status: e.status,
      at: e.at.toISOString(),
      ...(e.reason ? { reason: e.reason } : {}),
    })),
  };
}
