import { type ZodType, z } from 'zod';

/** Largest single amount the APIs accept: PKR 10,000,000.00 in paisa (fits a signed INT). */
export const MAX_AMOUNT = 1_000_000_000;
export const CURRENCY = 'PKR' as const;

export const isoDateTime = z.iso.datetime().meta({ description: 'ISO-8601, UTC', example: '2026-12-01T09:30:00.000Z' });

/** A positive amount in minor units (paisa), as requests send it. */
export const amountField = (example: number) =>
  z
    .number()
    .int()
    .positive()
    .max(MAX_AMOUNT)
    .meta({
      description: `Minor units (paisa): ${example} is PKR ${(example / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
      example,
    });

export const currencyField = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a 3-letter currency code')
  .meta({ description: 'Only `PKR`; another well-formed code is 422 `UNSUPPORTED_CURRENCY`', example: 'PKR' });

/** `:id` of every object route. */
export const idParams = z.object({ id: z.string().min(1).max(64).meta({ example: 'po_3fK9c1d2e3f4a5b6' }) });

/** Query fields every list shares: keyset pagination, newest first, and a creation-time window. */
export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size (1–100)' }),
  cursor: z.string().min(1).max(200).optional().meta({ description: '`nextCursor` of the previous page' }),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or after (ISO-8601)' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or before (ISO-8601)' }),
};

/** A query that takes no parameters (unknown ones are still refused). */
export const emptyQuery = z.object({});

/** `{data, hasMore, nextCursor}`: the envelope of every paginated list. */
export const pageOf = <T extends ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), hasMore: z.boolean(), nextCursor: z.string().nullable() }).meta({ id });

/** Flat key/value data of the caller's own. */
const metadataValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
export const metadata = z
  .record(z.string().min(1).max(40), metadataValue)
  .refine((value) => Object.keys(value).length <= 50, { message: 'at most 50 keys' })
  .meta({ description: 'Your own flat key/value data (≤ 50 keys, keys ≤ 40 chars, strings ≤ 500 chars).' });

export const failureSchema = z
  .object({ code: z.string().meta({ example: 'PROVIDER_ERROR' }), message: z.string().nullable() })
  .meta({ id: 'Failure' });

/** `testClock` on a create: the id of one of the merchant's test clocks (docs/test-clocks.md). */
export const testClockRef = z.string().min(1).max(64).meta({
  description:
    'Bind the object to one of your test clocks (`clk_…`): its timestamps are clock time, and its timers (scenario delays, expiry, webhook retries) wait for the clock to be advanced',
  example: 'clk_7Qm2a1b2c3d4e5f6g7h8i9j0',
});

/** `testClock` on a bound object (absent on unbound ones). */
export const boundTestClock = z.string().optional().meta({
  description: 'The test clock the object follows; absent when it follows wall time',
  example: 'clk_7Qm2a1b2c3d4e5f6g7h8i9j0',
});
