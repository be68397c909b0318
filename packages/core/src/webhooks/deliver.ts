import { type Db, type PoolConnection, withSqlTransaction } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import type { Logger } from '../logger.ts';
import { sendWebhook, type WebhookAttemptResult } from './send-webhook.ts';
import { nextRetryDelayMs, type WebhookSettings } from './settings.ts';
import { SIGNATURE_HEADER, signPayload } from './signature.ts';

/**
 * The delivery protocol shared by the background worker and sendTestEvent:
 *  1. claim: in a short transaction, lock due PENDING rows (SKIP LOCKED, so replicas split the
 *     work) and push their nextAttemptAt forward by a lease, then commit. A claimed row is not
 *     due again until the lease ends, so no other worker sends it meanwhile.
 *  2. send, outside any transaction (up to the request timeout, which is shorter than the lease).
 *  3. record the attempt and the outcome. The outcome update is fenced on the lease value, so a
 *     worker whose lease ran out (it stalled) cannot overwrite the outcome of a newer claim.
 * A process that dies between 1 and 3 leaves the row due again when the lease ends: at-least-once.
 */

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  merchantId: string;
  url: string;
  secret: string;
  /** False when the endpoint was disabled or deleted after the delivery was created. */
  endpointActive: boolean;
  /** The stored event JSON: the same bytes on every attempt. */
  body: string;
  attemptNumber: number;
  /** The claim's fence: the nextAttemptAt value written when claiming. */
  leaseUntil: Date;
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
  enabled: number | boolean;
  deletedAt: Date | null;
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
            CAST(e.payload AS CHAR) AS body, p.url, p.secret, p.enabled, p.deletedAt
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
    endpointActive: Boolean(r.enabled) && r.deletedAt === null,
    // The driver may hand JSON back parsed; re-serialising it is deterministic, so retries still match.
    body: typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
    attemptNumber: r.attemptCount + 1,
    leaseUntil,
  }));
}

export function buildWebhookRequest(delivery: ClaimedDelivery, settings: Pick<WebhookSettings, 'userAgent'>) {
  return {
    url: delivery.url,
    body: delivery.body,
    headers: {
      'Content-Type': 'application/json',
      [SIGNATURE_HEADER]: signPayload(delivery.body, delivery.secret),
      'MyPay-Event-Id': delivery.eventId,
      'MyPay-Event-Type': delivery.eventType,
      'MyPay-Delivery-Id': delivery.id,
      'User-Agent': settings.userAgent,
    },
  };
}

export interface AttemptToRecord {
  delivery: ClaimedDelivery;
  result: WebhookAttemptResult;
}

// A delivery of a bound object's event (testClockId) retries on its clock: the next attempt is
// that far after the clock's time (clockNextAttemptAt), and nextAttemptAt stays NULL until an
// advance passes it. Its clock deleted, it is never retried.
const UPDATE_OUTCOME = `UPDATE WebhookDelivery
    SET status = ?, attemptCount = ?, lastAttemptAt = ?, lastStatusCode = ?, updatedAt = NOW(3),
        nextAttemptAt = IF(? IS NULL OR testClockId IS NOT NULL, NULL, DATE_ADD(NOW(3), INTERVAL ? MICROSECOND)),
        clockNextAttemptAt = IF(? IS NULL OR testClockId IS NULL, NULL,
          DATE_ADD((SELECT c.frozenTime FROM TestClock c WHERE c.id = WebhookDelivery.testClockId), INTERVAL ? MICROSECOND))
  WHERE id = ? AND status = 'PENDING' AND nextAttemptAt = ?`;

/**
 * Records attempts and moves their deliveries on: DELIVERED on 2xx, else the next attempt at
 * now + schedule[attemptNumber], else FAILED. Several attempts share one transaction (one commit),
 * which keeps the database cost per delivery low under load. An attempt row is written even when
 * the lease was lost, because the request did happen; the delivery itself is then left alone.
 */
