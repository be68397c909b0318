import { type ZodType, z } from 'zod';
import { isoDateTime, pageOf, pageQueryShape } from './common.ts';
import { checkoutSchema, paymentSchema, refundSchema } from './payments.ts';
import { payoutSchema } from './payouts.ts';

/** Events (the body every webhook delivery and the event stream carry), endpoints and deliveries. */

export const EVENT_TYPES = [
  'payout.created',
  'payout.processing',
  'payout.completed',
  'payout.failed',
  'payout.reversed',
  'checkout.completed',
  'checkout.expired',
  'checkout.cancelled',
  'payment.succeeded',
  'payment.failed',
  'payment.refunded',
  'refund.created',
  'refund.succeeded',
  'refund.failed',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);
export const eventType = z.enum(EVENT_TYPES).meta({ id: 'EventType' });

export const webhookTestObject = z
  .object({
    object: z.literal('webhook_test'),
    message: z.string().meta({ example: 'Test event from MyPay Sandbox' }),
    sentAt: isoDateTime,
  })
  .meta({ id: 'WebhookTest' });

/** What `data.object` is for each event type: the object as it was when the event happened. */
export const EVENT_OBJECTS = {
  'payout.created': payoutSchema,
  'payout.processing': payoutSchema,
  'payout.completed': payoutSchema,
  'payout.failed': payoutSchema,
  'payout.reversed': payoutSchema,
  'checkout.completed': checkoutSchema,
  'checkout.expired': checkoutSchema,
  'checkout.cancelled': checkoutSchema,
  'payment.succeeded': paymentSchema,
  'payment.failed': paymentSchema,
  'payment.refunded': paymentSchema,
  'refund.created': refundSchema,
  'refund.succeeded': refundSchema,
  'refund.failed': refundSchema,
  'webhook.test': webhookTestObject,
} as const satisfies Record<EventType, ZodType>;

export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  'payout.created': 'A payout was accepted and its amount taken from the balance (status `PENDING`).',
  'payout.processing': 'The provider is working on the payout.',
  'payout.completed': 'The money reached the destination.',
  'payout.failed': 'The payout failed; its amount is back in the balance (`failure` says why).',
  'payout.reversed': 'A completed payout was reversed; its amount is back in the balance.',
  'checkout.completed': 'A checkout was paid.',
  'checkout.expired': 'A checkout passed its `expiresAt` unpaid.',
  'checkout.cancelled':
    'A checkout was cancelled (by the customer on the hosted page, or by you with `POST /checkouts/:id/cancel`).',
  'payment.succeeded': 'A payment succeeded; its amount was credited to the balance.',
  'payment.failed': 'A payment attempt failed (`failure` says why); the checkout stays open for another try.',
  'payment.refunded': 'A payment was refunded in full (its refunds that succeeded add up to its amount).',
  'refund.created':
    'A refund was accepted (status `PENDING`) and its amount taken from the balance; `refund.succeeded` or `refund.failed` follows.',
  'refund.succeeded': 'The refund reached the payer.',
  'refund.failed': 'The refund failed (`failure` says why); its amount is back in the balance.',
  'webhook.test': 'Sent by `POST /webhooks/test` to check an endpoint.',
};

const pascal = (type: string) =>
  type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

const sequenceField = z.number().int().positive().meta({
  description:
    "Position of the event among the merchant's events: increases by one per event, in the order their changes committed. For one object, its events' sequences follow its lifecycle. Order by it; de-duplicate by `id`.",
  example: 42,
});

/** The API request that caused an event (as the request log names it); null for workers and clocks. */
export const eventRequestSchema = z
  .object({
    id: z.string().meta({
      description: 'The `X-Request-Id` of the request (`GET …/request-logs/{id}` shows it)',
      example: '4b7f3c2e-1d9a-4f7e-9c1b-2a6d8e0f5a13',
    }),
    idempotencyKey: z.string().nullable().meta({ example: 'order-1001' }),
  })
  .meta({ id: 'EventRequest' });

function eventOf<T extends EventType>(type: T) {
  return z
    .object({
      id: z.string().meta({ example: 'evt_7Hq2a1b2c3d4e5f6' }),
      type: z.literal(type),
      createdAt: isoDateTime.meta({ description: 'When the change happened (the status step’s own time)' }),
      sequence: sequenceField,
      request: eventRequestSchema.nullable().meta({
        description:
          'The API request that caused the event; null when a worker or the clock did (a scenario step, an expiry, a retry)',
      }),
      data: z.object({ object: EVENT_OBJECTS[type] as (typeof EVENT_OBJECTS)[T] }),
    })
    .meta({ id: `${pascal(type)}Event`, description: EVENT_DESCRIPTIONS[type] });
}

