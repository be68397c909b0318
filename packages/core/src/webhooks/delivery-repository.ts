import type { Db, PoolConnection } from '@mypay/db';
import type { WebhookAttemptResult } from './send-webhook.ts';

/**
 * The webhook deliveries' data access (WebhookDelivery, WebhookAttempt, and the endpoint rows the
 * auto-disable changes): plain SQL, because the delivery path is hot — claims pipelined on one
 * connection, outcomes group-committed. The protocol these steps make up is in deliver.ts.
 */

type Runner = Pick<PoolConnection, 'query'>;
const changed = (result: unknown) => (result as { affectedRows: number }).affectedRows === 1;

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  merchantId: string;
  url: string;
  secret: string;
  /** The secret a rotation replaced, while its overlap lasts: it signs a second v1. */
  previousSecret: string | null;
  /** False when the endpoint was disabled or deleted after the delivery was created. */
  endpointActive: boolean;
  /** The stored event JSON: the same bytes on every attempt. */
  body: string;
  attemptNumber: number;
  /** The claim's fence: the nextAttemptAt value written when claiming. */
  leaseUntil: Date;
  /**
   * A delivery of a bound object's event: the clock time this attempt was due at (its attempt is
   * stamped with it, and the next one is due a schedule step after it on the clock). Null otherwise.
   */
  clockDueAt: Date | null;
}

export type DeliveryOutcome = 'DELIVERED' | 'RETRY_SCHEDULED' | 'FAILED' | 'CANCELLED' | 'LEASE_LOST';

interface ClaimRow {
  id: string;
  dbNow: Date;
}

interface DetailRow {
  id: string;
  eventId: string;
  endpointId: string;
  attemptCount: number;
  eventType: string;
  merchantId: string;
  body: string | object;
  url: string;
  secret: string;
  previousSecret: string | null;
  enabled: number | boolean;
  deletedAt: Date | null;
  testClockId: string | null;
  clockDueAt: Date | null;
}

/**
 * Restricts a worker to some endpoints. Not needed in production (every worker serves every
 * endpoint); tests that share one database use it so their workers leave each other's rows alone.
 */
export interface ClaimScope {
  endpointIds?: readonly string[];
}

function scopeFilter(scope: ClaimScope | undefined): { sql: string; params: unknown[] } {
  if (!scope?.endpointIds) return { sql: '', params: [] };
  if (scope.endpointIds.length === 0) return { sql: ' AND FALSE', params: [] };
  return { sql: ' AND endpointId IN (?)', params: [scope.endpointIds] };
}

/** Cheap idle check: one indexed read, no locks and no transaction. */
export async function hasDueDeliveries(db: Pick<Db, 'pool'>, scope?: ClaimScope): Promise<boolean> {
  const filter = scopeFilter(scope);
  const rows = (await db.pool.query(
    `SELECT 1 AS due FROM WebhookDelivery FORCE INDEX (WebhookDelivery_nextAttemptAt_idx)
      WHERE nextAttemptAt <= NOW(3) AND status = 'PENDING'${filter.sql} LIMIT 1`,
    filter.params,
  )) as unknown[];
  return rows.length > 0;
}

/**
 * Claims up to `limit` due deliveries for `leaseMs`, in three round trips: the statements that
 * do not depend on each other are pipelined on the connection, because under load every await
 * costs an event-loop turn of the API process.
 *
 * The claim runs READ COMMITTED: no gap locks, so it never holds up the inserts of new deliveries
 * (enqueueEvent in a payout's transaction), and rows it looked at but did not take stay free.
 */
