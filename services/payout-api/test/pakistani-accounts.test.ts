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
