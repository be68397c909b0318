import type { AuditContext } from '../audit/record-audit.ts';

/** An admin acting in the admin portal: who, and from where, for every audit entry it causes. */
export interface AdminActor {
  adminId: string;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export const adminAuditContext = (actor: AdminActor): AuditContext => ({
  actorType: 'ADMIN',
  actorId: actor.adminId,
  ip: actor.ip ?? null,
  userAgent: actor.userAgent ?? null,
  requestId: actor.requestId ?? null,
});
