import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BANKS, checkIban, normalizeMobile, scenarioNumberOf } from '@mypay/contracts';
import { SCENARIOS } from '@mypay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestMerchant,
  payoutBody,
  startTestApi,
  type TestApi,
} from '../../services/payout-api/test/support.ts';
import { REPO_ROOT } from '../support/portal-server.ts';

/**
 * docs/scenarios.md lists one example IBAN per scenario: each must be a valid IBAN of the bank it is
 * listed with, carry its scenario's number in its last 10 digits, and make a payout of that scenario.
 */

const page = readFileSync(join(REPO_ROOT, 'docs/scenarios.md'), 'utf8');
const listed = page
  .split('\n')
  .map((line) => /^\| (\d+) `([A-Z_]+)` \| `(PK\w+)` \| (\w+) \|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null)
  .map(([, n, key, iban, bank]) => ({ n: Number(n), key: key!, iban: iban!, bank: bank! }));

let api: TestApi;
beforeAll(() => {
  api = startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('docs/scenarios.md example IBANs', () => {
  it('when the page lists its example IBANs, then there is one per scenario, in order', () => {
    expect(listed.map((row) => [row.n, row.key])).toEqual(SCENARIOS.map((s) => [s.number, s.key]));
  });

  it.each(listed)(
    'when IBAN $iban is listed for scenario $n, then it is valid, of bank $bank, and carries that scenario',
    (row) => {
      const checked = checkIban(
        row.iban,
        BANKS.map((b) => b.ibanCode),
      );
      expect(checked).toMatchObject({ ok: true });
      if (!checked.ok) return;
      expect(BANKS.find((b) => b.ibanCode === checked.parts.bankCode)?.code).toBe(row.bank);
      const scenario = SCENARIOS.find((s) => s.number === row.n)!;
      expect(scenarioNumberOf('iban', checked.parts.iban)).toEqual({ kind: 'bank', number: scenario.bankAccount });
      // One mistyped digit breaks the check digits.
      const typo = row.iban.slice(0, -1) + String((Number(row.iban.slice(-1)) + 1) % 10);
      expect(checkIban(typo)).toMatchObject({ ok: false, problem: { code: 'INVALID_IBAN_CHECKSUM' } });
    },
  );

  it('when a payout is sent to each listed IBAN, then it behaves as its scenario (3 and 7 refused at create)', async () => {
    const m = await createTestMerchant(api.db, { balance: 10_000_000 });
    const c = client(api.app, m.key);
    for (const row of listed) {
      const res = await c.post('/payouts', payoutBody({ destination: { type: 'iban', accountNumber: row.iban } }));
      if (row.key === 'ACCOUNT_NOT_FOUND') {
        expect([row.key, res.status, res.body.error?.code]).toEqual([row.key, 422, 'ACCOUNT_NOT_FOUND']);
      } else if (row.key === 'PROVIDER_UNAVAILABLE') {
        expect([row.key, res.status, res.body.error?.code]).toEqual([row.key, 503, 'PROVIDER_UNAVAILABLE']);
      } else {
        expect([row.key, res.status, res.body.scenario, res.body.destination.provider]).toEqual([
          row.key,
          201,
          row.key,
          row.bank,
        ]);
      }
    }
  });

  it('when the page names Raast IDs, then they normalise and follow the mobile scenarios', async () => {
    expect(page).toContain('`+923000000004` (= `03000000004`)');
    expect(normalizeMobile('+923000000004')).toBe('03000000004');
    const m = await createTestMerchant(api.db, { balance: 10_000_000 });
    const c = client(api.app, m.key);
    const blocked = await c.post(
      '/payouts',
      payoutBody({ destination: { type: 'raast', accountNumber: '+923000000004' } }),
    );
    expect(blocked.status).toBe(201);
    expect(blocked.body).toMatchObject({ scenario: 'ACCOUNT_BLOCKED', destination: { accountNumber: '03000000004' } });
    const unknown = await c.post(
      '/payouts',
      payoutBody({ destination: { type: 'raast', accountNumber: '03000000003' } }),
    );
    expect([unknown.status, unknown.body.error?.code]).toEqual([422, 'ACCOUNT_NOT_FOUND']);
    const ok = await c.post('/payouts', payoutBody({ destination: { type: 'raast', accountNumber: '+923001234567' } }));
    expect(ok.body).toMatchObject({ scenario: 'SUCCESS' });
  });
});
