import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { toWebhookEndpointView, type WebhookEndpointView } from './webhook-endpoint-view.ts';
import { findEndpoint, findEndpoints } from './webhook-repository.ts';

/** The merchant's endpoints (not deleted), newest first. Few per merchant, so one page. */
export async function listWebhookEndpoints(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
): Promise<{ data: WebhookEndpointView[]; hasMore: false; nextCursor: null }> {
  const rows = await findEndpoints(db, merchantId);
  return { data: rows.map((row) => toWebhookEndpointView(row)), hasMore: false, nextCursor: null };
}

/** Tenant-scoped: another merchant's endpoint is NOT_FOUND, like a missing one. */
export async function getWebhookEndpointOrThrow(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
  endpointId: string,
): Promise<WebhookEndpointView> {
  const row = await findEndpoint(db, merchantId, endpointId);
  if (!row) throw notFound('webhook endpoint');
  return toWebhookEndpointView(row);
}
