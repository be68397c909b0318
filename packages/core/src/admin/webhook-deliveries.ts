import type { Db } from '@mypay/db';
import type { AuditContext } from '../audit/record-audit.ts';
import { notFound } from '../errors.ts';
import { keysetPrisma, mapPage, type Page, pageLimit, toPage } from '../pagination/index.ts';
import { redeliverEvent } from '../webhooks/redeliver-event.ts';
import { type AdminActor, adminAuditContext } from './admin-context.ts';
import { type DeliveryRowFilters, findDeliveryRows, findDeliveryTarget } from './admin-read-repository.ts';

export type AdminDeliveryFilters = DeliveryRowFilters;

export interface AdminDeliveryRow {
  id: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attemptCount: number;
  lastStatusCode: number | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  event: { id: string; type: string };
  endpoint: { id: string; url: string; enabled: boolean };
  merchant: { id: string; name: string };
  lastError: string | null;
}

/** Webhook deliveries of every merchant, newest first, filtered (WebhookDelivery(status|endpointId…, createdAt)). */
export async function listWebhookDeliveriesForAdmin(
  db: Pick<Db, 'prisma'>,
  filters: AdminDeliveryFilters,
  page: { limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<Page<AdminDeliveryRow>> {
  const limit = pageLimit(page.limit, 50);
  const keyset = keysetPrisma(page.cursor, limit);
  const rows = await findDeliveryRows(db, filters, keyset);
  return mapPage(
    toPage(rows, limit),
    (r): AdminDeliveryRow => ({
      id: r.id,
      status: r.status,
      attemptCount: r.attemptCount,
      lastStatusCode: r.lastStatusCode,
      lastAttemptAt: r.lastAttemptAt,
      nextAttemptAt: r.nextAttemptAt,
      createdAt: r.createdAt,
      event: { id: r.event.id, type: r.event.type },
      endpoint: r.endpoint,
      merchant: r.event.merchant,
      lastError: r.attempts[0]?.error ?? null,
    }),
  );
}

/**
 * Redelivers one delivery's event to the same endpoint, on behalf of its merchant, through the
 * webhooks module's redeliverEvent (audited there as `webhook_event.redelivered`, actor the admin).
 */
export async function redeliverWebhookDeliveryAsAdmin(
  db: Pick<Db, 'prisma' | 'pool'>,
  deliveryId: string,
  actor: AdminActor,
) {
  const delivery = await findDeliveryTarget(db, deliveryId);
  if (!delivery) throw notFound('webhook delivery');
  const audit: AuditContext = adminAuditContext(actor);
  return redeliverEvent(
    db,
    { merchantId: delivery.event.merchantId, eventId: delivery.eventId, endpointId: delivery.endpointId },
    audit,
  );
}
