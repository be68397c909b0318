import type { PoolConnection } from '@mypay/db';
import { TRANSACTION_COLUMNS, TRANSACTION_COLUMNS_JOINED, type TransactionRow } from '../payments/payment-resource.ts';
import type { PaymentFailure, TransactionStatus } from '../payments/payment-state-machine.ts';
import { CHECKOUT_COLUMNS, type CheckoutRow } from './checkout-resource.ts';

/**
 * The data access of the checkout aggregate: the Checkout rows and their payment attempts (the
 * PaymentTransaction rows). Plain SQL on the caller's pool or transaction. Each function is one
 * statement, sent when the function is called, so a caller can pipeline several (payment complete,
 * a benchmarked hot path, does); which rows are locked and in what order is the use-cases' to say.
 * The rules (payable, one pending attempt at a time) live in the use-cases: cancel-checkout.ts,
 * complete-payment.ts.
 */

type Runner = Pick<PoolConnection, 'query'>;
const changed = (result: unknown) => (result as { affectedRows: number }).affectedRows === 1;

/**
 * An OPEN checkout without a PENDING attempt: what the expiry sweep and a test clock advance may
 * expire. Index (status, expiresAt) serves the claim. The NOT EXISTS only narrows the claim: it
 * reads before the checkout row is locked, so expireCheckout checks again under the lock.
 */
export const CHECKOUT_EXPIRY_CONDITION =
  "status = 'OPEN' AND NOT EXISTS (SELECT 1 FROM PaymentTransaction t WHERE t.checkoutId = Checkout.id AND t.status = 'PENDING')";

// ── Checkouts ────────────────────────────────────────────────────────────────────────────────

