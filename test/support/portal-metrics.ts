import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricNames, sampleValue } from './metrics.ts';
import { freePort, type PortalName, type RunningPortal, startPortal } from './portal-server.ts';

/** The built portal's /metrics, on its own port and on METRICS_PORT (apps/*\/test/metrics.test.ts). */
export function describePortalMetrics(name: PortalName): void {
  let portal: RunningPortal;

  beforeAll(async () => {
    portal = await startPortal(name);
  }, 300_000);
  afterAll(async () => {
    await portal?.stop();
  });

  const scrape = async (url = `${portal.url}/metrics`) => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  describe(`${name} GET /metrics`, () => {
    it('when scraped, then it serves the HTTP, pool and process metrics', async () => {
      expect(metricNames(await scrape())).toEqual(
        expect.arrayContaining([
          'mypay_http_requests_total',
          'mypay_http_request_duration_seconds',
          'mypay_db_pool_connections',
          'mypay_db_up',
          'nodejs_eventloop_lag_seconds',
          'process_resident_memory_bytes',
        ]),
      );
    });

    it('when a page is requested, then its request counter moves', async () => {
      const labels = { method: 'GET', route: '/login', status: '200' };
      const before = sampleValue(await scrape(), 'mypay_http_requests_total', labels);
      expect((await fetch(`${portal.url}/login`)).status).toBe(200);
      await expect.poll(async () => sampleValue(await scrape(), 'mypay_http_requests_total', labels)).toBe(before + 1);
    });
  });

  describe(`${name} with METRICS_PORT`, () => {
    let separate: RunningPortal;
    let metricsPort: number;
    beforeAll(async () => {
      metricsPort = await freePort();
      separate = await startPortal(name, { METRICS_PORT: String(metricsPort) });
    }, 300_000);
    afterAll(async () => {
      await separate?.stop();
    });

    it('when METRICS_PORT is set, then /metrics is served there and not on the portal port', async () => {
      expect(await scrape(`http://127.0.0.1:${metricsPort}/metrics`)).toContain('mypay_db_pool_connections');
      expect((await fetch(`${separate.url}/metrics`)).status).toBe(404);
    });
  });
}
