import { streamTransactionsCsv, TRANSACTION_STATUSES, type TransactionStatus } from '@mypay/core';
import type { NextRequest } from 'next/server';
import { parseDay } from '../../../../../components/query.ts';
import { csvResponse, getCurrentMerchant, getDb } from '../../../../../server/portal.ts';

export const dynamic = 'force-dynamic';

/** The transactions list (same status and date filters) as CSV. */
export async function GET(request: NextRequest): Promise<Response> {
  const merchant = await getCurrentMerchant();
  if (!merchant) return Response.redirect(new URL('/login', request.url), 303);
  const q = request.nextUrl.searchParams;
  const status = TRANSACTION_STATUSES.find((s) => s === q.get('status')) as TransactionStatus | undefined;
  return csvResponse(
    streamTransactionsCsv(getDb(), {
      merchantId: merchant.id,
      status,
      from: parseDay(q.get('from') ?? undefined),
      to: parseDay(q.get('to') ?? undefined, true),
    }),
    'transactions',
  );
}
