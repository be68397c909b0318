import { BANKS, makeIban } from '@mypay/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  balanceRow,
  client,
  createTestMerchant,
  payoutBody,
  startTestApi,
  type TestApi,
  type TestMerchant,
  testConfig,
} from './support.ts';

let api: TestApi;
let merchant: TestMerchant;

beforeAll(async () => {
  api = startTestApi();
  merchant = await createTestMerchant(api.db, { balance: 10_000_000 });
});
afterAll(async () => {
  await api?.close();
});

const as = (m: TestMerchant) => client(api.app, m.key);
const HBL_IBAN = makeIban('HABB', '0012345678901234');
/** Printed the way a bank statement shows it: lower case here, in groups of four. */
const spaced = (iban: string) =>
  iban
    .toLowerCase()
    .replace(/(.{4})/g, '$1 ')
    .trim();
const wrongCheckDigits = (iban: string) => `PK${iban.slice(2, 4) === '10' ? '11' : '10'}${iban.slice(4)}`;

describe('GET /directory/banks', () => {
  it('when listing banks, then each carries its real IBAN bank code', async () => {
    const res = await as(merchant).get('/directory/banks');
    expect(res.status).toBe(200);
    const codes = Object.fromEntries(
      res.body.data.map((b: { code: string; ibanCode: string }) => [b.code, b.ibanCode]),
    );
    expect(codes).toEqual({
      ABL: 'ABPA',
      ASKARI: 'ASCM',
      BAFL: 'ALFH',
      BAHL: 'BAHL',
      FAYSAL: 'FAYS',
      HBL: 'HABB',
      JSBL: 'JSBL',
      MCB: 'MUCB',
      MEEZAN: 'MEZN',
      NBP: 'NBPA',
      SCB: 'SCBL',
      UBL: 'UNIL',
    });
  });
});

describe('IBAN payouts', () => {
  it('when the IBAN is valid, in lower case with spaces and without provider, then 201 with the normalised IBAN and its bank', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    const res = await as(m).post(
      '/payouts',
      payoutBody({
        amount: 50_000,
        destination: { type: 'iban', accountNumber: spaced(HBL_IBAN), accountTitle: 'Ali' },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'COMPLETED',
      scenario: 'SUCCESS',
      destination: { type: 'iban', provider: 'HBL', accountNumber: HBL_IBAN, accountTitle: 'Ali' },
    });
    const stored = await api.db.pool.query('SELECT destinationType, provider, accountNumber FROM Payout WHERE id = ?', [
      res.body.id,
    ]);
    expect(stored[0]).toEqual({ destinationType: 'iban', provider: 'HBL', accountNumber: HBL_IBAN });
    const fetched = await as(m).get(`/payouts/${res.body.id}`);
    expect(fetched.body.destination.accountNumber).toBe(HBL_IBAN);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 950_000, pending: 0 });
  });

  it.each(BANKS.map((bank) => [bank.code, bank.ibanCode] as const))(
    'when the IBAN has the %s bank code %s and names that provider, then 201',
    async (code, ibanCode) => {
      const res = await as(merchant).post(
        '/payouts',
        payoutBody({
          destination: { type: 'iban', provider: code, accountNumber: makeIban(ibanCode, '1000000000000001') },
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body.destination.provider).toBe(code);
    },
  );

  it('when an HBL IBAN is sent with provider UBL, then 400 VALIDATION_ERROR naming destination.provider, nothing debited', async () => {
    const m = await createTestMerchant(api.db, { balance: 1_000_000 });
    for (const type of ['iban', 'bank'] as const) {
      const res = await as(m).post(
        '/payouts',
        payoutBody({ destination: { type, provider: 'UBL', accountNumber: HBL_IBAN } }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toEqual([
        expect.objectContaining({ field: 'destination.provider', code: 'PROVIDER_MISMATCH' }),
      ]);
      expect(res.body.error.details[0].message).toContain('HBL');
    }
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 1_000_000, pending: 0 });
  });

  it.each([
    ['INVALID_IBAN_CHECKSUM', wrongCheckDigits(HBL_IBAN)],
    ['INVALID_IBAN_LENGTH', HBL_IBAN.slice(0, 23)],
    ['INVALID_IBAN_CHARACTERS', `${HBL_IBAN.slice(0, 10)}AB${HBL_IBAN.slice(12)}`],
    ['INVALID_IBAN_COUNTRY', `GB${HBL_IBAN.slice(2)}`],
    ['UNKNOWN_IBAN_BANK_CODE', makeIban('ZZZZ', '0012345678901234')],
  ])(
    'when the IBAN breaks a rule (%s), then 400 VALIDATION_ERROR with that code on destination.accountNumber',
    async (code, accountNumber) => {
      const m = await createTestMerchant(api.db, { balance: 1_000_000 });
      const res = await as(m).post('/payouts', payoutBody({ destination: { type: 'iban', accountNumber } }));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toContainEqual(
        expect.objectContaining({ field: 'destination.accountNumber', code }),
      );
      expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 1_000_000, pending: 0 });
    },
  );

  it('when a bank-type destination carries an IBAN with wrong check digits, then it is refused the same way', async () => {
    const res = await as(merchant).post(
      '/payouts',
      payoutBody({ destination: { type: 'bank', provider: 'HBL', accountNumber: wrongCheckDigits(HBL_IBAN) } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'destination.accountNumber', code: 'INVALID_IBAN_CHECKSUM' }),
    );
  });

  it('when a wallet or bank destination has no provider, then 400 naming destination.provider', async () => {
    for (const destination of [
      { type: 'wallet', accountNumber: '03001234567' },
      { type: 'bank', accountNumber: '1234567890' },
    ]) {
      const res = await as(merchant).post('/payouts', payoutBody({ destination }));
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('destination.provider');
    }
  });

  it('when a bank account number is an 11-digit 03… number, then it is a plain account (no wallet scenario)', async () => {
    const res = await as(merchant).post(
      '/payouts',
      payoutBody({ destination: { type: 'bank', provider: 'HBL', accountNumber: '03000000004' } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ scenario: 'SUCCESS', status: 'COMPLETED' });
    const notFound = await as(merchant).post(
      '/payouts',
      payoutBody({ destination: { type: 'bank', provider: 'HBL', accountNumber: '03000000003' } }),
    );
    expect(notFound.status).toBe(201);
  });
});

