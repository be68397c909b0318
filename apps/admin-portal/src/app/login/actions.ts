'use server';

import { createSessionCookie, loginWithPassword, safeRedirectPath } from '@mypay/core';
import type { LoginState } from '@mypay/portal-ui/login-form';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getConfig } from '../../server/config.ts';
import { getDb } from '../../server/db.ts';
import { getRequestContext } from '../../server/session.ts';

// A server action: Next refuses it unless the request's Origin matches the host (CSRF protection).
export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!email || !password) return { error: 'Enter your email and password.', email };

  const { auth } = getConfig();
  // Same rule as the merchant portal (lockout, audit), realm ADMIN: a merchant's credentials never match here.
  const result = await loginWithPassword(getDb(), {
    realm: 'ADMIN',
    email,
    password,
    context: await getRequestContext(),
  });
  if (!result.ok) {
    if (result.reason === 'LOCKED') {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
      return { error: `Too many failed attempts. This account is locked; try again in ${minutes} minutes.`, email };
    }
    return { error: 'Wrong email or password.', email };
  }
  const cookie = await createSessionCookie(auth, result.principal);
  (await cookies()).set(cookie.name, cookie.value, cookie.options);
  // Only paths on this portal's origin, so the login form cannot be turned into an open redirect.
  redirect(safeRedirectPath(form.get('next')));
}