export async function claimDueDeliveries(
  db: Pick<Db, 'pool'>,
  limit: number,
  leaseMs: number,
  scope?: ClaimScope,
): Promise<ClaimedDelivery[]> {
  const filter = scopeFilter(scope);
  const conn = await db.pool.getConnection();
  try {
    // SET TRANSACTION applies to the next transaction only; the pooled session keeps its level.
    await Promise.all([conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED'), conn.beginTransaction()]);
    try {
      // Due order straight off the nextAttemptAt index (forced: the optimizer otherwise likes the
      // status index and a filesort over every scheduled retry). SKIP LOCKED lets concurrent
      // workers take disjoint rows.
      const rows = (await conn.query(
        `SELECT id, NOW(3) AS dbNow FROM WebhookDelivery FORCE INDEX (WebhookDelivery_nextAttemptAt_idx)
          WHERE nextAttemptAt <= NOW(3) AND status = 'PENDING'${filter.sql}
          ORDER BY nextAttemptAt
          LIMIT ?
          FOR UPDATE SKIP LOCKED`,
        [...filter.params, limit],
      )) as ClaimRow[];
      const first = rows[0];
      if (!first) {
        await conn.commit();
        return [];
      }
      const leaseUntil = new Date(first.dbNow.getTime() + leaseMs);
      const ids = rows.map((r) => r.id);
      const [, claimed] = await Promise.all([
        conn.query('UPDATE WebhookDelivery SET nextAttemptAt = ?, updatedAt = NOW(3) WHERE id IN (?)', [
          leaseUntil,
          ids,
        ]),
        loadClaimed(conn, ids, leaseUntil),
        conn.commit(),
      ]);
      return claimed;
    } catch (error) {
      await conn.rollback().catch(() => {});
      throw error;
    }
  } finally {
    conn.release();
  }
}

/** Reads what sending needs for claimed rows (after the claim committed: no locks held). */
export async function loadClaimed(
  runner: Pick<PoolConnection, 'query'>,
  ids: string[],
  leaseUntil: Date,
): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return [];
  const rows = (await runner.query(
    `SELECT d.id, d.eventId, d.endpointId, d.attemptCount, e.type AS eventType, e.merchantId,
            CAST(e.payload AS CHAR) AS body, p.url, p.secret, p.enabled, p.deletedAt, d.testClockId,
            COALESCE(d.clockNextAttemptAt, (SELECT c.frozenTime FROM TestClock c WHERE c.id = d.testClockId)) AS clockDueAt,
            IF(p.previousSecretExpiresAt > NOW(3), p.previousSecret, NULL) AS previousSecret
       FROM WebhookDelivery d
       JOIN WebhookEvent e ON e.id = d.eventId
       JOIN WebhookEndpoint p ON p.id = d.endpointId
      WHERE d.id IN (?)`,
    [ids],
  )) as DetailRow[];
  return rows.map((r) => ({
    id: r.id,
    eventId: r.eventId,
    eventType: r.eventType,
    endpointId: r.endpointId,
    merchantId: r.merchantId,
    url: r.url,
    secret: r.secret,
    previousSecret: r.previousSecret ?? null,
    endpointActive: Boolean(r.enabled) && r.deletedAt === null,
    // The driver may hand JSON back parsed; re-serialising it is deterministic, so retries still match.
    body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
    attemptNumber: r.attemptCount + 1,
    leaseUntil,
    clockDueAt: r.testClockId && r.clockDueAt ? new Date(r.clockDueAt) : null,
  }));
}

// A delivery of a bound object's event (testClockId) retries on its clock: the next attempt is
// due a schedule step after this one's due time on the clock (clockNextAttemptAt). When that is
// still ahead of the clock, nextAttemptAt stays NULL until an advance passes it; when the clock is
// already past it (an advance of hours covers several retries), it is due again at once, as far
// before now as it is before the clock's time, so one advance sends every retry it covers, in
// clock order. Its clock deleted, it is never retried.
// (MySQL and MariaDB apply SET assignments left to right: nextAttemptAt reads the old clockNextAttemptAt.)
const CLOCK_OF_DELIVERY = '(SELECT c.frozenTime FROM TestClock c WHERE c.id = WebhookDelivery.testClockId)';
const CLOCK_NEXT_DUE = `DATE_ADD(COALESCE(clockNextAttemptAt, ${CLOCK_OF_DELIVERY}), INTERVAL ? MICROSECOND)`;
const UPDATE_OUTCOME = `UPDATE WebhookDelivery
    SET status = ?, attemptCount = ?, lastAttemptAt = ?, lastStatusCode = ?, updatedAt = NOW(3),
        nextAttemptAt = IF(? IS NULL, NULL,
          IF(testClockId IS NULL, DATE_ADD(NOW(3), INTERVAL ? MICROSECOND),
            IF(${CLOCK_NEXT_DUE} <= ${CLOCK_OF_DELIVERY},
              DATE_SUB(NOW(3), INTERVAL TIMESTAMPDIFF(MICROSECOND, ${CLOCK_NEXT_DUE}, ${CLOCK_OF_DELIVERY}) MICROSECOND),
              NULL))),
        clockNextAttemptAt = IF(? IS NULL OR testClockId IS NULL, NULL, ${CLOCK_NEXT_DUE})
  WHERE id = ? AND status = 'PENDING' AND nextAttemptAt = ?`;

/** An attempt and what it makes of its delivery (deliver.ts decides; this writes it). */
export interface PlannedOutcome {
  delivery: ClaimedDelivery;
  result: WebhookAttemptResult;
  /** Until the next attempt; null when there is none. */
  delayMs: number | null;
  outcome: DeliveryOutcome;
}

/** An attempt of a bound delivery happened at its due time on the clock; any other when it started. */
const attemptTime = (delivery: ClaimedDelivery, result: WebhookAttemptResult) =>
  delivery.clockDueAt ?? result.startedAt;

/**
 * Writes the attempt rows and each delivery's outcome, fenced on its lease, on the caller's
 * transaction. Returns, for each, whether the outcome was applied (false: the lease was lost).
 */
export async function writeAttemptOutcomes(conn: Runner, planned: PlannedOutcome[]): Promise<boolean[]> {
  // Same lock order in every transaction (by id), so concurrent batches cannot deadlock each other.
  const order = planned.map((_, i) => i).sort((a, b) => (planned[a]!.delivery.id < planned[b]!.delivery.id ? -1 : 1));
  const applied: boolean[] = new Array(planned.length).fill(false);
  // Issued together (updates and the attempt rows): the driver pipelines them on the one connection.
  await Promise.all([
    ...order.map(async (i) => {
      const { delivery, result, delayMs, outcome } = planned[i]!;
      const delayUs = (delayMs ?? 0) * 1000;
      const update = await conn.query(UPDATE_OUTCOME, [
        outcome === 'RETRY_SCHEDULED' ? 'PENDING' : outcome,
        delivery.attemptNumber,
        attemptTime(delivery, result),
        result.statusCode,
        delayMs,
        delayUs,
        delayUs,
        delayUs,
        delayMs,
        delayUs,
        delivery.id,
        delivery.leaseUntil,
      ]);
      applied[i] = changed(update);
    }),
    conn.query(
      `INSERT INTO WebhookAttempt (deliveryId, attemptNumber, statusCode, latencyMs, responseExcerpt, error, createdAt)
       VALUES ${planned.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      planned.flatMap(({ delivery, result }) => [
        delivery.id,
        delivery.attemptNumber,
        result.statusCode,
        result.latencyMs,
        result.responseExcerpt,
        result.error,
        attemptTime(delivery, result),
      ]),
    ),
  ]);
  return applied;
}

/** Gives a claimed delivery up (FAILED, no retry) while its lease is still ours; false when it is not. */
export async function failLeasedDelivery(db: Pick<Db, 'pool'>, delivery: ClaimedDelivery): Promise<boolean> {
  return changed(
    await db.pool.query(
      `UPDATE WebhookDelivery SET status = 'FAILED', nextAttemptAt = NULL, updatedAt = NOW(3)
        WHERE id = ? AND status = 'PENDING' AND nextAttemptAt = ?`,
      [delivery.id, delivery.leaseUntil],
    ),
  );
}

/** The endpoint's last successful attempt by wall time (bound deliveries' attempts carry clock times); null if none. */
export async function findLastSuccessAt(db: Pick<Db, 'pool'>, endpointId: string): Promise<Date | null> {
  const [lastOk] = (await db.pool.query(
    `SELECT lastAttemptAt FROM WebhookDelivery
      WHERE endpointId = ? AND status = 'DELIVERED' AND testClockId IS NULL ORDER BY lastAttemptAt DESC LIMIT 1`,
    [endpointId],
  )) as { lastAttemptAt: Date | null }[];
  return lastOk?.lastAttemptAt ?? null;
}

/** Whether an attempt to the endpoint after `since` failed at least `olderThanMs` ago (wall-time deliveries only). */
export async function hasFailedAttemptSince(
  db: Pick<Db, 'pool'>,
  endpointId: string,
  since: Date,
  olderThanMs: number,
): Promise<boolean> {
  const rows = (await db.pool.query(
    `SELECT 1 AS failing FROM WebhookDelivery d
       JOIN WebhookAttempt a ON a.deliveryId = d.id
      WHERE d.endpointId = ? AND d.status IN ('PENDING', 'FAILED') AND d.testClockId IS NULL AND d.lastAttemptAt > ?
        AND a.createdAt > ? AND a.createdAt <= DATE_SUB(NOW(3), INTERVAL ? MICROSECOND)
        AND (a.statusCode IS NULL OR a.statusCode NOT BETWEEN 200 AND 299)
      LIMIT 1`,
    [endpointId, since, since, olderThanMs * 1000],
  )) as unknown[];
  return rows.length > 0;
}

/** Locks the endpoint while it is enabled and not deleted; null otherwise. */
export async function lockEnabledEndpoint(
  conn: Runner,
  endpointId: string,
): Promise<{ id: string; merchantId: string; url: string } | null> {
  const [endpoint] = (await conn.query(
    'SELECT id, merchantId, url FROM WebhookEndpoint WHERE id = ? AND enabled = TRUE AND deletedAt IS NULL FOR UPDATE',
    [endpointId],
  )) as { id: string; merchantId: string; url: string }[];
  return endpoint ?? null;
}

/**
 * Disables the endpoint with `reason` and gives up its pending deliveries, but for `keepId` and
 * those that may be under a worker's lease (due within `leaseMs`).
 */
export async function disableEndpointAndGiveUpPending(
  conn: Runner,
  endpointId: string,
  reason: string,
  keep: { keepId: string; leaseMs: number },
): Promise<void> {
  await conn.query(
    'UPDATE WebhookEndpoint SET enabled = FALSE, disabledAt = NOW(3), disabledReason = ?, updatedAt = NOW(3) WHERE id = ?',
    [reason, endpointId],
  );
  await conn.query(
    `UPDATE WebhookDelivery SET status = 'FAILED', nextAttemptAt = NULL, updatedAt = NOW(3)
      WHERE endpointId = ? AND status = 'PENDING' AND id <> ?
        AND NOT (nextAttemptAt > NOW(3) AND nextAttemptAt <= DATE_ADD(NOW(3), INTERVAL ? MICROSECOND))`,
    [endpointId, keep.keepId, keep.leaseMs * 1000],
  );
}
