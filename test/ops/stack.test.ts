import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScratchDatabase } from '../support/scratch-db.ts';
import { accessLog, curl, type RunningNginx, startNginx, writeBody } from './support/nginx.ts';
import {
  createOpsDatabase,
  freePort,
  REPO,
  type RunningServer,
  removeDir,
  run,
  startService,
  startStandIn,
  tempDir,
} from './support/ops.ts';

/**
 * The edge and the health check against locally started processes: real nginx (the project's
 * rendered config, self-signed certificate, high ports) in front of the real Payout API and
 * Payment API on a scratch database. The portals are stand-ins (small Node servers that answer
 * like a portal: 307 to /login) because building Next here takes minutes and the portals have
 * their own browser tests. Routing is proven from nginx's own JSON access log: each request id
 * must show the upstream port of the intended service.
 */

const DOMAIN = 'mypay.test';
const SANDBOX = `https://sandbox.${DOMAIN}`;
const DEVPORTAL = `https://devportal.${DOMAIN}`;
const DEVADMIN = `https://devadmin.${DOMAIN}`;

let dir: string;
let database: ScratchDatabase;
let payoutApi: RunningServer;
let paymentApi: RunningServer;
let merchantPortal: RunningServer;
let adminPortal: RunningServer;
let nginx: RunningNginx;
let requestCounter = 0;

beforeAll(async () => {
  dir = await tempDir('stack');
  database = await createOpsDatabase(true);
  const env = { DATABASE_URL: database.url, SCENARIO_DELAY_SCALE: '0.01' };
  payoutApi = await startService('@mypay/payout-api', env);
  paymentApi = await startService('@mypay/payment-api', env);
  merchantPortal = await startStandIn('merchant-portal', 'portal');
  adminPortal = await startStandIn('admin-portal', 'portal');
  nginx = await startNginx(
    dir,
    DOMAIN,
    {
      payoutApi: payoutApi.port,
      paymentApi: paymentApi.port,
      merchantPortal: merchantPortal.port,
      adminPortal: adminPortal.port,
    },
    // Low enough that the rate-limit test trips it with one burst, high enough for the rest.
    { API_RATE_LIMIT: '5r/s', API_RATE_BURST: '30' },
  );
}, 240_000);

afterAll(async () => {
  await nginx?.stop();
  await Promise.all([payoutApi?.stop(), paymentApi?.stop(), merchantPortal?.stop(), adminPortal?.stop()]);
  await database?.drop();
  await removeDir(dir);
}, 60_000);

function nextRequestId(): string {
  requestCounter += 1;
  return `ops-test-${process.pid}-${requestCounter}`;
}

/** The upstream port nginx logged for one request id, or '' when nginx answered itself. */
async function upstreamPortOf(host: string, requestId: string): Promise<string> {
  const entry = (await accessLog(nginx, host)).find((line) => line.requestId === requestId);
  expect(entry, `no ${host} access log line for ${requestId}`).toBeDefined();
  return String(entry!.upstream).split(':').pop() ?? '';
}

