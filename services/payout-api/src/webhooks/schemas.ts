import { EVENT_TYPES } from '@mypay/core';
import { z } from 'zod';

/** Request and response schemas of the webhook routes; the same objects validate and document. */

export const eventType = z.enum(EVENT_TYPES).meta({ id: 'EventType' });

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
  .meta({ id: 'CreateWebhookEndpoint' });
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBody>;

export const webhookEndpointSchema = z
  .object({
    id: z.string().meta({ example: 'we_8Jd2…' }),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(eventType).nullable().meta({ description: 'null: every type' }),
    enabled: z.boolean(),
    disabledAt: z.iso.datetime().nullable(),
    disabledReason: z.string().nullable().meta({
      description: 'Why it stopped receiving: e.g. every delivery attempt failed for 3 days',
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const createdWebhookEndpointSchema = webhookEndpointSchema
  .extend({
    secret: z.string().meta({
      description: 'Signing secret (`whsec_…`) for verifying `MyPay-Signature`. Shown only in this response.',
      example: 'whsec_2bH…',
    }),
  })
  .meta({ id: 'CreatedWebhookEndpoint' });

export const webhookEndpointList = z
  .object({ data: z.array(webhookEndpointSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: 'WebhookEndpointList' });

export const deletedWebhookEndpoint = z
  .object({ id: z.string(), deleted: z.literal(true) })
  .meta({ id: 'DeletedWebhookEndpoint' });

export const idParams = z.object({ id: z.string().min(1).max(64) });

export const listEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional().meta({ description: '`nextCursor` of the previous page' }),
  type: eventType.optional(),
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or after (ISO-8601)' }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: 'created at or before (ISO-8601)' }),
});

export const eventSchema = z
  .object({
    id: z.string().meta({ example: 'evt_7Hq…' }),
    type: eventType,
    createdAt: z.iso.datetime(),
    data: z.object({ object: z.unknown().meta({ description: 'The object as it was when the event happened' }) }),
  })
  .meta({ id: 'Event', description: 'Exactly the JSON body delivered to your endpoints.' });

export const eventList = z
  .object({ data: z.array(eventSchema), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: 'EventList' });

export const attemptSchema = z
  .object({
    attemptNumber: z.number().int(),
    statusCode: z.number().int().nullable().meta({ description: 'null when no HTTP response came back' }),
    latencyMs: z.number().int(),
    responseExcerpt: z.string().nullable().meta({ description: 'First 1 KB of the response body' }),
    error: z.string().nullable().meta({ description: 'Timeout, connection error or refusal, if any' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookAttempt' });

export const deliverySchema = z
  .object({
    id: z.string().meta({ example: 'whd_5c1…' }),
    endpointId: z.string(),
    url: z.string(),
    status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
    attemptCount: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastAttemptAt: z.iso.datetime().nullable(),
    lastStatusCode: z.number().int().nullable(),
    createdAt: z.iso.datetime(),
    attempts: z.array(attemptSchema),
  })
  .meta({ id: 'WebhookDelivery' });

export const eventDetailSchema = eventSchema
  .extend({ deliveries: z.array(deliverySchema) })
  .meta({ id: 'EventDetail' });

export const redeliverBody = z
  .object({
    endpointId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'One endpoint; omit for every enabled endpoint subscribed to the event type' }),
  })
  .meta({ id: 'RedeliverEvent' });

export const redeliveryResult = z
  .object({
    eventId: z.string(),
    deliveries: z.array(
      z.object({ id: z.string(), endpointId: z.string(), url: z.string(), status: z.literal('PENDING') }),
    ),
  })
  .meta({ id: 'Redelivery' });
