import type { Db } from '@mypay/db';
import { findCheckoutHits, findEventHits, findPayoutHits, findTransactionHits } from './portal-read-repository.ts';
import { searchPayoutsByReference } from './search-payouts.ts';

/** One hit of the portal's search box, with the portal path that shows it. */
export interface SearchHit {
  kind: 'payout' | 'payment' | 'checkout' | 'event';
  id: string;
  label: string;
  status: string | null;
  amount: number | null;
  createdAt: Date;
  href: string;
}

/**
 * The merchant portal's search: an object id (po_…, txn_…, cs_…, evt_…) exactly, a payout
 * reference by prefix (case-insensitive), or a checkout's order id exactly. Only the merchant's
 * own objects (every lookup carries merchantId), newest first, at most 50.
 */
export async function searchMerchantObjects(db: Db, merchantId: string, query: string): Promise<SearchHit[]> {
  const q = query.trim().slice(0, 191);
  if (!q) return [];
  const [payoutsById, payments, checkouts, events, byReference] = await Promise.all([
    findPayoutHits(db.pool, merchantId, q),
    findTransactionHits(db.pool, merchantId, q),
    findCheckoutHits(db.pool, merchantId, q),
    findEventHits(db.pool, merchantId, q),
    searchPayoutsByReference(db, merchantId, q, 30),
  ]);
  const hits: SearchHit[] = [];
  const seen = new Set<string>();
  const add = (hit: SearchHit) => {
    if (seen.has(hit.id)) return;
    seen.add(hit.id);
    hits.push(hit);
  };
  for (const p of payoutsById) {
    add({
      kind: 'payout',
      id: p.id,
      label: p.reference,
      status: p.status,
      amount: Number(p.amount),
      createdAt: p.createdAt,
      href: `/payouts/${p.id}`,
    });
  }
  for (const t of payments) {
    add({
      kind: 'payment',
      id: t.id,
      label: t.orderId,
      status: t.status,
      amount: Number(t.amount),
      createdAt: t.createdAt,
      href: `/payments/transactions/${t.id}`,
    });
  }
  for (const c of checkouts) {
    add({
      kind: 'checkout',
      id: c.id,
      label: c.orderId,
      status: c.status,
      amount: Number(c.amount),
      createdAt: c.createdAt,
      href: `/payments/checkouts/${c.id}`,
    });
  }
  for (const e of events) {
    add({
      kind: 'event',
      id: e.id,
      label: e.type,
      status: null,
      amount: null,
      createdAt: e.createdAt,
      href: `/developers/events/${e.id}`,
    });
  }
  for (const p of byReference) {
    add({
      kind: 'payout',
      id: p.id,
      label: p.reference,
      status: p.status,
      amount: p.amount,
      createdAt: new Date(p.createdAt),
      href: `/payouts/${p.id}`,
    });
  }
  return hits.slice(0, 50);
}
