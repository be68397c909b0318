import { createMerchant, randomHex } from '@mypay/core';
import { createDb, type Db } from '@mypay/db';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { type RunningPortal, startPortal, testDatabaseUrl } from '../support/portal-server.ts';

/**
 * The portals' Content-Security-Policy with per-request script nonces (apps/*\/src/proxy.ts):
 * the header has a fresh nonce on every request and no 'unsafe-inline' for scripts, and the
 * built portal still loads and hydrates in Chromium under it with no CSP violation.
 */

let db: Db;
let browser: Browser;
const portals: Partial<Record<'merchant-portal' | 'admin-portal', RunningPortal>> = {};

beforeAll(async () => {
  db = createDb(testDatabaseUrl(), { connectionLimit: 2 });
  const [merchant, admin, b] = await Promise.all([
    startPortal('merchant-portal'),
    startPortal('admin-portal'),
    launchChromium(),
  ]);
  portals['merchant-portal'] = merchant;
  portals['admin-portal'] = admin;
  browser = b;
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(Object.values(portals).map((p) => p?.stop()));
  await db?.close();
});

const directive = (policy: string, name: string) =>
  policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `)) ?? '';

describe.each(['merchant-portal', 'admin-portal'] as const)('Content-Security-Policy of the %s', (name) => {
  it('when pages are requested, then each response has its own script nonce and no unsafe-inline for scripts', async () => {
    const portal = portals[name]!;
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const res = await fetch(`${portal.url}/login`);
      const html = await res.text();
      const policy = res.headers.get('content-security-policy') ?? '';
      const scripts = directive(policy, 'script-src');
      expect(scripts).toMatch(/'nonce-[A-Za-z0-9+/=]{20,}'/);
      expect(scripts).not.toContain('unsafe-inline');
      expect(scripts).not.toContain('unsafe-eval');
      expect(directive(policy, 'default-src')).toBe("default-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      const nonce = /'nonce-([^']+)'/.exec(scripts)![1]!;
      nonces.add(nonce);
      // Every script the page carries has this response's nonce.
      const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(tags.length).toBeGreaterThan(0);
      for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(3);
  });

  it('when the login page is used in Chromium, then it hydrates (the form submits without a page load) and no CSP violation is reported', async () => {
    const portal = portals[name]!;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      // Injected by the browser itself (not subject to the page's CSP): records every violation.
      await context.addInitScript({
        content: `window.__violations = [];
          document.addEventListener('securitypolicyviolation', (e) =>
            window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`,
      });
      await page.goto(`${portal.url}/login`);
      // React attached itself to the form (hydration ran: the nonce'd scripts executed).
      await expect
        .poll(() => page.evaluate(`Object.keys(document.querySelector('form')).some((k) => k.startsWith('__react'))`))
        .toBe(true);
      // A client interaction: the form posts through React (no new document), the error appears.
      await page.evaluate('window.__marker = 42');
      const email = `csp-${randomHex(6)}@example.test`;
      if (name === 'merchant-portal') {
        // A real account, so the wrong password is a real refusal (and no lockout of anybody else).
        await createMerchant(db, { name: 'CSP', email, password: `pw-${randomHex(8)}`, openingBalance: 0 });
      }
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.locator('#login-error').textContent()).toContain('Wrong email or password');
      expect(await page.evaluate('window.__marker')).toBe(42);
      expect(await page.evaluate('window.__violations')).toEqual([]);
      expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
