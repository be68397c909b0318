import { clientIpFromForwardedFor, getSessionPrincipal, type PortalPrincipal, type RequestContext } from '@mypay/core';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getConfig } from './config.ts';
import { getDb } from './db.ts';

/** The signed-in merchant of this request, or null. Cached per request. */
export const getCurrentMerchant = cache(async (): Promise<PortalPrincipal | null> => {
  // cookies() first: it marks the page as dynamic before any config or database access.
  const jar = await cookies();
  const { auth } = getConfig();
  const token = jar.get(auth.cookieName)?.value;
  return getSessionPrincipal(getDb(), auth, token);
});

/** Every page and action but login starts here: no session → the login page. */
export async function requireMerchant(): Promise<PortalPrincipal> {
  const merchant = await getCurrentMerchant();
  if (!merchant) redirect('/login');
  // A password someone else chose (seed, admin reset) must be replaced before anything else.
  if (merchant.mustChangePassword) redirect('/account/password');
  return merchant;
}

/**
 * Client address and user agent for the audit trail. The address is the one the trusted proxy
 * saw (nginx appends it to X-Forwarded-For; TRUST_PROXY says how many hops to trust), never the
 * header's first entry, which the client writes.
 */
export async function getRequestContext(): Promise<RequestContext> {
  const h = await headers();
  return {
    ip: clientIpFromForwardedFor(h.get('x-forwarded-for'), getConfig().trustProxy),
    userAgent: h.get('user-agent'),
    requestId: h.get('x-request-id'),
  };
}
