import { accountNumberProblem, MAX_AMOUNT, PAYOUT_STATUSES } from '@mypay/core';
import { z } from 'zod';

/** Request and response schemas of the payout routes; the same objects validate and document. */

export const destinationType = z.enum(['wallet', 'bank']).meta({
  description: '`wallet` (mobile wallet, provider from /directory/wallets) or `bank` (provider from /directory/banks)',
});

export const accountNumber = z.string().min(1).max(64).meta({
  description: 'wallet: 11-digit mobile `03XXXXXXXXX`; bank: 10–24 digits or an IBAN `PK…`',
  example: '03001234567',
});

const metadataValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
export const metadata = z
  .record(z.string().min(1).max(40), metadataValue)
  .refine((value) => Object.keys(value).length <= 50, { message: 'at most 50 keys' })
  .meta({ description: 'Your own flat key/value data (≤ 50 keys, keys ≤ 40 chars, strings ≤ 500 chars).' });

export const createPayoutBody = z
  .object({
    amount: z
      .number()
      .int()
      .positive()
      .max(MAX_AMOUNT)
      .meta({ description: 'Minor units (paisa): 150000 is PKR 1,500.00', example: 150000 }),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'a 3-letter currency code')
      .meta({ description: 'Only `PKR`; another well-formed code is 422 `UNSUPPORTED_CURRENCY`', example: 'PKR' }),
    destination: z
      .object({
        type: destinationType,
        provider: z.string().min(1).max(32).meta({ example: 'JAZZCASH' }),
        accountNumber,
        accountTitle: z.string().min(1).max(191).optional(),
      })
      .superRefine((d, ctx) => {
        const problem = accountNumberProblem(d.type, d.accountNumber);
        if (problem) ctx.addIssue({ code: 'custom', path: ['accountNumber'], message: problem });
      }),
    reference: z.string().min(1).max(191).meta({
      description:
        'Your id for this payout, unique per merchant (409 `DUPLICATE_REFERENCE`). Compared exactly: case and accents count; it may not end with a space.',
      example: 'INV-1001',
    }),
    description: z.string().max(500).optional(),
    metadata: metadata.optional(),
  })
  .meta({ id: 'CreatePayout' });
export type CreatePayoutBody = z.infer<typeof createPayoutBody>;

export const payoutStatus = z.enum(PAYOUT_STATUSES as [string, ...string[]]).meta({ id: 'PayoutStatus' });

export const payoutSchema = z
  .object({
    id: z.string().meta({ example: 'po_3fK9…' }),
    amount: z.number().int(),
    currency: z.literal('PKR'),
    status: payoutStatus,
    destination: z.object({
      type: destinationType,
      provider: z.string(),
      accountNumber: z.string(),
      accountTitle: z.string().nullable(),
    }),
    reference: z.string(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    scenario: z.string().meta({ description: 'The scenario the account number triggered (see /scenarios)' }),
    failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Payout' });

export const payoutWithEvents = payoutSchema
  .extend({
    events: z.array(
      z
        .object({ status: payoutStatus, at: z.iso.datetime(), reason: z.string().optional() })
        .meta({ id: 'PayoutEvent' }),
    ),
  })
  .meta({ id: 'PayoutWithEvents' });

export const listPayoutsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional().meta({ description: '`nextCursor` of the previous page' }),
  status: payoutStatus.optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or after (ISO-8601)' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or before (ISO-8601)' }),
});

export const payoutList = z
  .object({ data: z.array(payoutSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: 'PayoutList' });

export const payoutIdParams = z.object({ id: z.string().min(1).max(64) });
