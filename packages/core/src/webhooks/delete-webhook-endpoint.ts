import { type Db, withTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { notFound } from '../errors.ts';
import { toWebhookEndpointView } from './webhook-endpoint-view.ts';
import { failPendingDeliveries, findLiveEndpoint, softDeleteEndpoint } from './webhook-repository.ts';

/**
 * Soft delete: the row stays (its deliveries and attempts remain viewable), it is disabled and
 * its pending deliveries are given up. Deleting twice, or another merchant's endpoint, is NOT_FOUND.
 */
export async function deleteWebhookEndpoint(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
  endpointId: string,
  audit?: AuditContext,
): Promise<{ id: string; deleted: true }> {
  await withTransaction(db.prisma, async (tx) => {
    const before = await findLiveEndpoint(tx, merchantId, endpointId);
    if (!before) throw notFound('webhook endpoint');
    const now = new Date();
    if (!(await softDeleteEndpoint(tx, endpointId, now, before.disabledAt ?? now))) throw notFound('webhook endpoint');
    await failPendingDeliveries(tx, endpointId);
    if (audit) {
      await recordAudit(tx, {
        ...audit,
        action: 'webhook_endpoint.deleted',
        targetType: 'webhook_endpoint',
        targetId: endpointId,
        merchantId,
        before: toWebhookEndpointView(before),
        after: { deleted: true },
      });
    }
  });
  return { id: endpointId, deleted: true };
}
