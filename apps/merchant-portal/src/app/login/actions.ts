'use server';

import { createSessionCookie, loginWithPassword, safeRedirectPath } from '@mypay/core';
import type { LoginState } from '@mypay/portal-ui/login-form';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from '../../server/config.ts';
import { getDb } from '../../server/db.ts';
import { getRequestContext } from '../../server/session.ts';

const MESSAGES = {
  INVALID_CREDENTIALS: 'Wrong email or password.',
  SUSPENDED: 'This merchant account is suspended. Contact the MyPay sandbox admins to reactivate it.',
} as const;

// A server action: Next refuses it unless the request's Origin matches the host (CSRF protection).
export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!email || !password) return { error: 'Enter your email and password.', email };

  const { auth } = getConfig();
  const result = await loginWithPassword(getDb(), {
    realm: 'MERCHANT',
    email,
    password,
    context: await getRequestContext(),
  });
  if (!result.ok) {
    if (result.reason === 'LOCKED') {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
      return { error: `Too many failed attempts. This account is locked; try again in ${minutes} minutes.`, email };
    }
    return { error: MESSAGES[result.reason], email };
  }
  const cookie = await createSessionCookie(auth, result.principal);
  (await cookies()).set(cookie.name, cookie.value, cookie.options);
  // Only paths on this portal's origin, so the login form cannot be turned into an open redirect.
  redirect(safeRedirectPath(form.get('next')));
}
