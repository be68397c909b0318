import { DEFAULT_SECRET_OVERLAP_SECONDS, MAX_SECRET_OVERLAP_SECONDS } from '@mypay/contracts';
import { type Db, withTransaction } from '@mypay/db';
import { type AuditContext, recordAudit } from '../audit/record-audit.ts';
import { AppError, notFound } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { generateWebhookSecret } from './create-webhook-endpoint.ts';
import { toWebhookEndpointView, type WebhookEndpointView } from './webhook-endpoint-view.ts';
import { getEndpointById, lockEndpoint, rotateEndpointSecret } from './webhook-repository.ts';

export { DEFAULT_SECRET_OVERLAP_SECONDS, MAX_SECRET_OVERLAP_SECONDS };

export interface RotateWebhookSecretInput {
  /** Seconds the replaced secret still signs deliveries (a second v1); default 24 h, at most 7 days. */
  overlapSeconds?: number | undefined;
}

/**
 * Rolls an endpoint's signing secret. The new one signs every delivery from now on; the one it
 * replaces signs them too (a second `v1`) until the overlap ends, so a receiver can deploy the new
 * secret without refusing a delivery. Rotating again during an overlap replaces the older secret:
 * only the last two are ever in use. The overlap's end is database time (NOW(3)), the clock the
 * delivery query compares it with, so every API replica agrees on it. The new secret is in this
 * answer only (and in its idempotent replays, written in the same transaction).
 */
export async function rotateWebhookSecret(
  db: Pick<Db, 'prisma'>,
  merchantId: string,
  endpointId: string,
  input: RotateWebhookSecretInput,
  audit?: AuditContext,
  options: EffectOptions = {},
): Promise<WebhookEndpointView & { secret: string }> {
  const overlapSeconds = input.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS;
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_SECRET_OVERLAP_SECONDS) {
    throw new AppError('VALIDATION_ERROR', 'invalid overlap', [
      { field: 'overlapSeconds', message: `an integer from 0 to ${MAX_SECRET_OVERLAP_SECONDS} (7 days)` },
    ]);
  }
  const secret = generateWebhookSecret();
  return withTransaction(db.prisma, async (tx) => {
    if (!(await lockEndpoint(tx, merchantId, endpointId))) throw notFound('webhook endpoint');
    const before = await getEndpointById(tx, endpointId);
    await rotateEndpointSecret(tx, endpointId, secret, overlapSeconds);
    const after = await getEndpointById(tx, endpointId);
    if (audit) {
      // Never the secrets themselves: only when they changed and how long the old one lives.
      await recordAudit(tx, {
        ...audit,
        action: 'webhook_endpoint.secret_rotated',
        targetType: 'webhook_endpoint',
        targetId: endpointId,
        merchantId,
        before: { secretRotatedAt: before.secretRotatedAt?.toISOString() ?? null },
        after: {
          secretRotatedAt: after.secretRotatedAt?.toISOString() ?? null,
          overlapSeconds,
          previousSecretExpiresAt: after.previousSecretExpiresAt?.toISOString() ?? null,
        },
      });
    }
    const result = { ...toWebhookEndpointView(after), secret };
    await options.idempotency?.settle(tx, 200, result);
    return result;
  });
}
