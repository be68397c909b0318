import { streamLedgerCsv } from '@mypay/core';
import type { NextRequest } from 'next/server';
import { parseDay } from '../../../../components/query.ts';
import { csvResponse, getCurrentMerchant, getDb } from '../../../../server/portal.ts';

export const dynamic = 'force-dynamic';

/** Balance history as CSV: every ledger entry of the range with the running balance. */
export async function GET(request: NextRequest): Promise<Response> {
  const merchant = await getCurrentMerchant();
  if (!merchant) return Response.redirect(new URL('/login', request.url), 303);
  const q = request.nextUrl.searchParams;
  const to = parseDay(q.get('to') ?? undefined, true);
  return csvResponse(
    streamLedgerCsv(getDb(), {
      merchantId: merchant.id,
      from: parseDay(q.get('from') ?? undefined),
      to: to && new Date(to.getTime() + 1),
    }),
    'balance-history',
  );
}
