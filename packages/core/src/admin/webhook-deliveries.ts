import type { Db, Prisma } from '@mypay/db';
import type { AuditContext } from '../audit/record-audit.ts';
import { notFound } from '../errors.ts';
import { keysetPrisma, mapPage, type Page, pageLimit, toPage } from '../pagination/index.ts';
import { redeliverEvent } from '../webhooks/redeliver-event.ts';
import { type AdminActor, adminAuditContext } from './admin-context.ts';

export interface AdminDeliveryFilters {
  status?: 'PENDING' | 'DELIVERED' | 'FAILED' | undefined;
  endpointId?: string | undefined;
  eventType?: string | undefined;
  merchantId?: string | undefined;
}

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
  const and: Prisma.WebhookDeliveryWhereInput[] = [];
  if (filters.status) and.push({ status: filters.status });
  if (filters.endpointId) and.push({ endpointId: filters.endpointId });
  if (filters.eventType) and.push({ event: { type: filters.eventType } });
  if (filters.merchantId) and.push({ event: { merchantId: filters.merchantId } });
  const keyset = keysetPrisma(page.cursor, limit);
  const rows = await db.prisma.webhookDelivery.findMany({
    where: { AND: [...and, keyset.where] },
    orderBy: keyset.orderBy,
    take: keyset.take,
    select: {
      id: true,
      status: true,
      attemptCount: true,
      lastStatusCode: true,
      lastAttemptAt: true,
      nextAttemptAt: true,
      createdAt: true,
      event: { select: { id: true, type: true, merchant: { select: { id: true, name: true } } } },
      endpoint: { select: { id: true, url: true, enabled: true } },
      attempts: { orderBy: { id: 'desc' }, take: 1, select: { error: true, statusCode: true } },
    },
  });
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
  const delivery = await db.prisma.webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: { eventId: true, endpointId: true, event: { select: { merchantId: true } } },
  });
  if (!delivery) throw notFound('webhook delivery');
  const audit: AuditContext = adminAuditContext(actor);
  return redeliverEvent(
    db,
    { merchantId: delivery.event.merchantId, eventId: delivery.eventId, endpointId: delivery.endpointId },
    audit,
  );
}
