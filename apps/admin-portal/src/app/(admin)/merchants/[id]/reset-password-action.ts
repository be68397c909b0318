'use server';

import { randomBytes } from 'node:crypto';
import { resetMerchantPassword } from '@mypay/core';
import { revalidatePath } from 'next/cache';
import { type FormState, getDb, requireAdminActor, toFormState } from '../../../../server/portal.ts';

export interface ResetPasswordState extends FormState {
  /** The temporary password, shown once to the admin who set it (never stored in clear). */
  temporaryPassword?: string;
}

/** 18 random bytes, URL-safe base64: 24 characters, well past the strength rules. */
const generatePassword = () => randomBytes(18).toString('base64url');

// A server action: Next refuses it unless the request's Origin matches the host (CSRF protection).
export async function resetMerchantPasswordAction(
  _prev: ResetPasswordState,
  form: FormData,
): Promise<ResetPasswordState> {
  const { actor } = await requireAdminActor();
  const merchantId = String(form.get('merchantId') ?? '');
  const given = String(form.get('temporaryPassword') ?? '');
  const temporaryPassword = given === '' ? generatePassword() : given;
  try {
    // Ends every session of the merchant (session version) and forces a change at its next login; audited.
    await resetMerchantPassword(getDb(), { merchantId, newPassword: temporaryPassword }, actor);
  } catch (error) {
    return toFormState(error);
  }
  revalidatePath(`/merchants/${merchantId}`);
  return {
    ok: true,
    message: 'Password reset. Every session of the merchant ended; it must choose a new password at its next login.',
    temporaryPassword,
  };
}
