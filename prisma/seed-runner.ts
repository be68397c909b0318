import {
  BANKS,
  createMerchant,
  hashPassword,
  insertApiKey,
  SCENARIOS,
  SEED_ADMIN,
  SEED_MERCHANT,
  SEED_PAYMENT_API_KEY,
  sha256Hex,
  WALLETS,
} from '@mypay/core';
import { type Db, withSqlTransaction } from '@mypay/db';

export interface SeedOptions {
  production: boolean;
  /** Admin password; required (≥ 12 chars, not the default) in production. */
  adminPassword?: string | undefined;
  /** Fixed payout key; otherwise one is generated on first run. */
  payoutApiKey?: string | undefined;
  /** Revoke the seeded payout key and issue a new one. */
  newPayoutKey?: boolean;
  /**
   * Seed the public demo merchant and its keys (credentials everybody knows). Default: outside
   * production only; production needs SEED_DEMO_MERCHANT=true.
   */
  demoMerchant?: boolean;
  /** Fixed key of scope `all` (both APIs: the CLI, the docs' walkthroughs); otherwise generated on first run. */
  allApiKey?: string | undefined;
  /** Revoke the seeded `all` key and issue a new one. */
  newAllKey?: boolean;
}

export interface SeedReport {
  created: string[];
  updated: string[];
  /** Set when a payout key was generated on this run: shown once. */
  generatedPayoutKey?: string;
  /** Set when the key of scope `all` was generated on this run: shown once. */
  generatedAllKey?: string;
  notes: string[];
}

const PAYOUT_KEY_NAME = 'Seed payout key';
const PAYMENT_KEY_NAME = 'Seed payment key';
const ALL_KEY_NAME = 'Seed CLI key (all)';

/**
 * Idempotent: every row is compared with what it should be and only missing or different
 * rows are written; a second run reports no changes. Existing merchants, admins and keys
 * are never reset (their passwords and balances may have been changed on purpose).
 */
export async function runSeed(db: Db, options: SeedOptions): Promise<SeedReport> {
  const report: SeedReport = { created: [], updated: [], notes: [] };
  await seedReferenceData(db, report);
  const demoMerchant = options.demoMerchant ?? !options.production;
  if (demoMerchant) await seedMerchant(db, report);
  await seedAdmin(db, options, report);
  if (demoMerchant) {
    await seedApiKeys(db, options, report);
  } else {
    report.notes.push(
      `demo merchant ${SEED_MERCHANT.email} not seeded (production; SEED_DEMO_MERCHANT=true seeds it)` +
        (options.payoutApiKey ? '; SEED_PAYOUT_API_KEY is ignored without it' : ''),
    );
  }
  return report;
}

async function seedReferenceData(db: Db, report: SeedReport): Promise<void> {
  const { prisma } = db;
  const banks = new Map((await prisma.bank.findMany()).map((b) => [b.code, b]));
  for (const bank of BANKS) {
    const existing = banks.get(bank.code);
    if (!existing) {
      await prisma.bank.create({ data: { ...bank } });
      report.created.push(`bank ${bank.code}`);
    } else if (existing.name !== bank.name || existing.ibanCode !== bank.ibanCode) {
      await prisma.bank.update({ where: { code: bank.code }, data: { ...bank } });
      report.updated.push(`bank ${bank.code}`);
    }
  }
  const wallets = new Map((await prisma.wallet.findMany()).map((w) => [w.code, w]));
  for (const wallet of WALLETS) {
    const existing = wallets.get(wallet.code);
    if (!existing) {
      await prisma.wallet.create({ data: { ...wallet } });
      report.created.push(`wallet ${wallet.code}`);
    } else if (existing.name !== wallet.name) {
      await prisma.wallet.update({ where: { code: wallet.code }, data: { ...wallet } });
      report.updated.push(`wallet ${wallet.code}`);
    }
  }
  const scenarios = new Map((await prisma.scenario.findMany()).map((s) => [s.key, s]));
  for (const scenario of SCENARIOS) {
    const existing = scenarios.get(scenario.key);
    if (!existing) {
      await prisma.scenario.create({ data: { ...scenario } });
      report.created.push(`scenario ${scenario.key}`);
    } else if ((Object.keys(scenario) as (keyof typeof scenario)[]).some((k) => existing[k] !== scenario[k])) {
      await prisma.scenario.update({ where: { key: scenario.key }, data: { ...scenario } });
      report.updated.push(`scenario ${scenario.key}`);
    }
  }
}

