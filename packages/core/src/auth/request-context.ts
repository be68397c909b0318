/** Where a portal request came from, for the audit trail. */
export interface RequestContext {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/** Who is acting in a portal: a merchant on its own account, or an admin on any. */
export interface PortalActor {
  actorType: 'MERCHANT' | 'ADMIN';
  actorId: string;
}
