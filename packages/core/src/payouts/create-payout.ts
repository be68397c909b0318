import type { DestinationType } from '@mypay/contracts';
import { type Db, isUniqueViolationOf, type PoolConnection, withBatchedTransaction } from '@mypay/db';
import { commitWithWrites } from '../batched-commit.ts';
import type { Directory } from '../directory/directory.ts';
import { AppError } from '../errors.ts';
import type { EffectOptions } from '../idempotency/idempotent-request.ts';
import { newId } from '../ids.ts';
import { type BalanceChange, insertLedgerEntry, updateBalance } from '../ledger/change-balance.ts';
import { domainMetrics } from '../metrics/domain-metrics.ts';
import { CURRENCY, MAX_AMOUNT } from '../money.ts';
import type { ScenarioCatalog } from '../scenarios/scenario-catalog.ts';
import { clockTimeForBinding } from '../test-clocks/test-clock-resource.ts';
import { type EventSpec, insertEventsWithDeliveries } from '../webhooks/enqueue-event.ts';
import { notifyWebhookWorkers } from '../webhooks/worker-signal.ts';
import { resolveDestination } from './destination.ts';
import { assertWithinLimit, DEFAULT_PAYOUT_LIMITS, type PayoutLimits } from './payout-limits.ts';
import { findPayoutIdByReference, insertPayout, insertPayoutStatusEvents } from './payout-repository.ts';
import { type PayoutEventView, type PayoutResource, type PayoutRow, toPayoutResource } from './payout-resource.ts';
import { balanceEffect, eventTypeFor, nextTransitionAt, planAtCreate } from './payout-state-machine.ts';

export interface PayoutDeps {
  db: Db;
  scenarios: ScenarioCatalog;
  directory: Directory;
  /** Per-rail per-transaction limits; DEFAULT_PAYOUT_LIMITS when not given. */
  limits?: PayoutLimits;
}

export interface CreatePayoutInput {
  merchantId: string;
  amount: number;
  currency: string;
  destination: {
    type: DestinationType;
    provider?: string | undefined;
    accountNumber: string;
    accountTitle?: string | undefined;
  };
  reference: string;
  description?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** A test clock of the merchant: the payout's times are clock time and only the clock moves it. */
  testClock?: string | undefined;
}

/**
 * A reference is the merchant's identity for a payout and is compared exactly, like an
 * Idempotency-Key: `INV-1` and `inv-1` are two references (the column is utf8mb4_bin). Binary
 * collations on MySQL 8.0 and MariaDB ignore trailing spaces, so a reference may not end in one —
 * else `INV-1 ` would silently be `INV-1`.
 */
export function referenceProblem(reference: string): string | null {
  return reference.endsWith(' ') ? 'must not end with a space' : null;
}

/**
 * Creates a payout and takes its amount from the balance in one plain-SQL transaction of one
 * round trip (withBatchedTransaction: what is sent in one tick goes as one multi-statement query):
 * START TRANSACTION, every write — the payout row, its status history (one multi-row INSERT),
 * the balance update, which also reserves the event sequence numbers, the ledger entry
 * (balanceAfter read from the row just locked), every outbox event in one INSERT (their numbers
 * read from the same row) and their deliveries in one fan-out INSERT … SELECT, the idempotency
 * settle — and COMMIT (commitWithWrites). Every refusal is an error of a statement, which stops
 * the batch before its COMMIT: the balance floor (INSUFFICIENT_BALANCE), the reference's unique
 * key (DUPLICATE_REFERENCE), the settle's fence. Wake-ups of the delivery workers come after the
 * commit, off the response's path. Outcomes decided at once by the scenario (completed, rejected)
 * are part of the same transaction.
 */
