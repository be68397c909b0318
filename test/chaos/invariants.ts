import { hashRequestBody } from '@mypay/core';
import type { Pool } from '@mypay/db';
import { type Call, CREATE_KINDS, type CreateKind, type CreateOp, type DriverResult } from './driver.ts';
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

/** A payment that captured its amount (credited), refunded since or not. */
const PAID = ['SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED'];

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
  /** Keys that made two objects (rows per client key, audited effects per key), any kind. */
  duplicateRowsPerClientKey: number;
  /** Keys whose final answer says one thing and the database another (e.g. a 422 after its transition was applied). */
  effectsDisagreeingWithAnswer: number;
  /** Per creating endpoint: keys sent, keys with an ambiguous try, keys with a client abort, keys with two effects. */
  byKind: Record<CreateKind, { keys: number; ambiguous: number; aborted: number; withTwoEffects: number }>;
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
  /** Ledger entries other than a refund that left the balance below zero. */
  negativeBalanceAfter: number;
  /** Refunds that took a balance below zero (allowed, counted). */
  refundsBelowZero: number;
  /** Balances below zero that no refund explains. */
  negativeAvailable: number;
  pendingNotInFlight: number;
  balanceNotObjects: number;
  payoutLedgerWrong: number;
  paymentLedgerWrong: number;
  /** Refunds whose debit (and, when FAILED, its return) is not in the ledger exactly once. */
  refundLedgerWrong: number;
  ledgerEntries: number;
  // refunds
  refunds: number;
  refundsByStatus: Record<string, number>;
  /** Payments whose refunds (succeeded or pending) add up to more than the captured amount. */
  refundsOverCaptured: number;
  /** Payments whose amountRefunded is not the sum of their succeeded refunds, or whose status does not follow from it. */
  refundedAmountWrong: number;
  /** Payments refunded by the run (manually) at least once. */
  paymentsRefundedManually: number;
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
  allowed503LockWait: number;
  /** Tries the client gave up on by its own timeout (then retried with the same key). */
  clientAborts: number;
  /** Create tries that overlapped a lock hold and took ≥ 1 s. */
  triesWaitingOnLocks: number;
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
  /** When the run held row locks that creates wait on. */
  lockHeld: Window[];
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
    `SELECT id, merchantId, checkoutId, amount, amountRefunded, status, scenario, nextTransitionAt FROM PaymentTransaction WHERE merchantId IN (?)`,
    [ids],
  );
  const ledger = await q(
    `SELECT merchantId, type, amount, balanceAfter, payoutId, transactionId, refundId FROM LedgerEntry WHERE merchantId IN (?) ORDER BY id`,
    [ids],
  );
  // Every refund: the run's (reason chaos-<key>) and scenario 8's automatic ones.
  const refunds = await q(
    `SELECT id, merchantId, transactionId, amount, status, reason, nextTransitionAt FROM Refund WHERE merchantId IN (?)`,
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

  // --- idempotency: one effect per key, for every creating endpoint ------------------------
  // Objects with a row of their own are counted per client-side key: the reference (payouts),
  // the orderId (checkouts), the checkoutId (payments: one payment op per fresh checkout). The
  // others are counted by their audit entries: every request of a key carries X-Request-Id
  // `<key>.<n>`, and a forced transition, an endpoint and a redelivery are audited in the
  // transaction that makes them.
  const rowKinds = {
    payout: { rows: payouts, prefix: 'po_', field: 'reference' },
    checkout: { rows: checkouts, prefix: 'cs_', field: 'orderId' },
    payment: { rows: txns, prefix: 'txn_', field: 'checkoutId' },
    refund: {
      rows: refunds.filter((r) => String(r.reason ?? '').startsWith('chaos-')),
      prefix: 're_',
      field: 'reason',
    },
  } as const;
  const auditAction = {
    simulate: 'payout.simulated',
    endpoint: 'webhook_endpoint.created',
    redeliver: 'webhook_event.redelivered',
  } as const;
  const isRowKind = (kind: CreateKind): kind is keyof typeof rowKinds => kind in rowKinds;
  const byId = new Map<string, Row>();
  for (const { rows } of Object.values(rowKinds)) for (const row of rows) byId.set(String(row.id), row);
  const audits = await q(`SELECT action, targetId, requestId FROM AuditLog WHERE merchantId IN (?) AND action IN (?)`, [
    ids,
    Object.values(auditAction),
  ]);
  const keyOfRequest = (requestId: unknown) => String(requestId ?? '').replace(/\.[^.]*$/, '');
  const effectsByKey = new Map<string, Row[]>();
  for (const a of audits) {
    const key = keyOfRequest(a.requestId);
    effectsByKey.set(key, [...(effectsByKey.get(key) ?? []), a]);
  }
  const clientKeyOf = (op: CreateOp) => (isRowKind(op.kind) ? String(op.body[rowKinds[op.kind].field]) : '');
  const rowCounts = new Map<string, number>();
  for (const [kind, { rows, field }] of Object.entries(rowKinds)) {
    for (const row of rows) rowCounts.set(`${kind} ${row[field]}`, (rowCounts.get(`${kind} ${row[field]}`) ?? 0) + 1);
  }

  const badStateNotes: string[] = [];
  let missingRowsFor201 = 0;
  let keysWithTwoObjects = 0;
  let duplicateRowsPerClientKey = 0;
  let effectsDisagreeingWithAnswer = 0;
  const duplicateNotes: string[] = [];
  const answered = new Set<string>();
  const byKind = Object.fromEntries(
    CREATE_KINDS.map((kind) => [kind, { keys: 0, ambiguous: 0, aborted: 0, withTwoEffects: 0 }]),
  ) as Report['byKind'];
  const tries = (op: CreateOp) => {
    const first = op.tries?.[0]?.startedAt ?? 0;
    return JSON.stringify(
      (op.tries ?? []).map((t) => [
        t.status,
        t.code,
        t.aborted ? 'aborted' : '',
        t.startedAt - first,
        t.endedAt - first,
      ]),
    );
  };
  // What the key's record holds, next to what every try sent: for a disagreement's note.
  const keyRecord = async (op: CreateOp) => {
    const [record] = await q(
      `SELECT r.endpoint, r.requestHash, r.state, r.owner, r.settledBy, r.responseStatus, r.createdAt
         FROM IdempotencyRecord r WHERE r.\`key\` = ?`,
      [op.idempotencyKey],
    );
    return `record ${JSON.stringify(record ?? null)}, sent hash ${hashRequestBody(op.body)}${op.target ? `, target ${op.target}` : ''}`;
  };
  for (const op of driver.ops) {
    const summary = byKind[op.kind];
    summary.keys++;
    if (op.ambiguous) summary.ambiguous++;
    if ((op.tries ?? []).some((t) => t.aborted)) summary.aborted++;
    const distinct = new Set(op.ids);
    if (distinct.size > 1) keysWithTwoObjects++;
    let effects: number;
    if (isRowKind(op.kind)) {
      for (const id of distinct) {
        answered.add(id);
        const row = byId.get(id);
        if (!row || !String(row.id).startsWith(rowKinds[op.kind].prefix)) missingRowsFor201++;
      }
      effects = rowCounts.get(`${op.kind} ${clientKeyOf(op)}`) ?? 0;
      if (effects > 1) duplicateRowsPerClientKey++;
    } else {
      const mine = (effectsByKey.get(op.idempotencyKey) ?? []).filter(
        (a) => a.action === auditAction[op.kind as keyof typeof auditAction],
      );
      effects = mine.length;
      if (effects > 1) duplicateRowsPerClientKey++;
      // The key's answer and what happened agree: a success names the one effect; a final error
      // (a 422 for an illegal transition, say) means nothing happened for this key.
      const succeeded = op.finalStatus === op.successStatus;
      const final = op.finalStatus !== 0;
      const disagrees =
        (succeeded && effects !== 1) ||
        (final && !succeeded && effects !== 0) ||
        (op.kind === 'endpoint' && succeeded && mine[0] !== undefined && !distinct.has(String(mine[0].targetId)));
      if (disagrees) {
        effectsDisagreeingWithAnswer++;
        duplicateNotes.push(
          `${op.kind} ${op.idempotencyKey}: answered ${op.finalStatus} ${op.finalCode ?? ''}, ${effects} effects; tries ${tries(op)}; ${await keyRecord(op)}`,
        );
      }
    }
    if (effects > 1) {
      summary.withTwoEffects++;
      duplicateNotes.push(`${op.kind} ${op.idempotencyKey}: ${effects} effects; tries ${tries(op)}`);
    } else if (distinct.size > 1) {
      duplicateNotes.push(`${op.kind} ${op.idempotencyKey}: answered ${[...distinct].join(', ')}; tries ${tries(op)}`);
    }
  }
  // A row nobody got a 201 for must come from a request whose answer was lost (cut mid-flight).
  const ambiguousKeys = new Set<string>();
  for (const op of driver.ops) {
    if (isRowKind(op.kind) && (op.ambiguous || op.finalStatus === 0))
      ambiguousKeys.add(`${op.kind} ${clientKeyOf(op)}`);
  }
  let phantomRows = 0;
  for (const [kind, { rows, field }] of Object.entries(rowKinds)) {
    for (const row of rows) {
      if (!answered.has(String(row.id)) && !ambiguousKeys.has(`${kind} ${row[field]}`)) phantomRows++;
    }
  }
  // …and an audited effect must belong to a key of the run (or to the set-up).
  const knownKeys = new Set(driver.ops.map((op) => op.idempotencyKey));
  for (const key of effectsByKey.keys()) if (!knownKeys.has(key) && !key.startsWith('setup')) phantomRows++;

  // --- money ------------------------------------------------------------------------------
  let balanceNotLedgerSum = 0;
  let negativeAvailable = 0;
  let pendingNotInFlight = 0;
  let balanceNotObjects = 0;
  for (const balance of balances) {
    const merchantId = String(balance.merchantId);
    const sum = ledger.filter((l) => l.merchantId === merchantId).reduce((s, l) => s + Number(l.amount), 0);
    if (Number(balance.available) !== sum) balanceNotLedgerSum++;
    // Below zero only through a refund (refunds always complete); never through a payout.
    const refundedBelowZero = ledger.some(
      (l) => l.merchantId === merchantId && l.type === 'PAYMENT_REFUND' && Number(l.balanceAfter) < 0,
    );
    if (Number(balance.available) < 0 && !refundedBelowZero) negativeAvailable++;
    const inFlight = payouts
      .filter((p) => p.merchantId === merchantId && (p.status === 'PENDING' || p.status === 'PROCESSING'))
      .reduce((s, p) => s + Number(p.amount), 0);
    if (Number(balance.pending) !== inFlight) pendingNotInFlight++;
    // What the business objects say the balance must be, independently of the ledger.
    const paidOut = payouts
      .filter((p) => p.merchantId === merchantId && ['PENDING', 'PROCESSING', 'COMPLETED'].includes(String(p.status)))
      .reduce((s, p) => s + Number(p.amount), 0);
    // Captured payments in, less every refund that holds its debit (pending or succeeded).
    const paidIn =
      txns
        .filter((t) => t.merchantId === merchantId && PAID.includes(String(t.status)))
        .reduce((s, t) => s + Number(t.amount), 0) -
      refunds
        .filter((r) => r.merchantId === merchantId && r.status !== 'FAILED')
        .reduce((s, r) => s + Number(r.amount), 0);
    if (Number(balance.available) !== (input.openings.get(merchantId) ?? 0) - paidOut + paidIn) balanceNotObjects++;
  }
  const negativeBalanceAfter = ledger.filter((l) => Number(l.balanceAfter) < 0 && l.type !== 'PAYMENT_REFUND').length;
  const refundsBelowZero = ledger.filter((l) => Number(l.balanceAfter) < 0 && l.type === 'PAYMENT_REFUND').length;
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
  const refundsOf = new Map<string, Row[]>();
  for (const r of refunds)
    refundsOf.set(String(r.transactionId), [...(refundsOf.get(String(r.transactionId)) ?? []), r]);
  let paymentLedgerWrong = 0;
  for (const t of txns) {
    const id = String(t.id);
    const credited = PAID.includes(String(t.status)) ? 1 : 0;
    // One debit per refund of the payment, whatever became of it.
    const refunded = (refundsOf.get(id) ?? []).length;
    if (
      entriesOf('transactionId', id, 'PAYMENT_CREDIT') !== credited ||
      entriesOf('transactionId', id, 'PAYMENT_REFUND') !== refunded
    ) {
      paymentLedgerWrong++;
    }
  }
  let refundLedgerWrong = 0;
  const entriesOfRefund = (id: string, type: string) => ledger.filter((l) => l.refundId === id && l.type === type);
  for (const r of refunds) {
    const id = String(r.id);
    const debit = entriesOfRefund(id, 'PAYMENT_REFUND');
    const back = entriesOfRefund(id, 'PAYMENT_REFUND_REVERSAL');
    if (
      debit.length !== 1 ||
      Number(debit[0]?.amount) !== -Number(r.amount) ||
      back.length !== (r.status === 'FAILED' ? 1 : 0) ||
      (back[0] !== undefined && Number(back[0].amount) !== Number(r.amount))
    ) {
      refundLedgerWrong++;
    }
  }
  // The refund invariant: what a payment's refunds hold never exceeds what it captured, and the
  // payment's amountRefunded and status follow from its succeeded refunds.
  let refundsOverCaptured = 0;
  let refundedAmountWrong = 0;
  const manualTargets = new Set(driver.ops.filter((o) => o.kind === 'refund').map((o) => String(o.target)));
  for (const t of txns) {
    const mine = refundsOf.get(String(t.id)) ?? [];
    if (mine.length === 0) continue;
    const held = mine.filter((r) => r.status !== 'FAILED').reduce((sum, r) => sum + Number(r.amount), 0);
    if (held > Number(t.amount)) refundsOverCaptured++;
    const succeeded = mine.filter((r) => r.status === 'SUCCEEDED').reduce((sum, r) => sum + Number(r.amount), 0);
    const expected = succeeded === 0 ? 'SUCCEEDED' : succeeded >= Number(t.amount) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    if (Number(t.amountRefunded) !== succeeded || t.status !== expected) {
      refundedAmountWrong++;
      badStateNotes.push(
        `payment ${t.id}: ${t.status}, amountRefunded ${t.amountRefunded}, refunds ${mine.map((r) => `${r.amount} ${r.status}`).join(', ')}`,
      );
    }
  }
  const refundsByStatus: Record<string, number> = {};
  for (const r of refunds) refundsByStatus[String(r.status)] = (refundsByStatus[String(r.status)] ?? 0) + 1;

  // --- states -----------------------------------------------------------------------------
  let payoutsBadEndState = 0;
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
    const allowed = PAYMENT_END_STATES[String(t.scenario)] ?? [];
    // A captured payment the run refunded may end partly or wholly refunded (checked above).
    const refundedByRun = manualTargets.has(String(t.id)) && allowed.some((state) => PAID.includes(state));
    if (allowed.includes(String(t.status)) || (refundedByRun && PAID.includes(String(t.status)))) continue;
    paymentsBadEndState++;
    badStateNotes.push(`payment ${t.id} ${t.scenario}: ${t.status}`);
  }
  let checkoutsBadState = 0;
  for (const c of checkouts) {
    const paid = txns.some((t) => t.checkoutId === c.id && PAID.includes(String(t.status)));
    if (c.status !== (paid ? 'COMPLETED' : 'OPEN')) checkoutsBadState++;
  }
  const stuckRows =
    payouts.filter((p) => p.nextTransitionAt !== null).length +
    txns.filter((t) => t.nextTransitionAt !== null).length +
    refunds.filter((r) => r.nextTransitionAt !== null || r.status === 'PENDING').length;

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
  let clientAborts = 0;
  let allowed503LockWait = 0;
  let triesWaitingOnLocks = 0;
  for (const op of driver.ops) {
    for (const t of op.tries ?? []) {
      if (t.endedAt - t.startedAt >= 1_000 && input.lockHeld.some((w) => t.startedAt <= w.to && t.endedAt >= w.from)) {
        triesWaitingOnLocks++;
      }
    }
  }
  const byStatus: Record<string, number> = {};
  for (const call of driver.calls) {
    byStatus[String(call.status)] = (byStatus[String(call.status)] ?? 0) + 1;
    if (call.status === 0 && call.aborted) {
      clientAborts++;
    } else if (call.status === 0) {
      if (call.service === input.killedService && input.killed.some((w) => overlaps(call, w, 2_000))) {
        connectionErrorsDuringKill++;
      } else connectionErrorsOutsideKill++;
    } else if (call.status === 503) {
      if (call.code === 'PROVIDER_UNAVAILABLE' && call.scenario === 7) allowed503Provider++;
      // The pool gives up on a connection after its acquire timeout (5 s): allow that long after.
      else if (call.code === 'DATABASE_UNAVAILABLE' && input.dbAway.some((w) => overlaps(call, w, 8_000))) {
        allowed503Database++;
      } else if (call.code === 'DATABASE_UNAVAILABLE' && input.lockHeld.some((w) => overlaps(call, w, 8_000))) {
        // Requests waiting on a held row lock keep their connections; the pool's acquire
        // timeout then answers others 503. Counted apart.
        allowed503LockWait++;
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
    effectsDisagreeingWithAnswer,
    byKind,
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
    refundsBelowZero,
    negativeAvailable,
    pendingNotInFlight,
    balanceNotObjects,
    payoutLedgerWrong,
    paymentLedgerWrong,
    refundLedgerWrong,
    ledgerEntries: ledger.length,
    refunds: refunds.length,
    refundsByStatus,
    refundsOverCaptured,
    refundedAmountWrong,
    paymentsRefundedManually: txns.filter(
      (t) =>
        manualTargets.has(String(t.id)) &&
        (refundsOf.get(String(t.id)) ?? []).some((r) => String(r.reason ?? '').startsWith('chaos-')),
    ).length,
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
    allowed503LockWait,
    clientAborts,
    triesWaitingOnLocks,
    allowed503Provider,
    connectionErrorsOutsideKill,
    connectionErrorsDuringKill,
    crossTenantReads: driver.crossTenantReads,
    crossTenantLeaks: driver.crossTenantLeaks,
  };
}