describe('POST /verify-account with IBANs and Raast IDs', () => {
  it('when the IBAN is valid, then valid with the bank and the account title', async () => {
    const res = await as(merchant).post('/verify-account', { type: 'iban', accountNumber: spaced(HBL_IBAN) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      valid: true,
      status: 'ACTIVE',
      accountTitle: 'Test Account',
      accountNumber: HBL_IBAN,
      bank: { code: 'HBL', name: 'Habib Bank Limited', ibanCode: 'HABB' },
    });
  });

  it('when the IBAN ends in a scenario number, then that scenario answers (blocked, not found, other title)', async () => {
    const blocked = await as(merchant).post('/verify-account', {
      type: 'iban',
      accountNumber: makeIban('MUCB', '0000000000000004'),
    });
    expect(blocked.body).toMatchObject({ valid: true, status: 'BLOCKED', bank: { code: 'MCB' } });
    const missing = await as(merchant).post('/verify-account', {
      type: 'iban',
      accountNumber: makeIban('MUCB', '9990000000000003'),
    });
    expect(missing.body).toMatchObject({ valid: false, status: 'NOT_FOUND', bank: { code: 'MCB' } });
    const other = await as(merchant).post('/verify-account', {
      type: 'iban',
      accountNumber: makeIban('MUCB', '0000000000000009'),
    });
    expect(other.body).toMatchObject({ valid: true, accountTitle: 'Different Name' });
  });

  it('when the IBAN has wrong check digits, an unknown bank code or another bank as provider, then 400 naming the rule', async () => {
    const checksum = await as(merchant).post('/verify-account', {
      type: 'iban',
      accountNumber: wrongCheckDigits(HBL_IBAN),
    });
    expect(checksum.status).toBe(400);
    expect(checksum.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'accountNumber', code: 'INVALID_IBAN_CHECKSUM' }),
    );
    const unknown = await as(merchant).post('/verify-account', {
      type: 'iban',
      accountNumber: makeIban('QQQQ', '0012345678901234'),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'accountNumber', code: 'UNKNOWN_IBAN_BANK_CODE' }),
    );
    const mismatch = await as(merchant).post('/verify-account', {
      type: 'iban',
      provider: 'UBL',
      accountNumber: HBL_IBAN,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'provider', code: 'PROVIDER_MISMATCH' }),
    );
  });
});

