import { z } from 'zod';
import {
  amountField,
  boundTestClock,
  currencyField,
  failureSchema,
  isoDateTime,
  metadata,
  pageOf,
  pageQueryShape,
  testClockRef,
} from './common.ts';
import {
  checkIban,
  type IbanProblemCode,
  looksLikeIban,
  MOBILE_FORMS,
  MOBILE_NUMBER,
  normalizeIban,
  normalizeMobile,
} from './pakistani-accounts.ts';
import { bankSchema, providerCode } from './reference.ts';

/** Payout requests, responses and the rules their fields follow. */

export type PayoutStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'REVERSED';
export const PAYOUT_STATUSES = [
  'PENDING',
  'PROCESSING',
  'COMPLETED',
  'FAILED',
  'REVERSED',
] as const satisfies readonly PayoutStatus[];
export const payoutStatus = z.enum(PAYOUT_STATUSES).meta({ id: 'PayoutStatus' });

export type DestinationType = 'wallet' | 'bank' | 'iban' | 'raast';
export const DESTINATION_TYPES = ['wallet', 'bank', 'iban', 'raast'] as const satisfies readonly DestinationType[];
export const destinationType = z.enum(DESTINATION_TYPES).meta({
  id: 'DestinationType',
  description:
    '`wallet` (mobile wallet, provider from /directory/wallets), `bank` (account number, provider from /directory/banks), `iban` (a Pakistani IBAN; its bank code names the bank) or `raast` (a Raast ID: the mobile number the account is registered under)',
});

/** Pakistani mobile wallet number, normalised: 03XXXXXXXXX (11 digits). */
export const WALLET_ACCOUNT = MOBILE_NUMBER;
/** Bank account number: 10–24 digits, or a Pakistani IBAN (PK + 2 check digits + 4-letter bank code + 16 digits). */
export const BANK_ACCOUNT = /^(\d{10,24}|PK\d{2}[A-Z]{4}\d{16})$/;

/** What is wrong with a destination account's format: a message and, for IBANs and mobiles, the rule's code. */
export interface AccountNumberIssue {
  message: string;
  code: IbanProblemCode | 'INVALID_MOBILE_NUMBER' | 'INVALID_BANK_ACCOUNT';
}

/**
 * The one rule for a destination account's format (the schema refines with it; use-cases check it
 * again, then normalise with `normalizeAccountNumber`). Bank codes are checked against the directory
 * by the use-case, not here.
 */
export function accountNumberIssue(type: DestinationType, accountNumber: string): AccountNumberIssue | null {
  if (type === 'wallet' || type === 'raast') {
    if (normalizeMobile(accountNumber)) return null;
    return {
      code: 'INVALID_MOBILE_NUMBER',
      message: `${type === 'raast' ? 'a Raast ID is the mobile number of the account' : 'a wallet account is a mobile number'}: ${MOBILE_FORMS}`,
    };
  }
  if (type === 'iban' || looksLikeIban(accountNumber)) {
    const checked = checkIban(accountNumber);
    return checked.ok ? null : checked.problem;
  }
  return /^\d{10,24}$/.test(accountNumber)
    ? null
    : { code: 'INVALID_BANK_ACCOUNT', message: 'a bank account is 10–24 digits, or an IBAN (PK…, 24 characters)' };
}

/** `accountNumberIssue`'s message alone (null when the format is right). */
export function accountNumberProblem(type: DestinationType, accountNumber: string): string | null {
  return accountNumberIssue(type, accountNumber)?.message ?? null;
}

/** The stored form of a well-formed account number: mobiles as 03XXXXXXXXX, IBANs upper case without spaces. */
export function normalizeAccountNumber(type: DestinationType, accountNumber: string): string {
  if (type === 'wallet' || type === 'raast') return normalizeMobile(accountNumber) ?? accountNumber;
  if (type === 'iban' || looksLikeIban(accountNumber)) return normalizeIban(accountNumber);
  return accountNumber;
}