describe('nginx in front of the local services', () => {
  it('when a Payout API path is requested on the sandbox host, then payout-api answers over HTTPS', async () => {
    const requestId = nextRequestId();
    const res = await curl(nginx, `${SANDBOX}/api/v1/health`, { headers: { 'X-Request-Id': requestId } });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.code).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', db: 'up' });
    expect(await upstreamPortOf('sandbox', requestId)).toBe(String(payoutApi.port));
  });

  it('when the real APIs answer through nginx, then their JSON errors keep the caller request id', async () => {
    const requestId = nextRequestId();
    const res = await curl(nginx, `${SANDBOX}/api/v1/balance`, { headers: { 'X-Request-Id': requestId } });
    expect(res.code).toBe(401);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'UNAUTHENTICATED', requestId });
    expect(res.headers['x-request-id']).toEqual([requestId]);
  });

  it.each([
    ['POST', '/api/checkout/create'],
    ['GET', '/checkouts/cs_missing'],
    ['GET', '/checkout/cs_missing'],
    ['POST', '/payment/complete'],
    ['GET', '/transactions?limit=1'],
    ['GET', '/request-logs?limit=1'],
    ['POST', '/webhooks/test'],
    ['GET', '/health'],
  ])('when %s %s is requested on the sandbox host, then payment-api answers', async (method, route) => {
    const requestId = nextRequestId();
    const res = await curl(nginx, `${SANDBOX}${route}`, { method, headers: { 'X-Request-Id': requestId } });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.code).toBeGreaterThanOrEqual(200);
    expect(res.code).toBeLessThan(500);
    expect(await upstreamPortOf('sandbox', requestId)).toBe(String(paymentApi.port));
  });

  it('when a path outside the SPEC routes is requested on the sandbox host, then nginx answers a JSON 404 itself', async () => {
    const requestId = nextRequestId();
    const res = await curl(nginx, `${SANDBOX}/internal/admin`, { headers: { 'X-Request-Id': requestId } });
    expect(res.code).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'NOT_FOUND', message: 'No such route', requestId } });
    expect(await upstreamPortOf('sandbox', requestId)).toBe('');
  });

  it('when /metrics is asked for on any public host, then nginx answers 404 itself and no app sees it', async () => {
    // Each API serves it on its own port (Prometheus scrapes there, inside the network)…
    for (const api of [payoutApi, paymentApi]) {
      const direct = await fetch(`${api.url}/metrics`);
      expect(direct.status, api.name).toBe(200);
      expect(await direct.text()).toContain('mypay_http_requests_total');
    }
    // …and the edge never routes it: the portal stand-ins would answer 200 to anything.
    const attempts: [string, string][] = [
      ['sandbox', `${SANDBOX}/metrics`],
      ['sandbox', `${SANDBOX}/metrics/`],
      ['sandbox', `${SANDBOX}/api/v1/metrics`],
      ['devportal', `${DEVPORTAL}/metrics`],
      ['devportal', `${DEVPORTAL}/metrics?name=x`],
      ['devadmin', `${DEVADMIN}/metrics`],
      ['devadmin', `${DEVADMIN}/metrics/`],
    ];
    for (const [host, url] of attempts) {
      const requestId = nextRequestId();
      const res = await curl(nginx, url, { headers: { 'X-Request-Id': requestId } });
      expect(res.code, url).toBe(404);
      expect(res.body, url).not.toContain('mypay_');
      expect(await upstreamPortOf(host, requestId), url).toBe('');
    }
  });

  it('when the devportal and devadmin hosts are requested, then each reaches its own portal', async () => {
    const portalId = nextRequestId();
    const portal = await curl(nginx, `${DEVPORTAL}/`, { headers: { 'X-Request-Id': portalId } });
    expect(portal.code).toBe(307);
    expect(await upstreamPortOf('devportal', portalId)).toBe(String(merchantPortal.port));

    const adminId = nextRequestId();
    const admin = await curl(nginx, `${DEVADMIN}/`, { headers: { 'X-Request-Id': adminId } });
    expect(admin.code).toBe(307);
    expect(await upstreamPortOf('devadmin', adminId)).toBe(String(adminPortal.port));
  });

  it('when a caller sends X-Request-Id, then the upstream and the response carry that one id', async () => {
    const requestId = nextRequestId();
    const res = await curl(nginx, `${DEVPORTAL}/dashboard`, { headers: { 'X-Request-Id': requestId } });
    expect(JSON.parse(res.body).requestId).toBe(requestId);
    expect(res.headers['x-request-id']).toEqual([requestId]);
  });

  it('when a caller sends no X-Request-Id, then nginx makes one and passes it upstream', async () => {
    const res = await curl(nginx, `${DEVADMIN}/merchants`);
    const sent = res.headers['x-request-id'] ?? [];
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(res.body).requestId).toBe(sent[0]);
  });

  it('when any host answers, then the security headers are present', async () => {
    for (const url of [`${SANDBOX}/health`, `${DEVPORTAL}/`, `${DEVADMIN}/`]) {
      const res = await curl(nginx, url);
      expect(res.headers['strict-transport-security'], url).toEqual(['max-age=63072000; includeSubDomains']);
      expect(res.headers['x-content-type-options'], url).toEqual(['nosniff']);
      expect(res.headers['referrer-policy'], url).toEqual(['strict-origin-when-cross-origin']);
      expect(res.headers['x-frame-options'], url).toEqual(['DENY']);
      expect(res.headers['content-security-policy']?.join(' '), url).toContain("frame-ancestors 'none'");
      expect(res.headers.server, url).toEqual(['nginx']);
    }
    // On the portal hosts nginx's policy never mentions scripts (no script-src, no default-src
    // they would fall back to): the portal's own policy, with its per-request nonce, decides them.
    for (const url of [`${DEVPORTAL}/`, `${DEVADMIN}/`]) {
      const policies = (await curl(nginx, url)).headers['content-security-policy'] ?? [];
      expect(policies, url).toHaveLength(1);
      expect(policies[0], url).toContain("object-src 'none'");
      expect(policies[0], url).not.toMatch(/script-src|default-src|unsafe-inline/);
    }
  });

  it('when a host is requested over plain HTTP, then it gets a 301 to the same URL over HTTPS', async () => {
    for (const host of ['sandbox', 'devportal', 'devadmin']) {
      const res = await curl(nginx, `http://${host}.${DOMAIN}/api/v1/payouts?limit=2`);
      expect(res.code, host).toBe(301);
      expect(res.headers.location, host).toEqual([`https://${host}.${DOMAIN}/api/v1/payouts?limit=2`]);
    }
  });

  it('when an ACME challenge is requested over plain HTTP, then it is served, not redirected', async () => {
    const challenge = path.join(nginx.dir, 'acme', '.well-known', 'acme-challenge');
    await mkdir(challenge, { recursive: true });
    await writeFile(path.join(challenge, 'token-123'), 'token-123.key-auth');
    const res = await curl(nginx, `http://sandbox.${DOMAIN}/.well-known/acme-challenge/token-123`);
    expect(res.code).toBe(200);
    expect(res.body).toBe('token-123.key-auth');
  });

  it('when a 2 MB body is sent, then nginx answers 413 (JSON on the API host) before any upstream sees it', async () => {
    const file = path.join(nginx.dir, 'two-megabytes.json');
    await writeBody(file, 2 * 1024 * 1024);
    const requestId = nextRequestId();
    const api = await curl(nginx, `${SANDBOX}/api/v1/payouts`, {
      method: 'POST',
      dataFile: file,
      headers: { 'X-Request-Id': requestId },
    });
    expect(api.code).toBe(413);
    expect(JSON.parse(api.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await upstreamPortOf('sandbox', requestId)).toBe('');

    const portal = await curl(nginx, `${DEVPORTAL}/login`, { method: 'POST', dataFile: file });
    expect(portal.code).toBe(413);
  });

  it('when the host name is unknown, then HTTPS refuses the handshake and HTTP closes without answering', async () => {
    const tls = await curl(nginx, `https://unknown.${DOMAIN}/`);
    expect(tls.code).toBe(0);
    expect(tls.exitCode).toBe(35); // CURLE_SSL_CONNECT_ERROR: ssl_reject_handshake
    const plain = await curl(nginx, `http://unknown.${DOMAIN}/`);
    expect(plain.code).toBe(0);
    expect(plain.exitCode).toBe(52); // CURLE_GOT_NOTHING: return 444
  });

  it('when a client offers only TLS 1.1, then the handshake fails; TLS 1.2 and 1.3 succeed', async () => {
    const handshake = (flag: string) =>
      run('openssl', [
        's_client',
        '-connect',
        `127.0.0.1:${nginx.httpsPort}`,
        '-servername',
        `sandbox.${DOMAIN}`,
        flag,
        '-cipher',
        'DEFAULT@SECLEVEL=0',
        '-CAfile',
        nginx.certFile,
      ]);
    const tls11 = await handshake('-tls1_1');
    expect(tls11.code).not.toBe(0);
    // The server's refusal (alert 70), not a client-side limitation.
    expect(tls11.stderr).toMatch(/alert protocol version/);
    expect(tls11.stdout).toContain('Cipher is (NONE)');
    const tls12 = await handshake('-tls1_2');
    expect(tls12.code, tls12.stderr).toBe(0);
    expect(tls12.stdout).toMatch(/Protocol\s*: TLSv1\.2/);
    const tls13 = await handshake('-tls1_3');
    expect(tls13.code, tls13.stderr).toBe(0);
    expect(tls13.stdout).toMatch(/TLSv1\.3/);
  });

  it('when rollback.sh --emergency --local runs, then every host shows maintenance until --resume', async () => {
    const env = { NGINX_STATE_DIR: nginx.stateDir };
    const resume = () => run(path.join(REPO, 'scripts/rollback.sh'), ['--resume', '--local'], { env });
    try {
      const on = await run(path.join(REPO, 'scripts/rollback.sh'), ['--emergency', '--local', '--yes'], { env });
      expect(on.code, on.stderr).toBe(0);

      const api = await curl(nginx, `${SANDBOX}/api/v1/health`);
      expect(api.code).toBe(503);
      expect(JSON.parse(api.body).error.code).toBe('MAINTENANCE');
      expect(api.headers['retry-after']).toEqual(['300']);
      const portal = await curl(nginx, `${DEVPORTAL}/`);
      expect(portal.code).toBe(503);
      expect(portal.body).toContain('under maintenance');
      expect(portal.headers['x-frame-options']).toEqual(['DENY']);
      // nginx's own page runs no script.
      expect(portal.headers['content-security-policy']).toEqual([expect.stringContaining("script-src 'none'")]);

      const off = await resume();
      expect(off.code, off.stderr).toBe(0);
      expect((await curl(nginx, `${SANDBOX}/api/v1/health`)).code).toBe(200);
    } finally {
      // A failed assertion above must not leave maintenance on for the tests after this one.
      await resume();
      await rm(path.join(nginx.stateDir, 'maintenance.on'), { force: true });
    }
  });

  it('when one client sends a burst far above the API rate, then the excess gets a JSON 429 from nginx', async () => {
    const targets = Array.from({ length: 80 }, (_, i) => [
      '-o',
      '/dev/null',
      `${SANDBOX}:${nginx.httpsPort}/api/v1/health?n=${i}`,
    ]).flat();
    const res = await run('curl', [
      '-s',
      '--parallel',
      '--parallel-immediate',
      '--parallel-max',
      '80',
      '--cacert',
      nginx.certFile,
      '--resolve',
      `sandbox.${DOMAIN}:${nginx.httpsPort}:127.0.0.1`,
      '-w',
      '%{http_code}\n',
      ...targets,
    ]);
    const codes = res.stdout.trim().split('\n');
    expect(codes).toHaveLength(80);
    expect(codes.filter((c) => c === '429').length).toBeGreaterThan(0);
    expect(codes.filter((c) => c === '200').length).toBeGreaterThan(0);
    const limited = await curl(nginx, `${SANDBOX}/api/v1/health`);
    if (limited.code === 429) {
      expect(JSON.parse(limited.body).error.code).toBe('RATE_LIMITED');
      expect(limited.headers['retry-after']).toEqual(['1']);
    }
    const logged = (await accessLog(nginx, 'sandbox')).filter((l) => l.status === 429);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((l) => l.upstream === '')).toBe(true);
  });
});