/** One schema per event type (the OpenAPI `webhooks` section documents each). */
export const EVENT_SCHEMAS = Object.fromEntries(EVENT_TYPES.map((type) => [type, eventOf(type)])) as {
  [T in EventType]: ReturnType<typeof eventOf<T>>;
};

const eventOptions = EVENT_TYPES.map((type) => EVENT_SCHEMAS[type]) as unknown as [
  ReturnType<typeof eventOf<EventType>>,
  ...ReturnType<typeof eventOf<EventType>>[],
];

/** Exactly the JSON body delivered to your endpoints; `type` tells what `data.object` is. */
export const eventSchema = z
  .discriminatedUnion('type', eventOptions)
  .meta({ id: 'Event', description: 'Exactly the JSON body delivered to your endpoints.' });
export type MyPayEvent = { [T in EventType]: z.infer<(typeof EVENT_SCHEMAS)[T]> }[EventType];

export const listEventsQuery = z.object({ ...pageQueryShape, type: eventType.optional() });
export type ListEventsQuery = z.infer<typeof listEventsQuery>;
export const eventList = pageOf(eventSchema, 'EventList');

export const attemptSchema = z
  .object({
    attemptNumber: z.number().int(),
    statusCode: z.number().int().nullable().meta({ description: 'null when no HTTP response came back' }),
    latencyMs: z.number().int(),
    responseExcerpt: z.string().nullable().meta({ description: 'First 1 KB of the response body' }),
    error: z.string().nullable().meta({ description: 'Timeout, connection error or refusal, if any' }),
    createdAt: isoDateTime,
  })
  .meta({ id: 'WebhookAttempt' });

export const deliverySchema = z
  .object({
    id: z.string().meta({ example: 'whd_5c1a2b3c4d5e6f7a' }),
    endpointId: z.string(),
    url: z.string(),
    status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
    attemptCount: z.number().int(),
    nextAttemptAt: isoDateTime.nullable(),
    lastAttemptAt: isoDateTime.nullable(),
    lastStatusCode: z.number().int().nullable(),
    createdAt: isoDateTime,
    attempts: z.array(attemptSchema),
  })
  .meta({ id: 'WebhookDelivery' });

/** One detail schema per event type: the event and its deliveries (closed objects, no allOf). */
function eventDetailOf<T extends EventType>(type: T) {
  return EVENT_SCHEMAS[type]
    .extend({ deliveries: z.array(deliverySchema) })
    .meta({ id: `${pascal(type)}EventDetail`, description: `${EVENT_DESCRIPTIONS[type]} With its deliveries.` });
}
const detailOptions = EVENT_TYPES.map((type) => eventDetailOf(type)) as unknown as [
  ReturnType<typeof eventDetailOf<EventType>>,
  ...ReturnType<typeof eventDetailOf<EventType>>[],
];

export const eventDetailSchema = z
  .discriminatedUnion('type', detailOptions)
  .meta({ id: 'EventDetail', description: 'The event with its deliveries and every attempt' });

export const redeliverBody = z
  .object({
    endpointId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'One endpoint; omit for every enabled endpoint subscribed to the event type' }),
  })
  .meta({ id: 'RedeliverEvent', examples: [{}, { endpointId: 'we_8Jd2a1b2c3d4e5f6' }] });
export type RedeliverBody = z.infer<typeof redeliverBody>;

export const redeliveryResult = z
  .object({
    eventId: z.string(),
    deliveries: z.array(
      z.object({ id: z.string(), endpointId: z.string(), url: z.string(), status: z.literal('PENDING') }),
    ),
  })
  .meta({ id: 'Redelivery' });

export const createWebhookEndpointBody = z
  .object({
    url: z.string().min(1).max(2048).meta({
      description:
        'Absolute http(s) URL. Outside development it must resolve to a public address (no loopback, private or link-local targets).',
      example: 'https://example.com/webhooks/mypay',
    }),
    events: z
      .array(eventType)
      .min(1)
      .max(EVENT_TYPES.length)
      .nullable()
      .optional()
      .meta({ description: 'Event types to receive; omit or null for every type.' }),
    description: z.string().max(255).nullable().optional(),
  })
  .meta({
    id: 'CreateWebhookEndpoint',
    examples: [
      {
        url: 'https://example.com/webhooks/mypay',
        events: ['payout.completed', 'payout.failed'],
        description: 'Order service',
      },
    ],
  });
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBody>;

