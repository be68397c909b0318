import { type DestinationType, maskIban } from '@mypay/contracts';
import type { BankEntry, Directory } from '../directory/directory.ts';
import { AppError } from '../errors.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { resolveDestination } from './destination.ts';

export interface VerifyAccountResult {
  valid: boolean;
  accountTitle?: string;
  status: 'ACTIVE' | 'BLOCKED' | 'NOT_FOUND';
  /** The account number as a payout to it stores it (normalised). */
  accountNumber?: string;
  /** IBANs and Raast IDs: the bank holding the account. */
  bank?: BankEntry;
  /** Raast IDs: the IBAN the alias points to, masked but for the bank code and last 4 digits. */
  iban?: string;
}

/**
 * Account lookup by scenario number (no state, no money): the same format, bank-code and provider
 * rules as a payout, then the scenario of the number. A Raast ID resolves to its bank and masked IBAN.
 */
export async function verifyAccount(
  deps: { scenarios: ScenarioCatalog; directory: Directory },
  input: { type: DestinationType; provider?: string | undefined; accountNumber: string },
): Promise<VerifyAccountResult> {
  const destination = await resolveDestination(deps.directory, input);
  const scenario = await deps.scenarios.resolve(destination.scenario.number, destination.scenario.kind);
  const found = {
    accountNumber: destination.accountNumber,
    ...(destination.bank ? { bank: destination.bank } : {}),
    ...(destination.iban ? { iban: maskIban(destination.iban) } : {}),
  };
  switch (scenario.key) {
    case 'ACCOUNT_NOT_FOUND':
      // An unknown Raast ID points nowhere; an IBAN's bank is still known from its bank code.
      return {
        valid: false,
        status: 'NOT_FOUND',
        accountNumber: destination.accountNumber,
        ...(destination.type !== 'raast' && destination.bank ? { bank: destination.bank } : {}),
      };
    case 'PROVIDER_UNAVAILABLE':
      throw new AppError('PROVIDER_UNAVAILABLE', `${destination.provider} is unavailable, try again later`, undefined, {
        'Retry-After': '30',
      });
    case 'ACCOUNT_BLOCKED':
      return { valid: true, accountTitle: 'Test Account', status: 'BLOCKED', ...found };
    case 'TITLE_MISMATCH':
      return { valid: true, accountTitle: 'Different Name', status: 'ACTIVE', ...found };
    default:
      return { valid: true, accountTitle: 'Test Account', status: 'ACTIVE', ...found };
  }
}
