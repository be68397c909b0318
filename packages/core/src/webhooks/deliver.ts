import { type Db, withSqlTransaction } from '@mypay/db';
import { recordAudit } from '../audit/record-audit.ts';
import type { Logger } from '../logger.ts';
import { domainMetrics } from '../metrics/domain-metrics.ts';
import {
  type ClaimedDelivery,
  type DeliveryOutcome,
  disableEndpointAndGiveUpPending,
  failLeasedDelivery,
  findLastSuccessAt,
  hasFailedAttemptSince,
  lockEnabledEndpoint,
  type PlannedOutcome,
  writeAttemptOutcomes,
} from './delivery-repository.ts';
import { sendWebhook, type WebhookAttemptResult } from './send-webhook.ts';
import { nextRetryDelayMs, type WebhookSettings } from './settings.ts';
import { SIGNATURE_HEADER, signPayload } from './signature.ts';

/**
 * The delivery protocol shared by the background worker and sendTestEvent:
 *  1. claim: in a short transaction, lock due PENDING rows (SKIP LOCKED, so replicas split the
 *     work) and push their nextAttemptAt forward by a lease, then commit. A claimed row is not
 *     due again until the lease ends, so no other worker sends it meanwhile.
 *  2. send, outside any transaction (up to the request timeout, which is shorter than the lease).
 *  3. record the attempt and the outcome. The outcome update is fenced on the lease value, so a
 *     worker whose lease ran out (it stalled) cannot overwrite the outcome of a newer claim.
 * A process that dies between 1 and 3 leaves the row due again when the lease ends: at-least-once.
 */

export function buildWebhookRequest(delivery: ClaimedDelivery, settings: Pick<WebhookSettings, 'userAgent'>) {
  return {
    url: delivery.url,
    body: delivery.body,
    headers: {
      'Content-Type': 'application/json',
      // During a rotation's overlap: two v1 signatures, the new secret's first.
      [SIGNATURE_HEADER]: signPayload(
        delivery.body,
        delivery.previousSecret ? [delivery.secret, delivery.previousSecret] : delivery.secret,
      ),
      'MyPay-Event-Id': delivery.eventId,
      'MyPay-Event-Type': delivery.eventType,
      'MyPay-Delivery-Id': delivery.id,
      'User-Agent': settings.userAgent,
    },
  };
}

export interface AttemptToRecord {
  delivery: ClaimedDelivery;
  result: WebhookAttemptResult;
}

/**
 * Records attempts and moves their deliveries on: DELIVERED on 2xx, else the next attempt at
 * now + schedule[attemptNumber], else FAILED. Several attempts share one transaction (one commit),
 * which keeps the database cost per delivery low under load. An attempt row is written even when
 * the lease was lost, because the request did happen; the delivery itself is then left alone.
 */
export async function recordAttempts(
  db: Pick<Db, 'pool'>,
  attempts: AttemptToRecord[],
  settings: Pick<WebhookSettings, 'retryScheduleMs'>,
): Promise<DeliveryOutcome[]> {
  if (attempts.length === 0) return [];
  const planned = attempts.map(({ delivery, result }): PlannedOutcome => {
    const delayMs = result.ok ? null : nextRetryDelayMs(settings.retryScheduleMs, delivery.attemptNumber);
    const outcome: DeliveryOutcome = result.ok ? 'DELIVERED' : delayMs === null ? 'FAILED' : 'RETRY_SCHEDULED';
    return { delivery, result, delayMs, outcome };
  });
  return withSqlTransaction(db.pool, async (conn) => {
    const applied = await writeAttemptOutcomes(conn, planned);
    return planned.map((p, i) => (applied[i] ? p.outcome : 'LEASE_LOST'));
  });
}

/** recordAttempts for one attempt. */
export async function recordAttempt(
  db: Pick<Db, 'pool'>,
  delivery: ClaimedDelivery,
  result: WebhookAttemptResult,
  settings: Pick<WebhookSettings, 'retryScheduleMs'>,
): Promise<DeliveryOutcome> {
  const [outcome] = await recordAttempts(db, [{ delivery, result }], settings);
  return outcome ?? 'LEASE_LOST';
}

/** A claimed delivery whose endpoint is no longer active is given up without a request. */
export async function cancelDelivery(db: Pick<Db, 'pool'>, delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
  return (await failLeasedDelivery(db, delivery)) ? 'CANCELLED' : 'LEASE_LOST';
}

export const AUTO_DISABLE_REASON = 'every delivery attempt failed';