export async function insertCheckout(conn: Runner, row: CheckoutRow): Promise<void> {
  await conn.query(
    `INSERT INTO Checkout (id, merchantId, amount, currency, orderId, customerMobile, customerEmail, successUrl, cancelUrl,
                           status, expiresAt, completedAt, testClockId, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id,
      row.merchantId,
      row.amount,
      row.currency,
      row.orderId,
      row.customerMobile,
      row.customerEmail,
      row.successUrl,
      row.cancelUrl,
      row.status,
      row.expiresAt,
      row.completedAt,
      row.testClockId,
      row.createdAt,
      row.updatedAt,
    ],
  );
}

/**
 * Locks the checkout row (FOR UPDATE) until commit: the lock every payment, cancel and expiry of
 * it takes, so they run one after another. With `merchantId`, only that merchant's checkout; null
 * when there is none.
 */
export async function lockCheckout(conn: Runner, checkoutId: string, merchantId?: string): Promise<CheckoutRow | null> {
  const rows = (await conn.query(
    `SELECT ${CHECKOUT_COLUMNS} FROM Checkout WHERE id = ?${merchantId === undefined ? '' : ' AND merchantId = ?'} FOR UPDATE`,
    merchantId === undefined ? [checkoutId] : [checkoutId, merchantId],
  )) as CheckoutRow[];
  return rows[0] ?? null;
}

/** The merchant's checkout, or null (another merchant's checkout is not found either). */
export async function findCheckoutRow(
  runner: Runner,
  merchantId: string,
  checkoutId: string,
): Promise<CheckoutRow | null> {
  const rows = (await runner.query(`SELECT ${CHECKOUT_COLUMNS} FROM Checkout WHERE id = ? AND merchantId = ?`, [
    checkoutId,
    merchantId,
  ])) as CheckoutRow[];
  return rows[0] ?? null;
}

/** What the hosted page reads with a checkout: its merchant's name and standing, its clock's time. */
export interface HostedCheckoutRow {
  checkout: CheckoutRow;
  merchantName: string;
  merchantSuspended: boolean;
  /** The bound clock's time; null when unbound or the clock was deleted. */
  clockTime: Date | null;
}

/** A checkout by id alone (the hosted page: the id is the capability), in one statement; null when there is none. */
export async function findHostedCheckoutRow(runner: Runner, checkoutId: string): Promise<HostedCheckoutRow | null> {
  const rows = (await runner.query(
    `SELECT ${CHECKOUT_COLUMNS.split(', ')
      .map((column) => `c.${column}`)
      .join(', ')}, m.name AS merchantName, m.status = 'SUSPENDED' AS merchantSuspended, k.frozenTime AS clockTime
       FROM Checkout c JOIN Merchant m ON m.id = c.merchantId
       LEFT JOIN TestClock k ON k.id = c.testClockId
      WHERE c.id = ?`,
    [checkoutId],
  )) as (CheckoutRow & { merchantName: string; merchantSuspended: number | boolean; clockTime: Date | null })[];
  const row = rows[0];
  if (!row) return null;
  const { merchantName, merchantSuspended, clockTime, ...checkout } = row;
  return {
    checkout,
    merchantName,
    merchantSuspended: Boolean(Number(merchantSuspended)),
    clockTime: clockTime ? new Date(clockTime) : null,
  };
}

/** OPEN → CANCELLED of a checkout the caller has locked. */
export async function markCheckoutCancelled(conn: Runner, checkoutId: string, at: Date): Promise<void> {
  await conn.query("UPDATE Checkout SET status = 'CANCELLED', updatedAt = ? WHERE id = ?", [at, checkoutId]);
}

/** OPEN → EXPIRED; false when the checkout is no longer OPEN. */
export async function markCheckoutExpired(conn: Runner, checkoutId: string, now: Date): Promise<boolean> {
  return changed(
    await conn.query("UPDATE Checkout SET status = 'EXPIRED', updatedAt = ? WHERE id = ? AND status = 'OPEN'", [
      now,
      checkoutId,
    ]),
  );
}

/** → COMPLETED of a checkout the caller has locked (and found OPEN). */
export async function markCheckoutCompleted(conn: Runner, checkoutId: string, now: Date): Promise<void> {
  await conn.query("UPDATE Checkout SET status = 'COMPLETED', completedAt = ?, updatedAt = ? WHERE id = ?", [
    now,
    now,
    checkoutId,
  ]);
}

/** A checkout's orderId, read without a lock (it never changes); null when there is no such checkout. */
export async function findCheckoutOrderId(conn: Runner, checkoutId: string): Promise<string | null> {
  const rows = (await conn.query('SELECT orderId FROM Checkout WHERE id = ?', [checkoutId])) as { orderId: string }[];
  return rows[0]?.orderId ?? null;
}

// ── Payment attempts (PaymentTransaction) ─────────────────────────────────────────────────────

/**
 * The id of the checkout's PENDING attempt, or null. A plain (non-locking) read: callers hold the
 * checkout row lock, and every change to an attempt's status takes that lock too.
 */
export async function findPendingAttemptId(conn: Runner, checkoutId: string): Promise<string | null> {
  const pending = (await conn.query(
    "SELECT id FROM PaymentTransaction WHERE checkoutId = ? AND status = 'PENDING' LIMIT 1",
    [checkoutId],
  )) as { id: string }[];
  return pending[0]?.id ?? null;
}

export async function insertTransaction(conn: Runner, row: TransactionRow): Promise<void> {
  await conn.query(
    `INSERT INTO PaymentTransaction (id, merchantId, checkoutId, amount, currency, provider, mobile, status, scenario,
                                     failureCode, failureMessage, nextTransitionAt, testClockId, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id,
      row.merchantId,
      row.checkoutId,
      row.amount,
      row.currency,
      row.provider,
      row.mobile,
      row.status,
      row.scenario,
      row.failureCode,
      row.failureMessage,
      row.nextTransitionAt,
      row.testClockId ?? null,
      row.createdAt,
      row.updatedAt,
    ],
  );
}

/** The latest attempt of a checkout, with its orderId (index checkoutId, createdAt); null when it has none. */
export async function findLatestTransaction(runner: Runner, checkoutId: string): Promise<TransactionRow | null> {
  const rows = (await runner.query(
    `SELECT ${TRANSACTION_COLUMNS_JOINED} FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId
      WHERE t.checkoutId = ? ORDER BY t.createdAt DESC, t.id DESC LIMIT 1`,
    [checkoutId],
  )) as TransactionRow[];
  return rows[0] ?? null;
}

/** The merchant's transaction with its orderId, or null (another merchant's is not found either). */
export async function findTransactionRow(
  runner: Runner,
  merchantId: string,
  transactionId: string,
): Promise<TransactionRow | null> {
  const rows = (await runner.query(
    `SELECT ${TRANSACTION_COLUMNS_JOINED} FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId
      WHERE t.id = ? AND t.merchantId = ?`,
    [transactionId, merchantId],
  )) as TransactionRow[];
  return rows[0] ?? null;
}

