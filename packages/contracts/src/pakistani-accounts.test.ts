import { describe, expect, it } from 'vitest';
import {
  checkIban,
  ibanCheckDigits,
  makeIban,
  maskIban,
  normalizeIban,
  normalizeMobile,
  scenarioNumberOf,
} from './pakistani-accounts.ts';
import { accountNumberIssue, normalizeAccountNumber } from './payouts.ts';
import { BANKS } from './reference.ts';

/** An independent mod-97 (the whole number as a BigInt) to check the streaming one against. */
function bigIntMod97(iban: string): bigint {
  const digits = [...(iban.slice(4) + iban.slice(0, 4))]
    .map((ch) => (/[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch))
    .join('');
  return BigInt(digits) % 97n;
}

const SEEDED_CODES = BANKS.map((bank) => bank.ibanCode);

describe('IBAN check', () => {
  it.each([
    'PK36SCBL0000001123456702', // the IBAN registry's example for Pakistan
    'pk36 scbl 0000 0011 2345 6702', // printed in groups, lower case
    ' PK36SCBL0000001123456702 ',
  ])('when the IBAN is %j, then it is valid and normalised', (input) => {
    const result = checkIban(input, SEEDED_CODES);
    expect(result).toEqual({
      ok: true,
      parts: { iban: 'PK36SCBL0000001123456702', checkDigits: '36', bankCode: 'SCBL', account: '0000001123456702' },
    });
  });

  it.each(BANKS.map((bank) => [bank.code, bank.ibanCode] as const))(
    'when a %s IBAN (bank code %s) has the right check digits, then it is valid; any other check digits, then INVALID_IBAN_CHECKSUM',
    (_code, ibanCode) => {
      const account = '0012345678901234';
      const iban = makeIban(ibanCode, account);
      expect(iban).toMatch(new RegExp(`^PK\\d{2}${ibanCode}${account}$`));
      expect(bigIntMod97(iban)).toBe(1n);
      expect(checkIban(iban, SEEDED_CODES)).toMatchObject({ ok: true, parts: { bankCode: ibanCode, account } });
      for (let digits = 0; digits < 100; digits++) {
        const other = String(digits).padStart(2, '0');
        if (other === iban.slice(2, 4)) continue;
        const wrong = `PK${other}${iban.slice(4)}`;
        expect(checkIban(wrong, SEEDED_CODES)).toMatchObject({ ok: false, problem: { code: 'INVALID_IBAN_CHECKSUM' } });
      }
    },
  );

  it('when two adjacent digits are swapped or one is mistyped, then INVALID_IBAN_CHECKSUM', () => {
    const iban = 'PK36SCBL0000001123456702';
    const swapped = `${iban.slice(0, 20)}${iban[21]}${iban[20]}${iban.slice(22)}`;
    const mistyped = `${iban.slice(0, 23)}3`;
    for (const wrong of [swapped, mistyped]) {
      expect(checkIban(wrong)).toMatchObject({ ok: false, problem: { code: 'INVALID_IBAN_CHECKSUM' } });
    }
  });

  it.each([
    ['PK36SCBL000000112345670', 'INVALID_IBAN_LENGTH'],
    ['PK36SCBL00000011234567021', 'INVALID_IBAN_LENGTH'],
    ['', 'INVALID_IBAN_LENGTH'],
    ['PK36SCB10000001123456702', 'INVALID_IBAN_CHARACTERS'],
    ['PK3XSCBL0000001123456702', 'INVALID_IBAN_CHARACTERS'],
    ['PK36SCBL00000011234567O2', 'INVALID_IBAN_CHARACTERS'],
    ['PK36-SCBL-0000001123456702', 'INVALID_IBAN_LENGTH'],
    ['GB36SCBL0000001123456702', 'INVALID_IBAN_COUNTRY'],
    ['PK00SCBL0000001123456702', 'INVALID_IBAN_CHECKSUM'],
  ])('when the IBAN is %j, then %s', (input, code) => {
    const result = checkIban(input);
    expect(result).toMatchObject({ ok: false, problem: { code } });
    if (!result.ok) expect(result.problem.message.length).toBeGreaterThan(10);
  });

  it('when the bank code is not a seeded bank, then UNKNOWN_IBAN_BANK_CODE (and valid without a bank list)', () => {
    const iban = makeIban('ZZZZ', '0000001123456702');
    expect(checkIban(iban)).toMatchObject({ ok: true });
    expect(checkIban(iban, SEEDED_CODES)).toMatchObject({ ok: false, problem: { code: 'UNKNOWN_IBAN_BANK_CODE' } });
  });

  it('when computing check digits, then they agree with the BigInt remainder for many accounts', () => {
    for (let i = 0; i < 500; i++) {
      const account = String((i * 7_919_000_003) % 10_000_000_000_000_000).padStart(16, '0');
      const digits = ibanCheckDigits('HABB', account);
      expect(bigIntMod97(`PK${digits}HABB${account}`)).toBe(1n);
    }
  });

  it('when normalising and masking, then upper case without spaces; masked but for the bank code and last 4', () => {
    expect(normalizeIban(' pk36\tscbl 0000 0011 2345 6702')).toBe('PK36SCBL0000001123456702');
    expect(maskIban('PK36SCBL0000001123456702')).toBe('PK**SCBL************6702');
    expect(maskIban('PK36SCBL0000001123456702')).toHaveLength(24);
  });
});

describe('mobile numbers', () => {
  it.each([
    ['03001234567', '03001234567'],
    ['+923001234567', '03001234567'],
    ['923001234567', '03001234567'],
    ['00923001234567', '03001234567'],
    ['0300-1234567', '03001234567'],
    ['+92 300 1234567', '03001234567'],
    [' 03451234567 ', '03451234567'],
  ])('when the number is %j, then it is %s', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it.each([
    '3001234567',
    '0300123456',
    '030012345678',
    '04001234567',
    '+923001234',
    '+92300123456789',
    '+443001234567',
    '0092 300 12345',
    '03001234567a',
    '٠٣٠٠١٢٣٤٥٦٧',
    '',
  ])('when the number is %j, then it is refused', (input) => {
    expect(normalizeMobile(input)).toBeNull();
    expect(accountNumberIssue('wallet', input)).toMatchObject({ code: 'INVALID_MOBILE_NUMBER' });
    expect(accountNumberIssue('raast', input)?.message).toContain('+923XXXXXXXXX');
  });
});

describe('destination account formats and scenario numbers', () => {
  it('when a bank account holds an IBAN, then it is checked as one; plain digits stay digits 10–24', () => {
    expect(accountNumberIssue('bank', 'PK00SCBL0000001123456702')).toMatchObject({ code: 'INVALID_IBAN_CHECKSUM' });
    expect(accountNumberIssue('bank', 'pk36scbl0000001123456702')).toBeNull();
    expect(normalizeAccountNumber('bank', 'pk36scbl0000001123456702')).toBe('PK36SCBL0000001123456702');
    expect(accountNumberIssue('bank', '0000000004')).toBeNull();
    expect(accountNumberIssue('bank', '123456789')).toMatchObject({ code: 'INVALID_BANK_ACCOUNT' });
    expect(accountNumberIssue('iban', '0000000004')).toMatchObject({ code: 'INVALID_IBAN_LENGTH' });
    expect(normalizeAccountNumber('raast', '+923000000004')).toBe('03000000004');
  });

  it('when picking the scenario number, then wallets and Raast IDs by mobile, IBANs by the last 10 account digits, bank numbers by bank', () => {
    expect(scenarioNumberOf('wallet', '03000000004')).toEqual({ kind: 'mobile', number: '03000000004' });
    expect(scenarioNumberOf('raast', '03000000004')).toEqual({ kind: 'mobile', number: '03000000004' });
    expect(scenarioNumberOf('bank', '03000000004')).toEqual({ kind: 'bank', number: '03000000004' });
    const iban = makeIban('HABB', '0000000000000004');
    expect(scenarioNumberOf('iban', iban)).toEqual({ kind: 'bank', number: '0000000004' });
    expect(scenarioNumberOf('bank', iban)).toEqual({ kind: 'bank', number: '0000000004' });
    expect(scenarioNumberOf('iban', makeIban('HABB', '1234560000000010'))).toEqual({
      kind: 'bank',
      number: '0000000010',
    });
  });
});
