import { type AuditRowValues, type AuditWriter, insertAuditRow } from './audit-repository.ts';

export type { AuditWriter };

/**
 * Append-only audit trail. Rows are only ever inserted (no update or delete path exists), and
 * `before`/`after` snapshots have credential-like fields masked so the trail never holds a secret.
 */

export type AuditActorType = 'ADMIN' | 'MERCHANT' | 'API_KEY' | 'SYSTEM';

export interface AuditEntry {
  actorType: AuditActorType;
  /** Who acted: admin id, merchant id, API key id; null for SYSTEM. */
  actorId?: string | null;
  /** `<object>.<verb>`, e.g. `webhook_endpoint.created`. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** The merchant whose trail this belongs to. */
  merchantId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

const SENSITIVE_KEYS = /^(secret|password|passwordhash|hash|key|apikey|token|otp)$/i;

/** Deep copy with credential-like fields replaced by "[redacted]". */
export function redactForAudit(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 8) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redactForAudit(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SENSITIVE_KEYS.test(k) && v !== null && v !== undefined ? '[redacted]' : redactForAudit(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

const truncate = (value: string | null | undefined, max: number) =>
  value === null || value === undefined ? null : value.slice(0, max);

/**
 * Writes one audit row. Pass the transaction's connection to make the entry commit or roll back
 * with the change it describes; pass the Db for a stand-alone entry.
 */
export async function recordAudit(writer: AuditWriter, entry: AuditEntry): Promise<void> {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(redactForAudit(v)));
  const values: AuditRowValues = [
    entry.actorType,
    truncate(entry.actorId, 191),
    truncate(entry.action, 64),
    truncate(entry.targetType, 32),
    truncate(entry.targetId, 191),
    entry.merchantId ?? null,
    truncate(entry.ip, 64),
    truncate(entry.userAgent, 500),
    json(entry.before),
    json(entry.after),
    truncate(entry.requestId, 128),
  ];
  await insertAuditRow(writer, values);
}

/** Who is acting and from where: what a route passes down to use-cases that write audit entries. */
export type AuditContext = Pick<AuditEntry, 'actorType' | 'actorId' | 'ip' | 'userAgent' | 'requestId'>;