export const webhookEndpointSchema = z
  .object({
    id: z.string().meta({ example: 'we_8Jd2a1b2c3d4e5f6' }),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(eventType).nullable().meta({ description: 'null: every type' }),
    enabled: z.boolean(),
    disabledAt: isoDateTime.nullable(),
    disabledReason: z.string().nullable().meta({
      description: 'Why it stopped receiving: e.g. every delivery attempt failed for 3 days',
    }),
    secretRotatedAt: isoDateTime.nullable().meta({ description: 'When the signing secret was last rolled' }),
    previousSecretExpiresAt: isoDateTime.nullable().meta({
      description:
        'Until then every delivery carries a second `v1` signature made with the secret the last rotation replaced; null when there is none (or it has expired)',
    }),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'WebhookEndpoint' });

export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({
    secret: z.string().meta({
      description: 'Signing secret (`whsec_…`) for verifying `MyPay-Signature`. Shown only in this response.',
      example: 'whsec_2bH4c5d6e7f8a9b0',
    }),
  })
  .meta({ id: 'CreatedWebhookEndpoint' });

export const webhookEndpointList = pageOf(webhookEndpointSchema, 'WebhookEndpointList');

export const updateWebhookEndpointBody = z
  .object({
    url: createWebhookEndpointBody.shape.url.optional(),
    events: createWebhookEndpointBody.shape.events,
    description: createWebhookEndpointBody.shape.description,
    enabled: z.boolean().optional().meta({
      description:
        '`false` stops deliveries to it (pending ones are given up when they come due); `true` enables it again, also one disabled for failing',
    }),
  })
  // Unknown fields are refused (a typo must not turn into an empty, successful PATCH).
  .strict()
  .meta({
    id: 'UpdateWebhookEndpoint',
    examples: [{ enabled: false }, { events: ['payout.completed', 'refund.succeeded'] }],
  });
export type UpdateWebhookEndpointBody = z.infer<typeof updateWebhookEndpointBody>;

/** Default and largest overlap of a secret rotation: a day, a week. */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 86_400;
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 86_400;

export const rotateWebhookSecretBody = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_SECRET_OVERLAP_SECONDS)
      .optional()
      .meta({
        description: `How long deliveries stay signed with the old secret too (a second \`v1\`); default ${DEFAULT_SECRET_OVERLAP_SECONDS} (24 h), at most ${MAX_SECRET_OVERLAP_SECONDS} (7 days); 0 drops the old secret at once`,
        example: 3600,
      }),
  })
  .meta({ id: 'RotateWebhookSecret', examples: [{}, { overlapSeconds: 3600 }] });
export type RotateWebhookSecretBody = z.infer<typeof rotateWebhookSecretBody>;

export const rotatedWebhookEndpointSchema = webhookEndpointSchema
  .extend({
    secret: z.string().meta({
      description: 'The new signing secret (`whsec_…`). Shown only in this response (and its idempotent replays).',
      example: 'whsec_9Kd3c5d6e7f8a9b0',
    }),
  })
  .meta({ id: 'RotatedWebhookEndpoint' });

export const webhookDeliveryStatsSchema = z
  .object({
    windowHours: z.literal(24),
    succeeded: z.number().int().meta({ description: 'Delivery attempts in the window your endpoint answered 2xx' }),
    failed: z.number().int().meta({ description: 'Attempts that got another status, a timeout or no connection' }),
    total: z.number().int(),
    successRate: z.number().min(0).max(1).nullable().meta({
      description: '`succeeded / total`, 0–1; null when there was no attempt in the window',
      example: 0.98,
    }),
  })
  .meta({ id: 'WebhookDeliveryStats' });

export const webhookEndpointDetailSchema = webhookEndpointSchema
  .extend({ deliveryStats: webhookDeliveryStatsSchema })
  .meta({ id: 'WebhookEndpointDetail' });

export const deletedWebhookEndpoint = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .meta({ id: 'DeletedWebhookEndpoint' });

