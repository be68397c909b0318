import type { AuditContext, PortalPrincipal } from '@mypay/core';
import { getRequestContext } from './portal.ts';

/** The audit context of a merchant acting in the portal. */
export async function merchantAuditContext(merchant: PortalPrincipal): Promise<AuditContext> {
  const ctx = await getRequestContext();
  return {
    actorType: 'MERCHANT',
    actorId: merchant.id,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  };
}
