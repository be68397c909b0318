import type { Db } from '@mypay/db';
import { type ApiKeySummary, listApiKeys } from '../auth/api-keys.ts';
import { notFound } from '../errors.ts';
import { listWebhookEndpoints } from '../webhooks/list-webhook-endpoints.ts';
import type { WebhookEndpointView } from '../webhooks/webhook-endpoint-view.ts';

const RECENT = 10;

export interface MerchantDetail {
  merchant: {
    id: string;
    name: string;
    email: string;
    status: 'ACTIVE' | 'SUSPENDED';
    createdAt: Date;
    updatedAt: Date;
  };
  /** `version` is what an adjustment form sends back, so a stale form gets a conflict. */
  balance: { currency: string; available: number; pending: number; version: number; updatedAt: Date | null };
  recentPayouts: { id: string; amount: number; status: string; reference: string; createdAt: Date }[];
  recentPayments: { id: string; amount: number; status: string; provider: string; createdAt: Date }[];
  recentLedger: {
    id: number;
    type: string;
    amount: number;
    balanceAfter: number;
    description: string | null;
    createdAt: Date;
  }[];
  apiKeys: ApiKeySummary[];
  webhookEndpoints: WebhookEndpointView[];
}

/** Everything the admin merchant page shows; NOT_FOUND for an unknown id. */
export async function getMerchantDetail(db: Db, merchantId: string): Promise<MerchantDetail> {
  const merchant = await db.prisma.merchant.findUnique({
    where: { id: merchantId },
    select: { id: true, name: true, email: true, status: true, createdAt: true, updatedAt: true },
  });
  if (!merchant) throw notFound('merchant');
  const [balance, payouts, payments, ledger, apiKeys, endpoints] = await Promise.all([
    db.prisma.merchantBalance.findUnique({ where: { merchantId } }),
    db.prisma.payout.findMany({
      where: { merchantId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: RECENT,
      select: { id: true, amount: true, status: true, reference: true, createdAt: true },
    }),
    db.prisma.paymentTransaction.findMany({
      where: { merchantId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: RECENT,
      select: { id: true, amount: true, status: true, provider: true, createdAt: true },
    }),
    db.prisma.ledgerEntry.findMany({
      where: { merchantId },
      orderBy: { id: 'desc' },
      take: RECENT,
      select: { id: true, type: true, amount: true, balanceAfter: true, description: true, createdAt: true },
    }),
    listApiKeys(db, merchantId),
    listWebhookEndpoints(db, merchantId),
  ]);
  return {
    merchant,
    balance: {
      currency: balance?.currency ?? 'PKR',
      available: Number(balance?.available ?? 0),
      pending: Number(balance?.pending ?? 0),
      version: balance?.version ?? 0,
      updatedAt: balance?.updatedAt ?? null,
    },
    recentPayouts: payouts,
    recentPayments: payments,
    recentLedger: ledger.map((l) => ({
      ...l,
      id: Number(l.id),
      amount: Number(l.amount),
      balanceAfter: Number(l.balanceAfter),
    })),
    apiKeys,
    webhookEndpoints: endpoints.data,
  };
}
