import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { CHECKOUT_EXPIRY_CONDITION, expireCheckout } from '../checkouts/checkout-expiry-worker.ts';
import { CHECKOUT_COLUMNS, type CheckoutRow } from '../checkouts/checkout-resource.ts';
import { AppError } from '../errors.ts';
import type { TransactionRow } from '../payments/payment-resource.ts';
import { advanceDuePayment, TRANSACTION_COLUMNS } from '../payments/payment-worker.ts';
import { PAYOUT_COLUMNS, type PayoutRow } from '../payouts/payout-resource.ts';
import { advanceDuePayout } from '../payouts/payout-worker.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { notifyWebhookWorkers } from '../webhooks/worker-signal.ts';
import { advancingError, getTestClockRow } from './manage-test-clocks.ts';
import { type TestClockResource, toTestClockResource } from './test-clock-resource.ts';

export interface AdvanceTestClockDeps {
  db: Pick<Db, 'pool'>;
  scenarios: ScenarioCatalog;
  /** PUBLIC_SANDBOX_URL: the base of `checkoutUrl` in the checkouts that events carry. */
  checkoutPublicUrl: string;
  /** The largest step of one advance (TEST_CLOCK_MAX_ADVANCE). */
  maxAdvanceMs: number;
}

export interface AdvanceTestClockInput {
  merchantId: string;
  id: string;
  /** Exactly one of these two: how far, or where to. */
  seconds?: number | undefined;
  frozenTime?: Date | undefined;
}

/**
 * An advance that made no progress for this long is taken to be dead (its process crashed) and
 * the next advance takes the clock over; each applied step counts as progress.
 */
export const STALE_ADVANCE_MS = 60_000;

type DueKind = 'checkout' | 'payment' | 'payout';
interface DueItem {
  kind: DueKind;
  id: string;
  dueAt: Date;
}

/**
 * Moves a test clock forward and applies, in time order, every transition of its objects that
 * falls due up to the new time — each in its own transaction with its events, stamped with its
 * due time on the clock (never earlier than the step before it), exactly as the workers would have
 * at that moment. Answers once all of them are done, with the clock `ready` at its new time; then
 * the deliveries whose retry time on the clock has passed are handed to the webhook workers.
 *
 * One advance at a time per clock, across replicas: the claim is a conditional UPDATE on the
 * clock's status and version (409 TEST_CLOCK_ADVANCING for a second one), and every step
 * re-checks it in its own transaction — a step of an advance that lost its claim rolls back.
 * Rows are read again under their row lock with their due condition, so a step is applied once.
 */
export async function advanceTestClock(
  deps: AdvanceTestClockDeps,
  input: AdvanceTestClockInput,
): Promise<TestClockResource> {
  const { pool } = deps.db;
  const claim = await claimClock(deps, input);
  const { version, target } = claim;
  let progress = claim.from;
  let previous = '';
  try {
    for (;;) {
      const due = await nextDueItem(pool, input.id, target);
      if (!due) break;
      const key = `${due.kind}:${due.id}:${due.dueAt.getTime()}`;
      // A step must move its row on; one that did not would be found again forever.
      if (key === previous) throw new Error(`test clock ${input.id}: ${key} was still due after its step`);
      previous = key;
      const at = due.dueAt.getTime() > progress.getTime() ? due.dueAt : progress;
      await withSqlTransaction(
        pool,
        async (conn) => {
          await applyDueItem(conn, deps, input.id, due, at);
          await keepClaim(conn, input.id, version, at);
        },
        // The expiry re-checks pending attempts under the checkout lock: it must read what is committed.
        due.kind === 'checkout' ? { isolation: 'READ COMMITTED' } : {},
      );
      progress = at;
    }
    await withSqlTransaction(pool, async (conn) => {
      const done = await conn.query(
        `UPDATE TestClock SET frozenTime = ?, status = 'ready', advanceTarget = NULL, advanceHeartbeatAt = NULL,
                version = version + 1, updatedAt = NOW(3)
          WHERE id = ? AND version = ? AND status = 'advancing'`,
        [target, input.id, version],
      );
      if (done.affectedRows !== 1) throw takenOver();
      // Deliveries whose retry time on the clock has passed: due now in wall time, in their clock
      // order (each one as far before now as it was before the clock's new time).
      await conn.query(
        `UPDATE WebhookDelivery
            SET nextAttemptAt = DATE_SUB(NOW(3), INTERVAL TIMESTAMPDIFF(MICROSECOND, clockNextAttemptAt, ?) MICROSECOND),
                clockNextAttemptAt = NULL, updatedAt = NOW(3)
          WHERE testClockId = ? AND status = 'PENDING' AND clockNextAttemptAt <= ?`,
        [target, input.id, target],
      );
    });
  } catch (error) {
    // Give the clock back where the applied steps left it, so the next advance carries on.
    await pool
      .query(
        `UPDATE TestClock SET status = 'ready', advanceTarget = NULL, advanceHeartbeatAt = NULL,
                version = version + 1, updatedAt = NOW(3)
          WHERE id = ? AND version = ? AND status = 'advancing'`,
        [input.id, version],
      )
      .catch(() => {});
    throw error;
  }
  notifyWebhookWorkers();
  return toTestClockResource(await getTestClockRow(deps.db, input.merchantId, input.id));
}

