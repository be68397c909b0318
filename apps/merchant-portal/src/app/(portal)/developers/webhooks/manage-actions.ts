'use server';

import { EVENT_TYPES, type EventType, rotateWebhookSecret, sendTestEvent, updateWebhookEndpoint } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { merchantAuditContext } from '../../../../server/audit-context.ts';
import { getConfig } from '../../../../server/config.ts';
import { type FormState, getDb, requireMerchant, toFormState } from '../../../../server/portal.ts';

/**
 * Endpoint management of the Webhooks page: the same use-cases as PATCH /webhook-endpoints/:id,
 * POST …/rotate-secret and POST /webhooks/test, audited with the merchant.
 */

const refresh = (endpointId: string) => {
  revalidatePath('/developers/webhooks');
  revalidatePath(`/developers/webhook-endpoints/${endpointId}`);
};

export async function setEndpointEnabledAction(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const endpointId = String(form.get('endpointId') ?? '');
  try {
    await updateWebhookEndpoint(
      getDb(),
      merchant.id,
      endpointId,
      { enabled: form.get('enabled') === 'true' },
      { allowPrivateTargets: getConfig().webhooks.allowPrivateTargets },
      await merchantAuditContext(merchant),
    );
  } catch (error) {
    return toFormState(error);
  }
  refresh(endpointId);
  return { ok: true };
}

export async function saveEndpointEventsAction(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const endpointId = String(form.get('endpointId') ?? '');
  const events = form.getAll('events').map(String).filter(Boolean);
  try {
    await updateWebhookEndpoint(
      getDb(),
      merchant.id,
      endpointId,
      { events: events.length > 0 ? events : null },
      { allowPrivateTargets: getConfig().webhooks.allowPrivateTargets },
      await merchantAuditContext(merchant),
    );
  } catch (error) {
    return toFormState(error);
  }
  refresh(endpointId);
  return { ok: true };
}

export interface RotatedSecretState extends FormState {
  secret?: string;
  previousSecretExpiresAt?: string | null;
}

export async function rotateSecretAction(_prev: RotatedSecretState, form: FormData): Promise<RotatedSecretState> {
  const merchant = await requireMerchant();
  const endpointId = String(form.get('endpointId') ?? '');
  const hours = Number(form.get('overlapHours') ?? 24);
  try {
    const rotated = await rotateWebhookSecret(
      getDb(),
      merchant.id,
      endpointId,
      { overlapSeconds: Math.round(hours * 3600) },
      await merchantAuditContext(merchant),
    );
    refresh(endpointId);
    return { ok: true, secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt };
  } catch (error) {
    return toFormState(error);
  }
}

export interface TypedTestState extends FormState {
  message?: string;
}

export async function sendTypedTestEventAction(_prev: TypedTestState, form: FormData): Promise<TypedTestState> {
  const merchant = await requireMerchant();
  const endpointId = String(form.get('endpointId') ?? '');
  const type = String(form.get('type') ?? 'webhook.test');
  if (!(EVENT_TYPES as readonly string[]).includes(type)) return { error: `unknown event type ${type}` };
  try {
    const config = getConfig();
    const result = await sendTestEvent(getDb(), merchant.id, config.webhooks, {
      endpointId,
      type: type as EventType,
      publicUrl: config.paymentApiBaseUrl,
    });
    refresh(endpointId);
    revalidatePath('/developers/events');
    const d = result.deliveries[0];
    const outcome = d?.attempt?.statusCode ? `HTTP ${d.attempt.statusCode}` : (d?.attempt?.error ?? 'no response');
    const message = `${result.type} ${result.eventId}: ${d?.status ?? 'FAILED'} (${outcome}${d?.attempt ? `, ${d.attempt.latencyMs} ms` : ''})`;
    return d?.status === 'DELIVERED'
      ? { ok: true, message }
      : { ok: false, message, error: 'Not accepted (test events are not retried).' };
  } catch (error) {
    return toFormState(error);
  }
}
