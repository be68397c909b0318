import {
  type AdminActor,
  clientIpFromForwardedFor,
  getSessionPrincipal,
  type PortalPrincipal,
  type RequestContext,
} from '@mypay/core';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getConfig } from './config.ts';
import { getDb } from './db.ts';

/**
 * The signed-in admin of this request, or null. Only the admin cookie, verified with the admin
 * secret and audience, counts: a merchant session (other cookie, other secret) is never one.
 */
export const getCurrentAdmin = cache(async (): Promise<PortalPrincipal | null> => {
  // cookies() first: it marks the page as dynamic before any config or database access.
  const jar = await cookies();
  const { auth } = getConfig();
  return getSessionPrincipal(getDb(), auth, jar.get(auth.cookieName)?.value);
});

/** Every page, action and route but login starts here: no admin session → the login page. */
export async function requireAdmin(): Promise<PortalPrincipal> {
  const admin = await getCurrentAdmin();
  if (!admin) redirect('/login');
  // A password someone else chose (seed, admin reset) must be replaced before anything else.
  if (admin.mustChangePassword) redirect('/account/password');
  return admin;
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

/** The signed-in admin plus where the request came from: what every admin use-case audits. */
export async function requireAdminActor(): Promise<{ admin: PortalPrincipal; actor: AdminActor }> {
  const admin = await requireAdmin();
  const ctx = await getRequestContext();
  // Without a proxy-assigned id, one per action still ties its audit rows together.
  const requestId = ctx.requestId || crypto.randomUUID();
  return { admin, actor: { adminId: admin.id, ip: ctx.ip, userAgent: ctx.userAgent, requestId } };
}
