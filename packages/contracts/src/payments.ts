import { z } from 'zod';
import {
  amountField,
  boundTestClock,
  currencyField,
  failureSchema,
  isoDateTime,
  pageOf,
  pageQueryShape,
  testClockRef,
} from './common.ts';
import { MOBILE_FORMS, MOBILE_PROBLEM, normalizeMobile } from './pakistani-accounts.ts';
import { walletCode } from './reference.ts';

/** Checkouts and payment transactions of the Payment API. */

export type CheckoutStatus = 'OPEN' | 'COMPLETED' | 'EXPIRED' | 'CANCELLED';
export const CHECKOUT_STATUSES = [
  'OPEN',
  'COMPLETED',
  'EXPIRED',
  'CANCELLED',
] as const satisfies readonly CheckoutStatus[];
export const checkoutStatus = z.enum(CHECKOUT_STATUSES).meta({ id: 'CheckoutStatus' });

export type TransactionStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
export const TRANSACTION_STATUSES = [
  'PENDING',
  'SUCCEEDED',
  'FAILED',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
] as const satisfies readonly TransactionStatus[];
export const transactionStatus = z.enum(TRANSACTION_STATUSES).meta({ id: 'TransactionStatus' });

export const DEFAULT_CHECKOUT_TTL_SECONDS = 1_800;
export const MIN_CHECKOUT_TTL_SECONDS = 60;
export const MAX_CHECKOUT_TTL_SECONDS = 86_400;

/** A one-time password as wallets send it. */
export const OTP_PATTERN = /^\d{4,6}$/;
/** Printed on the hosted page and in redirects: no control characters. */
export const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]+$/u;

/**
 * A host name as CSP host-sources and DNS take it: dot-separated labels of letters, digits and
 * inner hyphens (the URL parser has already lower-cased it and turned IDNs into `xn--` labels).
 * The WHATWG parser lets `;`, `,`, `'`, `*`, `!`, `$`, `&`, `(`, `)`, `+`, `=` and more through in
 * a host; the hosted page pastes the origin into its Content-Security-Policy, where `;` or `'`
 * would start a new directive or source.
 */
const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_HOSTNAME = new RegExp(`^(?=.{1,253}$)${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/;

/**
 * successUrl/cancelUrl: absolute http(s) URLs with a valid host name (or IP literal) and no
 * credentials, so the hosted page can only ever send the customer to a web page (never
 * `javascript:`, `data:` or a relative path) and the origin is safe inside its CSP.
 */
export function redirectUrlProblem(value: string): string | null {
  if (value.length > 2048) return 'at most 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an absolute http(s) URL';
  if (!url.hostname) return 'must name a host';
  if (!DNS_HOSTNAME.test(url.hostname) && !IPV6_LITERAL.test(url.hostname)) {
    return 'the host must be a valid host name (letters, digits, hyphens and dots) or an IP address';
  }
  if (url.username || url.password) return 'must not contain credentials';
  return null;
}

const redirectUrl = (what: string, example: string) =>
  z
    .string()
    .max(2048)
    .superRefine((value, ctx) => {
      const problem = redirectUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description: `Absolute http(s) URL the customer is sent to ${what}`, example });

export const mobileNumber = z
  .string()
  .max(32)
  .refine((value) => normalizeMobile(value) !== null, MOBILE_PROBLEM)
  .meta({
    description: `A Pakistani mobile number: ${MOBILE_FORMS} (stored as \`03XXXXXXXXX\`)`,
    example: '03000000001',
  });

