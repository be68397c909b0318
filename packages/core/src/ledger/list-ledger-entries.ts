import type { Db } from '@mypay/db';
import { createdWithin, eachItem, mapPage, type Page, pageLimit, queryPage } from '../pagination/index.ts';

/** One ledger line with the running balance after it (what a bank statement shows). */
export interface LedgerEntryView {
  id: number;
  type: string;
  /** Signed minor units: credits positive, debits negative. */
  amount: number;
  /** The available balance right after this entry (the running balance). */
  balanceAfter: number;
  payoutId: string | null;
  transactionId: string | null;
  refundId: string | null;
  description: string | null;
  createdAt: Date;
}

export interface ListLedgerInput {
  merchantId: string;
  limit?: number | undefined;
  /** The `nextCursor` of the previous page (keyed on the entry id: ids only grow, so pages are stable). */
  cursor?: string | undefined;
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

const COLUMNS = 'id, type, amount, balanceAfter, payoutId, transactionId, refundId, description, createdAt';

type Row = Omit<LedgerEntryView, 'id' | 'amount' | 'balanceAfter'> & {
  id: bigint | number;
  amount: bigint | number;
  balanceAfter: bigint | number;
};

const toView = (r: Row): LedgerEntryView => ({
  ...r,
  id: Number(r.id),
  amount: Number(r.amount),
  balanceAfter: Number(r.balanceAfter),
});

/**
 * A merchant's ledger, newest first (index LedgerEntry(merchantId, id)). Entries are written in
 * id order under the balance row lock, so `balanceAfter` is the running balance in that order.
 */
export async function listLedgerEntries(db: Pick<Db, 'pool'>, input: ListLedgerInput): Promise<Page<LedgerEntryView>> {
  const page = await queryPage<Row>(
    db.pool,
    {
      select: COLUMNS,
      from: 'LedgerEntry',
      key: 'id',
      numericId: true,
      where: [['merchantId = ?', input.merchantId], ...createdWithin(input, { toExclusive: true })],
    },
    { limit: pageLimit(input.limit, 50, 500), cursor: input.cursor },
  );
  return mapPage(page, toView);
}

/** Every entry of the range, newest first, page by page (for CSV exports; bounded by `max`). */
export function iterateLedgerEntries(
  db: Pick<Db, 'pool'>,
  input: Omit<ListLedgerInput, 'cursor' | 'limit'>,
  max = 100_000,
): AsyncGenerator<LedgerEntryView> {
  return eachItem((cursor) => listLedgerEntries(db, { ...input, cursor, limit: 500 }), max);
}
