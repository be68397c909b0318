import { mkdtempSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClockStep } from '../../packages/cli/src/commands/clocks.ts';
import { MyPay } from '../../packages/sdk/src/index.ts';
import * as payment from '../../services/payment-api/test/support.ts';
import { addKey, createTestMerchant, startTestApi, type TestApi } from '../../services/payout-api/test/support.ts';
import { runCli } from '../support/cli.ts';
import { type Listening, listen } from '../support/ports.ts';

/** `mypay clocks …`, `mypay trigger … --clock` and the SDK's testClocks, against both APIs over real HTTP. */

let api: TestApi;
let pay: payment.TestApi;
const servers: Listening[] = [];
let payoutUrl: string;
let paymentUrl: string;
let key: string;

async function listenAt(app: http.RequestListener): Promise<string> {
  const server = await listen(app);
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'mypay-clocks-cli-'));
  process.env.NO_COLOR = '1';
  api = startTestApi({ env: { SCENARIO_DELAY_SCALE: '1' } });
  pay = payment.startTestApi({ env: { SCENARIO_DELAY_SCALE: '1' } });
  payoutUrl = await listenAt(api.app);
  paymentUrl = await listenAt(pay.app);
  const merchant = await createTestMerchant(api.db, { balance: 1_000_000 });
  key = await addKey(api.db, merchant.merchantId, 'all');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await pay?.close();
  await api?.close();
});

/** Runs the CLI in this process against both APIs; stdout is captured. */
const mypay = (...args: string[]) =>
  runCli(['--api-key', key, '--base-url', payoutUrl, '--payment-base-url', paymentUrl, ...args]);

describe('mypay clocks', () => {
  it('parses steps like 30m, 2h, 1h30m and plain seconds, and refuses anything else', () => {
    expect(parseClockStep('30m')).toBe(1_800);
    expect(parseClockStep('2h')).toBe(7_200);
    expect(parseClockStep('1h30m')).toBe(5_400);
    expect(parseClockStep('31s')).toBe(31);
    expect(parseClockStep('1d')).toBe(86_400);
    expect(parseClockStep('90')).toBe(90);
    for (const bad of ['', '0', '-5m', '2 hours', '5x', '1h 30m']) expect(() => parseClockStep(bad), bad).toThrow();
  });

  it('when a TIMEOUT payout is triggered on a clock and the clock advanced 31s, then it has failed and the clock moved exactly that far', async () => {
    const created = await mypay('--json', 'clocks', 'create', '--name', 'cli');
    expect(created.code).toBe(0);
    const clock = JSON.parse(created.stdout);
    expect(clock).toMatchObject({ name: 'cli', status: 'ready' });

    const triggered = await mypay('--json', 'trigger', 'TIMEOUT', '--clock', clock.id);
    expect(triggered.code).toBe(0);
    const { payout } = JSON.parse(triggered.stdout);
    expect(payout).toMatchObject({ status: 'PROCESSING', testClock: clock.id, createdAt: clock.frozenTime });

    const advanced = await mypay('--json', 'clocks', 'advance', clock.id, '31s');
    expect(advanced.code).toBe(0);
    expect(JSON.parse(advanced.stdout).frozenTime).toBe(new Date(Date.parse(clock.frozenTime) + 31_000).toISOString());
    const after = JSON.parse((await mypay('--json', 'payouts', 'get', payout.id)).stdout);
    expect(after).toMatchObject({ status: 'FAILED', failure: { code: 'PROVIDER_TIMEOUT' } });

    const listed = await mypay('clocks', 'list');
    expect(listed.stdout).toContain(clock.id);
    const human = await mypay('clocks', 'advance', clock.id, '2h');
    expect(human.stdout).toMatch(/^Advanced clk_\S+ from \S+ to \S+/);
    expect((await mypay('clocks', 'delete', clock.id)).code).toBe(0);
    // An API error (the clock is gone) is exit 1; a usage error exit 2.
    expect((await mypay('clocks', 'get', clock.id)).code).toBe(1);
    expect((await mypay('clocks', 'advance', clock.id)).code).toBe(2);
    expect((await mypay('clocks', 'advance', clock.id, 'soon')).code).toBe(2);
    expect((await mypay('trigger', 'TIMEOUT', '--clock', clock.id, '--wait')).code).toBe(2);
  });

  it('when a checkout expiry is triggered on a clock, then the checkout expires once the clock passes a minute', async () => {
    const clock = JSON.parse((await mypay('--json', 'clocks', 'create')).stdout);
    const triggered = await mypay('--json', 'trigger', 'checkout.expired', '--clock', clock.id);
    expect(triggered.code).toBe(0);
    const { checkout } = JSON.parse(triggered.stdout);
    expect(checkout).toMatchObject({ status: 'OPEN', testClock: clock.id });
    expect((await mypay('clocks', 'advance', clock.id, '1m')).code).toBe(0);
    const sdk = new MyPay({ apiKey: key, baseUrl: payoutUrl, paymentBaseUrl: paymentUrl });
    expect((await sdk.checkouts.get(checkout.id)).status).toBe('EXPIRED');
  });

  it('when the SDK drives a clock, then create, get, list, advance and delete answer typed objects and errors', async () => {
    const sdk = new MyPay({ apiKey: key, baseUrl: payoutUrl, paymentBaseUrl: paymentUrl });
    const clock = await sdk.testClocks.create({ name: 'sdk', frozenTime: '2030-01-01T00:00:00.000Z' });
    expect(await sdk.testClocks.get(clock.id)).toEqual(clock);
    expect((await sdk.testClocks.list({ limit: 100 })).data.map((c) => c.id)).toContain(clock.id);
    const moved = await sdk.testClocks.advance(clock.id, { frozenTime: '2030-01-01T02:00:00.000Z' });
    expect(moved.frozenTime).toBe('2030-01-01T02:00:00.000Z');
    await expect(sdk.testClocks.advance(clock.id, { frozenTime: '2030-01-01T01:00:00.000Z' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
    });
    expect(await sdk.testClocks.delete(clock.id)).toEqual({ id: clock.id, deleted: true });
    await expect(sdk.testClocks.get(clock.id)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
