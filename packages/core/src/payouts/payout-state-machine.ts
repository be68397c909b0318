import type { ScenarioKey } from '../reference/seed-data.ts';

/** Pure rules of the payout lifecycle: which transitions exist, what each scenario does, what money moves. */

import type { PayoutStatus } from '@mypay/contracts';

export { PAYOUT_STATUSES, type PayoutStatus } from '@mypay/contracts';

/**
 * PENDING → PROCESSING → COMPLETED | FAILED, COMPLETED → REVERSED — exactly the documented
 * lifecycle: a payout the provider rejects at once (scenarios 4 and 5) still goes through
 * PROCESSING, so integrators see one shape of history.
 */
export const LEGAL_TRANSITIONS: Record<PayoutStatus, readonly PayoutStatus[]> = {
  PENDING: ['PROCESSING'],
  PROCESSING: ['COMPLETED', 'FAILED'],
  COMPLETED: ['REVERSED'],
  FAILED: [],
  REVERSED: [],
};

export const isLegalTransition = (from: PayoutStatus, to: PayoutStatus) => LEGAL_TRANSITIONS[from].includes(to);

export interface Failure {
  code: string;
  message: string;
}

const FAILURES = {
  ACCOUNT_BLOCKED: { code: 'ACCOUNT_BLOCKED', message: 'the destination account is blocked' },
  RECEIVER_LIMIT_EXCEEDED: {
    code: 'RECEIVER_LIMIT_EXCEEDED',
    message: "the amount exceeds the receiver's limit",
  },
  PROVIDER_TIMEOUT: { code: 'PROVIDER_TIMEOUT', message: 'the provider did not answer in time' },
  PROVIDER_ERROR: { code: 'PROVIDER_ERROR', message: 'the provider rejected the payout' },
  REVERSED_BY_PROVIDER: { code: 'REVERSED_BY_PROVIDER', message: 'the provider reversed the payout' },
} as const satisfies Record<string, Failure>;

export interface CreatePlan {
  /** Statuses the payout goes through while it is created, starting with PENDING; the last is its status. */
  path: PayoutStatus[];
  failure: Failure | null;
}

/** What happens synchronously at creation (ACCOUNT_NOT_FOUND and PROVIDER_UNAVAILABLE never get here). */
export function planAtCreate(scenario: ScenarioKey): CreatePlan {
  switch (scenario) {
    case 'ACCOUNT_BLOCKED':
      return { path: ['PENDING', 'PROCESSING', 'FAILED'], failure: FAILURES.ACCOUNT_BLOCKED };
    case 'LIMIT_EXCEEDED':
      return { path: ['PENDING', 'PROCESSING', 'FAILED'], failure: FAILURES.RECEIVER_LIMIT_EXCEEDED };
    case 'ASYNC_SUCCESS':
    case 'ASYNC_FAILURE':
      return { path: ['PENDING'], failure: null };
    case 'TIMEOUT':
      return { path: ['PENDING', 'PROCESSING'], failure: null };
    default:
      // SUCCESS, TITLE_MISMATCH, REVERSED: completed at once.
      return { path: ['PENDING', 'PROCESSING', 'COMPLETED'], failure: null };
  }
}

export interface ScheduledStep {
  to: PayoutStatus;
  failure: Failure | null;
  /** Delay after entering the current status, as a fraction of the scenario's delay. */
  delayFraction: number;
}

/** The transition the scenario engine makes from `status`, if any (also after a simulated transition). */
export function scheduledStep(scenario: ScenarioKey, status: PayoutStatus): ScheduledStep | null {
  switch (`${scenario}:${status}`) {
    case 'ASYNC_SUCCESS:PENDING':
    case 'ASYNC_FAILURE:PENDING':
      return { to: 'PROCESSING', failure: null, delayFraction: 0.5 };
    case 'ASYNC_SUCCESS:PROCESSING':
      return { to: 'COMPLETED', failure: null, delayFraction: 0.5 };
    case 'ASYNC_FAILURE:PROCESSING':
      return { to: 'FAILED', failure: FAILURES.PROVIDER_ERROR, delayFraction: 0.5 };
    case 'TIMEOUT:PROCESSING':
      return { to: 'FAILED', failure: FAILURES.PROVIDER_TIMEOUT, delayFraction: 1 };
    case 'REVERSED:COMPLETED':
      return { to: 'REVERSED', failure: FAILURES.REVERSED_BY_PROVIDER, delayFraction: 1 };
    default:
      return null;
  }
}

/** When the engine should next look at a payout that has just entered `status`; null when nothing is due. */
export function nextTransitionAt(scenario: ScenarioKey, status: PayoutStatus, scenarioDelayMs: number, now: Date) {
  const step = scheduledStep(scenario, status);
  return step ? new Date(now.getTime() + Math.round(scenarioDelayMs * step.delayFraction)) : null;
}

export interface BalanceEffect {
  type: 'PAYOUT_DEBIT' | 'PAYOUT_REFUND';
  /** Change of available (ledger amount). */
  amount: number;
  /** Change of pending (payouts in flight). */
  pendingDelta: number;
}

/**
 * Money for each step: creation takes the amount from available into pending; COMPLETED
 * releases pending; FAILED gives it back from pending; REVERSED gives it back after completion.
 */
export function balanceEffect(from: PayoutStatus | null, to: PayoutStatus, amount: number): BalanceEffect | null {
  if (from === null) return { type: 'PAYOUT_DEBIT', amount: -amount, pendingDelta: amount };
  if (to === 'COMPLETED') return { type: 'PAYOUT_DEBIT', amount: 0, pendingDelta: -amount };
  if (to === 'FAILED') return { type: 'PAYOUT_REFUND', amount, pendingDelta: -amount };
  if (to === 'REVERSED') return { type: 'PAYOUT_REFUND', amount, pendingDelta: 0 };
  return null;
}

export const eventTypeFor = (status: PayoutStatus) =>
  `payout.${status === 'PENDING' ? 'created' : status.toLowerCase()}` as
    | 'payout.created'
    | 'payout.processing'
    | 'payout.completed'
    | 'payout.failed'
    | 'payout.reversed';
