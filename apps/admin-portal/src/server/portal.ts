import type { AdminActor, PortalPrincipal } from '@mypay/core';
import { definePortal } from '@mypay/portal-server/portal';
import { getConfig } from './config.ts';

/**
 * The admin portal's server side (packages/portal-server), bound to the ADMIN realm and its
 * config: only the admin cookie, verified with the admin secret and audience, is a session here.
 */
export const portal = definePortal({ name: 'admin-portal', realm: 'ADMIN', getConfig });

export const { getDb, getRequestContext, toFormState, csvResponse } = portal;
/** The signed-in admin of this request, or null. */
export const getCurrentAdmin = portal.getCurrentPrincipal;
/** Every page, action and route but login starts here: no admin session → the login page. */
export const requireAdmin = portal.requirePrincipal;
export { type FormState, orNotFound } from '@mypay/portal-server/errors';

/** The signed-in admin plus where the request came from: what every admin use-case audits. */
export async function requireAdminActor(): Promise<{ admin: PortalPrincipal; actor: AdminActor }> {
  const admin = await requireAdmin();
  const ctx = await getRequestContext();
  // Without a proxy-assigned id, one per action still ties its audit rows together.
  const requestId = ctx.requestId || crypto.randomUUID();
  return { admin, actor: { adminId: admin.id, ip: ctx.ip, userAgent: ctx.userAgent, requestId } };
}
