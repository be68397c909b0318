import { type Db, withSqlTransaction } from '@mypay/db';
import { AppError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Logger } from '../logger.ts';
import { processClaimedDelivery } from './deliver.ts';
import { type ClaimedDelivery, type DeliveryOutcome, loadClaimed } from './delivery-repository.ts';
import { type EventType, insertEvent } from './enqueue-event.ts';
import { sampleEventObject } from './sample-event-object.ts';
import type { WebhookSettings } from './settings.ts';
import {
  countTestEventsSince,
  findEnabledEndpointIds,
  insertLeasedDelivery,
  markTestEvent,
} from './webhook-repository.ts';

export interface TestDeliveryResult {
  deliveryId: string;
  endpointId: string;
  url: string;
  /** DELIVERED, or FAILED (a test event is never retried; redeliver it by hand). */
  status: 'DELIVERED' | 'PENDING' | 'FAILED';
  attempt: {
    attemptNumber: number;
    statusCode: number | null;
    latencyMs: number;
    responseExcerpt: string | null;
    error: string | null;
  } | null;
}

export interface TestEventResult {
  eventId: string;
  type: EventType;
  deliveries: TestDeliveryResult[];
}

/** Default of `limitPerMinute`: test sends per merchant per minute, whoever calls (API or portal). */
export const TEST_EVENTS_PER_MINUTE = 10;
const TEST_WINDOW_MS = 60_000;

const statusOf = (outcome: DeliveryOutcome): TestDeliveryResult['status'] =>
  outcome === 'DELIVERED'
    ? 'DELIVERED'
    : outcome === 'RETRY_SCHEDULED' || outcome === 'LEASE_LOST'
      ? 'PENDING'
      : 'FAILED';

/**
 * POST /webhooks/test (Payment API): writes a signed `webhook.test` event (or one of the chosen type
 * with a sample object) for every enabled
 * endpoint of the merchant (whatever their type filter; `endpointId` narrows it to one), sends it
 * now in this request and returns each attempt. The deliveries are created already claimed by
 * this call, so the background worker does not race it. A failed one is FAILED at once, never
 * rescheduled, and a merchant may send at most `limitPerMinute` of them a minute (429
 * RATE_LIMITED with Retry-After): one call must not turn into up to 16 endpoints × 8 retries.
 */
export async function sendTestEvent(
  db: Pick<Db, 'pool'>,
  merchantId: string,
  settings: WebhookSettings,
  options: {
    endpointId?: string | undefined;
    /** Default `webhook.test`; any other type carries a sample object of that type. */
    type?: EventType | undefined;
    /** Public base of the Payment API, for a sample checkout's checkoutUrl. */
    publicUrl?: string | undefined;
    logger?: Logger;
    limitPerMinute?: number | undefined;
  } = {},
): Promise<TestEventResult> {
  const type = options.type ?? 'webhook.test';
  const limit = options.limitPerMinute ?? TEST_EVENTS_PER_MINUTE;
  const now = new Date();
  const leaseUntil = new Date(now.getTime() + settings.leaseMs);
  const { eventId, deliveryIds } = await withSqlTransaction(db.pool, async (conn) => {
    const endpoints = await findEnabledEndpointIds(conn, merchantId, options.endpointId);
    // A named endpoint that is not this merchant's (or not enabled) is 404, as for every other id (SPEC).
    if (endpoints.length === 0 && options.endpointId) throw notFound('enabled webhook endpoint');
    if (endpoints.length === 0) throw new AppError('INVALID_STATE', 'the merchant has no enabled webhook endpoint');
    const event = await insertEvent(
      conn,
      merchantId,
      type,
      sampleEventObject(type, merchantId, now, options.publicUrl ?? 'http://127.0.0.1:4002'),
      now,
    );
    await markTestEvent(conn, event.id);
    // Counted in the database, after insertEvent took the merchant's sequence lock: concurrent
    // calls queue behind it, and every process (both APIs' replicas, the portal) shares the count.
    const window = await countTestEventsSince(conn, merchantId, new Date(now.getTime() - TEST_WINDOW_MS));
    if (window.sent > limit) {
      const freesAt = (window.oldest?.getTime() ?? now.getTime()) + TEST_WINDOW_MS;
      const retryAfter = Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000));
      throw new AppError('RATE_LIMITED', `too many test events: at most ${limit} per minute per merchant`, undefined, {
        'Retry-After': String(retryAfter),
      });
    }
    const ids: string[] = [];
    for (const endpointId of endpoints) {
      const id = newId('whd');
      ids.push(id);
      await insertLeasedDelivery(conn, { id, eventId: event.id, endpointId, leaseUntil, now });
    }
    return { eventId: event.id, deliveryIds: ids };
  });
  const claimed: ClaimedDelivery[] = await loadClaimed(db.pool, deliveryIds, leaseUntil);
  const noRetries: WebhookSettings = { ...settings, retryScheduleMs: [] };
  const processed = await Promise.all(
    claimed.map((delivery) => processClaimedDelivery(db, delivery, noRetries, options.logger)),
  );
  return {
    eventId,
    type,
    deliveries: processed.map(({ delivery, outcome, result }) => ({
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      url: delivery.url,
      status: statusOf(outcome),
      attempt: result && {
        attemptNumber: delivery.attemptNumber,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        responseExcerpt: result.responseExcerpt,
        error: result.error,
      },
    })),
  };
}
