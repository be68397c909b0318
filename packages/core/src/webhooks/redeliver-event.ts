import { type Db, withSqlTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { AppError, notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { notifyWebhookWorkers } from './worker-signal.ts';

export interface RedeliverInput {
  merchantId: string;
  eventId: string;
  /** One endpoint of the merchant; omitted: every enabled endpoint subscribed to the event's type. */
  endpointId?: string;
}

export interface RedeliveryView {
  id: string;
  endpointId: string;
  url: string;
  status: 'PENDING';
}

/**
 * Manual redelivery: a new delivery per target endpoint, due now, with its own attempt history
 * and the full retry schedule. Earlier deliveries are left as they are (their log stays true).
 */
export async function redeliverEvent(
  db: Pick<Db, 'pool'>,
  input: RedeliverInput,
  audit?: AuditContext,
  options: EffectOptions = {},
): Promise<{ eventId: string; deliveries: RedeliveryView[] }> {
  const result = await withSqlTransaction(db.pool, async (conn) => {
    const [event] = (await conn.query('SELECT id, type FROM WebhookEvent WHERE id = ? AND merchantId = ?', [
      input.eventId,
      input.merchantId,
    ])) as { id: string; type: string }[];
    if (!event) throw notFound('event');
    const endpoints = (
      input.endpointId
        ? await conn.query(
            'SELECT id, url, enabled FROM WebhookEndpoint WHERE id = ? AND merchantId = ? AND deletedAt IS NULL',
            [input.endpointId, input.merchantId],
          )
        : await conn.query(
            `SELECT id, url, enabled FROM WebhookEndpoint
              WHERE merchantId = ? AND enabled = TRUE AND deletedAt IS NULL
                AND (events IS NULL OR JSON_CONTAINS(events, JSON_QUOTE(?)))`,
            [input.merchantId, event.type],
          )
    ) as { id: string; url: string; enabled: number }[];
    if (input.endpointId && endpoints.length === 0) throw notFound('webhook endpoint');
    if (endpoints.some((e) => !e.enabled)) {
      throw new AppError('INVALID_STATE', 'the webhook endpoint is disabled; enable it before redelivering');
    }
    if (endpoints.length === 0) {
      throw new AppError('INVALID_STATE', 'no enabled webhook endpoint is subscribed to this event type');
    }
    const created: RedeliveryView[] = [];
    for (const endpoint of endpoints) {
      const id = newId('whd');
      await conn.query(
        `INSERT INTO WebhookDelivery (id, eventId, endpointId, status, attemptCount, nextAttemptAt, createdAt, updatedAt)
         VALUES (?, ?, ?, 'PENDING', 0, NOW(3), NOW(3), NOW(3))`,
        [id, event.id, endpoint.id],
      );
      created.push({ id, endpointId: endpoint.id, url: endpoint.url, status: 'PENDING' });
    }
    if (audit) {
      await recordAudit(conn, {
        ...audit,
        action: 'webhook_event.redelivered',
        targetType: 'webhook_event',
        targetId: event.id,
        merchantId: input.merchantId,
        after: { deliveries: created.map((d) => ({ id: d.id, endpointId: d.endpointId })) },
      });
    }
    const scheduled = { eventId: input.eventId, deliveries: created };
    await options.idempotency?.settle(conn, 202, scheduled);
    return scheduled;
  });
  notifyWebhookWorkers();
  return result;
}
