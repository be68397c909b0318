import { describe, expect, it } from 'vitest';
import { SCENARIO_KEYS } from '../reference/seed-data.ts';
import {
  isLegalPaymentTransition,
  paymentBalanceEffect,
  paymentEventTypeFor,
  paymentNextTransitionAt,
  planPayment,
  scheduledPaymentStep,
} from './payment-state-machine.ts';

describe('payment state machine', () => {
  it.each([
    ['SUCCESS', 'SUCCEEDED', null],
    ['ASYNC_SUCCESS', 'PENDING', null],
    ['ACCOUNT_NOT_FOUND', 'FAILED', 'ACCOUNT_NOT_FOUND'],
    ['ACCOUNT_BLOCKED', 'FAILED', 'ACCOUNT_BLOCKED'],
    ['LIMIT_EXCEEDED', 'FAILED', 'INSUFFICIENT_FUNDS'],
    ['TIMEOUT', 'PENDING', null],
    ['REVERSED', 'SUCCEEDED', null],
    ['TITLE_MISMATCH', 'SUCCEEDED', null],
    ['ASYNC_FAILURE', 'FAILED', 'INVALID_OTP'],
  ] as const)('when the scenario is %s, then the attempt is %s (%s) at completion', (scenario, status, code) => {
    const plan = planPayment(scenario);
    expect(plan.status).toBe(status);
    expect(plan.failure?.code ?? null).toBe(code);
  });

  it('when a scheduled step exists, then it is a legal transition and has a due time; otherwise nothing is due', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    for (const scenario of SCENARIO_KEYS) {
      for (const status of ['PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED'] as const) {
        const step = scheduledPaymentStep(scenario, status);
        const due = paymentNextTransitionAt(scenario, status, 5_000, now);
        if (step) {
          expect(isLegalPaymentTransition(status, step.to)).toBe(true);
          expect(due?.getTime()).toBe(now.getTime() + 5_000);
        } else {
          expect(due).toBeNull();
        }
      }
    }
    expect(scheduledPaymentStep('ASYNC_SUCCESS', 'PENDING')?.to).toBe('SUCCEEDED');
    expect(scheduledPaymentStep('TIMEOUT', 'PENDING')).toMatchObject({ to: 'FAILED', failure: { code: 'TIMEOUT' } });
    expect(scheduledPaymentStep('REVERSED', 'SUCCEEDED')?.to).toBe('REFUNDED');
  });

  it('when money moves, then success credits and a refund debits the same amount; nothing else moves money', () => {
    expect(paymentBalanceEffect('SUCCEEDED', 500)).toEqual({ type: 'PAYMENT_CREDIT', amount: 500 });
    expect(paymentBalanceEffect('REFUNDED', 500)).toEqual({ type: 'PAYMENT_REFUND', amount: -500 });
    expect(paymentBalanceEffect('FAILED', 500)).toBeNull();
    expect(paymentBalanceEffect('PENDING', 500)).toBeNull();
    expect(isLegalPaymentTransition('FAILED', 'SUCCEEDED')).toBe(false);
    expect(isLegalPaymentTransition('REFUNDED', 'SUCCEEDED')).toBe(false);
    expect(paymentEventTypeFor('PENDING')).toBeNull();
    expect(paymentEventTypeFor('REFUNDED')).toBe('payment.refunded');
  });
});
