import { describe, expect, it } from 'vitest';
import { EVENT_PLANS, planFor } from '../src/trigger-plans.ts';

describe('trigger plans', () => {
  it('when the target is an event type, then the plan uses the scenario that produces it', () => {
    expect(planFor('payout.completed')).toMatchObject({ kind: 'payout', scenario: 'SUCCESS', waitFor: [] });
    expect(planFor('payout.failed')).toMatchObject({ kind: 'payout', scenario: 'ACCOUNT_BLOCKED' });
    expect(planFor('payout.reversed')).toMatchObject({ kind: 'payout', scenario: 'REVERSED', waitFor: ['REVERSED'] });
    expect(planFor('payment.refunded')).toMatchObject({ kind: 'payment', scenario: 'REVERSED', waitFor: ['REFUNDED'] });
    expect(planFor('checkout.expired')).toMatchObject({ kind: 'checkout-expiry' });
    expect(planFor('checkout.cancelled')).toMatchObject({ kind: 'checkout-cancel', events: ['checkout.cancelled'] });
    expect(planFor('refund.succeeded')).toMatchObject({ kind: 'refund', scenario: 'SUCCESS', waitFor: [] });
    expect(planFor('refund.failed')).toMatchObject({ kind: 'refund', scenario: 'TITLE_MISMATCH', waitFor: ['FAILED'] });
    for (const [type, plan] of Object.entries(EVENT_PLANS)) expect(plan.events).toContain(type);
  });

  it('when the target is a scenario key or number, then a payout (or with payment, a payment) to it', () => {
    expect(planFor('TIMEOUT')).toMatchObject({ kind: 'payout', scenario: 'TIMEOUT', waitFor: ['FAILED'] });
    expect(planFor('timeout')).toEqual(planFor('6'));
    expect(planFor('3')).toMatchObject({ scenario: 'ACCOUNT_NOT_FOUND', expectError: 'ACCOUNT_NOT_FOUND' });
    expect(planFor('7', 'payment')).toMatchObject({ kind: 'payment', expectError: 'PROVIDER_UNAVAILABLE' });
    expect(planFor('ASYNC_SUCCESS', 'payment')).toMatchObject({ kind: 'payment', waitFor: ['SUCCEEDED'] });
  });

  it('when the target is unknown, then null', () => {
    expect(planFor('11')).toBeNull();
    expect(planFor('0')).toBeNull();
    expect(planFor('payout.unknown')).toBeNull();
  });
});
