import { z } from 'zod';

/**
 * Every error code of both APIs and its one HTTP status (the AppError of @mypay/core reads its
 * status here; docs/errors.md lists them). Adding a code: add it here and to docs/errors.md.
 */
export const ERROR_STATUS = {
  INVALID_JSON: 400,
  VALIDATION_ERROR: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DUPLICATE_REFERENCE: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  CONFLICT: 409,
  TEST_CLOCK_ADVANCING: 409,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  EXPECTATION_FAILED: 417,
  INSUFFICIENT_BALANCE: 422,
  AMOUNT_OVER_LIMIT: 422,
  ACCOUNT_NOT_FOUND: 422,
  UNSUPPORTED_CURRENCY: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  INVALID_STATE: 422,
  REFUND_EXCEEDS_PAYMENT: 422,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  PROVIDER_UNAVAILABLE: 503,
  DATABASE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** When each code is returned (docs/errors.md says the same, with what to do about it). */
export const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  INVALID_JSON: 'The body is not valid JSON, or its Content-Encoding could not be decoded.',
  VALIDATION_ERROR: 'A field, query parameter or path segment is not valid; `details` names each one.',
  MALFORMED_REQUEST: 'The HTTP request itself could not be parsed (request line, headers, framing).',
  UNAUTHENTICATED: 'The API key is missing, unknown or revoked.',
  FORBIDDEN: "The key's scope does not cover this API, or the merchant is suspended.",
  NOT_FOUND: 'No such object for this merchant (another merchant’s objects are not found either), or no such route.',
  METHOD_NOT_ALLOWED: 'The path exists but not with this method.',
  DUPLICATE_REFERENCE: 'Another payout already has this `reference`; `details[0].payoutId` names it.',
  IDEMPOTENCY_IN_PROGRESS: 'A request with this Idempotency-Key is still running; retry shortly.',
  CONFLICT: 'The object changed meanwhile; fetch it again.',
  TEST_CLOCK_ADVANCING:
    'The test clock is being advanced by another request (one advance at a time per clock); retry when it is `ready`.',
  REQUEST_TIMEOUT: 'The request did not arrive in full in time.',
  PAYLOAD_TOO_LARGE: 'The body is larger than 100 KB.',
  UNSUPPORTED_MEDIA_TYPE:
    'The body’s charset or Content-Encoding is not supported (JSON in UTF-8; gzip, deflate or br).',
  EXPECTATION_FAILED: 'An `Expect` header other than `100-continue`.',
  INSUFFICIENT_BALANCE: 'The available balance is lower than the amount.',
  AMOUNT_OVER_LIMIT:
    "The amount is over the per-transaction limit of the destination's rail (wallet, Raast, bank/IBFT); `details[0].limit` names it.",
  ACCOUNT_NOT_FOUND: 'The destination account does not exist (scenario 3).',
  UNSUPPORTED_CURRENCY: 'A currency other than `PKR`.',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used with a different request.',
  INVALID_STATE: 'The object is not in a state that allows this (e.g. an illegal status transition).',
  REFUND_EXCEEDS_PAYMENT:
    'The refund is larger than what remains refundable of the payment (its amount less refunds that succeeded or are pending); `details[0]` says how much remains.',
  RATE_LIMITED: 'Too many requests for this key; wait `Retry-After` seconds.',
  HEADERS_TOO_LARGE: 'The request headers are larger than the server accepts.',
  INTERNAL_ERROR: 'Something went wrong on our side; the request id helps us find it.',
  PROVIDER_UNAVAILABLE: 'The provider is unavailable (scenario 7); retry after `Retry-After` seconds.',
  DATABASE_UNAVAILABLE: 'The database does not answer; retry after `Retry-After` seconds.',
};

export const errorCode = z.enum(ERROR_CODES).meta({ id: 'ErrorCode', description: 'See docs/errors.md' });

export const errorDetail = z
  .object({
    field: z
      .string()
      .optional()
      .meta({ description: 'Dotted path of the offending field, e.g. `destination.accountNumber`' }),
    message: z.string(),
  })
  .catchall(z.unknown())
  .meta({ id: 'ErrorDetail' });

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: errorCode,
      message: z.string(),
      requestId: z.string().meta({ description: 'Also in the `X-Request-Id` header; quote it when asking for help' }),
      details: z.array(errorDetail).optional(),
    }),
  })
  .meta({
    id: 'Error',
    description: 'Every error has this shape; never HTML, never a stack trace.',
    examples: [
      {
        error: {
          code: 'VALIDATION_ERROR',
          message: 'the request is not valid',
          requestId: '6f1c2a9e-4b1d-4c55-9a53-2f0d1c7e8b11',
          details: [{ field: 'amount', message: 'Too small: expected number to be >0', code: 'too_small' }],
        },
      },
    ],
  });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
