import type { Db } from '@mypay/db';
import { readTransactionRow } from '../checkouts/checkout-repository.ts';
import { notFound } from '../errors.ts';
import { type LedgerEntryView, listLedgerEntries } from '../ledger/list-ledger-entries.ts';
import {
  createdWithin,
  ifGiven,
  mapPage,
  type Page,
  pageLimit,
  queryPage,
  type SqlCondition,
} from '../pagination/index.ts';
import {
  type PaymentResource,
  TRANSACTION_COLUMNS_JOINED,
  type TransactionRow,
  toPaymentResource,
} from '../payments/payment-resource.ts';
import { readPayoutOrThrow } from '../payouts/get-payout.ts';
import {
  PAYOUT_COLUMNS,
  type PayoutEventView,
  type PayoutResource,
  type PayoutRow,
  toPayoutResource,
} from '../payouts/payout-resource.ts';
import { listObjectEvents, type ObjectEventSummary } from '../portal/list-object-events.ts';
import {
  findLedgerEntriesOf,
  findMerchantRef,
  findObjectMerchant,
  findRefundsOfTransaction,
} from './admin-read-repository.ts';

/** Filters of the admin payouts and payments lists; every one ifGiven, combined with AND. */
export interface AdminMoneyFilters {
  merchantId?: string | undefined;
  status?: string | undefined;
  /** An object id (po_…, txn_…) or, for payouts, the exact reference / for payments the order id. */
  q?: string | undefined;
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

export interface AdminMerchantRef {
  id: string;
  name: string;
}

export type AdminPayoutRow = PayoutResource & { merchant: AdminMerchantRef };
export type AdminPaymentRow = PaymentResource & { merchant: AdminMerchantRef };

function filterConditions(alias: string, filters: AdminMoneyFilters, qColumns: string[]): SqlCondition[] {
  const q = filters.q?.trim();
  return [
    ...ifGiven(filters.merchantId, `${alias}.merchantId = ?`),
    ...ifGiven(filters.status, `${alias}.status = ?`),
    ...(q ? [[`(${qColumns.map((c) => `${c} = ?`).join(' OR ')})`, ...qColumns.map(() => q)] as const] : []),
    ...createdWithin(filters, { alias, toExclusive: true }),
  ];
}

/** The resource with the merchant it belongs to (the row joins Merchant for `merchantName`). */
const withMerchant =
  <R extends { merchantId: string }, T>(toResource: (row: R) => T) =>
  (row: R & { merchantName: string }) => ({
    ...toResource(row),
    merchant: { id: row.merchantId, name: row.merchantName },
  });

/**
 * Payouts of every merchant, newest first, with keyset paging on (createdAt, id). With a merchant
 * filter the (merchantId, createdAt, id) index serves it; across all merchants it is a scan
 * ordered by the primary key's time, acceptable for a sandbox's admin.
 */
export async function listPayoutsForAdmin(
  db: Pick<Db, 'pool'>,
  filters: AdminMoneyFilters,
  page: { limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<Page<AdminPayoutRow>> {
  const columns = PAYOUT_COLUMNS.split(', ')
    .map((col) => `p.${col}`)
    .join(', ');
  const rows = await queryPage<PayoutRow & { merchantName: string }>(
    db.pool,
    {
      select: `${columns}, m.name AS merchantName`,
      from: 'Payout p JOIN Merchant m ON m.id = p.merchantId',
      alias: 'p',
      where: filterConditions('p', filters, ['p.id', 'p.reference']),
    },
    { limit: pageLimit(page.limit, 50), cursor: page.cursor },
  );
  return mapPage(rows, withMerchant(toPayoutResource));
}

/** Payment transactions of every merchant, newest first (as listPayoutsForAdmin). */
export async function listPaymentsForAdmin(
  db: Pick<Db, 'pool'>,
  filters: AdminMoneyFilters,
  page: { limit?: number | undefined; cursor?: string | undefined } = {},
): Promise<Page<AdminPaymentRow>> {
  const rows = await queryPage<TransactionRow & { merchantName: string }>(
    db.pool,
    {
      select: `${TRANSACTION_COLUMNS_JOINED}, m.name AS merchantName`,
      from: 'PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId JOIN Merchant m ON m.id = t.merchantId',
      alias: 't',
      where: filterConditions('t', filters, ['t.id', 't.checkoutId', 'c.orderId']),
    },
    { limit: pageLimit(page.limit, 50), cursor: page.cursor },
  );
  return mapPage(rows, withMerchant(toPaymentResource));
}

/** The object's ledger entries, oldest first, with their amounts as numbers. */
async function ledgerOf(
  db: Pick<Db, 'pool'>,
  column: 'payoutId' | 'transactionId',
  id: string,
): Promise<LedgerEntryView[]> {
  const rows = await findLedgerEntriesOf(db.pool, column, id);
  return rows.map((r) => ({ ...r, id: Number(r.id), amount: Number(r.amount), balanceAfter: Number(r.balanceAfter) }));
}

export interface AdminPayoutDetail {
  payout: PayoutResource & { events: PayoutEventView[] };
  merchant: AdminMerchantRef;
  ledger: LedgerEntryView[];
  events: ObjectEventSummary[];
}

/** One payout of any merchant with its history, ledger entries and webhook events; NOT_FOUND if unknown. */
export async function getPayoutForAdmin(db: Db, payoutId: string): Promise<AdminPayoutDetail> {
  const merchant = await findObjectMerchant(db.pool, 'Payout', payoutId);
  if (!merchant) throw notFound('payout');
  const payout = await readPayoutOrThrow(db.pool, merchant.id, payoutId);
  const [ledger, events] = await Promise.all([
    ledgerOf(db, 'payoutId', payoutId),
    listObjectEvents(db, merchant.id, payoutId, new Date(payout.createdAt)),
  ]);
  return { payout, merchant, ledger, events };
}

export interface AdminPaymentDetail {
  payment: PaymentResource;
  merchant: AdminMerchantRef;
  refunds: { id: string; amount: number; status: string; reason: string | null; createdAt: Date }[];
  ledger: LedgerEntryView[];
  events: ObjectEventSummary[];
}

/** One payment transaction of any merchant with refunds, ledger entries and webhook events. */
export async function getPaymentForAdmin(db: Db, transactionId: string): Promise<AdminPaymentDetail> {
  const merchant = await findObjectMerchant(db.pool, 'PaymentTransaction', transactionId);
  if (!merchant) throw notFound('payment');
  const payment = toPaymentResource((await readTransactionRow(db.pool, transactionId))!);
  const [refunds, ledger, events] = await Promise.all([
    findRefundsOfTransaction(db.pool, transactionId),
    ledgerOf(db, 'transactionId', transactionId),
    listObjectEvents(db, merchant.id, transactionId, new Date(payment.createdAt)),
  ]);
  return { payment, merchant, refunds: refunds.map((r) => ({ ...r, amount: Number(r.amount) })), ledger, events };
}

/** A merchant's whole ledger for the admin, newest first; NOT_FOUND for an unknown merchant. */
export async function listMerchantLedgerForAdmin(
  db: Db,
  merchantId: string,
  page: { limit?: number | undefined; cursor?: string | undefined; from?: Date | undefined; to?: Date | undefined },
) {
  const merchant = await findMerchantRef(db, merchantId);
  if (!merchant) throw notFound('merchant');
  return { merchant, page: await listLedgerEntries(db, { merchantId, ...page }) };
}