/** A transaction with its orderId by id alone, as the caller's transaction sees it; null when there is none. */
export async function readTransactionRow(conn: Runner, transactionId: string): Promise<TransactionRow | null> {
  const rows = (await conn.query(
    `SELECT ${TRANSACTION_COLUMNS_JOINED} FROM PaymentTransaction t JOIN Checkout c ON c.id = t.checkoutId WHERE t.id = ?`,
    [transactionId],
  )) as TransactionRow[];
  return rows[0] ?? null;
}

/** One attempt of the checkout (id and status); null when the checkout has no such attempt. */
export async function findCheckoutAttempt(
  runner: Runner,
  checkoutId: string,
  transactionId: string,
): Promise<{ id: string; status: TransactionStatus } | null> {
  const rows = (await runner.query('SELECT id, status FROM PaymentTransaction WHERE id = ? AND checkoutId = ?', [
    transactionId,
    checkoutId,
  ])) as { id: string; status: TransactionStatus }[];
  return rows[0] ?? null;
}

/**
 * Locks the transaction row (FOR UPDATE) — the lock every refund of it takes first. With
 * `merchantId`, only that merchant's transaction; null when there is none. Without the orderId
 * (no join: only this row is locked).
 */
export async function lockTransactionRow(
  conn: Runner,
  transactionId: string,
  merchantId?: string,
): Promise<Omit<TransactionRow, 'orderId'> | null> {
  const rows = (await conn.query(
    `SELECT ${TRANSACTION_COLUMNS} FROM PaymentTransaction WHERE id = ?${merchantId === undefined ? '' : ' AND merchantId = ?'} FOR UPDATE`,
    merchantId === undefined ? [transactionId] : [transactionId, merchantId],
  )) as Omit<TransactionRow, 'orderId'>[];
  return rows[0] ?? null;
}

/** Nothing more is scheduled for the transaction (the workers and clock advances stop looking at it). */
export async function clearTransactionTransition(conn: Runner, transactionId: string): Promise<void> {
  await conn.query('UPDATE PaymentTransaction SET nextTransitionAt = NULL WHERE id = ?', [transactionId]);
}

export interface TransactionStep {
  to: TransactionStatus;
  failure: PaymentFailure | null;
  nextTransitionAt: Date | null;
}

/**
 * A scheduled step, compare-and-set on the status it was claimed in (a null failure keeps the
 * one recorded); false when the transaction moved meanwhile.
 */
export async function moveTransactionStatus(
  conn: Runner,
  transactionId: string,
  from: TransactionStatus,
  step: TransactionStep,
  now: Date,
): Promise<boolean> {
  return changed(
    await conn.query(
      `UPDATE PaymentTransaction SET status = ?, failureCode = COALESCE(?, failureCode),
            failureMessage = COALESCE(?, failureMessage), nextTransitionAt = ?, updatedAt = ?
      WHERE id = ? AND status = ?`,
      [
        step.to,
        step.failure?.code ?? null,
        step.failure?.message ?? null,
        step.nextTransitionAt,
        now,
        transactionId,
        from,
      ],
    ),
  );
}

/** A forced step (the caller holds the row lock and checked the transition): the failure is set, or cleared when null. */
export async function setTransactionStatus(
  conn: Runner,
  transactionId: string,
  step: TransactionStep,
  now: Date,
): Promise<void> {
  await conn.query(
    `UPDATE PaymentTransaction SET status = ?, failureCode = ?, failureMessage = ?, nextTransitionAt = ?, updatedAt = ?
          WHERE id = ?`,
    [step.to, step.failure?.code ?? null, step.failure?.message ?? null, step.nextTransitionAt, now, transactionId],
  );
}

/** What the transaction's succeeded refunds come to, and the status that follows (the caller holds its lock). */
export async function setTransactionRefunded(
  conn: Runner,
  transactionId: string,
  amountRefunded: number,
  status: TransactionStatus,
  now: Date,
): Promise<void> {
  await conn.query('UPDATE PaymentTransaction SET amountRefunded = ?, status = ?, updatedAt = ? WHERE id = ?', [
    amountRefunded,
    status,
    now,
    transactionId,
  ]);
}
