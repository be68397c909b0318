import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, type RunningNginx, startNginx } from './support/nginx.ts';
import { type RunningServer, removeDir, run, startStandIn, tempDir } from './support/ops.ts';

/**
 * The per-address limit on portal logins (login-limit.conf): real nginx with the project's
 * config in front of portal stand-ins. Only POST /login counts; the page itself, other paths
 * and the API host are not touched by it.
 */

const DOMAIN = 'mypay.test';
const BURST = 3;

let dir: string;
let nginx: RunningNginx;
let merchantPortal: RunningServer;
let adminPortal: RunningServer;
let api: RunningServer;

beforeAll(async () => {
  dir = await tempDir('login-limit');
  [merchantPortal, adminPortal, api] = await Promise.all([
    startStandIn('merchant-portal', 'portal'),
    startStandIn('admin-portal', 'portal'),
    startStandIn('api', 'api'),
  ]);
  nginx = await startNginx(
    dir,
    DOMAIN,
    { payoutApi: api.port, paymentApi: api.port, merchantPortal: merchantPortal.port, adminPortal: adminPortal.port },
    // One post a minute refills the bucket: the burst is all a test run gets.
    { LOGIN_RATE_LIMIT: '1r/m', LOGIN_RATE_BURST: String(BURST) },
  );
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  await Promise.all([merchantPortal?.stop(), adminPortal?.stop(), api?.stop()]);
  await removeDir(dir);
});

/** `count` requests at once from one address; their status codes. */
async function burst(url: string, count: number, method: 'GET' | 'POST'): Promise<string[]> {
  const { hostname } = new URL(url);
  const targets = Array.from({ length: count }, () => [
    '-o',
    '/dev/null',
    `${url.replace(hostname, `${hostname}:${nginx.httpsPort}`)}`,
  ]).flat();
  const res = await run('curl', [
    '-s',
    '--parallel',
    '--parallel-immediate',
    '--parallel-max',
    String(count),
    '--cacert',
    nginx.certFile,
    '--resolve',
    `${hostname}:${nginx.httpsPort}:127.0.0.1`,
    '-X',
    method,
    ...(method === 'POST' ? ['--data', 'email=a%40b.c&password=x'] : []),
    '-w',
    '%{http_code}\n',
    ...targets,
  ]);
  return res.stdout.trim().split('\n');
}

describe('nginx: portal login posts per client address', () => {
  it('when one address posts the merchant login many times at once, then the excess is 429 without reaching the portal', async () => {
    const codes = await burst(`https://devportal.${DOMAIN}/login`, 20, 'POST');
    expect(codes).toHaveLength(20);
    // nodelay: the first post plus the burst go through, the rest are refused at once.
    expect(codes.filter((c) => c === '200').length).toBe(BURST + 1);
    expect(codes.filter((c) => c === '429').length).toBe(20 - BURST - 1);

    const refused = await curl(nginx, `https://devportal.${DOMAIN}/login`, { method: 'POST' });
    expect(refused.code).toBe(429);
    expect(refused.body).toContain('Too many sign-in attempts');
    expect(refused.headers['retry-after']).toEqual(['60']);
    expect(refused.headers['x-frame-options']).toEqual(['DENY']);
    expect(refused.headers['content-security-policy']).toEqual([expect.stringContaining("script-src 'none'")]);
  });

  it('when the same address then asks for the login page, another page or the admin login, then those are not limited', async () => {
    expect((await burst(`https://devportal.${DOMAIN}/login`, 10, 'GET')).every((c) => c === '200')).toBe(true);
    expect((await burst(`https://devportal.${DOMAIN}/payouts`, 10, 'POST')).every((c) => c === '200')).toBe(true);
    expect((await burst(`https://sandbox.${DOMAIN}/api/v1/health`, 5, 'GET')).every((c) => c === '200')).toBe(true);
    // One bucket per address for both portals: the merchant burst used it up.
    const admin = await curl(nginx, `https://devadmin.${DOMAIN}/login`, { method: 'POST' });
    expect(admin.code).toBe(429);
  });
});
