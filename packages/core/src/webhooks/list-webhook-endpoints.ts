import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { toWebhookEndpointView, type WebhookEndpointView } from './webhook-endpoint-view.ts';

/** The merchant's endpoints (not deleted), newest first. Few per merchant, so one page. */
export async function listWebhookEndpoints(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
): Promise<{ data: WebhookEndpointView[]; hasMore: false; nextCursor: null }> {
  const rows = await db.prisma.webhookEndpoint.findMany({
    where: { merchantId, deletedAt: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return { data: rows.map(toWebhookEndpointView), hasMore: false, nextCursor: null };
}

/** Tenant-scoped: another merchant's endpoint is NOT_FOUND, like a missing one. */
export async function getWebhookEndpointOrThrow(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
  endpointId: string,
): Promise<WebhookEndpointView> {
  const row = await db.prisma.webhookEndpoint.findFirst({ where: { id: endpointId, merchantId, deletedAt: null } });
  if (!row) throw notFound('webhook endpoint');
  return toWebhookEndpointView(row);
}
