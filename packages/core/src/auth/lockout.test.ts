import { describe, expect, it } from 'vitest';
import { LOCKOUT_DURATION_MS, lockedUntil } from './lockout.ts';

const t0 = new Date('2026-01-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const fail = (minutes: number) => ({ success: false, at: at(minutes) });

describe('lockedUntil', () => {
  it('when 4 failures happened within 15 minutes, then the account is not locked', () => {
    expect(lockedUntil([fail(0), fail(1), fail(2), fail(3)], at(4))).toBeNull();
  });

  it('when 5 failures happened within 15 minutes, then it is locked for 15 minutes from the 5th', () => {
    const attempts = [fail(0), fail(1), fail(2), fail(3), fail(10)];
    expect(lockedUntil(attempts, at(11))?.getTime()).toBe(at(10).getTime() + LOCKOUT_DURATION_MS);
    expect(lockedUntil(attempts, at(25.01))).toBeNull();
  });

  it('when 5 failures are spread over more than 15 minutes, then the account is not locked', () => {
    expect(lockedUntil([fail(0), fail(4), fail(8), fail(12), fail(16)], at(17))).toBeNull();
  });

  it('when a success came after the failures, then the count starts again', () => {
    const attempts = [fail(0), fail(1), fail(2), fail(3), { success: true, at: at(4) }, fail(5)];
    expect(lockedUntil(attempts, at(6))).toBeNull();
  });
});
