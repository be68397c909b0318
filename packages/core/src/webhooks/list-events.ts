import type { Db, Prisma, WebhookEvent } from '@mypay/db';
import type { EventBody, EventType } from './enqueue-event.ts';
import { decodeEventCursor, encodeEventCursor } from './event-cursor.ts';

export interface ListEventsInput {
  merchantId: string;
  /** 1–100; callers validate, this clamps. */
  limit?: number;
  cursor?: string;
  type?: EventType;
  from?: Date;
  to?: Date;
}

export interface EventListPage<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
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
export async function listEvents(db: Pick<Db, 'prisma'>, input: ListEventsInput): Promise<EventListPage<EventBody>> {
  const limit = Math.min(100, Math.max(1, input.limit ?? 20));
  const where: Prisma.WebhookEventWhereInput = { merchantId: input.merchantId };
  if (input.type) where.type = input.type;
  if (input.from || input.to)
    where.createdAt = { ...(input.from && { gte: input.from }), ...(input.to && { lte: input.to }) };
  if (input.cursor) {
    const after = decodeEventCursor(input.cursor);
    where.AND = [
      { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] },
    ];
  }
  const rows = await db.prisma.webhookEvent.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: { id: true, type: true, createdAt: true, sequence: true, payload: true },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  return {
    data: page.map(toEventBody),
    hasMore,
    nextCursor: hasMore && last ? encodeEventCursor(last) : null,
  };
}
