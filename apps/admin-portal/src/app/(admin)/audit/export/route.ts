import { recordAudit, streamAuditLogCsv } from '@mypay/core';
import type { NextRequest } from 'next/server';
import { getDb } from '../../../../server/db.ts';
import { getCurrentAdmin, getRequestContext } from '../../../../server/session.ts';
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
  const rows = streamAuditLogCsv(db, filters, { batchSize: 1_000 });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await rows.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error('admin-portal audit export failed', error);
        controller.error(error);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log-${stamp}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
