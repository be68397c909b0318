import {
  createDirectory,
  createMerchant,
  createPayout,
  createScenarioCatalog,
  createTestClock,
  DEFAULT_PAYOUT_LIMITS,
  randomHex,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../../../test/support/browser.ts';
import { type RunningPortal, startPortal, testDatabaseUrl } from '../../../test/support/portal-server.ts';

/** The Test clocks page, the clock badge and the payout form's IBAN field, in the built portal and Chromium. */

let db: Db;
let portal: RunningPortal;
let browser: TestBrowser;

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 4 });
  // Real delays: a bound TIMEOUT payout moves only when its clock does.
  [portal, browser] = await Promise.all([
    startPortal('merchant-portal', { SCENARIO_DELAY_SCALE: '1' }),
    TestBrowser.launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await db?.close();
});

async function loggedInPage(label: string): Promise<{ merchantId: string; page: Page }> {
  const email = `portal-${label}-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const { id } = await createMerchant(db, { name: `Portal ${label}`, email, password, openingBalance: 10_000_000 });
  const page = await browser.loggedInPage(portal.url, { email, password }, { viewport: { width: 1280, height: 900 } });
  return { merchantId: id, page };
}

const payoutsOf = (merchantId: string) =>
  db.pool.query('SELECT id, destinationType, provider, accountNumber, scenario FROM Payout WHERE merchantId = ?', [
    merchantId,
  ]) as Promise<{ id: string; destinationType: string; provider: string; accountNumber: string; scenario: string }[]>;

describe('merchant portal: IBAN field of the payout form', () => {
  it('when an IBAN with wrong check digits is typed, then the error shows live; a good one shows its bank and creates the payout', async () => {
    const { merchantId, page } = await loggedInPage('iban');
    await page.goto(`${portal.url}/payouts/new`);
    await page.getByLabel('Destination type').selectOption('iban');
    const field = page.getByLabel('IBAN');
    // The scenario picker fills a valid example IBAN (scenario 1), with its bank shown.
    await expect.poll(() => field.inputValue()).toMatch(/^PK\d{2}[A-Z]{4}\d{16}$/);
    await expect.poll(() => page.getByTestId('iban-bank').textContent()).toContain('Bank:');

    // One digit off: the check digits no longer match, said while typing (no submit).
    await field.fill('PK72NBPA0012340000000005');
    await expect.poll(() => page.getByTestId('iban-error').textContent()).toContain('check digits do not match');
    expect(await page.getByTestId('iban-bank').count()).toBe(0);
    // Part-typed: no error yet, just what is left.
    await field.fill('PK72 NBPA 0012');
    await expect.poll(() => page.locator('#iban-status').textContent()).toContain('more characters');
    expect(await page.getByTestId('iban-error').count()).toBe(0);
    // An unknown bank code (valid check digits).
    await field.fill('PK82XXXX0012340000000001');
    await expect
      .poll(() => page.getByTestId('iban-error').textContent())
      .toContain('no bank has the IBAN bank code XXXX');

    // The server checks again: a bad IBAN submitted anyway is refused, nothing created.
    await field.fill('PK72NBPA0012340000000005');
    await page.getByRole('button', { name: 'Create payout' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Check the highlighted fields');
    expect(await payoutsOf(merchantId)).toEqual([]);

    // Good, in printed groups and lower case: the bank is detected from its code.
    await field.fill('pk72 nbpa 0012 3400 0000 0004');
    await expect.poll(() => page.getByTestId('iban-bank').textContent()).toContain('National Bank of Pakistan (NBP)');
    expect(await page.getByTestId('iban-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Create payout' }).click();
    await page.waitForURL(/\/payouts\/po_/);
    const [payout] = await payoutsOf(merchantId);
    expect(payout).toMatchObject({
      destinationType: 'iban',
      provider: 'NBP',
      accountNumber: 'PK72NBPA0012340000000004',
      scenario: 'ACCOUNT_BLOCKED',
    });
    expect(page.url()).toContain(payout!.id);
  });
});

describe('merchant portal: test clocks', () => {
  it('when a clock is created, a bound TIMEOUT payout shown with its badge, the clock advanced 31s and deleted, then the page and the payout follow', async () => {
    const { merchantId, page } = await loggedInPage('clocks');
    await page.goto(`${portal.url}/developers/test-clocks`);
    await expect.poll(() => page.getByText('No test clocks yet').count()).toBe(1);
    await page.getByLabel('Name (optional)').fill('portal suite');
    await page.getByLabel(/Start time/).fill('2030-01-01T00:00:00Z');
    await page.getByRole('button', { name: 'Create clock' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Created clk_\S+ at 2030-01-01T00:00:00.000Z/);
    const row = page.locator('tr[data-clock-id]');
    await expect.poll(() => row.count()).toBe(1);
    const clockId = (await row.getAttribute('data-clock-id')) as string;
    expect(await row.getByTestId('clock-time').textContent()).toBe('2030-01-01 00:00:00 UTC');

    // A TIMEOUT payout bound to the clock (as POST /payouts with testClock makes it).
    const deps = {
      db,
      scenarios: createScenarioCatalog(db, { delayScale: 1 }),
      directory: createDirectory(db),
      limits: DEFAULT_PAYOUT_LIMITS,
    };
    const payout = await createPayout(deps, {
      merchantId,
      amount: 10_000,
      currency: 'PKR',
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000006' },
      reference: `portal-clock-${randomHex(4)}`,
      testClock: clockId,
    });
    expect(payout.status).toBe('PROCESSING');
    // An unbound payout gets no badge.
    await createPayout(deps, {
      merchantId,
      amount: 10_000,
      currency: 'PKR',
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' },
      reference: `portal-wall-${randomHex(4)}`,
    });
    await page.goto(`${portal.url}/payouts`);
    await expect.poll(() => page.getByTestId('clock-badge').count()).toBe(1);
    expect(await page.getByTestId('clock-badge').textContent()).toContain(clockId);

    // A bad step is refused with the accepted forms, the clock unmoved.
    await page.goto(`${portal.url}/developers/test-clocks`);
    await page.getByLabel('Advance by').fill('soon');
    await page.getByRole('button', { name: 'Advance', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('30m');
    await page.getByLabel('Advance by').fill('31s');
    await page.getByRole('button', { name: 'Advance', exact: true }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('2030-01-01T00:00:31.000Z');
    await expect.poll(() => page.getByTestId('clock-time').textContent()).toBe('2030-01-01 00:00:31 UTC');

    // The payout timed out on the clock; its page says so and wears the badge.
    await page.goto(`${portal.url}/payouts/${payout.id}`);
    await expect.poll(() => page.getByTestId('clock-badge').textContent()).toContain(clockId);
    await expect.poll(() => page.locator('.badge.FAILED').count()).toBeGreaterThan(0);

    // Delete (confirmed): gone from the list.
    await page.goto(`${portal.url}/developers/test-clocks`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByText('No test clocks yet').count()).toBe(1);
    const [left] = (await db.pool.query('SELECT COUNT(*) AS n FROM TestClock WHERE id = ?', [clockId])) as {
      n: number;
    }[];
    expect(Number(left!.n)).toBe(0);
  });

  it('when another merchant opens the Test clocks page, then a clock that is not theirs is not listed', async () => {
    const owner = await createMerchant(db, {
      name: 'Clock owner',
      email: `owner-${randomHex(6)}@example.test`,
      password: `pw-${randomHex(8)}`,
      openingBalance: 0,
    });
    const clock = await createTestClock(db, { merchantId: owner.id });
    const { page } = await loggedInPage('clock-other');
    await page.goto(`${portal.url}/developers/test-clocks`);
    // Their page lists only their own clocks.
    await expect.poll(() => page.getByText('No test clocks yet').count()).toBe(1);
    expect(await page.locator(`tr[data-clock-id="${clock.id}"]`).count()).toBe(0);
  });
});
