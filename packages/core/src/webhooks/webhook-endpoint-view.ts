import type { WebhookEndpoint } from '@mypay/db';
import { AppError } from '../errors.ts';
import { EVENT_TYPES, type EventType, isEventType } from './enqueue-event.ts';

/** A webhook endpoint as merchants see it. The secret is never part of it (only the create response adds it). */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string | null;
  /** Event types delivered; null means every type. */
  events: EventType[] | null;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  secretRotatedAt: string | null;
  /** Until then deliveries carry a second v1 signature made with the replaced secret. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toWebhookEndpointView(row: WebhookEndpoint, now: Date = new Date()): WebhookEndpointView {
  const overlapEnds = row.previousSecret && row.previousSecretExpiresAt ? row.previousSecretExpiresAt : null;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: Array.isArray(row.events)
      ? (row.events.filter((e) => typeof e === 'string' && isEventType(e)) as EventType[])
      : null,
    enabled: row.enabled,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    disabledReason: row.disabledReason,
    secretRotatedAt: row.secretRotatedAt?.toISOString() ?? null,
    previousSecretExpiresAt: overlapEnds && overlapEnds > now ? overlapEnds.toISOString() : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** null/undefined → every type; otherwise a non-empty list of known types, de-duplicated. */
export function normalizeEventFilter(events: readonly string[] | null | undefined): EventType[] | null {
  if (events === null || events === undefined) return null;
  if (events.length === 0) {
    throw new AppError('VALIDATION_ERROR', 'invalid event filter', [
      { field: 'events', message: 'must list at least one event type, or be omitted for every type' },
    ]);
  }
  const details = events.flatMap((e, i) =>
    isEventType(e)
      ? []
      : [{ field: `events.${i}`, message: `unknown event type "${e}" (one of: ${EVENT_TYPES.join(', ')})` }],
  );
  if (details.length > 0) throw new AppError('VALIDATION_ERROR', 'invalid event filter', details);
  return [...new Set(events as EventType[])];
}
