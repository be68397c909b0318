'use server';

import { changeOwnPassword, createSessionCookie, isAppError } from '@mypay/core';
import type { PasswordState } from '@mypay/portal-ui/password-form';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from '../../../server/config.ts';
import { getDb } from '../../../server/db.ts';
import { getCurrentMerchant, getRequestContext } from '../../../server/session.ts';

// A server action: Next refuses it unless the request's Origin matches the host (CSRF protection).
export async function changePassword(_prev: PasswordState, form: FormData): Promise<PasswordState> {
  const principal = await getCurrentMerchant();
  if (!principal) redirect('/login');
  const newPassword = String(form.get('newPassword') ?? '');
  if (newPassword !== String(form.get('confirmPassword') ?? '')) {
    return { error: 'The two new passwords differ.', fields: { confirmPassword: 'must repeat the new password' } };
  }
  let updated: Awaited<ReturnType<typeof changeOwnPassword>>;
  try {
    updated = await changeOwnPassword(getDb(), {
      principal,
      currentPassword: String(form.get('currentPassword') ?? ''),
      newPassword,
      context: await getRequestContext(),
    });
  } catch (error) {
    if (isAppError(error)) {
      const fields: Record<string, string> = {};
      for (const d of error.details ?? []) if (d.field) fields[d.field] = d.message;
      return { error: error.message, fields };
    }
    throw error;
  }
  // Every session of the account ended with the change; this browser gets a new one.
  const cookie = await createSessionCookie(getConfig().auth, updated);
  (await cookies()).set(cookie.name, cookie.value, cookie.options);
  redirect('/?password=changed');
}
