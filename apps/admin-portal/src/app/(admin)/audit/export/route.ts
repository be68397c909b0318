import { recordAudit, streamAuditLogCsv } from '@mypay/core';
import type { NextRequest } from 'next/server';
import { csvResponse, getCurrentAdmin, getDb, getRequestContext } from '../../../../server/portal.ts';
import { FILTER_KEYS, type RawFilters, toAuditFilters } from '../filters.ts';

export const dynamic = 'force-dynamic';

/**
 * The filtered audit log as a CSV download, streamed: the use-case reads it in keyset batches
 * and the response pulls one batch at a time, so 100 k rows never sit in memory.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const admin = await getCurrentAdmin();
  if (!admin) return Response.redirect(new URL('/login', request.url), 303);
  const raw: RawFilters = Object.fromEntries(
    FILTER_KEYS.map((k) => [k, request.nextUrl.searchParams.get(k) ?? undefined]),
  );
  const filters = toAuditFilters(raw);
  const db = getDb();
  const ctx = await getRequestContext();
  // Reading the trail in bulk is itself worth a line in it.
  await recordAudit(db, {
    actorType: 'ADMIN',
    actorId: admin.id,
    action: 'audit_log.exported',
    targetType: 'audit_log',
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
    after: { filters: raw },
  });
  return csvResponse(streamAuditLogCsv(db, filters, { batchSize: 1_000 }), 'audit-log');
}
