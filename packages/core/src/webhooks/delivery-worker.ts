import { createPool, type Db, type Pool } from '@mypay/db';
import type { Logger } from '../logger.ts';
import {
  type AttemptToRecord,
  afterAttemptRecorded,
  cancelDelivery,
  recordAttempts,
  sendClaimedDelivery,
} from './deliver.ts';
import {
  type ClaimedDelivery,
  type ClaimScope,
  claimDueDeliveries,
  type DeliveryOutcome,
  hasDueDeliveries,
} from './delivery-repository.ts';
import type { WebhookSettings } from './settings.ts';
import { onWebhooksEnqueued } from './worker-signal.ts';

/**
 * The webhook delivery worker. It runs inside each API process (no extra service to deploy or
 * monitor); every replica runs one, and they share the work through the database (SKIP LOCKED
 * claims with a lease, see deliver.ts). All state is in the database, so a restart loses nothing.
 *
 * Latency: an enqueue in this process wakes the worker at once; otherwise it polls every
 * pollIntervalMs. An idle poll is a single indexed SELECT, so idle database load stays small.
 */
export interface DeliveryWorker {
  start(): void;
  /** Stops claiming, waits for in-flight sends to be recorded, then resolves. */
  stop(): Promise<void>;
  /** Look for due deliveries now (and a few times over the next milliseconds). */
  wake(): void;
  readonly running: boolean;
  /** Deliveries being sent right now. */
  readonly inFlight: number;
  /**
   * Passes of the claim loop finished so far (each looked for due deliveries, or had no free slot):
   * tests wait on it to know the worker looked again, instead of sleeping.
   */
  polls(): number;
}

export interface DeliveryWorkerOptions {
  logger?: Logger;
  /** Wake on enqueueEvent in this process (default true). */
  wakeOnEnqueue?: boolean;
  /** Serve only these endpoints (tests sharing a database); default: all. */
  scope?: ClaimScope;
}

/** After a wake, re-check this many times at this interval: the enqueuing transaction may not have committed yet. */
const WAKE_RECHECKS = 4;
const WAKE_RECHECK_MS = 8;
const MAX_ERROR_BACKOFF_MS = 5_000;
const MAX_RECORD_BATCH = 100;

/**
 * Group commit for attempt outcomes: while one batch is being written, finished sends queue up
 * and go in the next transaction. No added delay when quiet (a lone attempt is written at once);
 * under load, one commit covers many attempts.
 */
