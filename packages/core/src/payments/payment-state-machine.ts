import type { ScenarioKey } from '../reference/seed-data.ts';

/** Pure rules of a payment attempt: what each scenario does at completion and later, and what money moves. */

import type { TransactionStatus } from '@mypay/contracts';

export { TRANSACTION_STATUSES, type TransactionStatus } from '@mypay/contracts';

/**
 * PENDING → SUCCEEDED | FAILED; then refunds: SUCCEEDED → PARTIALLY_REFUNDED | REFUNDED,
 * PARTIALLY_REFUNDED → REFUNDED (each step is a refund that succeeded).
 */
export const PAYMENT_TRANSITIONS: Record<TransactionStatus, readonly TransactionStatus[]> = {
  PENDING: ['SUCCEEDED', 'FAILED'],
  SUCCEEDED: ['PARTIALLY_REFUNDED', 'REFUNDED'],
  PARTIALLY_REFUNDED: ['REFUNDED'],
  FAILED: [],
  REFUNDED: [],
};

export const isLegalPaymentTransition = (from: TransactionStatus, to: TransactionStatus) =>
  PAYMENT_TRANSITIONS[from].includes(to);

export interface PaymentFailure {
  code: string;
  message: string;
}

export const PAYMENT_FAILURES = {
  ACCOUNT_NOT_FOUND: { code: 'ACCOUNT_NOT_FOUND', message: 'no wallet account exists for this mobile number' },
  ACCOUNT_BLOCKED: { code: 'ACCOUNT_BLOCKED', message: 'the wallet account is blocked' },
  INSUFFICIENT_FUNDS: { code: 'INSUFFICIENT_FUNDS', message: 'the wallet does not have enough funds' },
  TIMEOUT: { code: 'TIMEOUT', message: 'the wallet did not confirm the payment in time' },
  INVALID_OTP: { code: 'INVALID_OTP', message: 'the one-time password is not correct' },
} as const satisfies Record<string, PaymentFailure>;

/** A confirmation that came for a checkout no longer OPEN (see advanceDuePayment). */
export const checkoutClosed = (status: string): PaymentFailure => ({
  code: 'CHECKOUT_CLOSED',
  message: `the checkout was ${status} before the wallet confirmed the payment`,
});

export interface PaymentPlan {
  /** The transaction's status when payment/complete returns. */
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  failure: PaymentFailure | null;
}

/**
 * The outcome at completion. PROVIDER_UNAVAILABLE never gets here (503, nothing created).
 * ASYNC_FAILURE's payment outcome is a wrong OTP, which a wallet reports at once.
 */
export function planPayment(scenario: ScenarioKey): PaymentPlan {
  switch (scenario) {
    case 'ACCOUNT_NOT_FOUND':
      return { status: 'FAILED', failure: PAYMENT_FAILURES.ACCOUNT_NOT_FOUND };
    case 'ACCOUNT_BLOCKED':
      return { status: 'FAILED', failure: PAYMENT_FAILURES.ACCOUNT_BLOCKED };
    case 'LIMIT_EXCEEDED':
      return { status: 'FAILED', failure: PAYMENT_FAILURES.INSUFFICIENT_FUNDS };
    case 'ASYNC_FAILURE':
      return { status: 'FAILED', failure: PAYMENT_FAILURES.INVALID_OTP };
    case 'ASYNC_SUCCESS':
    case 'TIMEOUT':
      return { status: 'PENDING', failure: null };
    default:
      // SUCCESS, TITLE_MISMATCH, REVERSED (refunded later).
      return { status: 'SUCCEEDED', failure: null };
  }
}

export interface PaymentStep {
  to: TransactionStatus;
  failure: PaymentFailure | null;
}

/** The step the scenario engine takes from `status` after the scenario's delay, if any. */
export function scheduledPaymentStep(scenario: ScenarioKey, status: TransactionStatus): PaymentStep | null {
  switch (`${scenario}:${status}`) {
    case 'ASYNC_SUCCESS:PENDING':
      return { to: 'SUCCEEDED', failure: null };
    case 'TIMEOUT:PENDING':
      return { to: 'FAILED', failure: PAYMENT_FAILURES.TIMEOUT };
    case 'REVERSED:SUCCEEDED':
    case 'REVERSED:PARTIALLY_REFUNDED':
      // The scenario's automatic refund of whatever remains (a refund object like any other).
      return { to: 'REFUNDED', failure: null };
    default:
      return null;
  }
}

/** When the engine should next look at a transaction that has just entered `status`; null when nothing is due. */
export function paymentNextTransitionAt(
  scenario: ScenarioKey,
  status: TransactionStatus,
  scenarioDelayMs: number,
  now: Date,
): Date | null {
  return scheduledPaymentStep(scenario, status) ? new Date(now.getTime() + scenarioDelayMs) : null;
}

/** Money for entering `status`: success credits the amount, a refund takes it back; nothing else moves money. */
export function paymentBalanceEffect(
  status: TransactionStatus,
  amount: number,
): { type: 'PAYMENT_CREDIT' | 'PAYMENT_REFUND'; amount: number } | null {
  if (status === 'SUCCEEDED') return { type: 'PAYMENT_CREDIT', amount };
  if (status === 'REFUNDED') return { type: 'PAYMENT_REFUND', amount: -amount };
  return null;
}

/** The event for entering `status`; none for PENDING, nor for a partial refund (its `refund.succeeded` says it). */
export const paymentEventTypeFor = (status: TransactionStatus) =>
  status === 'PENDING' || status === 'PARTIALLY_REFUNDED'
    ? null
    : (`payment.${status.toLowerCase()}` as 'payment.succeeded' | 'payment.failed' | 'payment.refunded');
