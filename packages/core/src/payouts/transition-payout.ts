import type { PoolConnection } from '@mypay/db';
import { AppError } from '../errors.ts';
import { changeBalance } from '../ledger/change-balance.ts';
import { hasPayoutRefund } from '../ledger/ledger-repository.ts';
import { enqueueEvent } from '../webhooks/enqueue-event.ts';
import { insertPayoutStatusEvents, setPayoutStatus } from './payout-repository.ts';
import { type PayoutResource, type PayoutRow, toPayoutResource } from './payout-resource.ts';
import {
  balanceEffect,
  eventTypeFor,
  type Failure,
  isLegalTransition,
  LEGAL_TRANSITIONS,
  type PayoutStatus,
} from './payout-state-machine.ts';

/**
 * One status change on the caller's transaction, with the payout row already locked
 * (SELECT … FOR UPDATE): status (compare-and-set on the old status), history event, money,
 * outbox event. FAILED and REVERSED credit the amount back exactly once: the state machine
 * allows at most one of them per payout, and a refund already in the ledger is never repeated.
 */
export async function transitionPayout(
  conn: PoolConnection,
  payout: PayoutRow,
  to: PayoutStatus,
  options: { failure: Failure | null; nextTransitionAt: Date | null; now?: Date },
): Promise<PayoutResource> {
  const now = options.now ?? new Date();
  if (!isLegalTransition(payout.status, to)) {
    const allowed = LEGAL_TRANSITIONS[payout.status];
    throw new AppError(
      'INVALID_STATE',
      `a ${payout.status} payout cannot become ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'}`,
    );
  }
  const failure = to === 'FAILED' || to === 'REVERSED' ? options.failure : null;
  const moved = await setPayoutStatus(conn, payout.id, payout.status, {
    status: to,
    failureCode: failure?.code ?? null,
    failureMessage: failure?.message ?? null,
    nextTransitionAt: options.nextTransitionAt,
    at: now,
  });
  if (!moved) throw new AppError('INVALID_STATE', 'the payout changed meanwhile; fetch it again');
  await insertPayoutStatusEvents(conn, payout.id, [{ status: to, reason: failure?.code ?? null, at: now }]);

  const effect = balanceEffect(payout.status, to, payout.amount);
  if (effect) {
    const alreadyRefunded = effect.type === 'PAYOUT_REFUND' && (await hasPayoutRefund(conn, payout.id));
    if (!alreadyRefunded) {
      await changeBalance(conn, {
        merchantId: payout.merchantId,
        type: effect.type,
        amount: effect.amount,
        pendingDelta: effect.pendingDelta,
        payoutId: payout.id,
        description: effect.type === 'PAYOUT_REFUND' ? `Refund of payout ${payout.reference}` : null,
      });
    }
  }

  const resource = toPayoutResource({
    ...payout,
    status: to,
    failureCode: failure?.code ?? payout.failureCode,
    failureMessage: failure?.message ?? payout.failureMessage,
    nextTransitionAt: options.nextTransitionAt,
    updatedAt: now,
  });
  await enqueueEvent(conn, payout.merchantId, eventTypeFor(to), resource, now);
  return resource;
}