export async function recordAttempts(
  db: Pick<Db, 'pool'>,
  attempts: AttemptToRecord[],
  settings: Pick<WebhookSettings, 'retryScheduleMs'>,
): Promise<DeliveryOutcome[]> {
  if (attempts.length === 0) return [];
  const planned = attempts.map(({ delivery, result }) => {
    const delayMs = result.ok ? null : nextRetryDelayMs(settings.retryScheduleMs, delivery.attemptNumber);
    const outcome: DeliveryOutcome = result.ok ? 'DELIVERED' : delayMs === null ? 'FAILED' : 'RETRY_SCHEDULED';
    return { delivery, result, delayMs, outcome };
  });
  return withSqlTransaction(db.pool, async (conn) => {
    // Same lock order in every transaction (by id), so concurrent batches cannot deadlock each other.
    const order = planned.map((_, i) => i).sort((a, b) => (planned[a]!.delivery.id < planned[b]!.delivery.id ? -1 : 1));
    const applied: boolean[] = new Array(planned.length).fill(false);
    // Issued together (updates and the attempt rows): the driver pipelines them on the one connection.
    await Promise.all([
      ...order.map(async (i) => {
        const { delivery, result, delayMs, outcome } = planned[i]!;
        const update = (await conn.query(UPDATE_OUTCOME, [
          outcome === 'RETRY_SCHEDULED' ? 'PENDING' : outcome,
          delivery.attemptNumber,
          result.startedAt,
          result.statusCode,
          delayMs,
          (delayMs ?? 0) * 1000,
          delayMs,
          (delayMs ?? 0) * 1000,
          delivery.id,
          delivery.leaseUntil,
        ])) as { affectedRows: number };
        applied[i] = update.affectedRows === 1;
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
          result.startedAt,
        ]),
      ),
    ]);
    return planned.map((p, i) => (applied[i] ? p.outcome : 'LEASE_LOST'));
  });
}

/** recordAttempts for one attempt. */
export async function recordAttempt(
  db: Pick<Db, 'pool'>,
  delivery: ClaimedDelivery,
  result: WebhookAttemptResult,
  settings: Pick<WebhookSettings, 'retryScheduleMs'>,
): Promise<DeliveryOutcome> {
  const [outcome] = await recordAttempts(db, [{ delivery, result }], settings);
  return outcome ?? 'LEASE_LOST';
}

/** A claimed delivery whose endpoint is no longer active is given up without a request. */
export async function cancelDelivery(db: Pick<Db, 'pool'>, delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
  const update = (await db.pool.query(
    `UPDATE WebhookDelivery SET status = 'FAILED', nextAttemptAt = NULL, updatedAt = NOW(3)
      WHERE id = ? AND status = 'PENDING' AND nextAttemptAt = ?`,
    [delivery.id, delivery.leaseUntil],
  )) as { affectedRows: number };
  return update.affectedRows === 1 ? 'CANCELLED' : 'LEASE_LOST';
}

export const AUTO_DISABLE_REASON = 'every delivery attempt failed';

/**
 * Disables an endpoint whose every attempt has failed for `disableAfterMs`, measured by attempt
 * times: some attempt failed that long ago, and none succeeded since (the last success is the
 * newest DELIVERED delivery's last attempt). How old a delivery is says nothing — one created
 * before a quiet spell (or while the workers were down) and attempted now starts no streak.
 *
 * Pending deliveries to it are given up, but not all: `trigger` (the delivery whose failed
 * attempt ran this check) keeps its retries — should the endpoint be enabled again before its
 * next one, it carries on; else that retry is cancelled when it comes due — and a delivery that
 * may be under another worker's lease (due within `leaseMs`) is left to that worker, whose
 * attempt is recorded as it turned out (the claim cancels it later if it is still pending).
 * The merchant's audit trail records the disable.
 */
