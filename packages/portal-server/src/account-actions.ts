import {
  changeOwnPassword,
  createSessionCookie,
  loginWithPassword,
  type PortalPrincipal,
  recordLogout,
  safeRedirectPath,
} from '@mypay/core';
import type { LoginState } from '@mypay/portal-ui/login-form';
import type { PasswordState } from '@mypay/portal-ui/password-form';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { appErrorFormState } from './errors.ts';
import type { Portal } from './portal.ts';

// The bodies of each portal's login, password and logout server actions. The `'use server'`
// files stay in the portals (Next wants them in the app), each one line that calls in here;
// Next refuses a server action unless the request's Origin matches the host (CSRF protection).

const WRONG_CREDENTIALS = 'Wrong email or password.';

/**
 * Signs in with email and password in the portal's realm (lockout and audit in core): a
 * merchant's credentials never match on the admin portal, nor an admin's on the merchant portal.
 * `suspendedMessage` is what a suspended account is told; without it, the wrong-credentials message.
 */
export async function logIn(
  portal: Portal,
  form: FormData,
  options: { suspendedMessage?: string } = {},
): Promise<LoginState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!email || !password) return { error: 'Enter your email and password.', email };

  const result = await loginWithPassword(portal.getDb(), {
    realm: portal.realm,
    email,
    password,
    context: await portal.getRequestContext(),
  });
  if (!result.ok) {
    if (result.reason === 'LOCKED') {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
      return { error: `Too many failed attempts. This account is locked; try again in ${minutes} minutes.`, email };
    }
    if (result.reason === 'SUSPENDED') return { error: options.suspendedMessage ?? WRONG_CREDENTIALS, email };
    return { error: WRONG_CREDENTIALS, email };
  }
  await setSessionCookie(portal, result.principal);
  // Only paths on this portal's origin, so the login form cannot be turned into an open redirect.
  redirect(safeRedirectPath(form.get('next')));
}

/** The signed-in account changes its own password; every other session of it ends. */
export async function changePassword(portal: Portal, form: FormData): Promise<PasswordState> {
  const principal = await portal.getCurrentPrincipal();
  if (!principal) redirect('/login');
  const newPassword = String(form.get('newPassword') ?? '');
  if (newPassword !== String(form.get('confirmPassword') ?? '')) {
    return { error: 'The two new passwords differ.', fields: { confirmPassword: 'must repeat the new password' } };
  }
  let updated: PortalPrincipal;
  try {
    updated = await changeOwnPassword(portal.getDb(), {
      principal,
      currentPassword: String(form.get('currentPassword') ?? ''),
      newPassword,
      context: await portal.getRequestContext(),
    });
  } catch (error) {
    const shown = appErrorFormState(error);
    if (shown) return shown;
    throw error;
  }
  // Every session of the account ended with the change; this browser gets a new one.
  await setSessionCookie(portal, updated);
  redirect('/?password=changed');
}

/** Ends the session (audited when there was one) and goes to the login page. */
export async function logOut(portal: Portal): Promise<void> {
  const principal = await portal.getCurrentPrincipal();
  if (principal) await recordLogout(portal.getDb(), principal, await portal.getRequestContext());
  (await cookies()).delete(portal.getConfig().auth.cookieName);
  redirect('/login');
}

async function setSessionCookie(portal: Portal, principal: PortalPrincipal): Promise<void> {
  const cookie = await createSessionCookie(portal.getConfig().auth, principal);
  (await cookies()).set(cookie.name, cookie.value, cookie.options);
}
