import type { DestinationType } from '@mypay/contracts';
import { AppError } from '../errors.ts';

/** The rails a payout travels on, each with its own per-transaction limit. */
export type PayoutRail = 'wallet' | 'raast' | 'bank';

/** Per-transaction limits in paisa, per rail (sandbox rules, configurable: docs/payout-api.md). */
export type PayoutLimits = Record<PayoutRail, number>;

/**
 * Defaults: PKR 250,000 to a wallet, PKR 1,000,000 by Raast, PKR 5,000,000 to a bank account or
 * IBAN (IBFT). Sandbox rules in the range Pakistani rails apply, so an integration meets a limit
 * error before production does; real limits differ by provider and account level.
 */
export const DEFAULT_PAYOUT_LIMITS: PayoutLimits = { wallet: 25_000_000, raast: 100_000_000, bank: 500_000_000 };

/** The variable that sets each rail's limit. */
export const PAYOUT_LIMIT_ENV: Record<PayoutRail, string> = {
  wallet: 'PAYOUT_LIMIT_WALLET',
  raast: 'PAYOUT_LIMIT_RAAST',
  bank: 'PAYOUT_LIMIT_BANK',
};

export const railOf = (type: DestinationType): PayoutRail =>
  type === 'wallet' ? 'wallet' : type === 'raast' ? 'raast' : 'bank';

const RAIL_NAMES: Record<PayoutRail, string> = { wallet: 'wallet', raast: 'Raast', bank: 'bank (IBFT)' };
const rupees = (paisa: number) =>
  `PKR ${(paisa / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** 422 AMOUNT_OVER_LIMIT naming the limit, when `amount` is above the rail's per-transaction limit. */
export function assertWithinLimit(limits: PayoutLimits, type: DestinationType, amount: number): void {
  const rail = railOf(type);
  const limit = limits[rail];
  if (amount <= limit) return;
  throw new AppError(
    'AMOUNT_OVER_LIMIT',
    `${rupees(amount)} is over the ${RAIL_NAMES[rail]} per-transaction limit of ${rupees(limit)}`,
    [
      {
        field: 'amount',
        message: `at most ${limit} paisa (${rupees(limit)}) per ${RAIL_NAMES[rail]} payout`,
        limit: PAYOUT_LIMIT_ENV[rail],
        rail,
        maxAmount: limit,
      },
    ],
  );
}