export const accountNumber = z
  .string()
  .min(1)
  .max(64)
  .meta({
    description: `wallet and raast: a mobile number (${MOBILE_FORMS}; stored as \`03XXXXXXXXX\`); bank: 10–24 digits; iban: \`PK\` + 2 check digits + 4-letter bank code + 16 digits, mod-97 checked (lower case and spaces accepted, stored upper case without spaces). A rule that fails is named by \`details[].code\`, e.g. \`INVALID_IBAN_CHECKSUM\``,
    example: '03001234567',
  });

const PROVIDER_RULE =
  "`provider` is required for `wallet` and `bank`. It is optional for `iban` and `raast`: the IBAN's bank code (or the account the Raast ID points to) names the bank, and a `provider` naming another bank is refused (`details[].code` `PROVIDER_MISMATCH`)";

/** Refines a destination-like object: a provider where the type needs one, the account number's format. */
function refineDestination(
  d: { type: DestinationType; provider?: string | undefined; accountNumber: string },
  ctx: z.RefinementCtx,
) {
  if ((d.type === 'wallet' || d.type === 'bank') && d.provider === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['provider'],
      message: `required for type "${d.type}" (a code from GET /api/v1/directory/${d.type === 'bank' ? 'banks' : 'wallets'})`,
    });
  }
  const issue = accountNumberIssue(d.type, d.accountNumber);
  if (issue)
    ctx.addIssue({ code: 'custom', path: ['accountNumber'], message: issue.message, params: { code: issue.code } });
}

export const createPayoutBody = z
  .object({
    amount: amountField(150000),
    currency: currencyField,
    destination: z
      .object({
        type: destinationType,
        provider: providerCode.optional(),
        accountNumber,
        accountTitle: z.string().min(1).max(191).optional().meta({ example: 'Ayesha Khan' }),
      })
      .superRefine(refineDestination)
      .meta({ description: PROVIDER_RULE }),
    reference: z.string().min(1).max(191).meta({
      description:
        'Your id for this payout, unique per merchant (409 `DUPLICATE_REFERENCE` names the payout that has it; find it with `GET /payouts?reference=`). Compared exactly: case and accents count; it may not end with a space.',
      example: 'INV-1001',
    }),
    description: z.string().max(500).optional(),
    metadata: metadata.optional(),
    testClock: testClockRef.optional(),
  })
  .meta({
    id: 'CreatePayout',
    examples: [
      {
        amount: 150000,
        currency: 'PKR',
        reference: 'INV-1001',
        destination: {
          type: 'wallet',
          provider: 'JAZZCASH',
          accountNumber: '03000000001',
          accountTitle: 'Ayesha Khan',
        },
        description: 'Refund for order 1001',
        metadata: { orderId: '1001' },
      },
      {
        amount: 2500000,
        currency: 'PKR',
        reference: 'SUPPLIER-77',
        destination: { type: 'bank', provider: 'HBL', accountNumber: '0000000002' },
      },
      {
        amount: 5000000,
        currency: 'PKR',
        reference: 'SUPPLIER-78',
        destination: { type: 'iban', accountNumber: 'PK36SCBL0000001123456702', accountTitle: 'Bilal Traders' },
      },
      {
        amount: 250000,
        currency: 'PKR',
        reference: 'FRIEND-12',
        destination: { type: 'raast', accountNumber: '+923001234567' },
      },
    ],
  });
export type CreatePayoutBody = z.infer<typeof createPayoutBody>;

export const payoutSchema = z
  .object({
    id: z.string().meta({ example: 'po_3fK9c1d2e3f4a5b6' }),
    amount: z.number().int().meta({ example: 150000 }),
    currency: z.literal('PKR'),
    status: payoutStatus,
    destination: z.object({
      type: destinationType,
      provider: z.string().meta({ example: 'JAZZCASH' }),
      accountNumber: z.string().meta({ example: '03000000001' }),
      accountTitle: z.string().nullable(),
    }),
    reference: z.string().meta({ example: 'INV-1001' }),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    scenario: z
      .string()
      .meta({ description: 'The scenario the account number triggered (see /scenarios)', example: 'SUCCESS' }),
    failure: failureSchema.nullable(),
    testClock: boundTestClock,
    createdAt: isoDateTime,
    updatedAt: isoDateTime.meta({ description: 'When the latest status step happened' }),
  })
  .meta({ id: 'Payout' });
