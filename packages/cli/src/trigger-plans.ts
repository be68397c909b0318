/**
 * What `mypay trigger <target>` creates for each event type or scenario. Pure: the command looks
 * the scenario's numbers up on the API (`GET /scenarios`) and runs the plan.
 */

import { SCENARIO_KEYS, type ScenarioKey } from '@mypay/contracts';

/** The scenario keys come from the contract (the same list the API seeds and serves). */
export { SCENARIO_KEYS, type ScenarioKey };

export type TriggerPlan =
  | {
      kind: 'payout' | 'payment';
      scenario: ScenarioKey;
      /** Statuses that mean "done" for --wait; empty: the create call's answer is the outcome. */
      waitFor: string[];
      /** An error answer that is this scenario's outcome, not a failure of the command. */
      expectError?: string;
      events: string[];
    }
  | { kind: 'checkout-expiry'; waitFor: ['EXPIRED']; events: string[] }
  | { kind: 'checkout-cancel'; events: string[] }
  | {
      kind: 'refund';
      /** The payer's scenario: it drives the refund (SUCCESS refunds at once, TITLE_MISMATCH fails). */
      scenario: ScenarioKey;
      /** Refund statuses that mean "done" for --wait; empty: the create call's answer is the outcome. */
      waitFor: string[];
      events: string[];
    }
  | { kind: 'webhook-test'; events: string[] };

const payout = (scenario: ScenarioKey, waitFor: string[], events: string[], expectError?: string): TriggerPlan => ({
  kind: 'payout',
  scenario,
  waitFor,
  events,
  ...(expectError ? { expectError } : {}),
});
const payment = (scenario: ScenarioKey, waitFor: string[], events: string[], expectError?: string): TriggerPlan => ({
  kind: 'payment',
  scenario,
  waitFor,
  events,
  ...(expectError ? { expectError } : {}),
});

export const EVENT_PLANS: Record<string, TriggerPlan> = {
  'payout.created': payout('SUCCESS', [], ['payout.created', 'payout.completed']),
  'payout.processing': payout(
    'ASYNC_SUCCESS',
    ['PROCESSING', 'COMPLETED'],
    ['payout.created', 'payout.processing', 'payout.completed'],
  ),
  'payout.completed': payout('SUCCESS', [], ['payout.created', 'payout.completed']),
  'payout.failed': payout('ACCOUNT_BLOCKED', [], ['payout.created', 'payout.failed']),
  'payout.reversed': payout('REVERSED', ['REVERSED'], ['payout.created', 'payout.completed', 'payout.reversed']),
  'payment.succeeded': payment('SUCCESS', [], ['payment.succeeded', 'checkout.completed']),
  'checkout.completed': payment('SUCCESS', [], ['payment.succeeded', 'checkout.completed']),
  'payment.failed': payment('ACCOUNT_BLOCKED', [], ['payment.failed']),
  'payment.refunded': payment(
    'REVERSED',
    ['REFUNDED'],
    ['payment.succeeded', 'checkout.completed', 'payment.refunded'],
  ),
  'refund.created': {
    kind: 'refund',
    scenario: 'SUCCESS',
    waitFor: [],
    events: ['payment.succeeded', 'checkout.completed', 'refund.created', 'refund.succeeded', 'payment.refunded'],
  },
  'refund.succeeded': {
    kind: 'refund',
    scenario: 'SUCCESS',
    waitFor: [],
    events: ['payment.succeeded', 'checkout.completed', 'refund.created', 'refund.succeeded', 'payment.refunded'],
  },
  'refund.failed': {
    kind: 'refund',
    scenario: 'TITLE_MISMATCH',
    waitFor: ['FAILED'],
    events: ['payment.succeeded', 'checkout.completed', 'refund.created', 'refund.failed'],
  },
  'checkout.expired': { kind: 'checkout-expiry', waitFor: ['EXPIRED'], events: ['checkout.expired'] },
  'checkout.cancelled': { kind: 'checkout-cancel', events: ['checkout.cancelled'] },
  'webhook.test': { kind: 'webhook-test', events: ['webhook.test'] },
};

const PAYOUT_SCENARIO_WAIT: Partial<Record<ScenarioKey, string[]>> = {
  ASYNC_SUCCESS: ['COMPLETED'],
  ASYNC_FAILURE: ['FAILED'],
  TIMEOUT: ['FAILED'],
  REVERSED: ['REVERSED'],
};
const PAYMENT_SCENARIO_WAIT: Partial<Record<ScenarioKey, string[]>> = {
  ASYNC_SUCCESS: ['SUCCEEDED'],
  TIMEOUT: ['FAILED'],
  REVERSED: ['REFUNDED'],
};

/**
 * The plan for an event type (`payout.failed`), a scenario key (`TIMEOUT`, any case) or number
 * (`6`). Scenarios make a payout, or a payment with `kind: 'payment'`. Null when unknown.
 */
export function planFor(target: string, kind: 'payout' | 'payment' = 'payout'): TriggerPlan | null {
  const byEvent = EVENT_PLANS[target.toLowerCase()];
  if (byEvent) return byEvent;
  const upper = target.toUpperCase().replace(/-/g, '_');
  const scenario = /^\d+$/.test(target)
    ? SCENARIO_KEYS[Number(target) - 1]
    : SCENARIO_KEYS.find((key) => key === upper);
  if (!scenario) return null;
  if (kind === 'payout') {
    const expectError =
      scenario === 'ACCOUNT_NOT_FOUND'
        ? 'ACCOUNT_NOT_FOUND'
        : scenario === 'PROVIDER_UNAVAILABLE'
          ? 'PROVIDER_UNAVAILABLE'
          : undefined;
    return payout(scenario, PAYOUT_SCENARIO_WAIT[scenario] ?? [], [], expectError);
  }
  return payment(
    scenario,
    PAYMENT_SCENARIO_WAIT[scenario] ?? [],
    [],
    scenario === 'PROVIDER_UNAVAILABLE' ? 'PROVIDER_UNAVAILABLE' : undefined,
  );
}

export const TRIGGER_TARGETS = [...Object.keys(EVENT_PLANS), ...SCENARIO_KEYS, '1–10'];
