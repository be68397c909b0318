import { PAYOUT_COLUMNS, type PayoutRow } from './payout-resource.ts';
import type { PayoutStatus } from './payout-state-machine.ts';

/**
 * The payouts' data access: the Payout row (insert, reads, the lock a transition holds, the
 * compare-and-set of its status) and its status history (PayoutEvent). Plain SQL on the caller's
 * pool or transaction: payout create is a hot, pipelined path. Money moves through changeBalance
 * (ledger/), events through the outbox (webhooks/); the use-cases decide, this module writes.
 */

/** A pool or a connection (reads also run outside a transaction). */
type Runner = { query: (sql: string, values?: unknown[]) => Promise<unknown> };

/** One step of a payout's status history. */
export interface PayoutStatusEvent {
  status: PayoutStatus;
  reason: string | null;
  at: Date;
}

/** Inserts the payout row (a duplicate reference fails on the unique (merchantId, reference) index). */
export async function insertPayout(conn: Runner, row: PayoutRow): Promise<void> {
  await conn.query(
    `INSERT INTO Payout (id, merchantId, amount, currency, destinationType, provider, accountNumber, accountTitle,
                           reference, description, metadata, status, scenario, failureCode, failureMessage,
                           nextTransitionAt, testClockId, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id,
      row.merchantId,
      row.amount,
      row.currency,
      row.destinationType,
      row.provider,
      row.accountNumber,
      row.accountTitle,
      row.reference,
      row.description,
      row.metadata === null ? null : JSON.stringify(row.metadata),
      row.status,
      row.scenario,
      row.failureCode,
      row.failureMessage,
      row.nextTransitionAt,
      row.testClockId ?? null,
      row.createdAt,
      row.updatedAt,
    ],
  );
}

/** Appends steps to the payout's status history, in order (one statement whatever their count). */
export async function insertPayoutStatusEvents(
  conn: Runner,
  payoutId: string,
  events: PayoutStatusEvent[],
): Promise<void> {
  await conn.query(
    `INSERT INTO PayoutEvent (payoutId, status, reason, at) VALUES ${events.map(() => '(?, ?, ?, ?)').join(', ')}`,
    events.flatMap((event) => [payoutId, event.status, event.reason, event.at]),
  );
}

/** The id of the merchant's payout with this reference, or null. */
export async function findPayoutIdByReference(
  runner: Runner,
  merchantId: string,
  reference: string,
): Promise<string | null> {
  const [existing] = (await runner.query('SELECT id FROM Payout WHERE merchantId = ? AND reference = ?', [
    merchantId,
    reference,
  ])) as { id: string }[];
  return existing?.id ?? null;
}

/** The merchant's payout row, or null (another merchant's payout is not found either). */
export async function findPayoutRow(runner: Runner, merchantId: string, payoutId: string): Promise<PayoutRow | null> {
  const rows = (await runner.query(`SELECT ${PAYOUT_COLUMNS} FROM Payout WHERE id = ? AND merchantId = ?`, [
    payoutId,
    merchantId,
  ])) as PayoutRow[];
  return rows[0] ?? null;
}

/** The payout's status history, oldest first. */
export async function listPayoutStatusEvents(runner: Runner, payoutId: string): Promise<PayoutStatusEvent[]> {
  return (await runner.query('SELECT status, reason, at FROM PayoutEvent WHERE payoutId = ? ORDER BY id', [
    payoutId,
  ])) as PayoutStatusEvent[];
}

/** Locks the merchant's payout row for a transition until commit; null when there is none. */
export async function lockPayoutForTransition(
  conn: Runner,
  merchantId: string,
  payoutId: string,
): Promise<PayoutRow | null> {
  const rows = (await conn.query(`SELECT ${PAYOUT_COLUMNS} FROM Payout WHERE id = ? AND merchantId = ? FOR UPDATE`, [
    payoutId,
    merchantId,
  ])) as PayoutRow[];
  return rows[0] ?? null;
}

/**
 * Moves the payout from `from` to `change.status` (compare-and-set on the old status): a failure
 * given replaces the stored one, none keeps it. False when the payout is no longer in `from`.
 */
export async function setPayoutStatus(
  conn: Runner,
  payoutId: string,
  from: PayoutStatus,
  change: {
    status: PayoutStatus;
    failureCode: string | null;
    failureMessage: string | null;
    nextTransitionAt: Date | null;
    at: Date;
  },
): Promise<boolean> {
  const updated = (await conn.query(
    `UPDATE Payout SET status = ?, failureCode = COALESCE(?, failureCode), failureMessage = COALESCE(?, failureMessage),
            nextTransitionAt = ?, updatedAt = ?
      WHERE id = ? AND status = ?`,
    [change.status, change.failureCode, change.failureMessage, change.nextTransitionAt, change.at, payoutId, from],
  )) as { affectedRows: number };
  return updated.affectedRows === 1;
}

/** Nothing more is scheduled for the payout: the worker stops claiming it. */
export async function clearPayoutNextTransition(conn: Runner, payoutId: string): Promise<void> {
  await conn.query('UPDATE Payout SET nextTransitionAt = NULL WHERE id = ?', [payoutId]);
}
