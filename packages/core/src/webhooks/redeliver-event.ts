import { type Db, withSqlTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { AppError, notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { findClockTime } from '../test-clocks/test-clock-repository.ts';
import { type EventBody, testClockOfObject } from './enqueue-event.ts';
import {
  findEndpointTarget,
  findStoredEvent,
  findSubscribedEndpoints,
  insertDueDelivery,
} from './webhook-repository.ts';
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
 * and the full retry schedule (on the object's test clock, when it is bound). Earlier deliveries are left as they are (their log stays true).
 */
export async function redeliverEvent(
  db: Pick<Db, 'pool'>,
  input: RedeliverInput,
  audit?: AuditContext,
  options: EffectOptions = {},
): Promise<{ eventId: string; deliveries: RedeliveryView[] }> {
  const result = await withSqlTransaction(db.pool, async (conn) => {
    const event = await findStoredEvent(conn, input.merchantId, input.eventId);
    if (!event) throw notFound('event');
    // An event of a bound object is redelivered on its clock (while the clock exists): created,
    // attempted and retried at clock time, like the event's own deliveries (enqueue-event.ts).
    const boundTo = testClockOfObject((event.body as EventBody).data?.object);
    const clockTime = boundTo ? await findClockTime(conn, boundTo, input.merchantId) : null;
    const clock = boundTo && clockTime ? { id: boundTo, time: clockTime } : null;
    const endpoints = input.endpointId
      ? await findEndpointTarget(conn, input.merchantId, input.endpointId)
      : await findSubscribedEndpoints(conn, input.merchantId, event.type);
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
      await insertDueDelivery(conn, { id, eventId: event.id, endpointId: endpoint.id, clock });
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
