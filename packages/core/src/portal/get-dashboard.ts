import type { Db } from '@mypay/db';
import { findMerchantBalance } from '../ledger/ledger-repository.ts';
import {
  countCheckoutsByStatus,
  countPayoutsByStatus,
  countTransactionsByStatus,
  findRecentPayouts,
  findRecentTransactions,
  sumPaymentsByDay,
  sumPayoutsByDay,
} from './portal-read-repository.ts';

export const DASHBOARD_DAYS = 30;
/** How many recent payouts and payments are read, and how many activity items are shown. */
const RECENT = 10;

export interface VolumeDay {
  /** `YYYY-MM-DD` (UTC). */
  date: string;
  /** Amount of payouts created that day that did not fail or reverse, in paisa. */
  payouts: number;
  /** Amount of payments that succeeded that day, in paisa. */
  payments: number;
}

export interface ActivityItem {
  kind: 'payout' | 'payment';
  id: string;
  status: string;
  amount: number;
  /** Payout reference or checkout order id. */
  label: string;
  at: Date;
}

export interface Dashboard {
  balance: { currency: string; available: number; pending: number; updatedAt: Date | null };
  volume: VolumeDay[];
  payoutCounts: Record<string, number>;
  paymentCounts: Record<string, number>;
  checkoutCounts: Record<string, number>;
  recentActivity: ActivityItem[];
}

const PAYOUT_STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'REVERSED'];
const TRANSACTION_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'PARTIALLY_REFUNDED', 'REFUNDED'];
const CHECKOUT_STATUSES = ['OPEN', 'COMPLETED', 'EXPIRED', 'CANCELLED'];

const dayKey = (d: Date) => d.toISOString().slice(0, 10);

function zeroCounts(statuses: string[]): Record<string, number> {
  return Object.fromEntries(statuses.map((s) => [s, 0]));
}

/** The 30 UTC days ending today, oldest first, all zero. */
export function emptyVolume(now: Date, days = DASHBOARD_DAYS): VolumeDay[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => ({
    date: dayKey(new Date(today - (days - 1 - i) * 86_400_000)),
    payouts: 0,
    payments: 0,
  }));
}

/**
 * Everything the merchant dashboard shows, for one merchant only. The queries run in parallel
 * and each is served by a (merchantId, createdAt…) or (merchantId, status…) index.
 */
export async function getDashboard(db: Db, merchantId: string, now: Date = new Date()): Promise<Dashboard> {
  const volume = emptyVolume(now);
  const since = new Date(`${volume[0]!.date}T00:00:00.000Z`);

  const [balance, payoutDays, paymentDays, payoutGroups, txnGroups, checkoutGroups, payouts, txns] = await Promise.all([
    findMerchantBalance(db, merchantId),
    sumPayoutsByDay(db.pool, merchantId, since),
    sumPaymentsByDay(db.pool, merchantId, since),
    countPayoutsByStatus(db, merchantId),
    countTransactionsByStatus(db, merchantId),
    countCheckoutsByStatus(db, merchantId),
    findRecentPayouts(db, merchantId, RECENT),
    findRecentTransactions(db, merchantId, RECENT),
  ]);

  const byDay = new Map(volume.map((v) => [v.date, v]));
  for (const row of payoutDays) {
    const day = byDay.get(row.day);
    if (day) day.payouts = Number(row.total);
  }
  for (const row of paymentDays) {
    const day = byDay.get(row.day);
    if (day) day.payments = Number(row.total);
  }

  const payoutCounts = zeroCounts(PAYOUT_STATUSES);
  for (const g of payoutGroups) payoutCounts[g.status] = g._count._all;
  const paymentCounts = zeroCounts(TRANSACTION_STATUSES);
  for (const g of txnGroups) paymentCounts[g.status] = g._count._all;
  const checkoutCounts = zeroCounts(CHECKOUT_STATUSES);
  for (const g of checkoutGroups) checkoutCounts[g.status] = g._count._all;

  const recentActivity: ActivityItem[] = [
    ...payouts.map((p) => ({
      kind: 'payout' as const,
      id: p.id,
      status: p.status,
      amount: p.amount,
      label: p.reference,
      at: p.updatedAt,
    })),
    ...txns.map((t) => ({
      kind: 'payment' as const,
      id: t.id,
      status: t.status,
      amount: t.amount,
      label: t.checkout.orderId,
      at: t.updatedAt,
    })),
  ]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, RECENT);

  return {
    balance: {
      currency: balance?.currency ?? 'PKR',
      available: Number(balance?.available ?? 0),
      pending: Number(balance?.pending ?? 0),
      updatedAt: balance?.updatedAt ?? null,
    },
    volume,
    payoutCounts,
    paymentCounts,
    checkoutCounts,
    recentActivity,
  };
}
