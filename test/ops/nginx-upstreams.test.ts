import { createSocket, type Socket } from 'node:dgram';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, type RunningNginx, startNginx } from './support/nginx.ts';
import { removeDir, tempDir } from './support/ops.ts';

/**
 * The project's nginx config when no app name resolves — what nginx sees in Docker while
 * rollback.sh --emergency has stopped the apps (a stopped container leaves Docker's DNS).
 * The upstreams are names under .invalid and the resolver is a loopback UDP port that
 * answers nothing, so every lookup fails. nginx must still start (names are looked up per
 * request, not at start) and answer with the maintenance page or the JSON 503.
 * test/ops/docker-stack.test.ts proves the same with the real containers.
 */

const DOMAIN = 'mypay.test';

let dir: string;
let nginx: RunningNginx;
let deadResolver: Socket;

beforeAll(async () => {
  dir = await tempDir('upstreams');
  // Bound and silent: queries sent here get no answer (the resolver times out).
  deadResolver = createSocket('udp4');
  await new Promise<void>((resolve) => deadResolver.bind(0, '127.0.0.1', resolve));
  nginx = await startNginx(
    dir,
    DOMAIN,
    { payoutApi: 1, paymentApi: 1, merchantPortal: 1, adminPortal: 1 },
    {
      PAYOUT_API_UPSTREAM: 'payout-api.invalid:4001',
      PAYMENT_API_UPSTREAM: 'payment-api.invalid:4002',
      MERCHANT_PORTAL_UPSTREAM: 'merchant-portal.invalid:4010',
      ADMIN_PORTAL_UPSTREAM: 'admin-portal.invalid:4011',
      RESOLVER: `127.0.0.1:${deadResolver.address().port}`,
    },
  );
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  deadResolver?.close();
  await removeDir(dir);
});

describe('nginx with upstream names that do not resolve', () => {
  it('when the maintenance flag is set, then every host answers 503 maintenance without a lookup', async () => {
    const flag = path.join(nginx.stateDir, 'maintenance.on');
    await writeFile(flag, 'test\n');
    try {
      const api = await curl(nginx, `https://sandbox.${DOMAIN}/api/v1/payouts`);
      expect(api.exitCode, api.stderr).toBe(0);
      expect(api.code).toBe(503);
      expect(JSON.parse(api.body).error.code).toBe('MAINTENANCE');
      expect(api.headers['retry-after']).toEqual(['300']);
      for (const host of ['devportal', 'devadmin']) {
        const portal = await curl(nginx, `https://${host}.${DOMAIN}/login`);
        expect(portal.code, host).toBe(503);
        expect(portal.body).toContain('under maintenance');
      }
    } finally {
      await rm(flag, { force: true });
    }
  });

  it('when an app cannot be looked up, then the API host answers a JSON 503 and the portals the maintenance page', async () => {
    const api = await curl(nginx, `https://sandbox.${DOMAIN}/api/v1/payouts`);
    expect(api.exitCode, api.stderr).toBe(0);
    expect(api.code).toBe(503);
    expect(JSON.parse(api.body).error.code).toBe('SERVICE_UNAVAILABLE');
    const portal = await curl(nginx, `https://devportal.${DOMAIN}/`);
    expect(portal.code).toBe(503);
    expect(portal.body).toContain('under maintenance');
  }, 30_000);
});
