import { PAYOUT_STATUSES, type PayoutStatus, streamPayoutsCsv } from '@mypay/core';
import type { NextRequest } from 'next/server';
import { parseDay } from '../../../../components/query.ts';
import { csvResponse, getCurrentMerchant, getDb } from '../../../../server/portal.ts';

export const dynamic = 'force-dynamic';

/** The payouts list (same status and date filters) as CSV. */
export async function GET(request: NextRequest): Promise<Response> {
  const merchant = await getCurrentMerchant();
  if (!merchant) return Response.redirect(new URL('/login', request.url), 303);
  const q = request.nextUrl.searchParams;
  const status = PAYOUT_STATUSES.find((s) => s === q.get('status')) as PayoutStatus | undefined;
  return csvResponse(
    streamPayoutsCsv(getDb(), {
      merchantId: merchant.id,
      status,
      from: parseDay(q.get('from') ?? undefined),
      to: parseDay(q.get('to') ?? undefined, true),
    }),
    'payouts',
  );
}
