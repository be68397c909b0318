'use server';

import {
  type ApiKeyScope,
  createApiKey,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  redeliverEvent,
  revokeApiKey,
  sendTestEvent,
} from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { merchantAuditContext } from '../../../server/audit-context.ts';
import { getConfig } from '../../../server/config.ts';
import { type FormState, getDb, getRequestContext, requireMerchant, toFormState } from '../../../server/portal.ts';

export interface CreatedKeyState extends FormState {
  key?: string;
  prefix?: string;
}

export async function createKeyAction(_prev: CreatedKeyState, form: FormData): Promise<CreatedKeyState> {
  const merchant = await requireMerchant();
  try {
    const created = await createApiKey(getDb(), {
      merchantId: merchant.id,
      name: String(form.get('name') ?? ''),
      scope: String(form.get('scope') ?? '') as ApiKeyScope,
      actor: { actorType: 'MERCHANT', actorId: merchant.id },
      context: await getRequestContext(),
    });
    revalidatePath('/developers');
    return { ok: true, key: created.key, prefix: created.prefix };
  } catch (error) {
    return toFormState(error);
  }
}

export async function revokeKeyAction(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  try {
    await revokeApiKey(getDb(), {
      merchantId: merchant.id,
      keyId: String(form.get('keyId') ?? ''),
      actor: { actorType: 'MERCHANT', actorId: merchant.id },
      context: await getRequestContext(),
    });
  } catch (error) {
    return toFormState(error);
  }
  revalidatePath('/developers');
  return { ok: true };
}

export interface CreatedEndpointState extends FormState {
  secret?: string;
  url?: string;
}

export async function createEndpointAction(_prev: CreatedEndpointState, form: FormData): Promise<CreatedEndpointState> {
  const merchant = await requireMerchant();
  const events = form.getAll('events').map(String).filter(Boolean);
  try {
    const created = await createWebhookEndpoint(
      getDb(),
      {
        merchantId: merchant.id,
        url: String(form.get('url') ?? '').trim(),
        events: events.length > 0 ? events : null,
        description: String(form.get('description') ?? '').trim() || null,
      },
      { allowPrivateTargets: getConfig().webhooks.allowPrivateTargets },
      await merchantAuditContext(merchant),
    );
    revalidatePath('/developers/webhooks');
    return { ok: true, secret: created.secret, url: created.url };
  } catch (error) {
    return toFormState(error);
  }
}

export async function deleteEndpointAction(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  try {
    await deleteWebhookEndpoint(
      getDb(),
      merchant.id,
      String(form.get('endpointId') ?? ''),
      await merchantAuditContext(merchant),
    );
  } catch (error) {
    return toFormState(error);
  }
  revalidatePath('/developers/webhooks');
  return { ok: true };
}

export interface TestEventState extends FormState {
  message?: string;
}

export async function sendTestEventAction(_prev: TestEventState, form: FormData): Promise<TestEventState> {
  const merchant = await requireMerchant();
  try {
    const endpointId = String(form.get('endpointId') ?? '') || undefined;
    const result = await sendTestEvent(getDb(), merchant.id, getConfig().webhooks, endpointId ? { endpointId } : {});
    revalidatePath('/developers/events');
    const lines = result.deliveries.map((d) => {
      const a = d.attempt;
      const outcome = a?.statusCode ? `HTTP ${a.statusCode}` : (a?.error ?? 'no response');
      return `${d.status} → ${d.url} (${outcome}${a ? `, ${a.latencyMs} ms` : ''})`;
    });
    const allDelivered = result.deliveries.every((d) => d.status === 'DELIVERED');
    return {
      ok: allDelivered,
      message: `Test event ${result.eventId}: ${lines.join('; ')}`,
      ...(allDelivered
        ? {}
        : { error: 'The endpoint did not accept the test event (test events are not retried; send another one).' }),
    };
  } catch (error) {
    return toFormState(error);
  }
}

export async function redeliverAction(_prev: FormState, form: FormData): Promise<FormState> {
  const merchant = await requireMerchant();
  const eventId = String(form.get('eventId') ?? '');
  try {
    await redeliverEvent(getDb(), { merchantId: merchant.id, eventId }, await merchantAuditContext(merchant));
  } catch (error) {
    return toFormState(error);
  }
  revalidatePath('/developers/events');
  revalidatePath(`/developers/events/${eventId}`);
  return { ok: true };
}
