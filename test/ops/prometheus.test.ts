import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
import { createDeliveryWorker, type DeliveryWorker } from '@mypay/core';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver, testSettings } from '../../packages/core/test/webhooks/support.ts';
import { buildApp as buildPaymentApp } from '../../services/payment-api/src/app.ts';
import { testConfig as paymentTestConfig } from '../../services/payment-api/test/support.ts';
import {
  client,
  createTestMerchant,
  payoutBody,
  startTestApi,
  type TestApi,
} from '../../services/payout-api/test/support.ts';
import { ensureDebianPackages, freePort, pollFor, REPO, removeDir, run, tempDir } from './support/ops.ts';

/**
 * ops/prometheus/ for real: promtool checks the scrape config and the rules and runs the rules'
 * unit tests; then Debian's Prometheus (loopback, its own port and temp storage) scrapes the two
 * APIs running in this process, and an alert goes pending/firing when a webhook receiver fails.
 * The alert rules are the shipped ones, with every `for:` shortened to 2 s (a test copy).
 */

const OPS = path.join(REPO, 'ops/prometheus');

beforeAll(async () => {
  await ensureDebianPackages('prometheus', 'prometheus-alertmanager');
}, 600_000);

describe('ops/prometheus with promtool', () => {
  it('when the scrape config is checked, then promtool accepts it and the rules it names', async () => {
    const res = await run('promtool', ['check', 'config', path.join(OPS, 'prometheus.yml')]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/SUCCESS: 1 rule files found/);
  });

  it('when the alert rules are checked, then promtool accepts every rule', async () => {
    const res = await run('promtool', ['check', 'rules', path.join(OPS, 'alerts.yml')]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('when the rules unit tests run, then every alert fires as the test file says', async () => {
    const res = await run('promtool', ['test', 'rules', path.join(OPS, 'tests/alerts.test.yml')]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/SUCCESS/);
  });

  it('when the Alertmanager config is checked, then amtool accepts it', async () => {
    const res = await run('amtool', ['check-config', path.join(OPS, 'alertmanager.yml')]);
    expect(res.code, res.stdout + res.stderr).toBe(0);
  });

  it('when the scrape config is read, then every app of the Compose stack is a target on its own port', async () => {
    const config = await readFile(path.join(OPS, 'prometheus.yml'), 'utf8');
    for (const target of ['payout-api:4001', 'payment-api:4002', 'merchant-portal:4010', 'admin-portal:4011']) {
      expect(config).toContain(`"${target}"`);
    }
    // Never through the edge: no target is nginx or a public port.
    const targets = [...config.matchAll(/targets: \[(.*)\]/g)].map((m) => m[1]).join(' ');
    expect(targets).not.toMatch(/nginx|:443"|:80"/);
  });
});

describe('Prometheus scraping the running APIs', () => {
  let dir: string;
  let payout: TestApi;
  let paymentServer: Server;
  let payoutServer: Server;
  let paymentClose: () => Promise<void>;
  let receiver: Receiver;
  let worker: DeliveryWorker;
  let prometheus: ChildProcess | undefined;
  let promUrl: string;
  let promLog = '';
  const endpointIds: string[] = [];

  const listen = (app: Parameters<typeof request>[0]) =>
    new Promise<Server>((resolve) => {
      const server = (app as unknown as { listen: (port: number, host: string, cb: () => void) => Server }).listen(
        0,
        '127.0.0.1',
        () => resolve(server),
      );
    });
  const portOf = (server: Server) => (server.address() as { port: number }).port;

  async function promQuery(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; data: { result: never[] } };
    expect(body.status).toBe('success');
    return body.data.result;
  }

  beforeAll(async () => {
    dir = await tempDir('prometheus');
    payout = startTestApi({ worker: false });
    payoutServer = await listen(payout.app);
    const { createDb } = await import('@mypay/db');
    const paymentConfig = paymentTestConfig();
    const paymentDb = createDb(paymentConfig.databaseUrl, { connectionLimit: 5 });
    paymentServer = await listen(buildPaymentApp(paymentConfig, { db: paymentDb }));
    paymentClose = async () => {
      await new Promise<void>((resolve) => paymentServer.close(() => resolve()));
      await paymentDb.close();
    };
    // A receiver that always fails, and a worker for this file's endpoints only (the database is shared).
    receiver = await startReceiver(() => 500);
    worker = createDeliveryWorker(payout.db, testSettings({ retryScheduleMs: [0, ...Array(30).fill(300)] }), {
      scope: { endpointIds },
    });
    worker.start();

    // The shipped rules with short `for:` so the test sees pending → firing in seconds.
    const rules = (await readFile(path.join(OPS, 'alerts.yml'), 'utf8')).replace(/for: \d+[smh]/g, 'for: 2s');
    await writeFile(path.join(dir, 'alerts.yml'), rules);
    const port = await freePort();
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 900ms }',
        'rule_files: [alerts.yml]',
        'scrape_configs:',
        `  - { job_name: payout-api, static_configs: [{ targets: ["127.0.0.1:${portOf(payoutServer)}"] }] }`,
        `  - { job_name: payment-api, static_configs: [{ targets: ["127.0.0.1:${portOf(paymentServer)}"] }] }`,
        '',
      ].join('\n'),
    );
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk) => {
      promLog += chunk;
    });
    await pollFor(async () => (await fetch(`${promUrl}/-/ready`)).ok, `prometheus ready\n${promLog}`, 60_000);
  }, 180_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise<void>((resolve) => prometheus!.once('exit', () => resolve()));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await worker?.stop();
    await receiver?.close();
    await new Promise<void>((resolve) => (payoutServer ? payoutServer.close(() => resolve()) : resolve()));
    await paymentClose?.();
    await payout?.close();
    await removeDir(dir);
  }, 60_000);

  it('when both APIs are scraped, then up is 1 for each and a payout shows in the domain counter', async () => {
    await expect
      .poll(async () => (await promQuery('up')).map((r) => `${r.metric.job}=${r.value[1]}`).sort(), {
        timeout: 30_000,
        interval: 500,
      })
      .toEqual(['payment-api=1', 'payout-api=1']);

    const merchant = await createTestMerchant(payout.db);
    const created = await client(payout.app, merchant.key).post('/payouts', payoutBody());
    expect(created.status).toBe(201);
    await expect
      .poll(
        async () =>
          (await promQuery('sum(mypay_payouts_created_total{job="payout-api", scenario="SUCCESS"})'))[0]?.value[1],
        { timeout: 30_000, interval: 500 },
      )
      .toMatch(/^[1-9]\d*$/);
    const dbUp = await promQuery('mypay_db_up');
    expect(dbUp.map((r) => r.value[1])).toEqual(['1', '1']);
  });

  it('when a webhook receiver fails every attempt, then MyPayWebhookEndpointFailing goes pending, then firing, for that endpoint', async () => {
    const merchant = await createTestMerchant(payout.db);
    const c = client(payout.app, merchant.key);
    const endpoint = await c.post('/webhook-endpoints', { url: receiver.url });
    expect(endpoint.status).toBe(201);
    endpointIds.push(endpoint.body.id);
    expect((await c.post('/payouts', payoutBody())).status).toBe(201);

    type Alert = { labels: Record<string, string>; state: string };
    const alertState = async () => {
      const res = await fetch(`${promUrl}/api/v1/alerts`);
      const body = (await res.json()) as { data: { alerts: Alert[] } };
      return body.data.alerts.find(
        (a) => a.labels.alertname === 'MyPayWebhookEndpointFailing' && a.labels.endpoint === endpoint.body.id,
      )?.state;
    };
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const state = await alertState();
          if (state) seen.add(state);
          return state;
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe('firing');
    expect(receiver.hits.length).toBeGreaterThan(1);
    const failed = await promQuery(
      `sum(mypay_webhook_delivery_attempts_total{endpoint="${endpoint.body.id}", result="RETRY_SCHEDULED"})`,
    );
    expect(Number(failed[0]?.value[1])).toBeGreaterThan(0);
    // The states it went through as Prometheus reported them (pending can be shorter than a poll).
    expect([...seen].every((s) => s === 'pending' || s === 'firing')).toBe(true);
  });
});
