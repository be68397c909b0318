import type { Db, PoolConnection } from '@mypay/db';
import type { LedgerEntryType } from './change-balance.ts';

/**
 * The ledger's and the balance's data access: the MerchantBalance row (the UPDATE every money
 * movement goes through, whose floors are the row's CHECK constraints, its reads and its version lock) and the LedgerEntry rows
 * (the entry of a movement, the reads behind reconciliation). Plain SQL on the caller's pool or
 * transaction: money paths are hot. The rule — when a change is refused, which floor applies —
 * lives in change-balance.ts (changeBalance, updateBalance), the one way money moves.
 */

type Runner = Pick<PoolConnection, 'query'>;

/** One movement of a merchant's balance row: signed changes of `available` and `pending`. */
export interface BalanceMove {
  merchantId: string;
  amount: number;
  pendingDelta: number;
  /** How many event sequence numbers the same statement takes (0: none). */
  reserveEventSequences: number;
  /** May the move leave `available` below zero (credits, refunds, reversals)? */
  belowZeroAllowed: boolean;
}

/**
 * Applies the move: one UPDATE of the balance row, whose lock serialises writers, so there is no
 * read-then-write race. The floors are the row's CHECK constraints (migration 20261207100000):
 * the statement itself fails with MerchantBalance_available_floor when `available` would go below
 * zero and the move does not allow it, and with MerchantBalance_pending_floor when `pending`
 * would — an error, not a count of rows, so a batch that commits with its writes stops there.
 * LAST_INSERT_ID(expr) hands back the merchant's last event sequence after the reservation in the
 * same round trip. Null when the merchant has no balance row.
 */
export async function moveBalance(conn: Runner, move: BalanceMove): Promise<number | null> {
  const result = (await conn.query(
    `UPDATE MerchantBalance
              SET available = available + ?, pending = pending + ?, belowZeroAllowed = ?, version = version + 1,
                  updatedAt = NOW(3), lastEventSequence = LAST_INSERT_ID(lastEventSequence + ?)
            WHERE merchantId = ?`,
    [move.amount, move.pendingDelta, move.belowZeroAllowed, move.reserveEventSequences, move.merchantId],
  )) as { affectedRows: number; insertId: number | bigint };
  return result.affectedRows === 0 ? null : Number(result.insertId);
}

/** What a ledger entry records (a BalanceChange fits). */
export interface LedgerEntryInput {
  merchantId: string;
  type: LedgerEntryType;
  amount: number;
  payoutId?: string | null;
  transactionId?: string | null;
  refundId?: string | null;
  description?: string | null;
}

/**
 * The ledger entry of a change just applied to the balance row; balanceAfter is read from the row
 * this transaction has just locked and updated, in the same statement.
 */
export async function insertLedgerEntry(conn: Runner, entry: LedgerEntryInput): Promise<void> {
  await conn.query(
    `INSERT INTO LedgerEntry (merchantId, type, amount, balanceAfter, payoutId, transactionId, refundId, description, createdAt)
     SELECT ?, ?, ?, available, ?, ?, ?, ?, NOW(3) FROM MerchantBalance WHERE merchantId = ?`,
    [
      entry.merchantId,
      entry.type,
      entry.amount,
      entry.payoutId ?? null,
      entry.transactionId ?? null,
      entry.refundId ?? null,
      entry.description ?? null,
      entry.merchantId,
    ],
  );
}

/** The balance after the ledger entry this connection inserted last. */
export async function readLastBalanceAfter(conn: Runner): Promise<number> {
  const rows = (await conn.query('SELECT balanceAfter FROM LedgerEntry WHERE id = LAST_INSERT_ID()')) as {
    balanceAfter: number | bigint;
  }[];
  return Number(rows[0]!.balanceAfter);
}

/** The id of the ledger entry this connection inserted last. */
export async function readLastLedgerEntryId(conn: Runner): Promise<number> {
  const [entry] = (await conn.query('SELECT LAST_INSERT_ID() AS id')) as { id: number | bigint }[];
  return Number(entry?.id);
}