export const createCheckoutBody = z
  .object({
    amount: amountField(250000),
    currency: currencyField,
    orderId: z.string().trim().min(1).max(191).regex(NO_CONTROL_CHARACTERS, 'no control characters').meta({
      description: 'Your order id (not required to be unique; `GET /checkouts?orderId=` finds it)',
      example: 'ORDER-1001',
    }),
    customer: z
      .object({
        mobile: mobileNumber.optional(),
        email: z.email().max(191).optional().meta({ example: 'ayesha@example.com' }),
      })
      .optional()
      .meta({ description: 'Optional; the mobile number pre-fills the hosted page' }),
    successUrl: redirectUrl(
      'after paying (`?checkoutId=…&status=COMPLETED&transactionId=…` is appended)',
      'https://shop.example/paid',
    ),
    cancelUrl: redirectUrl(
      'after cancelling (`?checkoutId=…&status=CANCELLED` is appended)',
      'https://shop.example/cart',
    ),
    expiresInSeconds: z
      .number()
      .int()
      .min(MIN_CHECKOUT_TTL_SECONDS)
      .max(MAX_CHECKOUT_TTL_SECONDS)
      .optional()
      .meta({ description: `Lifetime of the checkout (default ${DEFAULT_CHECKOUT_TTL_SECONDS} s)`, example: 1800 }),
    testClock: testClockRef.optional(),
  })
  .meta({
    id: 'CreateCheckout',
    examples: [
      {
        amount: 250000,
        currency: 'PKR',
        orderId: 'ORDER-1001',
        customer: { mobile: '03000000001', email: 'ayesha@example.com' },
        successUrl: 'https://shop.example/paid',
        cancelUrl: 'https://shop.example/cart',
        expiresInSeconds: 1800,
      },
    ],
  });
export type CreateCheckoutBody = z.infer<typeof createCheckoutBody>;

export const paymentSchema = z
  .object({
    id: z.string().meta({ example: 'txn_4Hs9a8b7c6d5e4f3' }),
    checkoutId: z.string().meta({ example: 'cs_8Jd2a1b2c3d4e5f6' }),
    orderId: z.string().meta({ example: 'ORDER-1001' }),
    amount: z.number().int().meta({ example: 250000 }),
    amountRefunded: z.number().int().meta({
      description: 'Sum of the refunds of this payment that succeeded; `REFUNDED` once it equals `amount`',
      example: 0,
    }),
    currency: z.literal('PKR'),
    status: transactionStatus,
    provider: z.string().meta({ example: 'JAZZCASH' }),
    mobile: z.string().meta({ example: '03000000001' }),
    scenario: z.string().meta({ description: 'The scenario the payer number triggered', example: 'SUCCESS' }),
    failure: failureSchema.nullable(),
    testClock: boundTestClock,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'PaymentTransaction' });
export type PaymentTransaction = z.infer<typeof paymentSchema>;

