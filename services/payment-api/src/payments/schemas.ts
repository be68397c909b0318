import { OTP_PATTERN, TRANSACTION_STATUSES, WALLET_ACCOUNT } from '@mypay/core';
import { z } from 'zod';

/** Request and response schemas of the payment routes (the hosted page parses its form with them too). */

export const completePaymentBody = z
  .object({
    checkoutId: z.string().min(1).max(64).meta({ example: 'cs_8Jd2…' }),
    provider: z
      .string()
      .min(1)
      .max(32)
      .meta({ description: 'A wallet code from `GET /api/v1/directory/wallets`', example: 'JAZZCASH' }),
    mobile: z
      .string()
      .regex(WALLET_ACCOUNT, 'an 11-digit mobile number 03XXXXXXXXX')
      .meta({ description: "The payer's wallet number; it picks the scenario", example: '03000000001' }),
    otp: z.string().regex(OTP_PATTERN, '4 to 6 digits').optional().meta({ example: '123456' }),
  })
  .meta({ id: 'CompletePayment' });
export type CompletePaymentBody = z.infer<typeof completePaymentBody>;

export const transactionStatus = z
  .enum(TRANSACTION_STATUSES as [string, ...string[]])
  .meta({ id: 'TransactionStatus' });

export const paymentSchema = z
  .object({
    id: z.string().meta({ example: 'txn_4Hs9…' }),
    checkoutId: z.string(),
    orderId: z.string(),
    amount: z.number().int(),
    currency: z.literal('PKR'),
    status: transactionStatus,
    provider: z.string(),
    mobile: z.string(),
    scenario: z.string().meta({ description: 'The scenario the payer number triggered' }),
    failure: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'PaymentTransaction' });

export const listTransactionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional().meta({ description: '`nextCursor` of the previous page' }),
  status: transactionStatus.optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or after (ISO-8601)' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or before (ISO-8601)' }),
});

export const transactionList = z
  .object({ data: z.array(paymentSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: 'TransactionList' });