/**
 * Disables an endpoint whose every attempt has failed for `disableAfterMs`, measured by attempt
 * times (deliveries of bound events are left out: their attempts carry clock times): some attempt failed that long ago, and none succeeded since (the last success is the
 * newest DELIVERED delivery's last attempt). How old a delivery is says nothing — one created
 * before a quiet spell (or while the workers were down) and attempted now starts no streak.
 *
 * Pending deliveries to it are given up, but not all: `trigger` (the delivery whose failed
 * attempt ran this check) keeps its retries — should the endpoint be enabled again before its
 * next one, it carries on; else that retry is cancelled when it comes due — and a delivery that
 * may be under another worker's lease (due within `leaseMs`) is left to that worker, whose
 * attempt is recorded as it turned out (the claim cancels it later if it is still pending).
 * The merchant's audit trail records the disable.
 */
export async function disableEndpointIfFailing(
  db: Pick<Db, 'pool'>,
  endpointId: string,
  disableAfterMs: number,
  options: { trigger?: string; leaseMs?: number } = {},
): Promise<boolean> {
  const since = (await findLastSuccessAt(db, endpointId)) ?? new Date(0);
  if (!(await hasFailedAttemptSince(db, endpointId, since, disableAfterMs))) return false;

  return withSqlTransaction(db.pool, async (conn) => {
    const endpoint = await lockEnabledEndpoint(conn, endpointId);
    if (!endpoint) return false;
    const reason = `${AUTO_DISABLE_REASON} for ${formatWindow(disableAfterMs)}`;
    await disableEndpointAndGiveUpPending(conn, endpointId, reason, {
      keepId: options.trigger ?? '',
      leaseMs: options.leaseMs ?? 0,
    });
    await recordAudit(conn, {
      actorType: 'SYSTEM',
      action: 'webhook_endpoint.disabled',
      targetType: 'webhook_endpoint',
      targetId: endpointId,
      merchantId: endpoint.merchantId,
      before: { enabled: true, url: endpoint.url },
      after: { enabled: false, disabledReason: reason },
    });
    return true;
  });
}

function formatWindow(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day(s)`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hour(s)`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

export interface ProcessedDelivery {
  delivery: ClaimedDelivery;
  outcome: DeliveryOutcome;
  result: WebhookAttemptResult | null;
  endpointDisabled: boolean;
}

/** Sends one claimed delivery (no database access). Null when the endpoint is no longer active. */
export async function sendClaimedDelivery(
  delivery: ClaimedDelivery,
  settings: WebhookSettings,
): Promise<WebhookAttemptResult | null> {
  if (!delivery.endpointActive) return null;
  return sendWebhook(buildWebhookRequest(delivery, settings), {
    timeoutMs: settings.requestTimeoutMs,
    allowPrivateTargets: settings.allowPrivateTargets,
  });
}

/** Seconds from the event's creation to now (the stored body's createdAt); null when it cannot be read. */
function eventAgeSeconds(body: string): number | null {
  try {
    const at = Date.parse((JSON.parse(body) as { createdAt?: string }).createdAt ?? '');
    return Number.isFinite(at) ? Math.max(0, (Date.now() - at) / 1000) : null;
  } catch {
    return null;
  }
}

/** What follows a recorded attempt: the auto-disable check after a failure, and logs. */
export async function afterAttemptRecorded(
  db: Pick<Db, 'pool'>,
  attempt: AttemptToRecord,
  outcome: DeliveryOutcome,
  settings: WebhookSettings,
  logger?: Logger,
): Promise<ProcessedDelivery> {
  const { delivery, result } = attempt;
  let endpointDisabled = false;
  if (!result.ok && outcome !== 'LEASE_LOST') {
    endpointDisabled = await disableEndpointIfFailing(db, delivery.endpointId, settings.disableAfterMs, {
      trigger: delivery.id,
      leaseMs: settings.leaseMs,
    });
    if (endpointDisabled) {
      logger?.warn({ endpointId: delivery.endpointId, merchantId: delivery.merchantId }, 'webhook endpoint disabled');
    }
  }
  if (outcome === 'LEASE_LOST') {
    logger?.warn({ deliveryId: delivery.id }, 'webhook delivery lease expired before its outcome was recorded');
  }
  domainMetrics.webhookAttempt(delivery.endpointId, outcome, result.ok ? eventAgeSeconds(delivery.body) : null);
  logger?.debug(
    {
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      attempt: delivery.attemptNumber,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      outcome,
    },
    'webhook attempt',
  );
  return { delivery, outcome, result, endpointDisabled };
}

/** Sends one claimed delivery and records what happened. Throws only when the database does. */
export async function processClaimedDelivery(
  db: Pick<Db, 'pool'>,
  delivery: ClaimedDelivery,
  settings: WebhookSettings,
  logger?: Logger,
): Promise<ProcessedDelivery> {
  const result = await sendClaimedDelivery(delivery, settings);
  if (!result) return { delivery, outcome: await cancelDelivery(db, delivery), result: null, endpointDisabled: false };
  const outcome = await recordAttempt(db, delivery, result, settings);
  return afterAttemptRecorded(db, { delivery, result }, outcome, settings, logger);
}
