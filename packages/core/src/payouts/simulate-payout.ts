import { withSqlTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import type { ScenarioKey } from '../reference/seed-data.ts';
import { clockTimeOf } from '../test-clocks/test-clock-resource.ts';
import type { PayoutDeps } from './create-payout.ts';
import { readPayoutOrThrow } from './get-payout.ts';
import { lockPayoutForTransition } from './payout-repository.ts';
import { nextTransitionAt, type PayoutStatus } from './payout-state-machine.ts';
import { transitionPayout } from './transition-payout.ts';

const DEFAULT_REASON: Partial<Record<PayoutStatus, string>> = {
  FAILED: 'SIMULATED_FAILURE',
  REVERSED: 'SIMULATED_REVERSAL',
};

/**
 * Sandbox: forces a legal next transition now (422 INVALID_STATE otherwise). The scenario then
 * carries on from the new status as it would have (e.g. a forced PROCESSING of an
 * ASYNC_SUCCESS payout still completes after its delay). Audited in the same transaction:
 * a forced transition is a deliberate act by a person or a key. The answer is read in that
 * transaction too (the payout as this transition left it, not as a worker moved it a moment later).
 */
export async function simulatePayoutTransition(
  deps: PayoutDeps,
  input: { merchantId: string; payoutId: string; status: PayoutStatus; reason?: string | undefined },
  audit: AuditContext,
  options: EffectOptions = {},
) {
  return withSqlTransaction(deps.db.pool, async (conn) => {
    const payout = await lockPayoutForTransition(conn, input.merchantId, input.payoutId);
    if (!payout) throw notFound('payout');
    // A bound payout's forced step happens at its clock's time, like the rest of its history.
    const now = payout.testClockId ? ((await clockTimeOf(conn, payout.testClockId)) ?? new Date()) : new Date();
    const scenario = payout.scenario as ScenarioKey;
    const delayMs = await deps.scenarios.delayOf(scenario);
    const code = input.reason ?? DEFAULT_REASON[input.status];
    await transitionPayout(conn, payout, input.status, {
      failure: code ? { code, message: `simulated: ${code}` } : null,
      nextTransitionAt: nextTransitionAt(scenario, input.status, delayMs, now),
      now,
    });
    await recordAudit(conn, {
      ...audit,
      action: 'payout.simulated',
      targetType: 'payout',
      targetId: payout.id,
      merchantId: input.merchantId,
      before: { status: payout.status },
      after: { status: input.status, reason: code ?? null },
    });
    const result = await readPayoutOrThrow(conn, input.merchantId, input.payoutId);
    await options.idempotency?.settle(conn, 200, result);
    return result;
  });
}
