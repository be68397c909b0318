import type { Db, PoolConnection } from '@mypay/db';
import { CHECKOUT_EXPIRY_CONDITION } from '../checkouts/checkout-repository.ts';
import { CHECKOUT_COLUMNS, type CheckoutRow } from '../checkouts/checkout-resource.ts';
import { TRANSACTION_COLUMNS, type TransactionRow } from '../payments/payment-resource.ts';
import { PAYOUT_COLUMNS, type PayoutRow } from '../payouts/payout-resource.ts';
import { REFUND_COLUMNS, type RefundRow } from '../refunds/refund-resource.ts';
import { TEST_CLOCK_COLUMNS, type TestClockRow } from './test-clock-resource.ts';

/**
 * The test clocks' data access: the TestClock rows, the claim an advance holds on one (a
 * conditional UPDATE on status and version), and the bound objects' due steps it applies. Plain
 * SQL on the caller's pool or transaction; the use-cases (manage-test-clocks.ts,
 * advance-test-clock.ts) read as their steps.
 */

type Runner = Pick<PoolConnection, 'query'>;
const changed = (result: unknown) => (result as { affectedRows: number }).affectedRows === 1;

export async function insertTestClock(conn: Runner, row: TestClockRow): Promise<void> {
  await conn.query(
    `INSERT INTO TestClock (id, merchantId, name, frozenTime, status, version, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, 'ready', 0, ?, ?)`,
    [row.id, row.merchantId, row.name, row.frozenTime, row.createdAt, row.updatedAt],
  );
}

/** The merchant's clock, or null (another merchant's clock is not found either). */
export async function findTestClockRow(runner: Runner, merchantId: string, id: string): Promise<TestClockRow | null> {
  const rows = (await runner.query(`SELECT ${TEST_CLOCK_COLUMNS} FROM TestClock WHERE id = ? AND merchantId = ?`, [
    id,
    merchantId,
  ])) as TestClockRow[];
  return rows[0] ?? null;
}

/** The clock's time; with `merchantId`, only when the clock is that merchant's. Null when there is none. */
export async function findClockTime(runner: Runner, id: string, merchantId?: string): Promise<Date | null> {
  const rows = (await runner.query(
    merchantId === undefined
      ? 'SELECT frozenTime FROM TestClock WHERE id = ?'
      : 'SELECT frozenTime FROM TestClock WHERE id = ? AND merchantId = ?',
    merchantId === undefined ? [id] : [id, merchantId],
  )) as { frozenTime: Date }[];
  return rows[0] ? new Date(rows[0].frozenTime) : null;
}

/** Locks the merchant's clock for a change and returns its status; null when there is none. */
export async function lockTestClockStatus(conn: Runner, merchantId: string, id: string): Promise<string | null> {
  const rows = (await conn.query('SELECT status FROM TestClock WHERE id = ? AND merchantId = ? FOR UPDATE', [
    id,
    merchantId,
  ])) as { status: string }[];
  return rows[0]?.status ?? null;
}

/** Deletes the clock and clears its objects' scheduled steps (they stay bound: the workers skip them). */
export async function deleteTestClockRow(conn: Runner, id: string): Promise<void> {
  await conn.query('DELETE FROM TestClock WHERE id = ?', [id]);
  for (const table of ['Payout', 'PaymentTransaction', 'Refund']) {
    await conn.query(
      `UPDATE ${table} SET nextTransitionAt = NULL WHERE testClockId = ? AND nextTransitionAt IS NOT NULL`,
      [id],
    );
  }
}

/**
 * Takes the clock for an advance to `target`: it must still be at `version` and `ready`, or held by
 * an advance that made no progress for `staleMs`. False when another advance holds it or moved it on.
 */
export async function claimClockForAdvance(
  db: Pick<Db, 'pool'>,
  id: string,
  version: number,
  target: Date,
  staleMs: number,
): Promise<boolean> {
  return changed(
    await db.pool.query(
      `UPDATE TestClock SET status = 'advancing', advanceTarget = ?, advanceHeartbeatAt = NOW(3),
              version = version + 1, updatedAt = NOW(3)
        WHERE id = ? AND version = ?
          AND (status = 'ready' OR advanceHeartbeatAt < DATE_SUB(NOW(3), INTERVAL ? MICROSECOND))`,
      [target, id, version, staleMs * 1000],
    ),
  );
}

/** The clock follows a step (so a crash leaves it where the applied steps are); false when the claim is lost. */
export async function moveClaimedClock(conn: Runner, id: string, version: number, at: Date): Promise<boolean> {
  return changed(
    await conn.query(
      `UPDATE TestClock SET frozenTime = GREATEST(frozenTime, ?), advanceHeartbeatAt = NOW(3), updatedAt = NOW(3)
        WHERE id = ? AND version = ? AND status = 'advancing'`,
      [at, id, version],
    ),
  );
}

