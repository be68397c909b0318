import {
  CHECKOUT_STATUSES,
  DEFAULT_CHECKOUT_TTL_SECONDS,
  MAX_AMOUNT,
  MAX_CHECKOUT_TTL_SECONDS,
  MIN_CHECKOUT_TTL_SECONDS,
  redirectUrlProblem,
  WALLET_ACCOUNT,
} from '@mypay/core';
import { z } from 'zod';
import { paymentSchema } from '../payments/schemas.ts';

/** Request and response schemas of the checkout routes; the same objects validate and document. */

const redirectUrl = (what: string) =>
  z
    .string()
    .max(2048)
    .superRefine((value, ctx) => {
      const problem = redirectUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description: `Absolute http(s) URL the customer is sent to ${what}`, example: 'https://shop.example/ok' });

export const createCheckoutBody = z
  .object({
    amount: z
      .number()
      .int()
      .positive()
      .max(MAX_AMOUNT)
      .meta({ description: 'Minor units (paisa): 250000 is PKR 2,500.00', example: 250000 }),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'a 3-letter currency code')
      .meta({ description: 'Only `PKR`; another well-formed code is 422 `UNSUPPORTED_CURRENCY`', example: 'PKR' }),
    orderId: z
      .string()
      .trim()
      .min(1)
      .max(191)
      // Printed on the hosted page and in redirects: no control characters.
      .regex(/^[^\p{Cc}]+$/u, 'no control characters')
      .meta({ description: 'Your order id (not required to be unique)', example: 'ORDER-1001' }),
    customer: z
      .object({
        mobile: z.string().regex(WALLET_ACCOUNT, 'an 11-digit mobile number 03XXXXXXXXX').optional(),
        email: z.email().max(191).optional(),
      })
      .optional()
      .meta({ description: 'Optional; the mobile number pre-fills the hosted page' }),
    successUrl: redirectUrl('after paying (`?checkoutId=…&status=COMPLETED&transactionId=…` is appended)'),
    cancelUrl: redirectUrl('after cancelling (`?checkoutId=…&status=CANCELLED` is appended)'),
    expiresInSeconds: z
      .number()
      .int()
      .min(MIN_CHECKOUT_TTL_SECONDS)
      .max(MAX_CHECKOUT_TTL_SECONDS)
      .optional()
      .meta({ description: `Lifetime of the checkout (default ${DEFAULT_CHECKOUT_TTL_SECONDS} s)`, example: 1800 }),
  })
  .meta({ id: 'CreateCheckout' });
export type CreateCheckoutBody = z.infer<typeof createCheckoutBody>;

export const checkoutStatus = z.enum(CHECKOUT_STATUSES as [string, ...string[]]).meta({ id: 'CheckoutStatus' });

export const checkoutSchema = z
  .object({
    id: z.string().meta({ example: 'cs_8Jd2…' }),
    status: checkoutStatus,
    amount: z.number().int(),
    currency: z.literal('PKR'),
    orderId: z.string(),
    customer: z.object({ mobile: z.string().nullable(), email: z.string().nullable() }).nullable(),
    successUrl: z.string(),
    cancelUrl: z.string(),
    checkoutUrl: z.string().meta({ description: 'The hosted payment page: send the customer here' }),
    expiresAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Checkout' });

export const checkoutWithTransaction = checkoutSchema
  .extend({ latestTransaction: paymentSchema.nullable() })
  .meta({ id: 'CheckoutWithTransaction' });

export const checkoutIdParams = z.object({ id: z.string().min(1).max(64) });
