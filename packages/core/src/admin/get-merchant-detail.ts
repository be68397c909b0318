import type { Db } from '@mypay/db';
import { type ApiKeySummary, listApiKeys } from '../auth/api-keys.ts';
import { notFound } from '../errors.ts';
import { findMerchantBalance } from '../ledger/ledger-repository.ts';
import { listWebhookEndpoints } from '../webhooks/list-webhook-endpoints.ts';
import type { WebhookEndpointView } from '../webhooks/webhook-endpoint-view.ts';
import {
  findMerchantForAdmin,
  findRecentLedgerEntries,
  findRecentPaymentsForAdmin,
  findRecentPayoutsForAdmin,
} from './admin-read-repository.ts';

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
  const merchant = await findMerchantForAdmin(db, merchantId);
  if (!merchant) throw notFound('merchant');
  const [balance, payouts, payments, ledger, apiKeys, endpoints] = await Promise.all([
    findMerchantBalance(db, merchantId),
    findRecentPayoutsForAdmin(db, merchantId, RECENT),
    findRecentPaymentsForAdmin(db, merchantId, RECENT),
    findRecentLedgerEntries(db, merchantId, RECENT),
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