function createOutcomeRecorder(db: Pick<Db, 'pool'>, settings: WebhookSettings) {
  type Pending = AttemptToRecord & { done: (outcome: DeliveryOutcome) => void; fail: (error: unknown) => void };
  const queue: Pending[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_RECORD_BATCH);
        try {
          const outcomes = await recordAttempts(db, batch, settings);
          for (const [i, item] of batch.entries()) item.done(outcomes[i] ?? 'LEASE_LOST');
        } catch (error) {
          for (const item of batch) item.fail(error);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return (attempt: AttemptToRecord) =>
    new Promise<DeliveryOutcome>((done, fail) => {
      queue.push({ ...attempt, done, fail });
      if (!flushing) void flush();
    });
}

export function createDeliveryWorker(
  sharedDb: Pick<Db, 'pool'> & Partial<Pick<Db, 'location'>>,
  settings: WebhookSettings,
  options: DeliveryWorkerOptions = {},
): DeliveryWorker {
  const logger = options.logger;
  // Its own small pool while running, when it can make one (see WebhookSettings.dbConnections).
  let ownPool: Pool | null = null;
  const db: Pick<Db, 'pool'> = {
    get pool() {
      return ownPool ?? sharedDb.pool;
    },
  };
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let stopping = false;
  let loopDone: Promise<void> | null = null;
  let wakeRechecks = 0;
  let finishedPolls = 0;
  let interrupt: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;
  const record = createOutcomeRecorder(db, settings);

  // Sends in flight are bounded by `concurrency`; deliveries sent but not yet recorded wait in the
  // group-commit queue without holding a send slot, bounded in total by maxPending (backpressure
  // when the database is slow).
  let sending = 0;
  const maxPending = settings.concurrency * 8;

  async function deliver(delivery: ClaimedDelivery): Promise<void> {
    sending++;
    let result: Awaited<ReturnType<typeof sendClaimedDelivery>>;
    try {
      result = await sendClaimedDelivery(delivery, settings);
    } finally {
      sending--;
      interrupt?.();
    }
    if (!result) {
      await cancelDelivery(db, delivery);
      return;
    }
    const attempt = { delivery, result };
    await afterAttemptRecorded(db, attempt, await record(attempt), settings, logger);
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = null;
        resolve();
      }
      interrupt = done;
    });

  const wake = () => {
    wakeRechecks = WAKE_RECHECKS;
    interrupt?.();
  };

  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      // Room again: claim more at once if the worker was saturated.
      interrupt?.();
    });
  };

  async function loop(): Promise<void> {
    let errorBackoff = 0;
    // After a claim that found work, claim again without the idle probe.
    let skipProbe = false;
    while (!stopping) {
      const free = Math.min(settings.concurrency - sending, maxPending - inFlight.size);
      let claimedFull = false;
      if (free > 0) {
        try {
          const limit = Math.min(free, settings.batchSize);
          if (skipProbe || (await hasDueDeliveries(db, options.scope))) {
            const claimed = stopping ? [] : await claimDueDeliveries(db, limit, settings.leaseMs, options.scope);
            for (const delivery of claimed) {
              track(
                deliver(delivery).then(
                  () => undefined,
                  (error: unknown) => {
                    // The lease will expire and the delivery will be retried: at-least-once.
                    logger?.error({ err: error, deliveryId: delivery.id }, 'webhook delivery could not be recorded');
                  },
                ),
              );
            }
            claimedFull = claimed.length === limit;
            skipProbe = claimed.length > 0;
            if (claimed.length > 0) wakeRechecks = 0;
          }
          errorBackoff = 0;
          finishedPolls++;
        } catch (error) {
          finishedPolls++;
          skipProbe = false;
          errorBackoff = Math.min(MAX_ERROR_BACKOFF_MS, Math.max(100, errorBackoff * 2));
          logger?.warn({ err: error, retryInMs: errorBackoff }, 'webhook worker cannot claim deliveries');
          await sleep(errorBackoff);
          continue;
        }
      }
      if (free <= 0) finishedPolls++;
      if (stopping) break;
      if (claimedFull && sending < settings.concurrency && inFlight.size < maxPending) continue;
      if (wakeRechecks > 0) {
        wakeRechecks--;
        await sleep(WAKE_RECHECK_MS);
      } else {
        await sleep(settings.pollIntervalMs);
      }
    }
  }

  return {
    get running() {
      return running;
    },
    get inFlight() {
      return inFlight.size;
    },
    wake,
    polls: () => finishedPolls,
    start() {
      if (running) return;
      running = true;
      stopping = false;
      if (settings.dbConnections > 0 && sharedDb.location) {
        ownPool = createPool(sharedDb.location, { connectionLimit: settings.dbConnections });
      }
      if (options.wakeOnEnqueue !== false) unsubscribe = onWebhooksEnqueued(wake);
      loopDone = loop().catch((error: unknown) => {
        logger?.error({ err: error }, 'webhook worker stopped unexpectedly');
      });
    },
    async stop() {
      if (!running) return;
      stopping = true;
      unsubscribe?.();
      unsubscribe = null;
      interrupt?.();
      await loopDone;
      await Promise.allSettled([...inFlight]);
      await ownPool?.end().catch(() => {});
      ownPool = null;
      running = false;
    },
  };
}