async function claimClock(
  deps: AdvanceTestClockDeps,
  input: AdvanceTestClockInput,
): Promise<{ version: number; from: Date; target: Date }> {
  // A lost race against another advance that has already finished: read again and retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const clock = await getTestClockRow(deps.db, input.merchantId, input.id);
    const from = new Date(clock.frozenTime);
    const target = targetOf(from, input, deps.maxAdvanceMs);
    const claimed = await deps.db.pool.query(
      `UPDATE TestClock SET status = 'advancing', advanceTarget = ?, advanceHeartbeatAt = NOW(3),
              version = version + 1, updatedAt = NOW(3)
        WHERE id = ? AND version = ?
          AND (status = 'ready' OR advanceHeartbeatAt < DATE_SUB(NOW(3), INTERVAL ? MICROSECOND))`,
      [target, input.id, clock.version, STALE_ADVANCE_MS * 1000],
    );
    if (claimed.affectedRows === 1) return { version: clock.version + 1, from, target };
    const now = await getTestClockRow(deps.db, input.merchantId, input.id);
    if (now.status === 'advancing') throw advancingError();
  }
  throw advancingError();
}

function targetOf(from: Date, input: AdvanceTestClockInput, maxAdvanceMs: number): Date {
  const field = input.seconds !== undefined ? 'seconds' : 'frozenTime';
  const target =
    input.seconds !== undefined ? new Date(from.getTime() + input.seconds * 1000) : (input.frozenTime ?? from);
  if (!Number.isFinite(target.getTime()) || target.getTime() <= from.getTime()) {
    throw new AppError('VALIDATION_ERROR', 'a test clock only moves forward', [
      {
        field,
        message: `the new time must be later than the clock's time ${from.toISOString()}`,
      },
    ]);
  }
  if (target.getTime() - from.getTime() > maxAdvanceMs) {
    throw new AppError('VALIDATION_ERROR', 'the step is too large', [
      {
        field,
        message: `one advance moves the clock at most ${Math.floor(maxAdvanceMs / 1000)} s (to ${new Date(from.getTime() + maxAdvanceMs).toISOString()}); advance in several steps`,
      },
    ]);
  }
  return target;
}

/** The earliest step due on the clock up to `target`, across its payouts, payments and checkouts. */
async function nextDueItem(pool: Db['pool'], clockId: string, target: Date): Promise<DueItem | null> {
  const rows = (await pool.query(
    `(SELECT 'payout' AS kind, id, nextTransitionAt AS dueAt FROM Payout
       WHERE testClockId = ? AND nextTransitionAt <= ? ORDER BY nextTransitionAt LIMIT 1)
     UNION ALL
     (SELECT 'payment' AS kind, id, nextTransitionAt AS dueAt FROM PaymentTransaction
       WHERE testClockId = ? AND nextTransitionAt <= ? ORDER BY nextTransitionAt LIMIT 1)
     UNION ALL
     (SELECT 'checkout' AS kind, id, expiresAt AS dueAt FROM Checkout
       WHERE testClockId = ? AND expiresAt <= ? AND ${CHECKOUT_EXPIRY_CONDITION} ORDER BY expiresAt LIMIT 1)
     ORDER BY dueAt, kind LIMIT 1`,
    [clockId, target, clockId, target, clockId, target],
  )) as { kind: DueKind; id: string; dueAt: Date }[];
  const row = rows[0];
  return row ? { kind: row.kind, id: row.id, dueAt: new Date(row.dueAt) } : null;
}

/** One due step, on the caller's transaction: the same use-cases the workers run, at clock time. */
async function applyDueItem(conn: PoolConnection, deps: AdvanceTestClockDeps, clockId: string, due: DueItem, at: Date) {
  if (due.kind === 'payout') {
    const rows = (await conn.query(
      `SELECT ${PAYOUT_COLUMNS} FROM Payout WHERE id = ? AND testClockId = ? AND nextTransitionAt <= ? FOR UPDATE`,
      [due.id, clockId, due.dueAt],
    )) as PayoutRow[];
    if (rows[0]) await advanceDuePayout(conn, rows[0], deps.scenarios, at);
  } else if (due.kind === 'payment') {
    const rows = (await conn.query(
      `SELECT ${TRANSACTION_COLUMNS} FROM PaymentTransaction
        WHERE id = ? AND testClockId = ? AND nextTransitionAt <= ? FOR UPDATE`,
      [due.id, clockId, due.dueAt],
    )) as Omit<TransactionRow, 'orderId'>[];
    if (rows[0]) {
      await advanceDuePayment(conn, rows[0], { scenarios: deps.scenarios, publicUrl: deps.checkoutPublicUrl }, at);
    }
  } else {
    const rows = (await conn.query(
      `SELECT ${CHECKOUT_COLUMNS} FROM Checkout
        WHERE id = ? AND testClockId = ? AND status = 'OPEN' AND expiresAt <= ? FOR UPDATE`,
      [due.id, clockId, due.dueAt],
    )) as CheckoutRow[];
    if (rows[0]) await expireCheckout(conn, rows[0], deps.checkoutPublicUrl, at);
  }
}

/** The clock follows each step (so a crash leaves it where the applied steps are), and the claim is still ours. */
async function keepClaim(conn: PoolConnection, clockId: string, version: number, at: Date) {
  const kept = await conn.query(
    `UPDATE TestClock SET frozenTime = GREATEST(frozenTime, ?), advanceHeartbeatAt = NOW(3), updatedAt = NOW(3)
      WHERE id = ? AND version = ? AND status = 'advancing'`,
    [at, clockId, version],
  );
  if (kept.affectedRows !== 1) throw takenOver();
}

const takenOver = () =>
  new AppError('CONFLICT', 'this advance stalled and another one took the test clock over; fetch the clock again');
