/**
 * Pakistani account formats as the real rails check them: IBANs (ISO 13616, PK layout), mobile
 * numbers (wallets and Raast IDs), and which scenario number an account carries. Pure functions,
 * no I/O: the API schemas refine with them, the use-cases check again, the portal validates its
 * form live with the same code.
 */

/** A PK IBAN: `PK` + 2 check digits + 4-letter bank code + 16-digit account = 24 characters. */
export const IBAN_LENGTH = 24;
export const IBAN_PATTERN = /^PK\d{2}[A-Z]{4}\d{16}$/;

/** Which IBAN rule an account number broke (the `code` of its error detail). */
export type IbanProblemCode =
  | 'INVALID_IBAN_LENGTH'
  | 'INVALID_IBAN_CHARACTERS'
  | 'INVALID_IBAN_COUNTRY'
  | 'INVALID_IBAN_CHECKSUM'
  | 'UNKNOWN_IBAN_BANK_CODE';

export interface IbanProblem {
  code: IbanProblemCode;
  message: string;
}

export interface IbanParts {
  /** Upper case, no spaces: `PK36SCBL0000001123456702`. */
  iban: string;
  checkDigits: string;
  /** The 4-letter bank code, e.g. `HABB`. */
  bankCode: string;
  /** The 16-digit account part. */
  account: string;
}

/** Upper case, without the spaces of the printed 4-character groups (`pk36 scbl 0000 …` → `PK36SCBL0000…`). */
export function normalizeIban(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** ISO 13616 / ISO 7064 MOD 97-10 remainder of an IBAN (country and check digits moved to the end). */
export function ibanRemainder(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** The check digits that make `PK??<bankCode><account>` valid (to build example and Raast IBANs). */
export function ibanCheckDigits(bankCode: string, account: string): string {
  const remainder = ibanRemainder(`PK00${bankCode}${account}`);
  return String(98 - remainder).padStart(2, '0');
}

/** A valid IBAN for a bank code and a 16-digit account part (shorter parts are zero-padded on the left). */
export function makeIban(bankCode: string, account: string): string {
  const padded = account.padStart(16, '0');
  return `PK${ibanCheckDigits(bankCode, padded)}${bankCode}${padded}`;
}

/**
 * The IBAN's parts, or the first rule it breaks (checked in the order a reader would: length,
 * characters, country, check digits). `knownBankCodes`, when given, also rejects a bank code that
 * is not one of them. Accepts lower case and spaces.
 */
export function checkIban(
  input: string,
  knownBankCodes?: readonly string[],
): { ok: true; parts: IbanParts } | { ok: false; problem: IbanProblem } {
  const iban = normalizeIban(input);
  const fail = (code: IbanProblemCode, message: string) => ({ ok: false as const, problem: { code, message } });
  if (iban.length !== IBAN_LENGTH) {
    return fail(
      'INVALID_IBAN_LENGTH',
      `a Pakistani IBAN has 24 characters (PK, 2 check digits, 4-letter bank code, 16 digits), this one has ${iban.length}`,
    );
  }
  if (!/^[A-Z]{2}\d{2}[A-Z]{4}\d{16}$/.test(iban)) {
    return fail(
      'INVALID_IBAN_CHARACTERS',
      'a Pakistani IBAN is 2 letters, 2 check digits, a 4-letter bank code and 16 digits (e.g. PK36SCBL0000001123456702)',
    );
  }
  if (!iban.startsWith('PK')) {
    return fail('INVALID_IBAN_COUNTRY', `a Pakistani IBAN starts with PK, not ${iban.slice(0, 2)}`);
  }
  // Check digits are 02–98 (ISO 13616): 00, 01 and 99 would make a second valid form of an IBAN.
  const checkDigits = Number(iban.slice(2, 4));
  if (checkDigits < 2 || checkDigits > 98 || ibanRemainder(iban) !== 1) {
    return fail(
      'INVALID_IBAN_CHECKSUM',
      'the IBAN check digits do not match (ISO 13616 mod-97): a character is mistyped or two are swapped',
    );
  }
  const parts = { iban, checkDigits: iban.slice(2, 4), bankCode: iban.slice(4, 8), account: iban.slice(8) };
  if (knownBankCodes && !knownBankCodes.includes(parts.bankCode)) {
    return fail(
      'UNKNOWN_IBAN_BANK_CODE',
      `no bank has the IBAN bank code ${parts.bankCode} (see ibanCode in GET /api/v1/directory/banks)`,
    );
  }
  return { ok: true, parts };
}

/** True when the text reads as an IBAN attempt (starts with two letters) rather than plain account digits. */
export const looksLikeIban = (input: string) => /^[A-Za-z]{2}/.test(input.trim());

/** The mobile forms accepted wherever a wallet number or a Raast ID is. */
export const MOBILE_FORMS = '03XXXXXXXXX, +923XXXXXXXXX, 923XXXXXXXXX or 00923XXXXXXXXX';
export const MOBILE_PROBLEM = `a Pakistani mobile number: ${MOBILE_FORMS}`;

/**
 * `03XXXXXXXXX`, `+923XXXXXXXXX`, `923XXXXXXXXX` and `00923XXXXXXXXX` (spaces and hyphens between
 * digit groups allowed) → `03XXXXXXXXX`; anything else → null.
 */
export function normalizeMobile(input: string): string | null {
  const compact = input.trim().replace(/[\s-]+/g, '');
  const m = /^(?:0|\+92|92|0092)(3\d{9})$/.exec(compact);
  return m ? `0${m[1]}` : null;
}

/** A normalised mobile number: 03XXXXXXXXX. */
export const MOBILE_NUMBER = /^03\d{9}$/;

/**
 * Where an account's scenario number is: a wallet or Raast ID is its (normalised) mobile number,
 * a bank account its digits, an IBAN the last 10 digits of its 16-digit account part — so every
 * scenario can be reached with a valid IBAN (`PK..HABB0000000000000004` → scenario 4). Mobile and
 * bank numbers are separate tables: a bank account `03000000004` is no wallet scenario.
 */
export function scenarioNumberOf(
  type: 'wallet' | 'bank' | 'iban' | 'raast',
  normalizedAccount: string,
): { kind: 'mobile' | 'bank'; number: string } {
  if (type === 'wallet' || type === 'raast') return { kind: 'mobile', number: normalizedAccount };
  if (IBAN_PATTERN.test(normalizedAccount)) return { kind: 'bank', number: normalizedAccount.slice(-10) };
  return { kind: 'bank', number: normalizedAccount };
}

/** An IBAN with everything but its bank code and last 4 digits hidden: `PK**HABB************4567`. */
export function maskIban(iban: string): string {
  return `PK**${iban.slice(4, 8)}${'*'.repeat(12)}${iban.slice(-4)}`;
}
