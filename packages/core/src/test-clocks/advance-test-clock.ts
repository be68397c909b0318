import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { expireCheckout } from '../checkouts/checkout-expiry-worker.ts';
import { AppError } from '../errors.ts';
import { advanceDuePayment } from '../payments/payment-worker.ts';
import { advanceDuePayout } from '../payouts/payout-worker.ts';
import { advanceDueRefund } from '../refunds/refund-worker.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { notifyWebhookWorkers } from '../webhooks/worker-signal.ts';
import { advancingError, getTestClockRow } from './manage-test-clocks.ts';
import {
  claimClockForAdvance,
  type DueItem,
  findNextDueItem,
  finishClaimedAdvance,
  lockDueItem,
  moveClaimedClock,
  releaseClaimedClock,
  releaseDueClockDeliveries,
} from './test-clock-repository.ts';
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
      const due = await findNextDueItem(deps.db, input.id, target);
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
      if (!(await finishClaimedAdvance(conn, input.id, version, target))) throw takenOver();
      // Deliveries whose retry time on the clock has passed are due now, in their clock order.
      await releaseDueClockDeliveries(conn, input.id, target);
    });
  } catch (error) {
    // Give the clock back where the applied steps left it, so the next advance carries on.
    await releaseClaimedClock(deps.db, input.id, version).catch(() => {});
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
    if (await claimClockForAdvance(deps.db, input.id, clock.version, target, STALE_ADVANCE_MS)) {
      return { version: clock.version + 1, from, target };
    }
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

/** One due step, on the caller's transaction: the same use-cases the workers run, at clock time. */
async function applyDueItem(conn: PoolConnection, deps: AdvanceTestClockDeps, clockId: string, due: DueItem, at: Date) {
  const locked = await lockDueItem(conn, clockId, due);
  if (!locked) return;
  if (locked.kind === 'payout') await advanceDuePayout(conn, locked.row, deps.scenarios, at);
  else if (locked.kind === 'payment') {
    await advanceDuePayment(conn, locked.row, { scenarios: deps.scenarios, publicUrl: deps.checkoutPublicUrl }, at);
  } else if (locked.kind === 'refund') await advanceDueRefund(conn, locked.row, at);
  else await expireCheckout(conn, locked.row, deps.checkoutPublicUrl, at);
}

/** The clock follows each step, and the claim is still ours. */
async function keepClaim(conn: PoolConnection, clockId: string, version: number, at: Date) {
  if (!(await moveClaimedClock(conn, clockId, version, at))) throw takenOver();
}

const takenOver = () =>
  new AppError('CONFLICT', 'this advance stalled and another one took the test clock over; fetch the clock again');
