import type { ScenarioKey } from '../reference/seed-data.ts';

/** Pure rules of a refund: what the payment's scenario (the payer's number) makes of it. */

export interface RefundFailure {
  code: string;
  message: string;
}

export const REFUND_FAILURES = {
  TIMEOUT: {
    code: 'TIMEOUT',
    message: 'the wallet did not confirm the refund in time; the amount is back in your balance',
  },
  ACCOUNT_TITLE_MISMATCH: {
    code: 'ACCOUNT_TITLE_MISMATCH',
    message: "the wallet's account title does not match the payer; the amount is back in your balance",
  },
} as const satisfies Record<string, RefundFailure>;

export interface RefundPlan {
  /** False: the refund succeeds in the request that creates it. True: the worker decides after the scenario's delay. */
  async: boolean;
  outcome: 'SUCCEEDED' | 'FAILED';
  failure: RefundFailure | null;
}

/**
 * Every refund starts PENDING (its amount already debited) and ends SUCCEEDED or FAILED (the
 * amount given back). Scenario 2 (ASYNC_SUCCESS) succeeds after its delay; 6 (TIMEOUT, a payment
 * forced to SUCCEEDED with the simulate endpoint) fails after its delay; 9 (TITLE_MISMATCH) fails
 * at the worker's next look. Every other payer number succeeds at once.
 */
export function planRefund(scenario: ScenarioKey | string): RefundPlan {
  switch (scenario) {
    case 'ASYNC_SUCCESS':
      return { async: true, outcome: 'SUCCEEDED', failure: null };
    case 'TIMEOUT':
      return { async: true, outcome: 'FAILED', failure: REFUND_FAILURES.TIMEOUT };
    case 'TITLE_MISMATCH':
      return { async: true, outcome: 'FAILED', failure: REFUND_FAILURES.ACCOUNT_TITLE_MISMATCH };
    default:
      return { async: false, outcome: 'SUCCEEDED', failure: null };
  }
}

/** What remains refundable of a payment: its amount less refunds that succeeded or are still pending. */
export function refundableAmount(payment: { amount: number; amountRefunded: number }, pendingRefunds: number): number {
  return Math.max(0, Number(payment.amount) - Number(payment.amountRefunded) - pendingRefunds);
}

/** The payment's status once `refunded` (succeeded refunds) is known. */
export function refundedPaymentStatus(amount: number, refunded: number): 'PARTIALLY_REFUNDED' | 'REFUNDED' {
  return refunded >= amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
}
