import { createMerchant, LOCKOUT_MAX_FAILURES, loginWithPassword, randomHex } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Every bcrypt comparison the login makes is counted (the real one still runs).
const counted = vi.hoisted(() => ({ compares: 0 }));
vi.mock('../../packages/core/src/crypto.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../packages/core/src/crypto.ts')>();
  return {
    ...actual,
    verifyPassword: (password: string, hash: string) => {
      counted.compares++;
      return actual.verifyPassword(password, hash);
    },
  };
});

let db: Db;

beforeAll(() => {
  db = createDb(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test', { connectionLimit: 10 });
});
afterAll(() => db.close());
beforeEach(() => {
  counted.compares = 0;
});

const PARALLEL = 60;

async function burst(realm: 'MERCHANT' | 'ADMIN', email: string, password: string) {
  return Promise.all(
    Array.from({ length: PARALLEL }, () =>
      loginWithPassword(db, { realm, email, password, context: { ip: '198.51.100.9', userAgent: 'login-race' } }),
    ),
  );
}

describe('lockout under concurrent wrong passwords', () => {
  it(`when ${PARALLEL} wrong passwords for one merchant arrive at once, then at most ${LOCKOUT_MAX_FAILURES} are checked`, async () => {
    const email = `race-${randomHex(6)}@example.test`;
    const password = `pw-${randomHex(8)}`;
    const { id } = await createMerchant(db, { name: 'Race', email, password, openingBalance: 0 });

    const results = await burst('MERCHANT', email, 'wrong-password');

    // Exactly the 5 that the lockout allows (the count is real: not 0 from a mock that missed).
    expect(counted.compares).toBe(LOCKOUT_MAX_FAILURES);
    expect(results.every((r) => !r.ok)).toBe(true);
    const locked = results.filter((r) => !r.ok && r.reason === 'LOCKED');
    expect(locked.length).toBeGreaterThanOrEqual(PARALLEL - LOCKOUT_MAX_FAILURES);
    const failures = await db.prisma.loginAttempt.count({ where: { realm: 'MERCHANT', email, success: false } });
    expect(failures).toBe(LOCKOUT_MAX_FAILURES);
    expect(await db.prisma.auditLog.count({ where: { merchantId: id, action: 'login.locked_out' } })).toBe(1);
    expect(await db.prisma.auditLog.count({ where: { merchantId: id, action: 'login.failed' } })).toBe(PARALLEL);

    // Locked: even the right password is refused, without a comparison.
    counted.compares = 0;
    expect(await loginWithPassword(db, { realm: 'MERCHANT', email, password })).toMatchObject({ reason: 'LOCKED' });
    expect(counted.compares).toBe(0);
  });

  it(`when ${PARALLEL} attempts for an unknown email arrive at once, then at most ${LOCKOUT_MAX_FAILURES} are checked too`, async () => {
    const email = `race-nobody-${randomHex(6)}@example.test`;
    await burst('ADMIN', email, 'whatever');
    expect(counted.compares).toBeLessThanOrEqual(LOCKOUT_MAX_FAILURES);
    expect(await db.prisma.loginAttempt.count({ where: { realm: 'ADMIN', email } })).toBe(LOCKOUT_MAX_FAILURES);
  });

  it('when the right password comes after a few failures, then it succeeds and resets the count', async () => {
    const email = `race-ok-${randomHex(6)}@example.test`;
    const password = `pw-${randomHex(8)}`;
    await createMerchant(db, { name: 'Race ok', email, password, openingBalance: 0 });
    for (let i = 0; i < LOCKOUT_MAX_FAILURES - 1; i++) {
      expect(await loginWithPassword(db, { realm: 'MERCHANT', email, password: 'nope' })).toMatchObject({
        reason: 'INVALID_CREDENTIALS',
      });
    }
    expect((await loginWithPassword(db, { realm: 'MERCHANT', email, password })).ok).toBe(true);
    expect(await loginWithPassword(db, { realm: 'MERCHANT', email, password: 'nope' })).toMatchObject({
      reason: 'INVALID_CREDENTIALS',
    });
  });
});