async function seedMerchant(db: Db, report: SeedReport): Promise<void> {
  const existing = await db.prisma.merchant.findUnique({ where: { email: SEED_MERCHANT.email } });
  if (existing) return;
  await createMerchant(db, { ...SEED_MERCHANT });
  report.created.push(`merchant ${SEED_MERCHANT.email} (balance PKR 1,000,000.00)`);
}

async function seedAdmin(db: Db, options: SeedOptions, report: SeedReport): Promise<void> {
  const existing = await db.prisma.adminUser.findUnique({ where: { email: SEED_ADMIN.email } });
  if (existing) return;
  const password = options.adminPassword ?? (options.production ? undefined : SEED_ADMIN.devPassword);
  if (!password) throw new Error('SEED_ADMIN_PASSWORD is required in production');
  await db.prisma.adminUser.create({
    data: {
      id: SEED_ADMIN.id,
      email: SEED_ADMIN.email,
      name: SEED_ADMIN.name,
      passwordHash: await hashPassword(password),
      // A password from SEED_ADMIN_PASSWORD sat in the deploy environment: the first login must replace it.
      mustChangePassword: options.adminPassword !== undefined,
    },
  });
  report.created.push(`admin ${SEED_ADMIN.email}`);
}

async function seedApiKeys(db: Db, options: SeedOptions, report: SeedReport): Promise<void> {
  const merchantId = SEED_MERCHANT.id;
  const keys = await db.prisma.apiKey.findMany({ where: { merchantId, revokedAt: null } });

  if (!keys.some((k) => k.hash === sha256Hex(SEED_PAYMENT_API_KEY))) {
    await withSqlTransaction(db.pool, (conn) =>
      insertApiKey(conn, { merchantId, name: PAYMENT_KEY_NAME, scope: 'payment', key: SEED_PAYMENT_API_KEY }),
    );
    report.created.push(`payment API key ${SEED_PAYMENT_API_KEY}`);
  }

  report.generatedPayoutKey = await seedGeneratedKey(db, keys, report, {
    name: PAYOUT_KEY_NAME,
    scope: 'payout',
    label: 'payout API key',
    fixed: options.payoutApiKey,
    fixedEnv: 'SEED_PAYOUT_API_KEY',
    renew: options.newPayoutKey ?? false,
    renewFlag: '--new-payout-key',
  });
  report.generatedAllKey = await seedGeneratedKey(db, keys, report, {
    name: ALL_KEY_NAME,
    scope: 'all',
    label: 'API key of scope all',
    fixed: options.allApiKey,
    fixedEnv: 'SEED_ALL_API_KEY',
    renew: options.newAllKey ?? false,
    renewFlag: '--new-all-key',
  });
}

/**
 * One seeded key that is generated (or fixed from the environment): a generated key is returned
 * once, when it is created, since only its hash is stored.
 */
async function seedGeneratedKey(
  db: Db,
  keys: { id: string; name: string; hash: string; prefix: string }[],
  report: SeedReport,
  spec: {
    name: string;
    scope: 'payout' | 'all';
    label: string;
    fixed: string | undefined;
    fixedEnv: string;
    renew: boolean;
    renewFlag: string;
  },
): Promise<string | undefined> {
  const merchantId = SEED_MERCHANT.id;
  const seeded = keys.filter((k) => k.name === spec.name);
  if (spec.fixed) {
    const hash = sha256Hex(spec.fixed);
    if (keys.some((k) => k.hash === hash)) return undefined;
    await revokeKeys(
      db,
      seeded.map((k) => k.id),
    );
    await withSqlTransaction(db.pool, (conn) =>
      insertApiKey(conn, { merchantId, name: spec.name, scope: spec.scope, key: spec.fixed }),
    );
    report.created.push(`${spec.label} from ${spec.fixedEnv}`);
    return undefined;
  }
  if (seeded.length > 0 && !spec.renew) {
    report.notes.push(
      `${spec.label} already exists (${seeded[0]!.prefix}…); it is shown only when created — ` +
        `run \`pnpm db:seed ${spec.renewFlag}\` for a new one, or set ${spec.fixedEnv}`,
    );
    return undefined;
  }
  await revokeKeys(
    db,
    seeded.map((k) => k.id),
  );
  const created = await withSqlTransaction(db.pool, (conn) =>
    insertApiKey(conn, { merchantId, name: spec.name, scope: spec.scope }),
  );
  report.created.push(`${spec.label} ${created.prefix}…`);
  return created.key;
}

async function revokeKeys(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.prisma.apiKey.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date() } });
}
