import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addKey, createTestMerchant, startTestApi, type TestApi } from '../../../services/payout-api/test/support.ts';
import { runCli } from '../../../test/support/cli.ts';
import { destinationOf } from '../src/commands/resources.ts';

/** `mypay payouts create --iban …` and `--raast …` against the Payout API over real HTTP. */

let api: TestApi;
let server: http.Server;
let payoutUrl: string;
let key: string;

beforeAll(async () => {
  process.env.XDG_CONFIG_HOME = mkdtempSync(join(tmpdir(), 'mypay-cli-accounts-'));
  process.env.NO_COLOR = '1';
  api = startTestApi();
  server = http.createServer(api.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  payoutUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const merchant = await createTestMerchant(api.db, { balance: 10_000_000 });
  key = await addKey(api.db, merchant.merchantId, 'all');
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await api?.close();
});

const mypay = (...args: string[]) => runCli(['--api-key', key, '--base-url', payoutUrl, ...args]);

describe('mypay payouts create with an IBAN or a Raast ID', () => {
  it('picks the destination from exactly one of --account, --iban and --raast', () => {
    expect(destinationOf({ iban: 'pk72 nbpa 0012 3400 0000 0004' })).toEqual({
      type: 'iban',
      accountNumber: 'pk72 nbpa 0012 3400 0000 0004',
    });
    expect(destinationOf({ raast: '+923001234567' })).toEqual({ type: 'raast', accountNumber: '+923001234567' });
    expect(destinationOf({ account: '03001234567' })).toMatchObject({ type: 'wallet' });
    expect(destinationOf({ account: '1234567890' })).toMatchObject({ type: 'bank' });
    expect(destinationOf({ account: 'PK72NBPA0012340000000004' })).toMatchObject({ type: 'iban' });
    expect(() => destinationOf({})).toThrow(/exactly one/);
    expect(() => destinationOf({ iban: 'PK72NBPA0012340000000004', raast: '03001234567' })).toThrow(/exactly one/);
    expect(() => destinationOf({ iban: 'PK72NBPA0012340000000004', type: 'wallet' })).toThrow(/iban payout/);
  });

  it('when a payout is created with --iban in printed groups, then it is an iban payout to the bank of its code, with the scenario of its last digits', async () => {
    const res = await mypay(
      '--json',
      'payouts',
      'create',
      '--amount',
      '150000',
      '--iban',
      'pk72 nbpa 0012 3400 0000 0004',
    );
    expect(res.code).toBe(0);
    const payout = JSON.parse(res.stdout);
    expect(payout).toMatchObject({
      destination: { type: 'iban', provider: 'NBP', accountNumber: 'PK72NBPA0012340000000004' },
      scenario: 'ACCOUNT_BLOCKED',
      status: 'FAILED',
    });
    const human = await mypay('payouts', 'create', '--amount', '150000', '--iban', 'PK21HABB0012340000000001');
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('destination  iban HBL PK21HABB0012340000000001');
  });

  it('when a payout is created with --raast, then the mobile forms are accepted and normalised', async () => {
    const res = await mypay('--json', 'payouts', 'create', '--amount', '150000', '--raast', '+923001234567');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      destination: { type: 'raast', accountNumber: '03001234567' },
      status: 'COMPLETED',
    });
  });

  it('when the IBAN has wrong check digits or a provider of another bank, then exit 1 and the rule is named', async () => {
    const typo = await mypay('payouts', 'create', '--amount', '150000', '--iban', 'PK72NBPA0012340000000005');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('INVALID_IBAN_CHECKSUM');
    const mismatch = await mypay(
      'payouts',
      'create',
      '--amount',
      '150000',
      '--iban',
      'PK21HABB0012340000000001',
      '--provider',
      'UBL',
    );
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('destination.provider');
    // Usage errors: exit 2, nothing sent.
    expect((await mypay('payouts', 'create', '--amount', '150000')).code).toBe(2);
    expect(
      (
        await mypay(
          'payouts',
          'create',
          '--amount',
          '1',
          '--iban',
          'PK21HABB0012340000000001',
          '--raast',
          '03001234567',
        )
      ).code,
    ).toBe(2);
  });
});