/** Ends the advance at `target`, the clock `ready`; false when the claim is lost. */
export async function finishClaimedAdvance(conn: Runner, id: string, version: number, target: Date): Promise<boolean> {
  return changed(
    await conn.query(
      `UPDATE TestClock SET frozenTime = ?, status = 'ready', advanceTarget = NULL, advanceHeartbeatAt = NULL,
              version = version + 1, updatedAt = NOW(3)
        WHERE id = ? AND version = ? AND status = 'advancing'`,
      [target, id, version],
    ),
  );
}

/** Gives the clock back, `ready` where the applied steps left it (an advance that failed). */
export async function releaseClaimedClock(db: Pick<Db, 'pool'>, id: string, version: number): Promise<void> {
  await db.pool.query(
    `UPDATE TestClock SET status = 'ready', advanceTarget = NULL, advanceHeartbeatAt = NULL,
            version = version + 1, updatedAt = NOW(3)
      WHERE id = ? AND version = ? AND status = 'advancing'`,
    [id, version],
  );
}

/**
 * Deliveries whose retry time on the clock has passed: due now in wall time, in their clock order
 * (each one as far before now as it was before the clock's new time). They keep their due time on
 * the clock: the attempt is stamped with it, and a failure schedules the next one from it — still
 * due at once when that too is before the clock's time (webhooks/delivery-repository.ts).
 */
export async function releaseDueClockDeliveries(conn: Runner, clockId: string, clockTime: Date): Promise<void> {
  await conn.query(
    `UPDATE WebhookDelivery
        SET nextAttemptAt = DATE_SUB(NOW(3), INTERVAL TIMESTAMPDIFF(MICROSECOND, clockNextAttemptAt, ?) MICROSECOND),
            updatedAt = NOW(3)
      WHERE testClockId = ? AND status = 'PENDING' AND nextAttemptAt IS NULL AND clockNextAttemptAt <= ?`,
    [clockTime, clockId, clockTime],
  );
}

export type DueKind = 'checkout' | 'payment' | 'payout' | 'refund';
export interface DueItem {
  kind: DueKind;
  id: string;
  dueAt: Date;
}

/** The earliest step due on the clock up to `target`, across its payouts, payments, refunds and checkouts. */
export async function findNextDueItem(db: Pick<Db, 'pool'>, clockId: string, target: Date): Promise<DueItem | null> {
  const rows = (await db.pool.query(
    `(SELECT 'payout' AS kind, id, nextTransitionAt AS dueAt FROM Payout
       WHERE testClockId = ? AND nextTransitionAt <= ? ORDER BY nextTransitionAt LIMIT 1)
     UNION ALL
     (SELECT 'payment' AS kind, id, nextTransitionAt AS dueAt FROM PaymentTransaction
       WHERE testClockId = ? AND nextTransitionAt <= ? ORDER BY nextTransitionAt LIMIT 1)
     UNION ALL
     (SELECT 'refund' AS kind, id, nextTransitionAt AS dueAt FROM Refund
       WHERE testClockId = ? AND nextTransitionAt <= ? ORDER BY nextTransitionAt LIMIT 1)
     UNION ALL
     (SELECT 'checkout' AS kind, id, expiresAt AS dueAt FROM Checkout
       WHERE testClockId = ? AND expiresAt <= ? AND ${CHECKOUT_EXPIRY_CONDITION} ORDER BY expiresAt LIMIT 1)
     ORDER BY dueAt, kind LIMIT 1`,
    [clockId, target, clockId, target, clockId, target, clockId, target],
  )) as { kind: DueKind; id: string; dueAt: Date }[];
  const row = rows[0];
  return row ? { kind: row.kind, id: row.id, dueAt: new Date(row.dueAt) } : null;
}

/** What each kind of due item is, once locked. */
export type LockedDueItem =
  | { kind: 'payout'; row: PayoutRow }
  | { kind: 'payment'; row: Omit<TransactionRow, 'orderId'> }
  | { kind: 'refund'; row: RefundRow }
  | { kind: 'checkout'; row: CheckoutRow };

/**
 * Locks a due item's row, read again with its due condition (so a step is applied once); null when
 * it is no longer due on this clock.
 */
export async function lockDueItem(conn: Runner, clockId: string, due: DueItem): Promise<LockedDueItem | null> {
  const select = {
    payout: `SELECT ${PAYOUT_COLUMNS} FROM Payout WHERE id = ? AND testClockId = ? AND nextTransitionAt <= ? FOR UPDATE`,
    payment: `SELECT ${TRANSACTION_COLUMNS} FROM PaymentTransaction
        WHERE id = ? AND testClockId = ? AND nextTransitionAt <= ? FOR UPDATE`,
    refund: `SELECT ${REFUND_COLUMNS} FROM Refund WHERE id = ? AND testClockId = ? AND nextTransitionAt <= ? FOR UPDATE`,
    checkout: `SELECT ${CHECKOUT_COLUMNS} FROM Checkout
        WHERE id = ? AND testClockId = ? AND status = 'OPEN' AND expiresAt <= ? FOR UPDATE`,
  }[due.kind];
  const rows = (await conn.query(select, [due.id, clockId, due.dueAt])) as unknown[];
  return rows[0] ? ({ kind: due.kind, row: rows[0] } as LockedDueItem) : null;
}
