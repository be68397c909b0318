import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import {
  available,
  client,
  createTestMerchant,
  openCheckout,
  startShop,
  startTestApi,
  type TestApi,
  type TestMerchant,
  testConfig,
} from './support.ts';

/**
 * The hosted page in real Chromium (Debian's, never a downloaded one): the API listens on
 * 127.0.0.1, checkoutUrl points at it, and success/cancel URLs point at a tiny local shop.
 */
let api: TestApi;
let app: Express;
let server: Server;
let browser: Browser;
let shop: Awaited<ReturnType<typeof startShop>>;
let m: TestMerchant;

beforeAll(async () => {
  api = startTestApi();
  // Listen first to learn the port, then build the app with PUBLIC_SANDBOX_URL pointing at it.
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const config = testConfig({ PUBLIC_SANDBOX_URL: `http://127.0.0.1:${port}`, CHECKOUT_REDIRECT_DELAY: '1s' });
  app = buildApp(config, { db: api.db });
  server.on('request', app);
  shop = await startShop();
  m = await createTestMerchant(api.db, { name: 'Browser Test Shop' });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    server?.close(() => resolve());
  });
  await shop?.close();
  await api?.close();
});

async function newCheckout(amount = 150_000) {
  return openCheckout(app, m.key, {
    amount,
    successUrl: `${shop.url}/success`,
    cancelUrl: `${shop.url}/cancel`,
  });
}

describe('hosted payment page in Chromium', () => {
  it('when the customer pays with 03000000001, then the success page shows and the browser lands on successUrl', async () => {
    const merchant = await createTestMerchant(api.db, { name: 'Success Shop' });
    const checkout = await openCheckout(app, merchant.key, {
      amount: 150_000,
      successUrl: `${shop.url}/success`,
      cancelUrl: `${shop.url}/cancel`,
    });
    expect(checkout.checkoutUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/checkout\/cs_/);
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } });
    try {
      await page.goto(checkout.checkoutUrl);
      await expect(page.getByTestId('amount').textContent()).resolves.toBe('PKR 1,500.00');
      expect(await page.textContent('body')).toContain('Success Shop');
      await page.getByLabel('JazzCash').check();
      await page.getByLabel('Mobile number').fill('03000000001');
      await page.getByLabel('OTP (one-time password)').fill('123456');
      await page.getByRole('button', { name: 'Pay PKR 1,500.00' }).click();
      await page.waitForURL(/\/result\?transaction=txn_/);
      expect(await page.getByTestId('state-succeeded').textContent()).toContain('Payment successful');
      await page.waitForURL(`${shop.url}/success?**`, { timeout: 10_000 });
      const landed = new URL(page.url());
      expect(landed.searchParams.get('checkoutId')).toBe(checkout.id);
      expect(landed.searchParams.get('status')).toBe('COMPLETED');
      expect(landed.searchParams.get('transactionId')).toMatch(/^txn_/);
      expect(await page.textContent('#shop')).toContain('/success');
    } finally {
      await page.close();
    }
    expect(await available(api.db, merchant.merchantId)).toBe(150_000);
    const after = await client(app, merchant.key).get(`/checkouts/${checkout.id}`);
    expect(after.body.status).toBe('COMPLETED');
  });

  it('when the customer pays with 03000000004, then the failure is shown on the page and the checkout stays OPEN', async () => {
    const checkout = await newCheckout();
    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    try {
      await page.goto(checkout.checkoutUrl);
      // The inline stylesheet is allowed by its nonce: the Pay button is styled.
      const payBackground = await page.evaluate(
        "getComputedStyle(document.querySelector('button.pay')).backgroundColor",
      );
      expect(payBackground).toBe('rgb(24, 73, 169)');
      await page.getByLabel('Easypaisa').check();
      await page.getByLabel('Mobile number').fill('03000000004');
      await page.getByRole('button', { name: /^Pay / }).click();
      await page.waitForURL(/\?attempt=txn_/);
      const failure = await page.getByTestId('failure').textContent();
      expect(failure).toContain('Payment failed');
      expect(failure).toContain('blocked');
      expect(await page.getByLabel('Mobile number').inputValue()).toBe('03000000004');
      expect(cspViolations).toEqual([]);
    } finally {
      await page.close();
    }
    const after = await client(app, m.key).get(`/checkouts/${checkout.id}`);
    expect(after.body).toMatchObject({ status: 'OPEN', latestTransaction: { status: 'FAILED' } });
  });

  it('when the customer presses Cancel, then the checkout is CANCELLED and the browser lands on cancelUrl', async () => {
    const checkout = await newCheckout();
    const page = await browser.newPage();
    try {
      await page.goto(checkout.checkoutUrl);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForURL(`${shop.url}/cancel?**`);
      const landed = new URL(page.url());
      expect(landed.searchParams.get('checkoutId')).toBe(checkout.id);
      expect(landed.searchParams.get('status')).toBe('CANCELLED');
    } finally {
      await page.close();
    }
    const after = await client(app, m.key).get(`/checkouts/${checkout.id}`);
    expect(after.body.status).toBe('CANCELLED');
  });

  it('when an unknown checkout is opened, then a readable 404 page', async () => {
    const page = await browser.newPage();
    try {
      const res = await page.goto(checkoutBase().replace(/cs_\w+$/, 'cs_nope'));
      expect(res?.status()).toBe(404);
      expect(await page.textContent('h1')).toBe('Checkout not found');
    } finally {
      await page.close();
    }
  });
});

function checkoutBase() {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/checkout/cs_x`;
}