export async function disableEndpointIfFailing(
  db: Pick<Db, 'pool'>,
  endpointId: string,
  disableAfterMs: number,
  options: { trigger?: string; leaseMs?: number } = {},
): Promise<boolean> {
  const [lastOk] = (await db.pool.query(
    `SELECT lastAttemptAt FROM WebhookDelivery
      WHERE endpointId = ? AND status = 'DELIVERED' ORDER BY lastAttemptAt DESC LIMIT 1`,
    [endpointId],
  )) as { lastAttemptAt: Date | null }[];
  const since = lastOk?.lastAttemptAt ?? new Date(0);
  const failedLongAgo = (await db.pool.query(
    `SELECT 1 AS failing FROM WebhookDelivery d
       JOIN WebhookAttempt a ON a.deliveryId = d.id
      WHERE d.endpointId = ? AND d.status IN ('PENDING', 'FAILED') AND d.lastAttemptAt > ?
        AND a.createdAt > ? AND a.createdAt <= DATE_SUB(NOW(3), INTERVAL ? MICROSECOND)
        AND (a.statusCode IS NULL OR a.statusCode NOT BETWEEN 200 AND 299)
      LIMIT 1`,
    [endpointId, since, since, disableAfterMs * 1000],
  )) as unknown[];
  if (failedLongAgo.length === 0) return false;

  return withSqlTransaction(db.pool, async (conn) => {
    const [endpoint] = (await conn.query(
      'SELECT id, merchantId, url FROM WebhookEndpoint WHERE id = ? AND enabled = TRUE AND deletedAt IS NULL FOR UPDATE',
      [endpointId],
    )) as { id: string; merchantId: string; url: string }[];
    if (!endpoint) return false;
    const reason = `${AUTO_DISABLE_REASON} for ${formatWindow(disableAfterMs)}`;
    await conn.query(
      'UPDATE WebhookEndpoint SET enabled = FALSE, disabledAt = NOW(3), disabledReason = ?, updatedAt = NOW(3) WHERE id = ?',
      [reason, endpointId],
    );
    await conn.query(
      `UPDATE WebhookDelivery SET status = 'FAILED', nextAttemptAt = NULL, updatedAt = NOW(3)
        WHERE endpointId = ? AND status = 'PENDING' AND id <> ?
          AND NOT (nextAttemptAt > NOW(3) AND nextAttemptAt <= DATE_ADD(NOW(3), INTERVAL ? MICROSECOND))`,
      [endpointId, options.trigger ?? '', (options.leaseMs ?? 0) * 1000],
    );
    await recordAudit(conn, {
      actorType: 'SYSTEM',
      action: 'webhook_endpoint.disabled',
      targetType: 'webhook_endpoint',
      targetId: endpointId,
      merchantId: endpoint.merchantId,
      before: { enabled: true, url: endpoint.url },
      after: { enabled: false, disabledReason: reason },
    });
    return true;
  });
}

function formatWindow(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day(s)`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hour(s)`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

export interface ProcessedDelivery {
  delivery: ClaimedDelivery;
  outcome: DeliveryOutcome;
  result: WebhookAttemptResult | null;
  endpointDisabled: boolean;
}

/** Sends one claimed delivery (no database access). Null when the endpoint is no longer active. */
export async function sendClaimedDelivery(
  delivery: ClaimedDelivery,
  settings: WebhookSettings,
): Promise<WebhookAttemptResult | null> {
  if (!delivery.endpointActive) return null;
  return sendWebhook(buildWebhookRequest(delivery, settings), {
    timeoutMs: settings.requestTimeoutMs,
    allowPrivateTargets: settings.allowPrivateTargets,
  });
}

/** What follows a recorded attempt: the auto-disable check after a failure, and logs. */
export async function afterAttemptRecorded(
  db: Pick<Db, 'pool'>,
  attempt: AttemptToRecord,
  outcome: DeliveryOutcome,
  settings: WebhookSettings,
  logger?: Logger,
): Promise<ProcessedDelivery> {
  const { delivery, result } = attempt;
  let endpointDisabled = false;
  if (!result.ok && outcome !== 'LEASE_LOST') {
    endpointDisabled = await disableEndpointIfFailing(db, delivery.endpointId, settings.disableAfterMs, {
      trigger: delivery.id,
      leaseMs: settings.leaseMs,
    });
    if (endpointDisabled) {
      logger?.warn({ endpointId: delivery.endpointId, merchantId: delivery.merchantId }, 'webhook endpoint disabled');
    }
  }
  if (outcome === 'LEASE_LOST') {
    logger?.warn({ deliveryId: delivery.id }, 'webhook delivery lease expired before its outcome was recorded');
  }
  logger?.debug(
    {
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      attempt: delivery.attemptNumber,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      outcome,
    },
    'webhook attempt',
  );
  return { delivery, outcome, result, endpointDisabled };
}

/** Sends one claimed delivery and records what happened. Throws only when the database does. */
export async function processClaimedDelivery(
  db: Pick<Db, 'pool'>,
  delivery: ClaimedDelivery,
  settings: WebhookSettings,
  logger?: Logger,
): Promise<ProcessedDelivery> {
  const result = await sendClaimedDelivery(delivery, settings);
  if (!result) return { delivery, outcome: await cancelDelivery(db, delivery), result: null, endpointDisabled: false };
  const outcome = await recordAttempt(db, delivery, result, settings);
  return afterAttemptRecorded(db, { delivery, result }, outcome, settings, logger);
}
