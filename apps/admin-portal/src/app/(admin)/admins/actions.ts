'use server';

import { disableAdminUser } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { type FormState, getDb, requireAdminActor, toFormState } from '../../../server/portal.ts';

// A server action: Next refuses it unless the request's Origin matches the host (CSRF protection).
export async function disableAdminAction(_prev: FormState, form: FormData): Promise<FormState> {
  const { actor } = await requireAdminActor();
  try {
    // Refuses the acting admin itself; ends every session of the other one at once; audited.
    const result = await disableAdminUser(getDb(), { adminUserId: String(form.get('adminUserId') ?? '') }, actor);
    revalidatePath('/admins');
    return { ok: true, message: result.changed ? 'Disabled; its sessions ended.' : 'Already disabled.' };
  } catch (error) {
    return toFormState(error);
  }
}
