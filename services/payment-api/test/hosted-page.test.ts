import {
  completePayment,
  createDirectory,
  createLogger,
  createPaymentWorker,
  createScenarioCatalog,
} from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  available,
  client,
  createTestMerchant,
  fileWorkerScope,
  openCheckout,
  startTestApi,
  type TestApi,
  type TestMerchant,
} from './support.ts';

let api: TestApi;
let m: TestMerchant;

beforeAll(async () => {
  // No background workers: the PENDING test drives the scenario worker itself.
  api = startTestApi({ workers: false });
  m = await createTestMerchant(api.db, { name: 'Chai & <b>Co</b> "Lahore"' });
});
afterAll(async () => {
  await api?.close();
});

/** Opens the page like a browser: the CSRF cookie it sets and the token in the form. */
async function openPage(id: string) {
  const res = await request(api.app).get(`/checkout/${id}`);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? '';
  return { res, cookie, csrf, setCookie };
}

const post = (path: string, cookie: string, form: Record<string, string>) =>
  request(api.app).post(path).set('Cookie', cookie).type('form').send(form);

describe('GET /checkout/:id', () => {
  it('when the checkout is OPEN, then a form with merchant, PKR amount, wallets, labelled fields, Pay and Cancel', async () => {
    const checkout = await openCheckout(api.app, m.key, {
      amount: 250_000,
      orderId: 'ORD-<img src=x onerror=alert(1)>',
    });
    const { res, setCookie, csrf } = await openPage(checkout.id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('PKR 2,500.00');
    expect(res.text).toContain('Chai &amp; &lt;b&gt;Co&lt;/b&gt; &quot;Lahore&quot;');
    expect(res.text).toContain('ORD-&lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).not.toContain('<b>Co</b>');
    for (const wallet of ['JazzCash', 'Easypaisa', 'SadaPay', 'NayaPay']) expect(res.text).toContain(wallet);
    expect(res.text).toContain('<label class="field" for="mobile">Mobile number</label>');
    expect(res.text).toContain('for="otp"');
    expect(res.text).toMatch(/<button type="submit" class="pay">Pay PKR 2,500.00<\/button>/);
    expect(res.text).toContain('>Cancel</button>');
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!shop\.example)/);
    expect(csrf.length).toBeGreaterThan(20);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://shop.example");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(setCookie[0]).toMatch(new RegExp(`Path=/checkout/${checkout.id}; .*HttpOnly; SameSite=Strict`));
  });

  it('when the id is unknown or malformed, then a 404 HTML page, never JSON or a stack', async () => {
    for (const id of ['cs_unknown000000000000000000', '..%2F..%2Fetc', '<script>']) {
      const res = await request(api.app).get(`/checkout/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Checkout not found');
      expect(res.text).not.toContain('<script>');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('when the checkout has expired, then 410 with an expired page', async () => {
    const checkout = await openCheckout(api.app, m.key);
    await api.db.pool.query('UPDATE Checkout SET expiresAt = ? WHERE id = ?', [
      new Date(Date.now() - 1000),
      checkout.id,
    ]);
    const res = await request(api.app).get(`/checkout/${checkout.id}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain('Checkout expired');
  });

  it('when the checkout is already paid, then 410 with a link back to successUrl', async () => {
    const checkout = await openCheckout(api.app, m.key);
    await client(api.app, m.key).post('/payment/complete', {
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    const res = await request(api.app).get(`/checkout/${checkout.id}`);
    expect(res.status).toBe(410);
    expect(res.text).toContain('Already paid');
    expect(res.text).toContain(`https://shop.example/paid?checkoutId=${checkout.id}&amp;status=COMPLETED`);
  });
});

describe('POST /checkout/:id/pay and /cancel', () => {
  it('when the CSRF token or cookie is missing or from another checkout, then 403 and nothing is created', async () => {
    const checkout = await openCheckout(api.app, m.key);
    const other = await openCheckout(api.app, m.key);
    const mine = await openPage(checkout.id);
    const theirs = await openPage(other.id);
    const form = { provider: 'JAZZCASH', mobile: '03000000001' };
    const attempts = [
      await post(`/checkout/${checkout.id}/pay`, '', { ...form, csrf: mine.csrf }),
      await post(`/checkout/${checkout.id}/pay`, mine.cookie, form),
      await post(`/checkout/${checkout.id}/pay`, mine.cookie, { ...form, csrf: 'forged' }),
      await post(`/checkout/${checkout.id}/pay`, theirs.cookie, { ...form, csrf: theirs.csrf }),
      await post(`/checkout/${checkout.id}/cancel`, mine.cookie, { csrf: theirs.csrf }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.text).toContain('Please try again');
    }
    const rows = await api.db.pool.query('SELECT status FROM Checkout WHERE id = ?', [checkout.id]);
    expect(rows[0].status).toBe('OPEN');
    const txns = await api.db.pool.query('SELECT id FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id]);
    expect(txns).toHaveLength(0);
  });

  it('when the customer pays with 03000000001, then 303 to a success page that redirects to successUrl, credited once', async () => {
    const merchant = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, merchant.key, {
      amount: 99_900,
      successUrl: 'https://shop.example/thanks?ref=42',
    });
    const page = await openPage(checkout.id);
    const res = await post(`/checkout/${checkout.id}/pay`, page.cookie, {
      csrf: page.csrf,
      provider: 'EASYPAISA',
      mobile: '0300 0000001',
      otp: '1234',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/checkout/${checkout.id}/result\\?transaction=txn_`));
    const result = await request(api.app).get(String(res.headers.location));
    expect(result.status).toBe(200);
    expect(result.text).toContain('Payment successful');
    const txnId = /transaction=(txn_\w+)/.exec(String(res.headers.location))?.[1];
    expect(result.text).toContain(
      `url=https://shop.example/thanks?ref=42&amp;checkoutId=${checkout.id}&amp;status=COMPLETED&amp;transactionId=${txnId}`,
    );
    expect(await available(api.db, merchant.merchantId)).toBe(99_900);
    const api2 = await client(api.app, merchant.key).get(`/checkouts/${checkout.id}`);
    expect(api2.body).toMatchObject({ status: 'COMPLETED', latestTransaction: { provider: 'EASYPAISA' } });
  });

  it('when the customer pays with a failing number, then back on the form with a readable failure, checkout still OPEN', async () => {
    const checkout = await openCheckout(api.app, m.key);
    const page = await openPage(checkout.id);
    const res = await post(`/checkout/${checkout.id}/pay`, page.cookie, {
      csrf: page.csrf,
      provider: 'JAZZCASH',
      mobile: '03000000004',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/checkout/${checkout.id}\\?attempt=txn_`));
    const form = await request(api.app).get(String(res.headers.location)).set('Cookie', page.cookie);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Payment failed: the wallet account is blocked (ACCOUNT_BLOCKED)');
    expect(form.text).toContain('value="03000000004"');
  });

  it('when the form is invalid, then 400 with the field message and the entered values kept (escaped)', async () => {
    const checkout = await openCheckout(api.app, m.key);
    const page = await openPage(checkout.id);
    const res = await post(`/checkout/${checkout.id}/pay`, page.cookie, {
      csrf: page.csrf,
      provider: 'JAZZCASH',
      mobile: '"><script>x</script>',
      otp: '12',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('a Pakistani mobile number: 03XXXXXXXXX, +923XXXXXXXXX');
    expect(res.text).toContain('4 to 6 digits');
    expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(res.text).not.toContain('<script>x');
  });

  it('when the wallet is unavailable (03000000007), then 503 with a message and nothing created', async () => {
    const checkout = await openCheckout(api.app, m.key);
    const page = await openPage(checkout.id);
    const res = await post(`/checkout/${checkout.id}/pay`, page.cookie, {
      csrf: page.csrf,
      provider: 'SADAPAY',
      mobile: '03000000007',
    });
    expect(res.status).toBe(503);
    expect(res.text).toContain('SADAPAY is unavailable right now');
    const txns = await api.db.pool.query('SELECT id FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id]);
    expect(txns).toHaveLength(0);
  });

  it('when the payment is PENDING (03000000002), then a waiting page that refreshes, then success', async () => {
    const checkout = await openCheckout(api.app, m.key);
    const page = await openPage(checkout.id);
    const res = await post(`/checkout/${checkout.id}/pay`, page.cookie, {
      csrf: page.csrf,
      provider: 'JAZZCASH',
      mobile: '03000000002',
    });
    expect(res.status).toBe(303);
    const result = String(res.headers.location);
    const txnId = /transaction=(txn_\w+)/.exec(result)?.[1];
    const waiting = await request(api.app).get(result);
    expect(waiting.status).toBe(200);
    expect(waiting.text).toContain('Waiting for confirmation');
    expect(waiting.text).toContain(
      `<meta http-equiv="refresh" content="2;url=/checkout/${checkout.id}/result?transaction=${txnId}">`,
    );
    const reopened = await request(api.app).get(`/checkout/${checkout.id}`);
    expect(reopened.text).toContain('Waiting for confirmation');
    const worker = createPaymentWorker({
      pool: api.db.pool,
      logger: createLogger({ level: 'silent' }),
      scenarios: createScenarioCatalog(api.db, { delayScale: api.config.scenarioDelayScale }),
      publicUrl: api.config.publicUrl,
      scope: fileWorkerScope,
    });
    let final = waiting;
    for (let i = 0; i < 100 && !final.text.includes('Payment successful'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      await worker.runOnce();
      final = await request(api.app).get(result);
    }
    expect(final.text).toContain('Payment successful');
  });

  it('when the customer cancels, then CANCELLED and 303 to cancelUrl with the checkout id; the page then says cancelled', async () => {
    const checkout = await openCheckout(api.app, m.key, { cancelUrl: 'https://shop.example/cart' });
    const page = await openPage(checkout.id);
    const res = await post(`/checkout/${checkout.id}/cancel`, page.cookie, { csrf: page.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`https://shop.example/cart?checkoutId=${checkout.id}&status=CANCELLED`);
    const api2 = await client(api.app, m.key).get(`/checkouts/${checkout.id}`);
    expect(api2.body.status).toBe('CANCELLED');
    const again = await request(api.app).get(`/checkout/${checkout.id}`);
    expect(again.status).toBe(410);
    expect(again.text).toContain('Checkout cancelled');
    const pay = await post(`/checkout/${checkout.id}/pay`, page.cookie, {
      csrf: page.csrf,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(pay.status).toBe(303);
    expect(pay.headers.location).toBe(`/checkout/${checkout.id}`);
  });
});

describe('a suspended merchant', () => {
  it('when the merchant is suspended, then the page offers no way to pay and a posted form charges nothing', async () => {
    const merchant = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, merchant.key, { amount: 75_000 });
    // The customer opened the form before the suspension.
    const page = await openPage(checkout.id);
    expect(page.res.status).toBe(200);
    const before = await available(api.db, merchant.merchantId);
    await api.db.pool.query("UPDATE Merchant SET status = 'SUSPENDED' WHERE id = ?", [merchant.merchantId]);

    const res = await request(api.app).get(`/checkout/${checkout.id}`);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('data-testid="state-merchant-suspended"');
    expect(res.text).toContain('cannot accept payments right now');
    expect(res.text).not.toMatch(/<form|<button/);

    const pay = await post(`/checkout/${checkout.id}/pay`, page.cookie, {
      csrf: page.csrf,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    expect(pay.status).toBe(303);
    expect(pay.headers.location).toBe(`/checkout/${checkout.id}`);
    const txns = await api.db.pool.query('SELECT id FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id]);
    expect(txns).toHaveLength(0);
    expect(await available(api.db, merchant.merchantId)).toBe(before);
    const [row] = await api.db.pool.query('SELECT status FROM Checkout WHERE id = ?', [checkout.id]);
    expect(row.status).toBe('OPEN');
  });

  it('when completePayment is called for a suspended merchant, then 403 FORBIDDEN and nothing is written', async () => {
    const merchant = await createTestMerchant(api.db);
    const checkout = await openCheckout(api.app, merchant.key);
    await api.db.pool.query("UPDATE Merchant SET status = 'SUSPENDED' WHERE id = ?", [merchant.merchantId]);
    const deps = {
      db: api.db,
      scenarios: createScenarioCatalog(api.db, { delayScale: 0.01 }),
      directory: createDirectory(api.db),
      publicUrl: api.config.publicUrl,
    };
    const attempt = completePayment(deps, {
      merchantId: merchant.merchantId,
      checkoutId: checkout.id,
      provider: 'JAZZCASH',
      mobile: '03000000001',
    });
    await expect(attempt).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    const txns = await api.db.pool.query('SELECT id FROM PaymentTransaction WHERE checkoutId = ?', [checkout.id]);
    expect(txns).toHaveLength(0);
    // Reactivated, the same checkout is payable again.
    await api.db.pool.query("UPDATE Merchant SET status = 'ACTIVE' WHERE id = ?", [merchant.merchantId]);
    await expect(
      completePayment(deps, {
        merchantId: merchant.merchantId,
        checkoutId: checkout.id,
        provider: 'JAZZCASH',
        mobile: '03000000001',
      }),
    ).resolves.toMatchObject({ status: 'SUCCEEDED' });
  });
});
