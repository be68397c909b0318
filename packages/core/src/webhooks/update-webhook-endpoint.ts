import { type Db, withTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { notFound } from '../errors.ts';
import { assertAllowedTarget, type WebhookTargetPolicy } from './target-guard.ts';
import { normalizeEventFilter, toWebhookEndpointView, type WebhookEndpointView } from './webhook-endpoint-view.ts';
import { type EndpointChanges, findLiveEndpoint, updateEndpoint } from './webhook-repository.ts';

export interface UpdateWebhookEndpointInput {
  url?: string;
  events?: readonly string[] | null;
  description?: string | null;
  /** true re-enables an endpoint (also one disabled for failing); false disables it. */
  enabled?: boolean;
}

/** For the merchant portal: edit an endpoint, or re-enable one that was disabled. */
export async function updateWebhookEndpoint(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
  endpointId: string,
  input: UpdateWebhookEndpointInput,
  policy: WebhookTargetPolicy,
  audit?: AuditContext,
): Promise<WebhookEndpointView> {
  const events = input.events === undefined ? undefined : normalizeEventFilter(input.events);
  if (input.url !== undefined) await assertAllowedTarget(input.url, policy);
  const row = await withTransaction(db.prisma, async (tx) => {
    const before = await findLiveEndpoint(tx, merchantId, endpointId);
    if (!before) throw notFound('webhook endpoint');
    const data: EndpointChanges = {};
    if (input.url !== undefined) data.url = input.url;
    if (events !== undefined) data.events = events;
    if (input.description !== undefined) data.description = input.description;
    if (input.enabled === true && !before.enabled) {
      Object.assign(data, { enabled: true, disabledAt: null, disabledReason: null });
    } else if (input.enabled === false && before.enabled) {
      Object.assign(data, { enabled: false, disabledAt: new Date(), disabledReason: 'disabled by merchant' });
    }
    // Nothing asked for, or nothing different: no write and no audit row.
    if (Object.keys(data).length === 0) return before;
    const after = await updateEndpoint(tx, endpointId, data);
    if (audit) {
      await recordAudit(tx, {
        ...audit,
        action: 'webhook_endpoint.updated',
        targetType: 'webhook_endpoint',
        targetId: endpointId,
        merchantId,
        before: toWebhookEndpointView(before),
        after: toWebhookEndpointView(after),
      });
    }
    return after;
  });
  return toWebhookEndpointView(row);
}
