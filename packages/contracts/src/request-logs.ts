import { z } from 'zod';
import { isoDateTime, pageOf, pageQueryShape } from './common.ts';

/** The request log: every request a merchant's keys made to either API, readable on both. */

export const REQUEST_LOG_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const requestLogSchema = z
  .object({
    requestId: z.string().meta({
      description: 'The `X-Request-Id` of the request (yours when you sent one)',
      example: '4b7f3c2e-1d9a-4f7e-9c1b-2a6d8e0f5a13',
    }),
    api: z.enum(['payout', 'payment']).meta({ description: 'Which API answered it' }),
    method: z.string().meta({ example: 'POST' }),
    path: z.string().meta({ description: 'As called, query string included', example: '/api/v1/payouts' }),
    route: z
      .string()
      .nullable()
      .meta({ description: 'The route template; null when no route matched', example: '/api/v1/payouts/:id' }),
    status: z.number().int().meta({ description: '499: the client went away before the answer', example: 201 }),
    durationMs: z.number().int().meta({ example: 42 }),
    errorCode: z.string().nullable().meta({ description: '`error.code` of a failed request', example: null }),
    idempotencyKey: z.string().nullable(),
    idempotentReplayed: z.boolean().meta({ description: 'The answer was a stored one (`Idempotent-Replayed: true`)' }),
    objectId: z.string().nullable().meta({
      description: 'The object the request created or read (`po_…`, `cs_…`, `txn_…`, `we_…`, `evt_…`)',
      example: 'po_3fK9c1d2e3f4a5b6',
    }),
    keyPrefix: z
      .string()
      .nullable()
      .meta({ description: "The API key's visible prefix; null for the hosted page's posts", example: 'mp_test_9a1b' }),
    ip: z.string().nullable().meta({ description: 'Client address, as the trusted proxy saw it' }),
    userAgent: z.string().nullable(),
    createdAt: isoDateTime.meta({ description: 'When the request arrived' }),
  })
  .meta({ id: 'RequestLog' });
export type RequestLog = z.infer<typeof requestLogSchema>;

const storedBody = (which: string) =>
  z.unknown().meta({
    description: `The ${which} body as JSON, secrets \`[redacted]\`; when longer than 16 KB, a string of its first 16 KB (\`${which}BodyTruncated\`); null when there was none (or it was not JSON)`,
  });

export const requestLogDetailSchema = requestLogSchema
  .extend({
    requestBody: storedBody('request'),
    requestBodyTruncated: z.boolean(),
    responseBody: storedBody('response'),
    responseBodyTruncated: z.boolean(),
    events: z
      .array(
        z.object({
          id: z.string().meta({ example: 'evt_7Hq2a1b2c3d4e5f6' }),
          type: z.string().meta({ example: 'payout.created' }),
          createdAt: isoDateTime,
        }),
      )
      .meta({ description: "Events this request caused (their `request.id` is this entry's `requestId`)" }),
  })
  .meta({ id: 'RequestLogDetail' });
export type RequestLogDetail = z.infer<typeof requestLogDetailSchema>;

export const requestLogList = pageOf(requestLogSchema, 'RequestLogList');

export const listRequestLogsQuery = z.object({
  ...pageQueryShape,
  status: z
    .string()
    .regex(/^(?:[1-5]\d\d|[1-5][xX][xX])$/, 'a status code like 422 or a class like 4xx')
    .optional()
    .meta({ description: 'A status code (`422`) or a class (`4xx`)', example: '4xx' }),
  method: z.enum(REQUEST_LOG_METHODS).optional(),
  path: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta({ description: 'Prefix of the path as called', example: '/api/v1/payouts' }),
  objectId: z.string().min(1).max(64).optional().meta({ example: 'po_3fK9c1d2e3f4a5b6' }),
  idempotencyKey: z.string().min(1).max(255).optional(),
});
export type ListRequestLogsQuery = z.infer<typeof listRequestLogsQuery>;

export const requestIdParams = z.object({
  requestId: z.string().min(1).max(128).meta({ example: '4b7f3c2e-1d9a-4f7e-9c1b-2a6d8e0f5a13' }),
});

export const REQUEST_LOGS_TAG_DESCRIPTION =
  'Every request your keys made to either API (one log for both), with redacted bodies, the object it made or read and the events it caused. Kept `REQUEST_LOG_RETENTION_DAYS` (7) days. Reading the log is not logged itself.';