/** The merchant's available balance as stored. */
export async function readAvailable(runner: Runner, merchantId: string): Promise<number> {
  const rows = (await runner.query('SELECT available FROM MerchantBalance WHERE merchantId = ?', [merchantId])) as {
    available: number | bigint;
  }[];
  return Number(rows[0]!.available);
}

export interface BalanceRow {
  currency: string;
  available: number | bigint;
  pending: number | bigint;
  updatedAt: Date | string;
}

/** The merchant's balance row, or null. */
export async function findBalanceRow(runner: Runner, merchantId: string): Promise<BalanceRow | null> {
  const rows = (await runner.query(
    'SELECT currency, available, pending, updatedAt FROM MerchantBalance WHERE merchantId = ?',
    [merchantId],
  )) as BalanceRow[];
  return rows[0] ?? null;
}

/** The merchant's whole balance row (currency, available, pending, version, updatedAt) through Prisma, or null: what the dashboards show. */
export function findMerchantBalance(db: Pick<Db, 'prisma'>, merchantId: string) {
  return db.prisma.merchantBalance.findUnique({ where: { merchantId } });
}

/** The available balance with the version it was read at (an optimistic read), or null. */
export async function readBalanceVersion(
  runner: Runner,
  merchantId: string,
): Promise<{ available: number; version: number } | null> {
  const rows = (await runner.query('SELECT available, version FROM MerchantBalance WHERE merchantId = ?', [
    merchantId,
  ])) as { available: number; version: number }[];
  return rows[0] ?? null;
}

/** Locks the merchant's balance row until commit and returns its version; null when there is none. */
export async function lockBalanceVersion(conn: Runner, merchantId: string): Promise<number | null> {
  const rows = (await conn.query('SELECT version FROM MerchantBalance WHERE merchantId = ? FOR UPDATE', [
    merchantId,
  ])) as { version: number }[];
  return rows[0]?.version ?? null;
}

/** Whether the payout's amount has been credited back already (a PAYOUT_REFUND entry exists). */
export async function hasPayoutRefund(conn: Runner, payoutId: string): Promise<boolean> {
  const rows = (await conn.query("SELECT 1 FROM LedgerEntry WHERE payoutId = ? AND type = 'PAYOUT_REFUND' LIMIT 1", [
    payoutId,
  ])) as unknown[];
  return rows.length > 0;
}

/** Per merchant: the stored available balance and its ledger's OPENING sum, total and entry count. */
export interface ReconciliationSums {
  merchantId: string;
  name: string;
  status: 'ACTIVE' | 'SUSPENDED';
  available: number | string;
  opening: number | string;
  total: number | string;
  entries: number | string;
}

// One pass over the ledger, grouped per merchant (served by LedgerEntry(merchantId, id)).
const RECONCILE_SQL = `
  SELECT m.id AS merchantId, m.name, m.status,
         COALESCE(b.available, 0) AS available,
         COALESCE(l.opening, 0) AS opening,
         COALESCE(l.total, 0) AS total,
         COALESCE(l.entries, 0) AS entries
    FROM Merchant m
    LEFT JOIN MerchantBalance b ON b.merchantId = m.id
    LEFT JOIN (
      SELECT merchantId,
             SUM(CASE WHEN type = 'OPENING' THEN amount ELSE 0 END) AS opening,
             SUM(amount) AS total,
             COUNT(*) AS entries
        FROM LedgerEntry
       GROUP BY merchantId
    ) l ON l.merchantId = m.id
   ORDER BY m.createdAt DESC, m.id DESC`;

/** Every merchant's reconciliation sums, newest merchant first. */
export async function listReconciliationSums(runner: Runner): Promise<ReconciliationSums[]> {
  return (await runner.query(RECONCILE_SQL)) as ReconciliationSums[];
}
