'use server';

import { redeliverWebhookDeliveryAsAdmin } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { getDb } from '../../../server/db.ts';
import { type FormState, toFormState } from '../../../server/errors.ts';
import { requireAdminActor } from '../../../server/session.ts';

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
