import { randomBytes } from 'node:crypto';
import { type Db, withTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { AppError } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { assertAllowedTarget, type WebhookTargetPolicy } from './target-guard.ts';
import { normalizeEventFilter, toWebhookEndpointView, type WebhookEndpointView } from './webhook-endpoint-view.ts';
import { countLiveEndpoints, insertEndpoint, lockMerchantForEndpoints } from './webhook-repository.ts';

/** Keeps fan-out per event bounded. */
export const MAX_WEBHOOK_ENDPOINTS_PER_MERCHANT = 16;

export interface CreateWebhookEndpointInput {
  merchantId: string;
  url: string;
  /** Event types to deliver; null or omitted means every type. */
  events?: readonly string[] | null;
  description?: string | null;
}

/** `whsec_` + 32 base64url characters (192 bits). */
export const generateWebhookSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/**
 * Registers an endpoint. The URL must pass the SSRF guard (unless private targets are allowed);
 * the signing secret is returned here and never again.
 */
export async function createWebhookEndpoint(
  db: Pick<Db, 'prisma'>,
  input: CreateWebhookEndpointInput,
  policy: WebhookTargetPolicy,
  audit?: AuditContext,
  options: EffectOptions = {},
): Promise<WebhookEndpointView & { secret: string }> {
  const events = normalizeEventFilter(input.events);
  await assertAllowedTarget(input.url, policy);
  const secret = generateWebhookSecret();
  return withTransaction(db.prisma, async (tx) => {
    // Lock the merchant row so two concurrent creates cannot both pass the limit.
    await lockMerchantForEndpoints(tx, input.merchantId);
    const count = await countLiveEndpoints(tx, input.merchantId);
    if (count >= MAX_WEBHOOK_ENDPOINTS_PER_MERCHANT) {
      throw new AppError(
        'INVALID_STATE',
        `a merchant can have at most ${MAX_WEBHOOK_ENDPOINTS_PER_MERCHANT} webhook endpoints; delete one first`,
      );
    }
    const created = await insertEndpoint(tx, {
      id: newId('we'),
      merchantId: input.merchantId,
      url: input.url,
      secret,
      description: input.description ?? null,
      events,
    });
    if (audit) {
      await recordAudit(tx, {
        ...audit,
        action: 'webhook_endpoint.created',
        targetType: 'webhook_endpoint',
        targetId: created.id,
        merchantId: input.merchantId,
        after: toWebhookEndpointView(created),
      });
    }
    // The secret is in this one answer (and in its replays): the key's record is written with the endpoint.
    const result = { ...toWebhookEndpointView(created), secret };
    await options.idempotency?.settle(tx, 201, result);
    return result;
  });
}
