import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  completePayment,
  createCheckout,
  createDirectory,
  createMerchant,
  createScenarioCatalog,
  createWebhookEndpoint,
  parseSignatureHeader,
  randomHex,
  verifySignature,
} from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAPTOP, TestBrowser } from '../../../test/support/browser.ts';
import { type RunningPortal, startPortal, testDatabaseUrl } from '../../../test/support/portal-server.ts';

/**
 * The portal's refund, cancel and webhook endpoint management, in Chromium against the built
 * portal: each action goes through the core use-cases (as the APIs do) and is audited.
 */

const PUBLIC_URL = 'http://127.0.0.1:4002';
let db: Db;
let portal: RunningPortal;
let browser: TestBrowser;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 4 });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  [portal, browser] = await Promise.all([
    startPortal('merchant-portal', { PUBLIC_SANDBOX_URL: PUBLIC_URL, PUBLIC_PAYOUT_API_URL: 'http://127.0.0.1:4001' }),
    TestBrowser.launch(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
  await db?.close();
});

async function loggedIn(label: string): Promise<{ merchantId: string; page: Page }> {
  const email = `portal-${label}-${randomHex(6)}@example.test`;
  const password = `pw-${randomHex(8)}`;
  const { id } = await createMerchant(db, {
    name: `Portal ${label} ${randomHex(2)}`,
    email,
    password,
    openingBalance: 10_000_000,
  });
  const page = await browser.loggedInPage(portal.url, { email, password }, { viewport: LAPTOP });
  page.on('dialog', (dialog) => void dialog.accept());
  return { merchantId: id, page };
}

async function openCheckout(merchantId: string, amount: number) {
  return createCheckout(
    { db, publicUrl: PUBLIC_URL },
    {
      merchantId,
      amount,
      currency: 'PKR',
      orderId: `portal-${randomHex(5)}`,
      successUrl: 'https://shop.example/ok',
      cancelUrl: 'https://shop.example/cancel',
    },
  );
}

async function paidPayment(merchantId: string, amount: number) {
  const checkout = await openCheckout(merchantId, amount);
  return completePayment(
    {
      db,
      scenarios: createScenarioCatalog(db, { delayScale: 1 }),
      directory: createDirectory(db),
      publicUrl: PUBLIC_URL,
    },
    { merchantId, checkoutId: checkout.id, provider: 'JAZZCASH', mobile: '03000000001', otp: '123456' },
  );
}

const auditActions = async (merchantId: string) =>
  (
    (await db.pool.query(
      "SELECT action, actorType FROM AuditLog WHERE merchantId = ? AND action NOT LIKE 'login.%' ORDER BY id",
      [merchantId],
    )) as {
      action: string;
      actorType: string;
    }[]
  ).map((r) => `${r.actorType} ${r.action}`);

const balanceOf = async (merchantId: string) =>
  Number(
    (
      (await db.pool.query('SELECT available FROM MerchantBalance WHERE merchantId = ?', [merchantId])) as {
        available: number;
      }[]
    )[0]?.available,
  );

describe('merchant portal: refunds and cancel (built, in Chromium)', () => {
  it('when a merchant refunds part of a payment, then the rest, then the page lists both refunds, the payment is REFUNDED and the balance is back', async () => {
    const { merchantId, page } = await loggedIn('refund');
    const txn = await paidPayment(merchantId, 250_000);
    const before = await balanceOf(merchantId);
    await page.goto(`${portal.url}/payments/transactions/${txn.id}`);
    await page.getByLabel('Amount (PKR)').fill('1000');
    await page.getByLabel('Reason (optional)').fill('one item back');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('refund-result').textContent(), { timeout: 15_000 })
      .toContain('SUCCEEDED');
    await expect.poll(() => page.getByTestId('refunds-table').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('refunds-table').textContent()).toContain('one item back');
    expect(await balanceOf(merchantId)).toBe(before - 100_000);

    // A refund past what remains is refused on the page, nothing debited.
    await page.getByLabel('Amount (PKR)').fill('5000');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect.poll(() => page.getByTestId('refund-error').textContent(), { timeout: 15_000 }).toMatch(/remain/i);
    expect(await balanceOf(merchantId)).toBe(before - 100_000);

    // Empty amount: all that remains.
    await page.getByLabel('Amount (PKR)').fill('');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await expect.poll(() => page.getByTestId('refunds-table').locator('tbody tr').count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('refunds-panel').textContent()).toContain('Nothing remains to refund');
    expect(await page.getByText('REFUNDED', { exact: true }).count()).toBeGreaterThan(0);
    expect(await balanceOf(merchantId)).toBe(before - 250_000);

    await page.goto(`${portal.url}/payments/refunds`);
    expect(await page.getByTestId('refunds-table').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('refunds-table').textContent()).toContain(txn.id);
    expect(await auditActions(merchantId)).toEqual(['MERCHANT refund.created', 'MERCHANT refund.created']);
  });

  it('when a merchant cancels an open checkout, then it is CANCELLED with its event, audited, and the button is gone', async () => {
    const { merchantId, page } = await loggedIn('cancel');
    const checkout = await openCheckout(merchantId, 50_000);
    await page.goto(`${portal.url}/payments/checkouts/${checkout.id}`);
    await page.getByRole('button', { name: 'Cancel checkout' }).click();
    await expect
      .poll(() => page.getByText('CANCELLED', { exact: true }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Cancel checkout' }).count()).toBe(0);
    const [row] = (await db.pool.query('SELECT status FROM Checkout WHERE id = ?', [checkout.id])) as {
      status: string;
    }[];
    expect(row?.status).toBe('CANCELLED');
    const events = (await db.pool.query('SELECT type FROM WebhookEvent WHERE merchantId = ?', [merchantId])) as {
      type: string;
    }[];
    expect(events.map((e) => e.type)).toEqual(['checkout.cancelled']);
    expect(await auditActions(merchantId)).toEqual(['MERCHANT checkout.cancelled']);
  });
});

describe('merchant portal: webhook endpoint management (built, in Chromium)', () => {
  it('when a merchant disables and enables an endpoint, chooses its events, rolls the secret and sends a typed test event, then each takes effect and is audited', async () => {
    const { merchantId, page } = await loggedIn('endpoints');
    const created = await createWebhookEndpoint(
      db,
      { merchantId, url: `${receiverUrl}/${randomHex(3)}` },
      { allowPrivateTargets: true },
    );
    await page.goto(`${portal.url}/developers/webhooks`);
    await page.getByRole('link', { name: `Manage endpoint ${created.url}` }).click();
    await page.waitForURL(`${portal.url}/developers/webhook-endpoints/${created.id}`);
    expect(await page.getByTestId('endpoint-success-rate').textContent()).toContain('no attempts');

    await page.getByRole('button', { name: 'Disable endpoint' }).click();
    await page.getByRole('button', { name: 'Enable endpoint' }).waitFor({ timeout: 15_000 });
    expect(await page.getByText('Enable the endpoint to send it test events.').count()).toBe(1);
    await page.getByRole('button', { name: 'Enable endpoint' }).click();
    await page.getByRole('button', { name: 'Disable endpoint' }).waitFor({ timeout: 15_000 });

    await page.getByLabel('refund.succeeded').check();
    await page.getByLabel('refund.failed').check();
    await page.getByRole('button', { name: 'Save events' }).click();
    await expect
      .poll(
        async () => (await db.pool.query('SELECT events FROM WebhookEndpoint WHERE id = ?', [created.id])) as unknown[],
        {
          timeout: 15_000,
        },
      )
      .toEqual([{ events: ['refund.succeeded', 'refund.failed'] }]);

    await page.getByLabel('Old secret keeps signing for').selectOption('1');
    await page.getByRole('button', { name: 'Roll secret' }).click();
    const newSecret = (await page.getByTestId('rotated-secret').textContent({ timeout: 15_000 }))?.trim() ?? '';
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(created.secret);

    await page.getByLabel('Event type').selectOption('refund.failed');
    await page.getByRole('button', { name: 'Send test event of this type' }).click();
    await expect
      .poll(() => page.getByTestId('typed-test-result').textContent(), { timeout: 15_000 })
      .toContain('DELIVERED');
    const hit = received.find((r) => r.headers['mypay-event-type'] === 'refund.failed' && r.body.includes('_sample'));
    expect(hit).toBeDefined();
    const header = String(hit!.headers['mypay-signature']);
    // During the overlap: two v1 signatures, one per secret.
    expect(parseSignatureHeader(header)?.v1).toHaveLength(2);
    expect(verifySignature(hit!.body, header, newSecret)).toBe(true);
    expect(verifySignature(hit!.body, header, created.secret)).toBe(true);

    await page.reload();
    await expect.poll(() => page.getByTestId('endpoint-success-rate').textContent()).toContain('100.0 %');
    await page.goto(`${portal.url}/developers/webhooks`);
    expect(await page.locator('table').textContent()).toContain('100.0 %');
    // The secret appears nowhere once its one answer is gone.
    expect(await page.content()).not.toContain(newSecret);
    const layout = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(layout).toBeLessThanOrEqual(0);

    expect(await auditActions(merchantId)).toEqual([
      'MERCHANT webhook_endpoint.updated',
      'MERCHANT webhook_endpoint.updated',
      'MERCHANT webhook_endpoint.updated',
      'MERCHANT webhook_endpoint.secret_rotated',
    ]);
  });

  it("when a merchant opens another merchant's endpoint page, then it is not found", async () => {
    const owner = await createMerchant(db, {
      name: `Owner ${randomHex(3)}`,
      email: `owner-${randomHex(6)}@example.test`,
      password: `pw-${randomHex(8)}`,
      openingBalance: 0,
    });
    const theirs = await createWebhookEndpoint(
      db,
      { merchantId: owner.id, url: `${receiverUrl}/theirs` },
      { allowPrivateTargets: true },
    );
    const { page } = await loggedIn('endpoint-other');
    const res = await page.goto(`${portal.url}/developers/webhook-endpoints/${theirs.id}`);
    expect(res?.status()).toBe(404);
    expect(await page.content()).not.toContain(theirs.url);
  });
});
