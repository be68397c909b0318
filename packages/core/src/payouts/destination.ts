import {
  accountNumberIssue,
  checkIban,
  type DestinationType,
  looksLikeIban,
  makeIban,
  normalizeAccountNumber,
  scenarioNumberOf,
} from '@mypay/contracts';
import type { BankEntry, Directory } from '../directory/directory.ts';
import { AppError } from '../errors.ts';

export interface DestinationInput {
  type: DestinationType;
  provider?: string | undefined;
  accountNumber: string;
}

/** A destination whose account is well-formed and whose bank or wallet is known. */
export interface ResolvedDestination {
  type: DestinationType;
  /** The wallet or bank code: given for wallets and bank accounts, the IBAN's or Raast ID's bank otherwise. */
  provider: string;
  /** Normalised: mobiles `03XXXXXXXXX`, IBANs upper case without spaces. */
  accountNumber: string;
  /** The bank of an IBAN or a Raast ID. */
  bank: BankEntry | null;
  /** `raast`: the IBAN the alias points to (in this sandbox, derived from the number). */
  iban: string | null;
  /** Where to look the scenario up (wallets and Raast IDs by mobile; bank accounts and IBANs by bank number). */
  scenario: { kind: 'mobile' | 'bank'; number: string };
}

const invalid = (field: string, message: string, code?: string) =>
  new AppError('VALIDATION_ERROR', 'the request is not valid', [{ field, message, ...(code ? { code } : {}) }]);

/**
 * The one place a payout destination (and a verify-account request) is checked against the rails'
 * rules and the directory. `fieldPrefix` is how the caller's body names the object
 * (`destination.` for payouts, empty for verify-account), so details name the field as sent.
 */
export async function resolveDestination(
  directory: Directory,
  input: DestinationInput,
  fieldPrefix = '',
): Promise<ResolvedDestination> {
  const accountField = `${fieldPrefix}accountNumber`;
  const providerField = `${fieldPrefix}provider`;
  const issue = accountNumberIssue(input.type, input.accountNumber);
  if (issue) throw invalid(accountField, issue.message, issue.code);
  const accountNumber = normalizeAccountNumber(input.type, input.accountNumber);
  const scenario = scenarioNumberOf(input.type, accountNumber);
  const directoryPath = (type: 'wallet' | 'bank') => `GET /api/v1/directory/${type === 'bank' ? 'banks' : 'wallets'}`;

  if (input.type === 'wallet' || (input.type === 'bank' && !looksLikeIban(accountNumber))) {
    const kind = input.type;
    if (input.provider === undefined) {
      throw invalid(providerField, `required for type "${kind}" (a code from ${directoryPath(kind)})`);
    }
    if (!(await directory.isProvider(kind, input.provider))) {
      throw invalid(providerField, `unknown ${kind} provider "${input.provider}" (see ${directoryPath(kind)})`);
    }
    return { type: input.type, provider: input.provider, accountNumber, bank: null, iban: null, scenario };
  }

  let bank: BankEntry | null;
  let iban: string | null = null;
  if (input.type === 'raast') {
    const banks = (await directory.banks()).filter((b) => b.ibanCode);
    bank = raastBankOf(accountNumber, banks);
    if (!bank) throw new AppError('INTERNAL_ERROR', 'no bank with an IBAN code is seeded');
    iban = makeIban(bank.ibanCode!, `000000${accountNumber.slice(1)}`);
  } else {
    const checked = checkIban(accountNumber);
    if (!checked.ok) throw invalid(accountField, checked.problem.message, checked.problem.code);
    bank = await directory.bankByIbanCode(checked.parts.bankCode);
    if (!bank) {
      throw invalid(
        accountField,
        `no bank has the IBAN bank code ${checked.parts.bankCode} (see ibanCode in ${directoryPath('bank')})`,
        'UNKNOWN_IBAN_BANK_CODE',
      );
    }
  }
  if (input.provider !== undefined && input.provider !== bank.code) {
    const what =
      input.type === 'raast' ? 'this Raast ID points to an account' : `the IBAN's bank code ${bank.ibanCode} is`;
    throw invalid(
      providerField,
      `${what} at ${bank.code} (${bank.name}), not "${input.provider}": leave provider out or send ${bank.code}`,
      'PROVIDER_MISMATCH',
    );
  }
  return { type: input.type, provider: bank.code, accountNumber, bank, iban, scenario };
}

/**
 * The sandbox's Raast directory: every well-formed mobile number is registered, at a bank picked
 * from its digits (the same number always at the same bank).
 */
function raastBankOf(mobile: string, banks: BankEntry[]): BankEntry | null {
  if (banks.length === 0) return null;
  const sorted = [...banks].sort((a, b) => (a.code < b.code ? -1 : 1));
  const sum = [...mobile].reduce((total, digit, i) => total + Number(digit) * (i + 1), 0);
  return sorted[sum % sorted.length]!;
}
