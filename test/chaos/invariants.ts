import type { Pool } from '@mypay/db';
import type { Call, CreateOp, DriverResult } from './driver.ts';
import type { Received } from './receiver.ts';

/** End states each scenario allows once nothing is due any more (SPEC scenario table). */
export const PAYOUT_END_STATES: Record<string, string[]> = {
  SUCCESS: ['COMPLETED'],
  ASYNC_SUCCESS: ['COMPLETED'],
  ACCOUNT_BLOCKED: ['FAILED'],
  LIMIT_EXCEEDED: ['FAILED'],
  TIMEOUT: ['FAILED'],
  REVERSED: ['REVERSED'],
  TITLE_MISMATCH: ['COMPLETED'],
  ASYNC_FAILURE: ['FAILED'],
};
/** A payout moved by `simulate` may end in any state the state machine reaches. */
export const SIMULATED_END_STATES = ['COMPLETED', 'FAILED', 'REVERSED'];
export const PAYMENT_END_STATES: Record<string, string[]> = {
  SUCCESS: ['SUCCEEDED'],
  ASYNC_SUCCESS: ['SUCCEEDED'],
  ACCOUNT_NOT_FOUND: ['FAILED'],
  ACCOUNT_BLOCKED: ['FAILED'],
  LIMIT_EXCEEDED: ['FAILED'],
  TIMEOUT: ['FAILED'],
  REVERSED: ['REFUNDED'],
  TITLE_MISMATCH: ['SUCCEEDED'],
  ASYNC_FAILURE: ['FAILED'],
};

export interface Window {
  from: number;
  to: number;
}

const overlaps = (call: Call, w: Window, graceMs: number) => call.startedAt <= w.to + graceMs && call.endedAt >= w.from;

/** Rows and rules the run is judged by. Each number is a count of violations unless named otherwise. */
export interface Report {
  requests: number;
  byStatus: Record<string, number>;
  created201: number;
  createOpsAmbiguous: number;
  createOpsUnresolved: number;
  // "every 201 has exactly one row; no 201 lost; no retry created a second object"
  missingRowsFor201: number;
  keysWithTwoObjects: number;
  duplicateRowsPerClientKey: number;
  duplicatesAfterLostCommit: number;
  duplicateNotes: string[];
  badStateNotes: string[];
  phantomRows: number;
  replays: number;
  replayMismatches: number;
  replayMismatchNotes: string[];
  reusedKeyRejections: number;
  reusedKeyWrongAnswers: number;
  // money
  merchants: number;
  balanceNotLedgerSum: number;
  negativeBalanceAfter: number;
  negativeAvailable: number;
  pendingNotInFlight: number;
  balanceNotObjects: number;
  payoutLedgerWrong: number;
  paymentLedgerWrong: number;
  ledgerEntries: number;
  // states
  payouts: number;
  payments: number;
  checkouts: number;
  payoutsBadEndState: number;
  paymentsBadEndState: number;
  checkoutsBadState: number;
  stuckRows: number;
  simulatedPayouts: number;
  simulateSent: number;
  // webhooks
  events: number;
  eventsDoubled: number;
  eventsNeverReceived: number;
  eventsReceivedAfterComeback: number;
  receivedTotal: number;
  receivedDuplicates: number;
  badSignatures: number;
  deliveriesNotDelivered: number;
  // errors
  fiveHundreds: number;
  unexpected503: number;
  allowed503Database: number;
  allowed503Provider: number;
  connectionErrorsOutsideKill: number;
  connectionErrorsDuringKill: number;
  crossTenantReads: number;
  crossTenantLeaks: number;
}

type Row = Record<string, unknown>;

