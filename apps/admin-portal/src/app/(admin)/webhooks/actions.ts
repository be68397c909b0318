'use server';

import { redeliverWebhookDeliveryAsAdmin } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { type FormState, getDb, requireAdminActor, toFormState } from '../../../server/portal.ts';

export async function redeliverAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { actor } = await requireAdminActor();
  try {
    const result = await redeliverWebhookDeliveryAsAdmin(getDb(), String(form.get('deliveryId') ?? ''), actor);
    revalidatePath('/webhooks');
    return { ok: true, message: `Queued ${result.deliveries.map((d) => d.id).join(', ')}` };
  } catch (error) {
    return toFormState(error);
  }
}
