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
import { providerCode } from './reference.ts';

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

export type DestinationType = 'wallet' | 'bank';
export const destinationType = z.enum(['wallet', 'bank']).meta({
  id: 'DestinationType',
  description: '`wallet` (mobile wallet, provider from /directory/wallets) or `bank` (provider from /directory/banks)',
});

/** Pakistani mobile wallet number: 03XXXXXXXXX (11 digits). */
export const WALLET_ACCOUNT = /^03\d{9}$/;
/** Bank account number: 10–24 digits, or a Pakistani IBAN (PK + 2 check digits + 4-letter bank code + 16 digits). */
export const BANK_ACCOUNT = /^(\d{10,24}|PK\d{2}[A-Z]{4}\d{16})$/;

/** The one rule for a destination account's format (the schema refines with it; use-cases check it again). */
export function accountNumberProblem(type: DestinationType, accountNumber: string): string | null {
  if (type === 'wallet') {
    return WALLET_ACCOUNT.test(accountNumber) ? null : 'a wallet account is an 11-digit mobile number 03XXXXXXXXX';
  }
  return BANK_ACCOUNT.test(accountNumber) ? null : 'a bank account is 10–24 digits or an IBAN (PK…, 24 characters)';
}

export const accountNumber = z.string().min(1).max(64).meta({
  description: 'wallet: 11-digit mobile `03XXXXXXXXX`; bank: 10–24 digits or an IBAN `PK…`',
  example: '03001234567',
});

export const createPayoutBody = z
  .object({
    amount: amountField(150000),
    currency: currencyField,
    destination: z
      .object({
        type: destinationType,
        provider: providerCode,
        accountNumber,
        accountTitle: z.string().min(1).max(191).optional().meta({ example: 'Ayesha Khan' }),
      })
      .superRefine((d, ctx) => {
        const problem = accountNumberProblem(d.type, d.accountNumber);
        if (problem) ctx.addIssue({ code: 'custom', path: ['accountNumber'], message: problem });
      }),
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
  .object({ type: destinationType, provider: providerCode, accountNumber })
  .superRefine((d, ctx) => {
    const problem = accountNumberProblem(d.type, d.accountNumber);
    if (problem) ctx.addIssue({ code: 'custom', path: ['accountNumber'], message: problem });
  })
  .meta({
    id: 'VerifyAccount',
    examples: [{ type: 'wallet', provider: 'EASYPAISA', accountNumber: '03000000009' }],
  });
export type VerifyAccountBody = z.infer<typeof verifyAccountBody>;

export const verifyAccountResult = z
  .object({
    valid: z.boolean(),
    accountTitle: z.string().optional().meta({ example: 'Test Account' }),
    status: z.enum(['ACTIVE', 'BLOCKED', 'NOT_FOUND']),
  })
  .meta({ id: 'VerifyAccountResult' });
