import type { Db } from '@mypay/db';
import { csvField } from '../admin/audit-log.ts';
import { iterateLedgerEntries } from '../ledger/list-ledger-entries.ts';
import { eachItem } from '../pagination/index.ts';
import { listTransactions } from '../payments/list-transactions.ts';
import type { TransactionStatus } from '../payments/payment-state-machine.ts';
import { listPayouts } from '../payouts/list-payouts.ts';
import type { PayoutStatus } from '../payouts/payout-state-machine.ts';

/**
 * The merchant portal's CSV exports (RFC 4180, header first, newest first, money in minor units
 * as the API gives it). Each is read page by page, so a large export never sits in memory.
 */

const line = (cells: unknown[]) => `${cells.map(csvField).join(',')}\r\n`;
const MAX_ROWS = 100_000;

export interface ExportRange {
  merchantId: string;
  from?: Date | undefined;
  to?: Date | undefined;
}

export const LEDGER_CSV_COLUMNS = [
  'id',
  'createdAt',
  'type',
  'amount',
  'balanceAfter',
  'currency',
  'payoutId',
  'transactionId',
  'refundId',
  'description',
] as const;

/** Balance history: every ledger entry with the running balance after it. */
export async function* streamLedgerCsv(db: Pick<Db, 'pool'>, range: ExportRange): AsyncGenerator<string> {
  yield line([...LEDGER_CSV_COLUMNS]);
  for await (const e of iterateLedgerEntries(db, range, MAX_ROWS)) {
    yield line([
      e.id,
      e.createdAt.toISOString(),
      e.type,
      e.amount,
      e.balanceAfter,
      'PKR',
      e.payoutId,
      e.transactionId,
      e.refundId,
      e.description,
    ]);
  }
}

export const PAYOUT_CSV_COLUMNS = [
  'id',
  'createdAt',
  'status',
  'amount',
  'currency',
  'reference',
  'destinationType',
  'provider',
  'accountNumber',
  'accountTitle',
  'scenario',
  'failureCode',
  'updatedAt',
] as const;

export async function* streamPayoutsCsv(
  db: Pick<Db, 'pool'>,
  range: ExportRange & { status?: PayoutStatus | undefined },
): AsyncGenerator<string> {
  yield line([...PAYOUT_CSV_COLUMNS]);
  for await (const p of eachItem((cursor) => listPayouts(db, { ...range, limit: 500, cursor }), MAX_ROWS)) {
    yield line([
      p.id,
      p.createdAt,
      p.status,
      p.amount,
      p.currency,
      p.reference,
      p.destination.type,
      p.destination.provider,
      p.destination.accountNumber,
      p.destination.accountTitle,
      p.scenario,
      p.failure?.code,
      p.updatedAt,
    ]);
  }
}

export const TRANSACTION_CSV_COLUMNS = [
  'id',
  'createdAt',
  'status',
  'amount',
  'amountRefunded',
  'currency',
  'checkoutId',
  'orderId',
  'provider',
  'mobile',
  'scenario',
  'failureCode',
  'updatedAt',
] as const;

export async function* streamTransactionsCsv(
  db: Pick<Db, 'pool'>,
  range: ExportRange & { status?: TransactionStatus | undefined },
): AsyncGenerator<string> {
  yield line([...TRANSACTION_CSV_COLUMNS]);
  for await (const t of eachItem((cursor) => listTransactions(db, { ...range, limit: 500, cursor }), MAX_ROWS)) {
    yield line([
      t.id,
      t.createdAt,
      t.status,
      t.amount,
      t.amountRefunded,
      t.currency,
      t.checkoutId,
      t.orderId,
      t.provider,
      t.mobile,
      t.scenario,
      t.failure?.code,
      t.updatedAt,
    ]);
  }
}
