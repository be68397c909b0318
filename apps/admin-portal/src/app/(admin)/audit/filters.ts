import { AUDIT_ACTOR_TYPES, type AuditLogFilters } from '@mypay/core';
import { parseDay } from '../../../components/query.ts';

export type RawFilters = Record<string, string | undefined>;

export const FILTER_KEYS = ['actorType', 'actorId', 'action', 'merchantId', 'from', 'to'] as const;

/** Query string → use-case filters; `from`/`to` are UTC days, `to` inclusive of its whole day. */
export function toAuditFilters(raw: RawFilters): AuditLogFilters {
  const actorType = (AUDIT_ACTOR_TYPES as readonly string[]).includes(raw.actorType ?? '')
    ? (raw.actorType as AuditLogFilters['actorType'])
    : undefined;
  return {
    actorType,
    actorId: raw.actorId?.trim() || undefined,
    action: raw.action?.trim() || undefined,
    merchantId: raw.merchantId?.trim() || undefined,
    from: parseDay(raw.from),
    to: parseDay(raw.to, true),
  };
}
