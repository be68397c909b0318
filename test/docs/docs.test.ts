import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ERROR_CODES, ERROR_STATUS } from '@mypay/contracts';
import { SCENARIOS } from '@mypay/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as payment from '../../services/payment-api/test/support.ts';
import * as payout from '../../services/payout-api/test/support.ts';
import { REPO_ROOT } from '../support/portal-server.ts';

/**
 * The docs own the contract, and nothing they, the start-up banners or the portal pages point at
 * is missing: every relative link resolves inside the repository (anchors included), and every
 * local URL is followed — against the APIs themselves, or the portals' route files.
 */

const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');
const walk = (dir: string, keep: (file: string) => boolean): string[] =>
  readdirSync(join(REPO_ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === '.next') return [];
    return statSync(join(REPO_ROOT, path)).isDirectory() ? walk(path, keep) : keep(path) ? [path] : [];
  });

const MARKDOWN = [
  'README.md',
  'QUICK-DEPLOY-GUIDE.md',
  'DEPLOYMENT-CHECKLIST.md',
  ...walk('docs', (f) => f.endsWith('.md')),
];
const PORTAL_PAGES = walk('apps', (f) => f.includes('/src/') && f.endsWith('.tsx'));
const BANNERS = ['scripts/sandbox.sh', 'services/payout-api/src/server.ts', 'services/payment-api/src/server.ts'];

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
const anchorsOf = (file: string) =>
  new Set(
    read(file)
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

/** Local URLs as the sources write them, with the templates of banners and portal pages filled in. */
function localUrls(): { url: string; where: string }[] {
  const fill: Record<string, string> = {
    '${config.publicUrl}': '',
    '${payoutBase}': 'http://127.0.0.1:4001/api/v1',
    '${paymentBase}': 'http://127.0.0.1:4002',
  };
  const found: { url: string; where: string }[] = [];
  for (const file of [...MARKDOWN, ...BANNERS, ...PORTAL_PAGES]) {
    let text = read(file);
    if (file.includes('payout-api/src/server.ts')) fill['${config.publicUrl}'] = 'http://127.0.0.1:4001';
    if (file.includes('payment-api/src/server.ts')) fill['${config.publicUrl}'] = 'http://127.0.0.1:4002';
    for (const [template, value] of Object.entries(fill)) if (value) text = text.replaceAll(template, value);
    if (file === 'scripts/sandbox.sh') {
      // The banner's URLs follow the ports; filled in with the defaults.
      text = text
        .replaceAll('$PUBLIC_PAYOUT_API_URL', 'http://127.0.0.1:4001')
        .replaceAll('$PUBLIC_SANDBOX_URL', 'http://127.0.0.1:4002')
        .replaceAll(':$merchant_port', ':4010')
        .replaceAll(':$admin_port', ':4011');
    }
    for (const match of text.matchAll(
      /https?:\/\/(?:127\.0\.0\.1|localhost):(?:4001|4002|4010|4011)\b[^\s)`'"<>|,]*/g,
    )) {
      const url = match[0].replace(/[.:;]+$/, '');
      // Templates and placeholders (po_…, {id}, $VAR, :id) are not addresses.
      if (/[…{}$]|\/:[a-z]/.test(url)) continue;
      found.push({ url, where: file });
    }
  }
  return found;
}

/** Portal paths → whether an App Router page serves them (route groups do not count). */
function portalServes(portal: string, path: string): boolean {
  const pages = walk(`apps/${portal}/src/app`, (f) => f.endsWith('/page.tsx')).map((f) =>
    `/${relative(`apps/${portal}/src/app`, dirname(f))}`
      .split('/')
      .filter((part) => part && !/^\(.*\)$/.test(part))
      .join('/'),
  );
  const wanted = path.split('?')[0]!.replace(/^\/+|\/+$/g, '');
  return pages.some((page) => page === wanted);
}

let payoutApi: payout.TestApi;
let paymentApi: payment.TestApi;
let key: string;

beforeAll(async () => {
  payoutApi = payout.startTestApi({ worker: false });
  paymentApi = payment.startTestApi({ workers: false });
  ({ key } = await payout.createTestMerchant(payoutApi.db, { scope: 'all' }));
});

afterAll(async () => {
  await payoutApi?.close();
  await paymentApi?.close();
});

describe('docs', () => {
  it('when a doc links a file or an anchor, then it exists inside the repository; nothing points at ../shared or a SPEC', () => {
    let links = 0;
    for (const file of MARKDOWN) {
      const text = read(file);
      expect(text, file).not.toMatch(/\.\.\/shared|SPEC\.md|\bthe SPEC\b/);
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!;
        if (/^(https?:|mailto:)/.test(target)) continue;
        links++;
        const [path = '', anchor] = target.split('#');
        const resolved = path ? resolve(REPO_ROOT, dirname(file), path) : join(REPO_ROOT, file);
        expect(resolved.startsWith(REPO_ROOT), `${file}: ${target} leaves the repository`).toBe(true);
        expect(existsSync(resolved), `${file}: ${target} does not exist`).toBe(true);
        if (anchor && resolved.endsWith('.md')) {
          expect(anchorsOf(relative(REPO_ROOT, resolved)).has(anchor), `${file}: #${anchor} is no heading`).toBe(true);
        }
      }
    }
    expect(links).toBeGreaterThan(20);
  });

  it('when README, docs, banners and portal pages name a local URL, then it is served', async () => {
    const urls = localUrls();
    const apis: Record<string, payout.TestApi['app']> = { '4001': payoutApi.app, '4002': paymentApi.app };
    let followed = 0;
    for (const { url, where } of urls) {
      const { port, pathname, search } = new URL(url);
      if (port === '4010' || port === '4011') {
        const portal = port === '4010' ? 'merchant-portal' : 'admin-portal';
        expect(portalServes(portal, pathname), `${where}: ${url}`).toBe(true);
        continue;
      }
      const app = apis[port];
      expect(app, `${where}: ${url} is on no API port`).toBeDefined();
      const res = await request(app!).get(`${pathname}${search}`).set('Authorization', `Bearer ${key}`).redirects(3);
      expect(res.status, `${where}: ${url} → ${res.status} ${JSON.stringify(res.body)}`).toBeLessThan(400);
      followed++;
    }
    expect(followed).toBeGreaterThanOrEqual(10);
    // The ones users were sent to when this test was written.
    const all = urls.map((u) => u.url);
    expect(all).toEqual(
      expect.arrayContaining([
        'http://127.0.0.1:4001/api/v1/docs',
        'http://127.0.0.1:4002/api/checkout/docs',
        'http://127.0.0.1:4001/api/v1/openapi.json',
      ]),
    );
  });

  it('when docs/scenarios.md lists the scenarios, then it is the seeded table', () => {
    const rows = read('docs/scenarios.md')
      .split('\n')
      .filter((line) => /^\| \d+ \|/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim().replaceAll('`', '')));
    expect(
      rows.map(([, n, key, mobile, bank, payoutOutcome, paymentOutcome, verifyOutcome]) => ({
        n: Number(n),
        key,
        mobile,
        bank,
        payoutOutcome,
        paymentOutcome,
        verifyOutcome,
      })),
    ).toEqual(
      SCENARIOS.map((s) => ({
        n: s.number,
        key: s.key,
        mobile: s.mobile,
        bank: s.bankAccount,
        payoutOutcome: s.payoutOutcome,
        paymentOutcome: s.paymentOutcome,
        verifyOutcome: s.verifyOutcome,
      })),
    );
  });

  it('when docs/errors.md lists the error codes, then every code is there once, with its one status', () => {
    const rows = read('docs/errors.md')
      .split('\n')
      .filter((line) => /^\| \d{3} \| `[A-Z_]+` \|/.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim().replaceAll('`', '')));
    const listed = rows.map(([, status, code]) => [code, Number(status)]);
    expect(listed.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, status] of listed)
      expect(status, String(code)).toBe(ERROR_STATUS[code as keyof typeof ERROR_STATUS]);
  });
});