describe('health-check.sh --local', () => {
  const script = path.join(REPO, 'scripts/health-check.sh');
  let logDir: string;

  beforeAll(async () => {
    logDir = path.join(dir, 'app-logs');
    await mkdir(logDir, { recursive: true });
  });

  function localEnv(overrides: Record<string, string> = {}) {
    return {
      PAYOUT_API_URL: payoutApi.url,
      PAYMENT_API_URL: paymentApi.url,
      MERCHANT_PORTAL_URL: merchantPortal.url,
      ADMIN_PORTAL_URL: adminPortal.url,
      DATABASE_URL: database.url,
      HEALTH_LOG_DIR: logDir,
      // Shared CI machines: only a nearly full disk should fail this run.
      HEALTH_DISK_MIN_FREE_MB: '64',
      HEALTH_MEM_MIN_AVAILABLE_MB: '32',
      ...overrides,
    };
  }

  it('when every process and the database are up, then all checks pass and it exits 0', async () => {
    const res = await run(script, ['--local'], { env: localEnv() });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    for (const component of [
      'payout-api',
      'payment-api',
      'merchant-portal',
      'admin-portal',
      'database',
      'disk',
      'memory',
      'logs',
    ]) {
      expect(res.stdout).toMatch(new RegExp(`^${component}\\s+PASS`, 'm'));
    }
    expect(res.stdout).toContain('RESULT: PASS');
  });

  it('when asked for --json, then it prints one JSON object with every check', async () => {
    const res = await run(script, ['--local', '--json'], { env: localEnv() });
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({ ok: true, mode: 'local', failed: [] });
    expect(report.checks.map((c: { component: string }) => c.component)).toEqual([
      'payout-api',
      'payment-api',
      'merchant-portal',
      'admin-portal',
      'database',
      'disk',
      'memory',
      'logs',
    ]);
  });

  it('when the logs hold recent error lines, then the logs check warns without failing the run', async () => {
    const errorLine = JSON.stringify({ level: 50, time: Date.now(), msg: 'something broke' });
    await writeFile(path.join(logDir, 'payout-api.log'), `${errorLine}\n`);
    const res = await run(script, ['--local'], { env: localEnv() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^logs\s+WARN\s+1 error lines/m);
    const many = await run(script, ['--local'], { env: localEnv({ HEALTH_LOG_MAX_ERRORS: '0' }) });
    expect(many.code).toBe(1);
    expect(many.stdout).toContain('RESULT: FAIL — logs');
    await writeFile(path.join(logDir, 'payout-api.log'), '');
  });

  it('when the database port is dead, then it exits non-zero and names the database', async () => {
    const deadPort = await freePort();
    const res = await run(script, ['--local', '--json'], {
      env: localEnv({ DATABASE_URL: `mysql://root@127.0.0.1:${deadPort}/${database.name}` }),
    });
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout);
    expect(report.failed).toEqual(['database']);
    const table = await run(script, ['--local'], {
      env: localEnv({ DATABASE_URL: `mysql://root@127.0.0.1:${deadPort}/${database.name}` }),
    });
    expect(table.stdout).toContain('RESULT: FAIL — database');
  });

  // Last: stops the real payout-api for good.
  it('when payout-api is stopped, then it exits non-zero and names payout-api', async () => {
    await payoutApi.stop();
    const res = await run(script, ['--local'], { env: localEnv() });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^payout-api\s+FAIL\s+not reachable/m);
    expect(res.stdout).toContain('RESULT: FAIL — payout-api');
    const json = JSON.parse((await run(script, ['--local', '--json'], { env: localEnv() })).stdout);
    expect(json.failed).toEqual(['payout-api']);
  });
});