export type Payout = z.infer<typeof payoutSchema>;

export const payoutStatusStep = z
  .object({
    status: payoutStatus,
    at: isoDateTime.meta({
      description: 'When this step happened; the steps of one payout are in strictly increasing time',
    }),
    reason: z.string().optional().meta({ description: 'Failure or reversal code' }),
  })
  .meta({ id: 'PayoutEvent' });

export const payoutWithEvents = payoutSchema
  .extend({ events: z.array(payoutStatusStep).meta({ description: 'Status history, oldest first' }) })
  .meta({ id: 'PayoutWithEvents' });
export type PayoutWithEvents = z.infer<typeof payoutWithEvents>;

export const listPayoutsQuery = z.object({
  ...pageQueryShape,
  status: payoutStatus.optional(),
  reference: z.string().min(1).max(191).optional().meta({
    description: 'Exact `reference`: finds the payout of a create whose response was lost',
    example: 'INV-1001',
  }),
});
export type ListPayoutsQuery = z.infer<typeof listPayoutsQuery>;

export const payoutList = pageOf(payoutSchema, 'PayoutList');

export const simulatePayoutBody = z
  .object({
    status: z
      .enum(['PROCESSING', 'COMPLETED', 'FAILED', 'REVERSED'])
      .meta({ description: 'The next status; only legal transitions (else 422 `INVALID_STATE`)' }),
    reason: z
      .string()
      .regex(/^[A-Z0-9_]{1,64}$/, 'UPPER_SNAKE_CASE, up to 64 characters')
      .optional()
      .meta({ description: 'Failure code for FAILED/REVERSED (default SIMULATED_FAILURE / SIMULATED_REVERSAL)' }),
  })
  .meta({
    id: 'SimulatePayout',
    examples: [{ status: 'PROCESSING' }, { status: 'FAILED', reason: 'RECEIVER_LIMIT_EXCEEDED' }],
  });
export type SimulatePayoutBody = z.infer<typeof simulatePayoutBody>;

export const balanceSchema = z
  .object({
    currency: z.literal('PKR'),
    available: z.number().int().meta({
      description: 'Spendable now, in paisa; negative when a refund took back more than was held',
      example: 100000000,
    }),
    pending: z.number().int().meta({ description: 'Payouts in flight, in paisa', example: 0 }),
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Balance' });
export type Balance = z.infer<typeof balanceSchema>;

export const verifyAccountBody = z
  .object({
    type: destinationType,
    provider: providerCode
      .optional()
      .meta({ description: 'Required for `wallet` and `bank`; optional for `iban` and `raast`' }),
    accountNumber,
  })
  .superRefine(refineDestination)
  .meta({
    id: 'VerifyAccount',
    description: PROVIDER_RULE,
    examples: [
      { type: 'wallet', provider: 'EASYPAISA', accountNumber: '03000000009' },
      { type: 'iban', accountNumber: 'pk36 scbl 0000 0011 2345 6702' },
      { type: 'raast', accountNumber: '+923001234567' },
    ],
  });
export type VerifyAccountBody = z.infer<typeof verifyAccountBody>;

export const verifyAccountResult = z
  .object({
    valid: z.boolean(),
    accountTitle: z.string().optional().meta({ example: 'Test Account' }),
    status: z.enum(['ACTIVE', 'BLOCKED', 'NOT_FOUND']),
    accountNumber: z.string().optional().meta({
      description:
        'The account number as stored on a payout to it: mobiles `03XXXXXXXXX`, IBANs upper case without spaces',
      example: 'PK36SCBL0000001123456702',
    }),
    bank: bankSchema
      .optional()
      .meta({ description: 'The bank holding the account (`iban`: by its bank code; `raast`: where the ID points)' }),
    iban: z.string().optional().meta({
      description: '`raast` only: the IBAN the Raast ID points to, masked except its bank code and last 4 digits',
      example: 'PK**HABB************4567',
    }),
  })
  .meta({ id: 'VerifyAccountResult' });