export const checkoutSchema = z
  .object({
    id: z.string().meta({ example: 'cs_8Jd2a1b2c3d4e5f6' }),
    status: checkoutStatus,
    amount: z.number().int().meta({ example: 250000 }),
    currency: z.literal('PKR'),
    orderId: z.string().meta({ example: 'ORDER-1001' }),
    customer: z.object({ mobile: z.string().nullable(), email: z.string().nullable() }).nullable(),
    successUrl: z.string(),
    cancelUrl: z.string(),
    checkoutUrl: z.string().meta({ description: 'The hosted payment page: send the customer here' }),
    expiresAt: isoDateTime,
    completedAt: isoDateTime.nullable(),
    testClock: boundTestClock,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Checkout' });
export type Checkout = z.infer<typeof checkoutSchema>;

export const checkoutWithTransaction = checkoutSchema
  .extend({ latestTransaction: paymentSchema.nullable() })
  .meta({ id: 'CheckoutWithTransaction' });

/** `POST /checkouts/:id/cancel` takes no fields (an empty object or no body). */
export const cancelCheckoutBody = z.object({}).meta({ id: 'CancelCheckout', examples: [{}] });

export const listCheckoutsQuery = z.object({
  ...pageQueryShape,
  status: checkoutStatus.optional(),
  orderId: z.string().min(1).max(191).optional().meta({ description: 'Exact `orderId`', example: 'ORDER-1001' }),
});
export type ListCheckoutsQuery = z.infer<typeof listCheckoutsQuery>;
export const checkoutList = pageOf(checkoutSchema, 'CheckoutList');

export const completePaymentBody = z
  .object({
    checkoutId: z.string().min(1).max(64).meta({ example: 'cs_8Jd2a1b2c3d4e5f6' }),
    provider: walletCode,
    mobile: mobileNumber.meta({
      description: "The payer's wallet number; it picks the scenario",
      example: '03000000001',
    }),
    otp: z.string().regex(OTP_PATTERN, '4 to 6 digits').optional().meta({ example: '123456' }),
  })
  .meta({
    id: 'CompletePayment',
    examples: [{ checkoutId: 'cs_8Jd2a1b2c3d4e5f6', provider: 'JAZZCASH', mobile: '03000000001', otp: '123456' }],
  });
export type CompletePaymentBody = z.infer<typeof completePaymentBody>;

export const listTransactionsQuery = z.object({ ...pageQueryShape, status: transactionStatus.optional() });
export type ListTransactionsQuery = z.infer<typeof listTransactionsQuery>;
export const transactionList = pageOf(paymentSchema, 'TransactionList');

// ---------------------------------------------------------------------------------------------
// Refunds of payment transactions.

export type RefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';
export const REFUND_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const satisfies readonly RefundStatus[];
export const refundStatus = z.enum(REFUND_STATUSES).meta({ id: 'RefundStatus' });

export const createRefundBody = z
  .object({
    transactionId: z
      .string()
      .min(1)
      .max(64)
      .meta({ description: 'A `SUCCEEDED` (or partly refunded) payment', example: 'txn_4Hs9a8b7c6d5e4f3' }),
    amount: amountField(100000).optional().meta({
      description: 'Paisa; default: all that remains refundable. Refunds of one payment add up to at most its amount.',
      example: 100000,
    }),
    reason: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(NO_CONTROL_CHARACTERS, 'no control characters')
      .optional()
      .meta({ description: 'Your note, kept with the refund', example: 'customer returned one item' }),
  })
  .meta({
    id: 'CreateRefund',
    examples: [
      { transactionId: 'txn_4Hs9a8b7c6d5e4f3', amount: 100000, reason: 'customer returned one item' },
      { transactionId: 'txn_4Hs9a8b7c6d5e4f3' },
    ],
  });
export type CreateRefundBody = z.infer<typeof createRefundBody>;

export const refundSchema = z
  .object({
    id: z.string().meta({ example: 're_2Kd8a1b2c3d4e5f6a7b8c9d0' }),
    transactionId: z.string().meta({ example: 'txn_4Hs9a8b7c6d5e4f3' }),
    checkoutId: z.string().meta({ example: 'cs_8Jd2a1b2c3d4e5f6' }),
    amount: z.number().int().meta({ example: 100000 }),
    currency: z.literal('PKR'),
    status: refundStatus,
    reason: z.string().nullable().meta({ example: 'customer returned one item' }),
    scenario: z.string().meta({ description: "The payment's scenario, which drives the refund", example: 'SUCCESS' }),
    failure: failureSchema.nullable(),
    testClock: boundTestClock,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Refund' });
export type Refund = z.infer<typeof refundSchema>;

export const listRefundsQuery = z.object({
  ...pageQueryShape,
  status: refundStatus.optional(),
  transactionId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'Refunds of this payment only', example: 'txn_4Hs9a8b7c6d5e4f3' }),
});
export type ListRefundsQuery = z.infer<typeof listRefundsQuery>;
export const refundList = pageOf(refundSchema, 'RefundList');

/** `POST /sandbox/payments/:id/simulate`: force a payment's legal next transition. */
export const simulatePaymentBody = z
  .object({
    status: z.enum(['SUCCEEDED', 'FAILED', 'REFUNDED']).meta({
      description:
        'The next status; only legal transitions: PENDING → SUCCEEDED | FAILED, SUCCEEDED | PARTIALLY_REFUNDED → REFUNDED (else 422 `INVALID_STATE`)',
    }),
    reason: z
      .string()
      .regex(/^[A-Z0-9_]{1,64}$/, 'UPPER_SNAKE_CASE, up to 64 characters')
      .optional()
      .meta({ description: 'Failure code for FAILED (default SIMULATED_FAILURE)' }),
  })
  .meta({
    id: 'SimulatePayment',
    examples: [{ status: 'SUCCEEDED' }, { status: 'FAILED', reason: 'INSUFFICIENT_FUNDS' }, { status: 'REFUNDED' }],
  });
export type SimulatePaymentBody = z.infer<typeof simulatePaymentBody>;
