import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loginWithPassword, randomHex, SEED_ADMIN, SEED_MERCHANT, SEED_PAYMENT_API_KEY, sha256Hex } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-db.ts';

const run = promisify(execFile);

async function tsx(script: string, env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await run('pnpm', ['exec', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const TABLES = [
  'Merchant',
  'MerchantBalance',
  'LedgerEntry',
  'ApiKey',
  'AdminUser',
  'Bank',
  'Wallet',
  'Scenario',
  'AuditLog',
] as const;

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const rows = await db.pool.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

describe('seed', () => {
  let scratch: ScratchDatabase;
  let db: Db;

  beforeAll(async () => {
    scratch = await createScratchDatabase('seed');
    const migrated = await tsx('prisma/migrate.ts', { DATABASE_URL: scratch.url, NODE_ENV: 'test' });
    expect(migrated.code, migrated.stderr).toBe(0);
    db = createDb(scratch.url, { connectionLimit: 2 });
  });

  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('when run twice, then the second run changes nothing and says so', async () => {
    const first = await tsx('prisma/seed.ts', { DATABASE_URL: scratch.url, NODE_ENV: 'test' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Payout API key \(scope payout, shown once\): mp_test_[0-9a-f]{40}/);
    expect(first.stdout).toMatch(/API key of scope all, for the CLI .*\(both APIs; shown once\): mp_test_[0-9a-f]{40}/);
    const afterFirst = await rowCounts(db);

    const second = await tsx('prisma/seed.ts', { DATABASE_URL: scratch.url, NODE_ENV: 'test' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('nothing to do');
    expect(await rowCounts(db)).toEqual(afterFirst);
    expect(afterFirst).toMatchObject({ Bank: 12, Wallet: 4, Scenario: 10, Merchant: 1, AdminUser: 1, ApiKey: 3 });
  });

  it('when seeded, then the test merchant holds PKR 1,000,000.00 and its ledger agrees', async () => {
    const [balance] = await db.pool.query('SELECT available, pending FROM MerchantBalance WHERE merchantId = ?', [
      SEED_MERCHANT.id,
    ]);
    const [ledger] = await db.pool.query(
      'SELECT COALESCE(SUM(amount), 0) AS total FROM LedgerEntry WHERE merchantId = ?',
      [SEED_MERCHANT.id],
    );
    expect(Number(balance.available)).toBe(100_000_000);
    expect(Number(balance.pending)).toBe(0);
    expect(Number(ledger.total)).toBe(100_000_000);
  });

  it('when SEED_PAYOUT_API_KEY is set, then that key is stored (as a hash) and nothing is printed', async () => {
    const key = `fixed-payout-key-${Date.now()}`;
    const out = await tsx('prisma/seed.ts', { DATABASE_URL: scratch.url, NODE_ENV: 'test', SEED_PAYOUT_API_KEY: key });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).not.toContain(key);
    const rows = await db.pool.query(
      "SELECT scope, prefix FROM ApiKey WHERE merchantId = ? AND name = 'Seed payout key' AND revokedAt IS NULL",
      [SEED_MERCHANT.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].scope).toBe('payout');
  });

  it('when SEED_ALL_API_KEY is set, then that key of scope all is stored (as a hash) and nothing is printed', async () => {
    const key = `fixed-all-key-${Date.now()}`;
    const out = await tsx('prisma/seed.ts', { DATABASE_URL: scratch.url, NODE_ENV: 'test', SEED_ALL_API_KEY: key });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).not.toContain(key);
    const rows = await db.pool.query(
      "SELECT scope, hash FROM ApiKey WHERE merchantId = ? AND name = 'Seed CLI key (all)' AND revokedAt IS NULL",
      [SEED_MERCHANT.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ scope: 'all', hash: sha256Hex(key) });
  });

  it('when production is asked for with the default admin password, then it refuses and names the variable', async () => {
    const out = await tsx('prisma/seed.ts', {
      DATABASE_URL: scratch.url,
      NODE_ENV: 'production',
      SEED_ADMIN_PASSWORD: 'admin123456',
    });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('SEED_ADMIN_PASSWORD:');
    expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('when the database is unreachable, then one line names host and database', async () => {
    const out = await tsx('prisma/seed.ts', { DATABASE_URL: 'mysql://root@127.0.0.1:1/nowhere_db', NODE_ENV: 'test' });
    expect(out.code).not.toBe(0);
    const lines = out.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('$ '));
    expect(lines.at(-1)).toMatch(/nowhere_db.*127\.0\.0\.1:1/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('production seed', () => {
  let scratch: ScratchDatabase;
  let db: Db;
  let dir: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase('seedprod');
    const migrated = await tsx('prisma/migrate.ts', { DATABASE_URL: scratch.url, NODE_ENV: 'test' });
    expect(migrated.code, migrated.stderr).toBe(0);
    db = createDb(scratch.url, { connectionLimit: 2 });
    dir = await mkdtemp(path.join(tmpdir(), 'mypay-seed-'));
  });

  afterAll(async () => {
    await db?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when production is seeded without SEED_DEMO_MERCHANT, then no demo merchant or key exists and the admin password comes from the file', async () => {
    const file = path.join(dir, 'seed_admin_password');
    const password = `prod-admin-${randomHex(8)}`;
    await writeFile(file, `${password}\n`);
    const out = await tsx('prisma/seed.ts', {
      DATABASE_URL: scratch.url,
      NODE_ENV: 'production',
      SEED_ADMIN_PASSWORD: '',
      SEED_ADMIN_PASSWORD_FILE: file,
    });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('SEED_DEMO_MERCHANT=true');
    expect(out.stdout).not.toContain(password);
    expect(await db.prisma.merchant.count({ where: { email: SEED_MERCHANT.email } })).toBe(0);
    expect(await db.prisma.merchant.count()).toBe(0);
    expect(await db.prisma.apiKey.count({ where: { hash: sha256Hex(SEED_PAYMENT_API_KEY) } })).toBe(0);
    expect(await db.prisma.apiKey.count()).toBe(0);
    // The admin exists, from the file's password (without its newline), and must change it at once.
    const admin = await db.prisma.adminUser.findUniqueOrThrow({ where: { email: SEED_ADMIN.email } });
    expect(admin.mustChangePassword).toBe(true);
    const login = await loginWithPassword(db, { realm: 'ADMIN', email: SEED_ADMIN.email, password });
    expect(login).toMatchObject({ ok: true, principal: { mustChangePassword: true } });
  });

  it('when the password file cannot be read, then the seed refuses and names the variable', async () => {
    const out = await tsx('prisma/seed.ts', {
      DATABASE_URL: scratch.url,
      NODE_ENV: 'production',
      SEED_ADMIN_PASSWORD_FILE: path.join(dir, 'missing'),
    });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('SEED_ADMIN_PASSWORD_FILE');
  });

  it('when production opts in with SEED_DEMO_MERCHANT=true, then the demo merchant and its key are seeded', async () => {
    const out = await tsx('prisma/seed.ts', {
      DATABASE_URL: scratch.url,
      NODE_ENV: 'production',
      SEED_ADMIN_PASSWORD: `prod-admin-${randomHex(8)}`,
      SEED_DEMO_MERCHANT: 'true',
    });
    expect(out.code, out.stderr).toBe(0);
    expect(await db.prisma.merchant.count({ where: { email: SEED_MERCHANT.email } })).toBe(1);
    expect(await db.prisma.apiKey.count({ where: { hash: sha256Hex(SEED_PAYMENT_API_KEY) } })).toBe(1);
  });
});
