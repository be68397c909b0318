import type { Db } from '@mypay/db';
import type { Page } from '../pagination/index.ts';
import type { EventBody, EventType } from './enqueue-event.ts';
import { type ListEventsInput, listEvents } from './list-events.ts';
import { countDeliveriesByEvent } from './webhook-repository.ts';

/** How an event's deliveries stand, over all the endpoints it went to. */
export interface EventDeliverySummary {
  /** Deliveries (one per endpoint the event was sent to). */
  total: number;
  delivered: number;
  pending: number;
  failed: number;
  /** Attempts made over all of them. */
  attempts: number;
}

export type EventObjectKind = 'payout' | 'checkout' | 'payment' | 'refund';

/** The object an event is about, as far as the portal can link it. */
export interface EventObjectRef {
  kind: EventObjectKind;
  id: string;
  /** A refund has no page of its own: its payment's page lists it. */
  transactionId: string | null;
}

export interface EventSummary extends EventBody {
  deliveries: EventDeliverySummary;
  about: EventObjectRef | null;
}

const KINDS: Record<string, EventObjectKind> = {
  payout: 'payout',
  checkout: 'checkout',
  payment: 'payment',
  refund: 'refund',
};

/** The object of an event from its type's prefix and `data.object.id`; null for webhook.test. */
export function eventObjectRef(type: EventType, object: unknown): EventObjectRef | null {
  const kind = KINDS[type.split('.')[0] ?? ''];
  if (!kind || typeof object !== 'object' || object === null) return null;
  const { id, transactionId } = object as { id?: unknown; transactionId?: unknown };
  if (typeof id !== 'string') return null;
  return { kind, id, transactionId: typeof transactionId === 'string' ? transactionId : null };
}

const emptySummary = (): EventDeliverySummary => ({ total: 0, delivered: 0, pending: 0, failed: 0, attempts: 0 });

/**
 * The events list of the portal: listEvents' page plus each event's delivery status and the object
 * it is about. The deliveries of the whole page come in one grouped query over the page's ids (the
 * eventId index), so a page costs two statements whatever its length, never one per row.
 */
export async function listEventSummaries(db: Pick<Db, 'prisma'>, input: ListEventsInput): Promise<Page<EventSummary>> {
  const page = await listEvents(db, input);
  const ids = page.data.map((e) => e.id);
  const groups = await countDeliveriesByEvent(db, ids);
  const byEvent = new Map<string, EventDeliverySummary>();
  for (const g of groups) {
    const s = byEvent.get(g.eventId) ?? emptySummary();
    const n = g.count;
    s.total += n;
    s.attempts += g.attempts;
    if (g.status === 'DELIVERED') s.delivered += n;
    else if (g.status === 'FAILED') s.failed += n;
    else s.pending += n;
    byEvent.set(g.eventId, s);
  }
  return {
    ...page,
    data: page.data.map((e) => ({
      ...e,
      deliveries: byEvent.get(e.id) ?? emptySummary(),
      about: eventObjectRef(e.type, e.data.object),
    })),
  };
}
