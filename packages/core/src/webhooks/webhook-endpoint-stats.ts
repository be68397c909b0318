import type { Db } from '@mypay/db';
import { notFound } from '../errors.ts';
import { toWebhookEndpointView, type WebhookEndpointView } from './webhook-endpoint-view.ts';
import { countRecentAttempts, findEndpoint } from './webhook-repository.ts';

export const DELIVERY_STATS_WINDOW_HOURS = 24;

export interface WebhookDeliveryStats {
  windowHours: typeof DELIVERY_STATS_WINDOW_HOURS;
  /** Attempts in the window the endpoint answered 2xx. */
  succeeded: number;
  /** Attempts that got another status, a timeout, a refusal or no connection. */
  failed: number;
  total: number;
  /** succeeded / total (0–1), null when nothing was attempted in the window. */
  successRate: number | null;
}

export type WebhookEndpointDetail = WebhookEndpointView & { deliveryStats: WebhookDeliveryStats };

const emptyStats = (): WebhookDeliveryStats => ({
  windowHours: DELIVERY_STATS_WINDOW_HOURS,
  succeeded: 0,
  failed: 0,
  total: 0,
  successRate: null,
});

/** Delivery attempts of the last 24 h per endpoint, by outcome. */
export async function webhookDeliveryStats(
  db: Pick<Db, 'pool'>,
  endpointIds: readonly string[],
): Promise<Map<string, WebhookDeliveryStats>> {
  const stats = new Map(endpointIds.map((id) => [id, emptyStats()]));
  if (endpointIds.length === 0) return stats;
  const counts = await countRecentAttempts(db, endpointIds, DELIVERY_STATS_WINDOW_HOURS);
  for (const { endpointId, succeeded, total } of counts) {
    stats.set(endpointId, {
      windowHours: DELIVERY_STATS_WINDOW_HOURS,
      succeeded,
      failed: total - succeeded,
      total,
      successRate: total === 0 ? null : Math.round((succeeded / total) * 10_000) / 10_000,
    });
  }
  return stats;
}

/** GET /webhook-endpoints/:id: the endpoint (tenant-scoped: another merchant's is NOT_FOUND) and its 24 h stats. */
export async function getWebhookEndpointDetail(
  db: Pick<Db, 'prisma' | 'pool'>,
  merchantId: string,
  endpointId: string,
): Promise<WebhookEndpointDetail> {
  const row = await findEndpoint(db, merchantId, endpointId);
  if (!row) throw notFound('webhook endpoint');
  const stats = await webhookDeliveryStats(db, [row.id]);
  return { ...toWebhookEndpointView(row), deliveryStats: stats.get(row.id) ?? emptyStats() };
}
