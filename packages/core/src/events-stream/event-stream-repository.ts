import type { Pool } from '@mypay/db';

/**
 * The event stream's data access: the merchant's WebhookEvent rows read by `seq` (and, for the
 * look-back over late commits, by createdAt), for one stream or for every stream of a process in
 * one statement. Plain SQL on the pool, read-only; why the stream reads what it reads is
 * read-event-stream.ts's.
 */

export interface StreamedEvent {
  seq: number;
  id: string;
  type: string;
  /** The stored JSON body, byte for byte what webhook deliveries send. */
  body: string;
  createdAt: Date;
}

/** The `seq` of one of the merchant's events, or null (unknown id, or another merchant's event). */
export async function findEventSeq(pool: Pool, merchantId: string, eventId: string): Promise<number | null> {
  const rows = await pool.query('SELECT seq FROM WebhookEvent WHERE id = ? AND merchantId = ?', [eventId, merchantId]);
  return rows[0] ? Number(rows[0].seq) : null;
}

/** The merchant's newest event (seq and id), or null when it has none yet. */
export async function getLatestEventPosition(
  pool: Pool,
  merchantId: string,
): Promise<{ seq: number; id: string } | null> {
  // (merchantId, seq) index: one index dive.
  const rows = await pool.query('SELECT seq, id FROM WebhookEvent WHERE merchantId = ? ORDER BY seq DESC LIMIT 1', [
    merchantId,
  ]);
  return rows[0] ? { seq: Number(rows[0].seq), id: String(rows[0].id) } : null;
}

const toStreamedEvent = (row: { seq: unknown; id: string; type: string; body: string; createdAt: Date }) => ({
  seq: Number(row.seq),
  id: row.id,
  type: row.type,
  body: row.body,
  createdAt: row.createdAt,
});

/** Up to `limit` events with afterSeq < seq (<= upToSeq when given), oldest first. */
export async function readEventsAfter(
  pool: Pool,
  merchantId: string,
  afterSeq: number,
  limit = 100,
  upToSeq?: number,
): Promise<StreamedEvent[]> {
  const rows = await pool.query(
    `SELECT seq, id, type, CAST(payload AS CHAR) AS body, createdAt
       FROM WebhookEvent WHERE merchantId = ? AND seq > ?${upToSeq === undefined ? '' : ' AND seq <= ?'}
      ORDER BY seq LIMIT ?`,
    upToSeq === undefined ? [merchantId, afterSeq, limit] : [merchantId, afterSeq, upToSeq, limit],
  );
  return rows.map(toStreamedEvent);
}

export interface MerchantStreamedEvent extends StreamedEvent {
  merchantId: string;
}

/** The newest `seq` of any merchant (0 for none): where a process-wide poller starts. */
export async function getMaxEventSeq(pool: Pool): Promise<number> {
  const rows = await pool.query('SELECT COALESCE(MAX(seq), 0) AS seq FROM WebhookEvent');
  return Number(rows[0]?.seq ?? 0);
}

/**
 * One poll for every stream of a process: up to `limit` events of any of these merchants with
 * seq > afterSeq, oldest first. The (merchantId, seq) index gives one range per merchant.
 */
export async function readEventsAfterForMerchants(
  pool: Pool,
  merchantIds: string[],
  afterSeq: number,
  limit: number,
): Promise<MerchantStreamedEvent[]> {
  if (merchantIds.length === 0) return [];
  const rows = await pool.query(
    `SELECT merchantId, seq, id, type, CAST(payload AS CHAR) AS body, createdAt
       FROM WebhookEvent WHERE merchantId IN (?) AND seq > ? ORDER BY seq LIMIT ?`,
    [merchantIds, afterSeq, limit],
  );
  return rows.map(
    (row: { merchantId: string; seq: unknown; id: string; type: string; body: string; createdAt: Date }) => ({
      merchantId: row.merchantId,
      ...toStreamedEvent(row),
    }),
  );
}

/** readRecentEventIds for several merchants in one statement (the shared poller's look-back). */
export async function readRecentEventIdsForMerchants(
  pool: Pool,
  merchantIds: string[],
  range: { since: Date; upToSeq: number },
): Promise<{ merchantId: string; seq: number; id: string }[]> {
  if (merchantIds.length === 0) return [];
  const rows = await pool.query(
    `SELECT merchantId, seq, id FROM WebhookEvent WHERE merchantId IN (?) AND createdAt >= ? AND seq <= ?`,
    [merchantIds, range.since, range.upToSeq],
  );
  return rows.map((row: { merchantId: string; seq: unknown; id: string }) => ({
    merchantId: row.merchantId,
    seq: Number(row.seq),
    id: row.id,
  }));
}

/** Events by id whoever they belong to (callers pass ids they read for their own merchants). */
export async function readEventsByIdsForMerchants(pool: Pool, ids: string[]): Promise<MerchantStreamedEvent[]> {
  if (ids.length === 0) return [];
  const rows = await pool.query(
    `SELECT merchantId, seq, id, type, CAST(payload AS CHAR) AS body, createdAt
       FROM WebhookEvent WHERE id IN (?) ORDER BY seq`,
    [ids],
  );
  return rows.map(
    (row: { merchantId: string; seq: unknown; id: string; type: string; body: string; createdAt: Date }) => ({
      merchantId: row.merchantId,
      ...toStreamedEvent(row),
    }),
  );
}

/**
 * Ids of events created since `since` with aboveSeq < seq <= upToSeq: where a late commit can
 * appear behind a reader's position. Uses the (merchantId, createdAt, id) index, so the cost is
 * the number of recent events, not the length of the merchant's history.
 */
export async function readRecentEventIds(
  pool: Pool,
  merchantId: string,
  range: { since: Date; aboveSeq: number; upToSeq: number },
): Promise<{ seq: number; id: string }[]> {
  const rows = await pool.query(
    `SELECT seq, id FROM WebhookEvent
      WHERE merchantId = ? AND createdAt >= ? AND seq > ? AND seq <= ?`,
    [merchantId, range.since, range.aboveSeq, range.upToSeq],
  );
  return rows.map((row: { seq: unknown; id: string }) => ({ seq: Number(row.seq), id: row.id }));
}

export async function readEventsByIds(pool: Pool, merchantId: string, ids: string[]): Promise<StreamedEvent[]> {
  if (ids.length === 0) return [];
  const rows = await pool.query(
    `SELECT seq, id, type, CAST(payload AS CHAR) AS body, createdAt
       FROM WebhookEvent WHERE merchantId = ? AND id IN (?) ORDER BY seq`,
    [merchantId, ids],
  );
  return rows.map(toStreamedEvent);
}