export async function createPayout(
  deps: PayoutDeps,
  input: CreatePayoutInput,
  options: EffectOptions & { now?: Date } = {},
): Promise<PayoutResource & { events: PayoutEventView[] }> {
  // The clock's time when bound (404 for a clock that is not the merchant's), before any other check
  // reads `now`.
  const now = input.testClock
    ? await clockTimeForBinding(deps.db.pool, input.merchantId, input.testClock)
    : (options.now ?? new Date());
  if (input.currency !== CURRENCY) {
    throw new AppError('UNSUPPORTED_CURRENCY', `only ${CURRENCY} is supported`, [
      { field: 'currency', message: `must be "${CURRENCY}"` },
    ]);
  }
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_AMOUNT) {
    throw new AppError('VALIDATION_ERROR', 'the request is not valid', [
      { field: 'amount', message: `a positive integer in paisa, at most ${MAX_AMOUNT}` },
    ]);
  }
  const badReference = referenceProblem(input.reference);
  if (badReference) {
    throw new AppError('VALIDATION_ERROR', 'the request is not valid', [{ field: 'reference', message: badReference }]);
  }
  const destination = await resolveDestination(deps.directory, input.destination, 'destination.');
  const { type, provider, accountNumber } = destination;
  assertWithinLimit(deps.limits ?? DEFAULT_PAYOUT_LIMITS, type, input.amount);

  const scenario = await deps.scenarios.resolve(destination.scenario.number, destination.scenario.kind);
  if (scenario.key === 'ACCOUNT_NOT_FOUND') {
    throw new AppError('ACCOUNT_NOT_FOUND', 'the destination account does not exist', [
      { field: 'destination.accountNumber', message: 'no such account at the provider' },
    ]);
  }
  if (scenario.key === 'PROVIDER_UNAVAILABLE') {
    throw new AppError('PROVIDER_UNAVAILABLE', `${provider} is unavailable, try again later`, undefined, {
      'Retry-After': '30',
    });
  }

  const plan = planAtCreate(scenario.key);
  const finalStatus = plan.path[plan.path.length - 1]!;
  // Each status step of an instant outcome has its own time, in order (1 ms apart), so its events
  // and history read as the lifecycle they are; the payout was last updated at the final step.
  const stepAt = plan.path.map((_, i) => new Date(now.getTime() + i));
  const finalAt = stepAt[stepAt.length - 1]!;
  const delayMs = await deps.scenarios.delayOf(scenario.key);
  const row: PayoutRow = {
    id: newId('po'),
    merchantId: input.merchantId,
    amount: input.amount,
    currency: CURRENCY,
    destinationType: type,
    provider,
    accountNumber,
    accountTitle: input.destination.accountTitle ?? null,
    reference: input.reference,
    description: input.description ?? null,
    metadata: input.metadata ?? null,
    status: finalStatus,
    scenario: scenario.key,
    failureCode: plan.failure?.code ?? null,
    failureMessage: plan.failure?.message ?? null,
    nextTransitionAt: nextTransitionAt(scenario.key, finalStatus, delayMs, finalAt),
    testClockId: input.testClock ?? null,
    createdAt: now,
    updatedAt: finalAt,
  };
  const resource = toPayoutResource(row);
  const events: PayoutEventView[] = plan.path.map((status, i) => ({
    status,
    at: stepAt[i]!.toISOString(),
    ...(status === 'FAILED' && plan.failure ? { reason: plan.failure.code } : {}),
  }));
  const created = { ...resource, events };

  const specs: EventSpec[] = plan.path.map((status, i) => {
    // Each event carries the payout as it was at that step.
    const at = stepAt[i]!;
    const object =
      status === finalStatus ? resource : { ...resource, status, failure: null, updatedAt: at.toISOString() };
    return { type: eventTypeFor(status), object, at };
  });
  const [debit, ...others] = balanceChanges(row, plan.path);
  let deliveries = 0;
  // One batch, from START TRANSACTION to COMMIT, awaited once: the balance row is locked from the
  // debit to the COMMIT of the same query only.
  const writeAll = (conn: PoolConnection) => {
    const writes: Promise<unknown>[] = [
      recordPayout(conn, row, events),
      updateBalance(conn, debit!, { reserveEventSequences: specs.length }),
      insertLedgerEntry(conn, debit!),
    ];
    for (const change of others) writes.push(updateBalance(conn, change), insertLedgerEntry(conn, change));
    writes.push(
      insertEventsWithDeliveries(conn, input.merchantId, specs).then((r) => {
        deliveries = r.deliveries;
      }),
    );
    if (options.idempotency) writes.push(options.idempotency.settle(conn, 201, created));
    return commitWithWrites(conn, writes);
  };
  await withBatchedTransaction(deps.db.pool, writeAll);
  // Lets a delivery worker in this process start at once rather than at its next poll.
  if (deliveries > 0) setImmediate(notifyWebhookWorkers);
  domainMetrics.payoutCreated(finalStatus, scenario.key);
  return created;
}

/**
 * Inserts the payout and its status history: both statements are sent at once; the history's
 * failure only matters when the row went in. A reference the merchant used already is
 * DUPLICATE_REFERENCE, naming the payout that holds it.
 */
async function recordPayout(conn: PoolConnection, row: PayoutRow, events: PayoutEventView[]) {
  const payout = insertPayout(conn, row);
  const history = insertPayoutStatusEvents(
    conn,
    row.id,
    events.map((event) => ({ status: event.status, reason: event.reason ?? null, at: new Date(event.at) })),
  );
  const [payoutResult, historyResult] = await Promise.allSettled([payout, history]);
  if (payoutResult.status === 'rejected') {
    const error = payoutResult.reason;
    // The index is named: in a failed batch every statement carries the error of the one that failed.
    if (isUniqueViolationOf(error, 'Payout_merchantId_reference_key')) {
      // Name the payout that holds the reference: the caller may be recovering from a lost response.
      const existingId = await findPayoutIdByReference(conn, row.merchantId, row.reference);
      throw new AppError(
        'DUPLICATE_REFERENCE',
        `a payout with reference "${row.reference}" already exists${existingId ? `: ${existingId}` : ''}`,
        [
          {
            field: 'reference',
            message: 'must be unique per merchant',
            ...(existingId ? { payoutId: existingId } : {}),
          },
        ],
      );
    }
    throw error;
  }
  if (historyResult.status === 'rejected') throw historyResult.reason;
}

/**
 * Debit plus whatever the synchronous steps add. Pending changes are folded into the debit;
 * a refund (rejected at once) is its own ledger entry, so the statement shows both movements.
 * The first change is always the debit (a payout's amount is positive).
 */
function balanceChanges(row: PayoutRow, path: PayoutRow['status'][]): BalanceChange[] {
  const effects = [balanceEffect(null, path[0]!, row.amount)];
  for (let i = 1; i < path.length; i++) effects.push(balanceEffect(path[i - 1]!, path[i]!, row.amount));
  const pendingTotal = effects.reduce((sum, effect) => sum + (effect?.pendingDelta ?? 0), 0);
  const changes: BalanceChange[] = [];
  for (const effect of effects) {
    if (!effect || effect.amount === 0) continue;
    changes.push({
      merchantId: row.merchantId,
      type: effect.type,
      amount: effect.amount,
      pendingDelta: changes.length === 0 ? pendingTotal : 0,
      payoutId: row.id,
      description: effect.type === 'PAYOUT_DEBIT' ? `Payout ${row.reference}` : `Refund of payout ${row.reference}`,
    });
  }
  return changes;
}