export async function checkInvariants(input: {
  pool: Pool;
  merchantIds: string[];
  openings: Map<string, number>;
  endpointIds: string[];
  driver: DriverResult;
  received: Received[];
  receiverDown: Window[];
  dbAway: Window[];
  killed: Window[];
  killedService: string;
}): Promise<Report> {
  const { pool, merchantIds, driver } = input;
  const q = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)) as Row[];
  const ids = merchantIds;

  const payouts = await q(
    `SELECT id, merchantId, amount, reference, status, scenario, nextTransitionAt FROM Payout WHERE merchantId IN (?)`,
    [ids],
  );
  const checkouts = await q(`SELECT id, merchantId, amount, orderId, status FROM Checkout WHERE merchantId IN (?)`, [
    ids,
  ]);
  const txns = await q(
    `SELECT id, merchantId, checkoutId, amount, status, scenario, nextTransitionAt FROM PaymentTransaction WHERE merchantId IN (?)`,
    [ids],
  );
  const ledger = await q(
    `SELECT merchantId, type, amount, balanceAfter, payoutId, transactionId FROM LedgerEntry WHERE merchantId IN (?) ORDER BY id`,
    [ids],
  );
  const balances = await q(`SELECT merchantId, available, pending FROM MerchantBalance WHERE merchantId IN (?)`, [ids]);
  const events = await q(
    `SELECT id, type, createdAt, JSON_UNQUOTE(JSON_EXTRACT(payload, '$.data.object.id')) AS objectId
       FROM WebhookEvent WHERE merchantId IN (?)`,
    [ids],
  );
  const deliveries = await q(`SELECT eventId, status FROM WebhookDelivery WHERE endpointId IN (?)`, [
    input.endpointIds,
  ]);

  // --- 201s and idempotency -------------------------------------------------------------
  const tableOf = { payout: payouts, checkout: checkouts, payment: txns } as const;
  const byId = new Map<string, Row>();
  for (const rows of Object.values(tableOf)) for (const row of rows) byId.set(String(row.id), row);
  let missingRowsFor201 = 0;
  let keysWithTwoObjects = 0;
  const answered = new Set<string>();
  for (const op of driver.ops) {
    const distinct = new Set(op.ids);
    if (distinct.size > 1) keysWithTwoObjects++;
    for (const id of distinct) {
      answered.add(id);
      const row = byId.get(id);
      if (!row || !String(row.id).startsWith({ payout: 'po_', checkout: 'cs_', payment: 'txn_' }[op.kind])) {
        missingRowsFor201++;
      }
    }
  }
  // Rows per client-side key: the reference (payouts), orderId (checkouts), checkoutId (payments).
  const countBy = (rows: Row[], field: string) => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(String(row[field]), (counts.get(String(row[field])) ?? 0) + 1);
    return counts;
  };
  const refCounts = countBy(payouts, 'reference');
  const orderCounts = countBy(checkouts, 'orderId');
  const txnCounts = countBy(txns, 'checkoutId');
  // A second row for one client key is a violation, with one known, counted exception: the database
  // connection dropped while a checkout/payment COMMIT was acknowledged (the proxy cut it). The
  // request answered 503, so the key was released, and the retry ran again although the first
  // commit had landed (docs/reliability.md, "Limits"). Payouts cannot do that: their reference is unique.
  let duplicateRowsPerClientKey = 0;
  let duplicatesAfterLostCommit = 0;
  const duplicateNotes: string[] = [];
  const opByClientKey = new Map<string, CreateOp>();
  for (const op of driver.ops) {
    const clientKey = { payout: op.body.reference, checkout: op.body.orderId, payment: op.body.checkoutId }[op.kind];
    opByClientKey.set(`${op.kind} ${String(clientKey)}`, op);
  }
  for (const [kind, counts] of [
    ['payout', refCounts],
    ['checkout', orderCounts],
    ['payment', txnCounts],
  ] as const) {
    for (const [clientKey, n] of counts) {
      if (n <= 1) continue;
      const op = opByClientKey.get(`${kind} ${clientKey}`);
      const lostCommit =
        kind !== 'payout' &&
        (op?.tries ?? []).some(
          (t) =>
            (t.status === 0 || (t.status === 503 && t.code === 'DATABASE_UNAVAILABLE')) &&
            input.dbAway.some((w) => t.startedAt <= w.to && t.endedAt >= w.from),
        );
      if (lostCommit) duplicatesAfterLostCommit++;
      else duplicateRowsPerClientKey++;
      duplicateNotes.push(
        `${kind} ${clientKey}: ${n} rows; tries ${JSON.stringify((op?.tries ?? []).map((t) => [t.status, t.code]))}`,
      );
    }
  }
  // A row nobody got a 201 for must come from a request whose answer was lost (cut mid-flight).
  const ambiguousKeys = new Set<string>();
  for (const op of driver.ops) {
    if (!op.ambiguous && op.finalStatus !== 0) continue;
    if (op.kind === 'payout') ambiguousKeys.add(String(op.body.reference));
    if (op.kind === 'checkout') ambiguousKeys.add(String(op.body.orderId));
    if (op.kind === 'payment') ambiguousKeys.add(String(op.body.checkoutId));
  }
  let phantomRows = 0;
  for (const row of payouts)
    if (!answered.has(String(row.id)) && !ambiguousKeys.has(String(row.reference))) phantomRows++;
  for (const row of checkouts)
    if (!answered.has(String(row.id)) && !ambiguousKeys.has(String(row.orderId))) phantomRows++;
  for (const row of txns)
    if (!answered.has(String(row.id)) && !ambiguousKeys.has(String(row.checkoutId))) phantomRows++;

  // --- money ------------------------------------------------------------------------------
  let balanceNotLedgerSum = 0;
  let negativeAvailable = 0;
  let pendingNotInFlight = 0;
  let balanceNotObjects = 0;
  for (const balance of balances) {
    const merchantId = String(balance.merchantId);
    const sum = ledger.filter((l) => l.merchantId === merchantId).reduce((s, l) => s + Number(l.amount), 0);
    if (Number(balance.available) !== sum) balanceNotLedgerSum++;
    if (Number(balance.available) < 0) negativeAvailable++;
    const inFlight = payouts
      .filter((p) => p.merchantId === merchantId && (p.status === 'PENDING' || p.status === 'PROCESSING'))
      .reduce((s, p) => s + Number(p.amount), 0);
    if (Number(balance.pending) !== inFlight) pendingNotInFlight++;
    // What the business objects say the balance must be, independently of the ledger.
    const paidOut = payouts
      .filter((p) => p.merchantId === merchantId && ['PENDING', 'PROCESSING', 'COMPLETED'].includes(String(p.status)))
      .reduce((s, p) => s + Number(p.amount), 0);
    const paidIn = txns
      .filter((t) => t.merchantId === merchantId && t.status === 'SUCCEEDED')
      .reduce((s, t) => s + Number(t.amount), 0);
    if (Number(balance.available) !== (input.openings.get(merchantId) ?? 0) - paidOut + paidIn) balanceNotObjects++;
  }
  const negativeBalanceAfter = ledger.filter((l) => Number(l.balanceAfter) < 0).length;
  const entriesOf = (field: 'payoutId' | 'transactionId', id: string, type: string) =>
    ledger.filter((l) => l[field] === id && l.type === type).length;
  let payoutLedgerWrong = 0;
  for (const p of payouts) {
    const id = String(p.id);
    const refunded = p.status === 'FAILED' || p.status === 'REVERSED' ? 1 : 0;
    if (entriesOf('payoutId', id, 'PAYOUT_DEBIT') !== 1 || entriesOf('payoutId', id, 'PAYOUT_REFUND') !== refunded) {
      payoutLedgerWrong++;
    }
  }
  let paymentLedgerWrong = 0;
  for (const t of txns) {
    const id = String(t.id);
    const credited = t.status === 'SUCCEEDED' || t.status === 'REFUNDED' ? 1 : 0;
    const refunded = t.status === 'REFUNDED' ? 1 : 0;
    if (
      entriesOf('transactionId', id, 'PAYMENT_CREDIT') !== credited ||
      entriesOf('transactionId', id, 'PAYMENT_REFUND') !== refunded
    ) {
      paymentLedgerWrong++;
    }
  }

  // --- states -----------------------------------------------------------------------------
  let payoutsBadEndState = 0;
  const badStateNotes: string[] = [];
  for (const p of payouts) {
    const allowed = driver.simulateSent.has(String(p.id))
      ? SIMULATED_END_STATES
      : (PAYOUT_END_STATES[String(p.scenario)] ?? []);
    if (!allowed.includes(String(p.status))) {
      payoutsBadEndState++;
      const history = (await q('SELECT status, reason FROM PayoutEvent WHERE payoutId = ? ORDER BY id', [p.id])).map(
        (e) => `${e.status}${e.reason ? `(${e.reason})` : ''}`,
      );
      badStateNotes.push(`payout ${p.id} ${p.scenario}: ${p.status}; history ${history.join(' → ')}`);
    }
  }
  let paymentsBadEndState = 0;
  for (const t of txns) {
    if ((PAYMENT_END_STATES[String(t.scenario)] ?? []).includes(String(t.status))) continue;
    paymentsBadEndState++;
    badStateNotes.push(`payment ${t.id} ${t.scenario}: ${t.status}`);
  }
  let checkoutsBadState = 0;
  for (const c of checkouts) {
    const paid = txns.some((t) => t.checkoutId === c.id && (t.status === 'SUCCEEDED' || t.status === 'REFUNDED'));
    if (c.status !== (paid ? 'COMPLETED' : 'OPEN')) checkoutsBadState++;
  }
  const stuckRows =
    payouts.filter((p) => p.nextTransitionAt !== null).length + txns.filter((t) => t.nextTransitionAt !== null).length;

  // --- webhooks ---------------------------------------------------------------------------
  const pairCounts = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'webhook.test') continue;
    const pair = `${e.objectId} ${e.type}`;
    pairCounts.set(pair, (pairCounts.get(pair) ?? 0) + 1);
  }
  const eventsDoubled = [...pairCounts.values()].filter((n) => n > 1).length;
  const good = input.received.filter((r) => r.signatureValid);
  const receivedIds = new Map<string, number[]>();
  for (const r of good) receivedIds.set(r.eventId, [...(receivedIds.get(r.eventId) ?? []), r.at]);
  const delivered = new Set(deliveries.map((d) => String(d.eventId)));
  let eventsNeverReceived = 0;
  let eventsReceivedAfterComeback = 0;
  for (const e of events) {
    if (!delivered.has(String(e.id))) continue;
    const times = receivedIds.get(String(e.id));
    if (!times) {
      eventsNeverReceived++;
      continue;
    }
    const createdAt = new Date(e.createdAt as string).getTime();
    if (input.receiverDown.some((w) => createdAt >= w.from && createdAt <= w.to)) eventsReceivedAfterComeback++;
  }
  const receivedDuplicates = good.length - receivedIds.size;

  // --- errors -----------------------------------------------------------------------------
  let fiveHundreds = 0;
  let unexpected503 = 0;
  let allowed503Database = 0;
  let allowed503Provider = 0;
  let connectionErrorsOutsideKill = 0;
  let connectionErrorsDuringKill = 0;
  const byStatus: Record<string, number> = {};
  for (const call of driver.calls) {
    byStatus[String(call.status)] = (byStatus[String(call.status)] ?? 0) + 1;
    if (call.status === 0) {
      if (call.service === input.killedService && input.killed.some((w) => overlaps(call, w, 2_000))) {
        connectionErrorsDuringKill++;
      } else connectionErrorsOutsideKill++;
    } else if (call.status === 503) {
      if (call.code === 'PROVIDER_UNAVAILABLE' && call.scenario === 7) allowed503Provider++;
      // The pool gives up on a connection after its acquire timeout (5 s): allow that long after.
      else if (call.code === 'DATABASE_UNAVAILABLE' && input.dbAway.some((w) => overlaps(call, w, 8_000))) {
        allowed503Database++;
      } else unexpected503++;
    } else if (call.status >= 500) fiveHundreds++;
  }

  return {
    requests: driver.calls.length,
    byStatus,
    created201: driver.calls.filter((c) => c.status === 201).length,
    createOpsAmbiguous: driver.ops.filter((o: CreateOp) => o.ambiguous).length,
    createOpsUnresolved: driver.ops.filter((o: CreateOp) => o.finalStatus === 0).length,
    missingRowsFor201,
    keysWithTwoObjects,
    duplicateRowsPerClientKey,
    duplicatesAfterLostCommit,
    duplicateNotes,
    badStateNotes,
    phantomRows,
    replays: driver.ops.reduce((s, o) => s + o.replays, 0),
    replayMismatches: driver.ops.reduce((s, o) => s + o.replayMismatches, 0),
    replayMismatchNotes: driver.ops.flatMap((o) => o.mismatchNotes ?? []),
    reusedKeyRejections: driver.reusedKeyRejections,
    reusedKeyWrongAnswers: driver.reusedKeyWrongAnswers,
    merchants: balances.length,
    balanceNotLedgerSum,
    negativeBalanceAfter,
    negativeAvailable,
    pendingNotInFlight,
    balanceNotObjects,
    payoutLedgerWrong,
    paymentLedgerWrong,
    ledgerEntries: ledger.length,
    payouts: payouts.length,
    payments: txns.length,
    checkouts: checkouts.length,
    payoutsBadEndState,
    paymentsBadEndState,
    checkoutsBadState,
    stuckRows,
    simulatedPayouts: driver.simulated.size,
    simulateSent: driver.simulateSent.size,
    events: events.length,
    eventsDoubled,
    eventsNeverReceived,
    eventsReceivedAfterComeback,
    receivedTotal: input.received.length,
    receivedDuplicates,
    badSignatures: input.received.length - good.length,
    deliveriesNotDelivered: deliveries.filter((d) => d.status !== 'DELIVERED').length,
    fiveHundreds,
    unexpected503,
    allowed503Database,
    allowed503Provider,
    connectionErrorsOutsideKill,
    connectionErrorsDuringKill,
    crossTenantReads: driver.crossTenantReads,
    crossTenantLeaks: driver.crossTenantLeaks,
  };
}