export const sendTestEventBody = z
  .object({
    endpointId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Only this endpoint (default: every enabled one)' }),
    type: eventType.optional().meta({
      description:
        'Event type to send (default `webhook.test`). Any other type carries a sample object of that type (ids `…_sample…`), so your handler for it can be tried; it goes to the endpoint even if its filter leaves the type out.',
      example: 'refund.succeeded',
    }),
  })
  .meta({
    id: 'SendTestEvent',
    examples: [{}, { endpointId: 'we_8Jd2a1b2c3d4e5f6' }, { endpointId: 'we_8Jd2a1b2c3d4e5f6', type: 'refund.failed' }],
  });
export type SendTestEventBody = z.infer<typeof sendTestEventBody>;

export const testEventResult = z
  .object({
    eventId: z.string(),
    type: eventType,
    deliveries: z.array(
      z.object({
        deliveryId: z.string(),
        endpointId: z.string(),
        url: z.string(),
        status: z.enum(['DELIVERED', 'PENDING', 'FAILED']),
        attempt: z
          .object({
            attemptNumber: z.number().int(),
            statusCode: z.number().int().nullable(),
            latencyMs: z.number(),
            responseExcerpt: z.string().nullable(),
            error: z.string().nullable(),
          })
          .nullable(),
      }),
    ),
  })
  .meta({ id: 'TestEventResult' });

// ---------------------------------------------------------------------------------------------
// The event stream (`GET /api/v1/events/stream`, what `mypay listen` reads).

/** `after=start`: from the merchant's first event (what a client resumes with if it saw none yet). */
export const STREAM_START = 'start';

/** Problems with an event type pattern (`payout.*`, `payment.succeeded`, `*`), or null when fine. */
export function eventTypePatternProblem(pattern: string): string | null {
  if (pattern === '*') return null;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return EVENT_TYPES.some((type) => type.startsWith(prefix)) ? null : `no event type matches ${pattern}`;
  }
  return (EVENT_TYPES as readonly string[]).includes(pattern) ? null : `unknown event type ${pattern}`;
}

/** `*` matches everything, `payout.*` every `payout.` type, anything else itself. Empty list: everything. */
export function eventTypeMatches(type: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some(
    (pattern) =>
      pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}

export function splitTypes(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export const eventStreamQuery = z.object({
  after: z.string().min(1).max(64).optional().meta({
    description:
      'Resume after this event id (what the `Last-Event-ID` header also does), or `start` for every event of the merchant. Without it, the stream carries events that happen from now on.',
    example: 'evt_7Hq2a1b2c3d4e5f6',
  }),
  types: z
    .string()
    .max(1000)
    .optional()
    .superRefine((value, ctx) => {
      for (const pattern of splitTypes(value)) {
        const problem = eventTypePatternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .meta({
      description: 'Comma-separated event types to receive; `payout.*` matches every payout event. Default: all.',
      example: 'payout.*,payment.succeeded',
    }),
});
export type EventStreamQuery = z.infer<typeof eventStreamQuery>;

/** The body of `GET /events/stream`: server-sent events, one event body per message. */
export const eventStreamBody = z.string().meta({
  example:
    'event: ready\ndata: {"after":"evt_1"}\n\nid: evt_2\nevent: payout.completed\ndata: {"id":"evt_2","type":"payout.completed",…}\n\n',
});

export const eventStreamDescription = `A [server-sent events](https://html.spec.whatwg.org/multipage/server-sent-events.html) stream of the merchant's events — payouts **and** payments (\`payout.*\`, \`payment.*\`, \`checkout.*\`) — as they are written. What \`mypay listen\` connects to.

- First message: \`event: ready\`, \`data: {"after": "<resume position>"}\`. Then, per event: \`id:\` the resume position, \`event:\` the type, \`data:\` the event body exactly as webhooks deliver it.
- Events come in the order they were written; each body's \`sequence\` is its position among the merchant's events.
- Resume with \`?after=<id>\` or the \`Last-Event-ID\` header (EventSource sends it by itself). Delivery is at least once: after a resume, events of the last few seconds can come again — de-duplicate on the event id.
- A comment line (\`: keep-alive\`) every 15 s keeps proxies from closing an idle stream.
- At most 5 streams per API key and 10 per merchant at once (configurable): past that, 429 \`RATE_LIMITED\` with \`Retry-After\`.
- The stream ends when the server stops or the key is revoked; reconnect with backoff and resume.`;