describe('Raast IDs', () => {
  it('when a Raast ID is verified, then it resolves to a title, a bank and an IBAN masked but for the bank code and last 4', async () => {
    const res = await as(merchant).post('/verify-account', { type: 'raast', accountNumber: '+923001234567' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      valid: true,
      status: 'ACTIVE',
      accountTitle: 'Test Account',
      accountNumber: '03001234567',
    });
    const bank = BANKS.find((b) => b.code === res.body.bank.code)!;
    expect(res.body.bank).toEqual({ code: bank.code, name: bank.name, ibanCode: bank.ibanCode });
    expect(res.body.iban).toBe(`PK**${bank.ibanCode}************4567`);
    // The same alias, in any accepted form, always points to the same account.
    for (const form of ['03001234567', '923001234567', '00923001234567', '0300 1234567']) {
      const again = await as(merchant).post('/verify-account', { type: 'raast', accountNumber: form });
      expect(again.body).toEqual(res.body);
    }
  });

  it('when the Raast ID is a scenario number, then unknown (3) resolves to nothing, blocked (4) and other title (9) by scenario', async () => {
    const unknown = await as(merchant).post('/verify-account', { type: 'raast', accountNumber: '03000000003' });
    expect(unknown.body).toEqual({ valid: false, status: 'NOT_FOUND', accountNumber: '03000000003' });
    const blocked = await as(merchant).post('/verify-account', { type: 'raast', accountNumber: '+923000000004' });
    expect(blocked.body).toMatchObject({
      valid: true,
      status: 'BLOCKED',
      iban: expect.stringMatching(/^PK\*\*[A-Z]{4}\*{12}0004$/),
    });
    const other = await as(merchant).post('/verify-account', { type: 'raast', accountNumber: '03000000009' });
    expect(other.body).toMatchObject({ valid: true, accountTitle: 'Different Name' });
    const down = await as(merchant).post('/verify-account', { type: 'raast', accountNumber: '03000000007' });
    expect(down.status).toBe(503);
  });

  it('when paying a Raast ID in the +92 form, then 201 to the normalised alias at its bank; another provider is refused', async () => {
    const verified = await as(merchant).post('/verify-account', { type: 'raast', accountNumber: '03451234567' });
    const res = await as(merchant).post(
      '/payouts',
      payoutBody({ destination: { type: 'raast', accountNumber: '+923451234567', accountTitle: 'Sana' } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'COMPLETED',
      destination: {
        type: 'raast',
        provider: verified.body.bank.code,
        accountNumber: '03451234567',
        accountTitle: 'Sana',
      },
    });
    const other = BANKS.find((b) => b.code !== verified.body.bank.code)!.code;
    const mismatch = await as(merchant).post(
      '/payouts',
      payoutBody({ destination: { type: 'raast', provider: other, accountNumber: '03451234567' } }),
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.details).toContainEqual(
      expect.objectContaining({ field: 'destination.provider', code: 'PROVIDER_MISMATCH' }),
    );
  });

  it.each(['3451234567', '+92345123456', '+443451234567', 'PK36SCBL0000001123456702', '04001234567'])(
    'when the Raast ID is %j, then 400 naming destination.accountNumber with the accepted forms',
    async (accountNumber) => {
      const res = await as(merchant).post('/payouts', payoutBody({ destination: { type: 'raast', accountNumber } }));
      expect(res.status).toBe(400);
      const detail = res.body.error.details.find((d: { field: string }) => d.field === 'destination.accountNumber');
      expect(detail).toMatchObject({ code: 'INVALID_MOBILE_NUMBER' });
      expect(detail.message).toContain('03XXXXXXXXX, +923XXXXXXXXX, 923XXXXXXXXX or 00923XXXXXXXXX');
    },
  );
});

describe('mobile number forms for wallets', () => {
  it.each([
    ['+923000000004', 'ACCOUNT_BLOCKED'],
    ['923000000009', 'TITLE_MISMATCH'],
    ['00923001234567', 'SUCCESS'],
    ['0300-0000001', 'SUCCESS'],
  ])(
    'when a wallet payout goes to %s, then it is stored as 03XXXXXXXXX and follows scenario %s',
    async (form, scenario) => {
      const res = await as(merchant).post(
        '/payouts',
        payoutBody({ destination: { type: 'wallet', provider: 'EASYPAISA', accountNumber: form } }),
      );
      expect(res.status).toBe(201);
      expect(res.body.scenario).toBe(scenario);
      expect(res.body.destination.accountNumber).toMatch(/^03\d{9}$/);
      expect(res.body.destination.accountNumber.slice(-9)).toBe(form.replace(/\D/g, '').slice(-9));
    },
  );

  it('when a wallet number is verified in the +92 form, then the scenario of its 03 form answers', async () => {
    const res = await as(merchant).post('/verify-account', {
      type: 'wallet',
      provider: 'JAZZCASH',
      accountNumber: '+923000000003',
    });
    expect(res.body).toEqual({ valid: false, status: 'NOT_FOUND', accountNumber: '03000000003' });
  });
});

describe('per-rail per-transaction limits', () => {
  it('when a wallet payout is over the default wallet limit (PKR 250,000), then 422 AMOUNT_OVER_LIMIT naming it; the same amount to a bank is fine', async () => {
    const m = await createTestMerchant(api.db, { balance: 60_000_000 });
    const over = await as(m).post('/payouts', payoutBody({ amount: 25_000_001 }));
    expect(over.status).toBe(422);
    expect(over.body.error.code).toBe('AMOUNT_OVER_LIMIT');
    expect(over.body.error.message).toContain('PKR 250,000.00');
    expect(over.body.error.details).toEqual([
      expect.objectContaining({ field: 'amount', limit: 'PAYOUT_LIMIT_WALLET', rail: 'wallet', maxAmount: 25_000_000 }),
    ]);
    expect(await balanceRow(api.db, m.merchantId)).toEqual({ available: 60_000_000, pending: 0 });
    const atLimit = await as(m).post('/payouts', payoutBody({ amount: 25_000_000 }));
    expect(atLimit.status).toBe(201);
    const bank = await as(m).post(
      '/payouts',
      payoutBody({ amount: 25_000_001, destination: { type: 'iban', accountNumber: HBL_IBAN } }),
    );
    expect(bank.status).toBe(201);
  });

  it('when the limits are configured, then each rail refuses above its own (wallet, raast, bank and iban)', async () => {
    const limited = startTestApi({
      env: { PAYOUT_LIMIT_WALLET: '1000', PAYOUT_LIMIT_RAAST: '2000', PAYOUT_LIMIT_BANK: '3000' },
      worker: false,
    });
    try {
      const m = await createTestMerchant(limited.db, { balance: 1_000_000 });
      const c = client(limited.app, m.key);
      const cases = [
        [{ type: 'wallet', provider: 'JAZZCASH', accountNumber: '03001234567' }, 1000, 'PAYOUT_LIMIT_WALLET'],
        [{ type: 'raast', accountNumber: '03001234567' }, 2000, 'PAYOUT_LIMIT_RAAST'],
        [{ type: 'bank', provider: 'HBL', accountNumber: '1234567890' }, 3000, 'PAYOUT_LIMIT_BANK'],
        [{ type: 'iban', accountNumber: HBL_IBAN }, 3000, 'PAYOUT_LIMIT_BANK'],
      ] as const;
      for (const [destination, limit, name] of cases) {
        const over = await c.post('/payouts', payoutBody({ amount: limit + 1, destination }));
        expect(over.status, name).toBe(422);
        expect(over.body.error.details[0]).toMatchObject({ limit: name, maxAmount: limit });
        const ok = await c.post('/payouts', payoutBody({ amount: limit, destination }));
        expect(ok.status, name).toBe(201);
      }
      expect(await balanceRow(limited.db, m.merchantId)).toEqual({ available: 1_000_000 - 9_000, pending: 0 });
    } finally {
      await limited.close();
    }
  });

  it('when a limit is not a positive integer of paisa, then the configuration names it', () => {
    expect(() => testConfig({ PAYOUT_LIMIT_RAAST: '0' })).toThrow(/PAYOUT_LIMIT_RAAST/);
    expect(() => testConfig({ PAYOUT_LIMIT_BANK: '12.5' })).toThrow(/PAYOUT_LIMIT_BANK/);
    expect(testConfig().payoutLimits).toEqual({ wallet: 25_000_000, raast: 100_000_000, bank: 500_000_000 });
  });
});
