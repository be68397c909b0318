import { describe, expect, it } from 'vitest';
import { SCENARIO_KEYS } from '../reference/seed-data.ts';
import {
  balanceEffect,
  isLegalTransition,
  PAYOUT_STATUSES,
  type PayoutStatus,
  planAtCreate,
  scheduledStep,
} from './payout-state-machine.ts';

describe('payout state machine', () => {
  it('when a status is final, then nothing leaves it', () => {
    for (const to of PAYOUT_STATUSES) {
      expect(isLegalTransition('FAILED', to)).toBe(false);
      expect(isLegalTransition('REVERSED', to)).toBe(false);
    }
    expect(isLegalTransition('COMPLETED', 'FAILED')).toBe(false);
    expect(isLegalTransition('PENDING', 'COMPLETED')).toBe(false);
  });

  it('when a payout is PENDING, then its only next status is PROCESSING (no PENDING → FAILED shortcut)', () => {
    expect(PAYOUT_STATUSES.filter((to) => isLegalTransition('PENDING', to))).toEqual(['PROCESSING']);
    for (const scenario of ['ACCOUNT_BLOCKED', 'LIMIT_EXCEEDED'] as const) {
      expect(planAtCreate(scenario).path).toEqual(['PENDING', 'PROCESSING', 'FAILED']);
    }
  });

  it('when any scenario runs its course, then every step is legal and it ends final with pending back to zero', () => {
    for (const scenario of SCENARIO_KEYS.filter((k) => k !== 'ACCOUNT_NOT_FOUND' && k !== 'PROVIDER_UNAVAILABLE')) {
      const { path } = planAtCreate(scenario);
      let status: PayoutStatus = path[path.length - 1]!;
      const amount = 1_000;
      let available = -amount;
      let pending = amount;
      for (let i = 1; i < path.length; i++) {
        expect(isLegalTransition(path[i - 1]!, path[i]!)).toBe(true);
        const e = balanceEffect(path[i - 1]!, path[i]!, amount);
        available += e?.amount ?? 0;
        pending += e?.pendingDelta ?? 0;
      }
      for (let step = scheduledStep(scenario, status); step; step = scheduledStep(scenario, status)) {
        expect(isLegalTransition(status, step.to)).toBe(true);
        const e = balanceEffect(status, step.to, amount);
        available += e?.amount ?? 0;
        pending += e?.pendingDelta ?? 0;
        status = step.to;
      }
      expect(['COMPLETED', 'FAILED', 'REVERSED']).toContain(status);
      expect(pending).toBe(0);
      expect(available).toBe(status === 'COMPLETED' ? -amount : 0);
    }
  });
});
