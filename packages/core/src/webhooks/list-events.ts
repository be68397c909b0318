import type { Db, WebhookEvent } from '@mypay/db';
import { keysetPrisma, mapPage, type Page, pageLimit, toPage } from '../pagination/index.ts';
import type { EventBody, EventType } from './enqueue-event.ts';
import { findEventRows } from './webhook-repository.ts';

export interface ListEventsInput {
  merchantId: string;
  /** 1–100; callers validate, this clamps. */
  limit?: number;
  cursor?: string;
  type?: EventType;
  from?: Date;
  to?: Date;
}

/** The event as delivered ({id, type, createdAt, sequence, data}), from its stored payload. */
export function toEventBody(row: Pick<WebhookEvent, 'id' | 'type' | 'createdAt' | 'sequence' | 'payload'>): EventBody {
  const payload = (
    typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
  ) as Partial<EventBody> | null;
  return {
    id: row.id,
    type: row.type as EventType,
    createdAt: row.createdAt.toISOString(),
    sequence: Number(row.sequence),
    // Events written before requests were recorded have no `request`: say null, not undefined.
    request: payload?.request ?? null,
    data: payload?.data ?? { object: null },
  };
}

/** The merchant's events, newest first, keyset-paginated on (createdAt, id). */
export async function listEvents(db: Pick<Db, 'prisma'>, input: ListEventsInput): Promise<Page<EventBody>> {
  const limit = pageLimit(input.limit);
  const rows = await findEventRows(db, input, keysetPrisma(input.cursor, limit));
  return mapPage(toPage(rows, limit), toEventBody);
}
