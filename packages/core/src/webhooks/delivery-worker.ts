import type { Db } from '@mypay/db';
import type { Logger } from '../logger.ts';
import { type ClaimScope, claimDueDeliveries, hasDueDeliveries, processClaimedDelivery } from './deliver.ts';
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

export function createDeliveryWorker(
  db: Pick<Db, 'pool'>,
  settings: WebhookSettings,
  options: DeliveryWorkerOptions = {},
): DeliveryWorker {
  const logger = options.logger;
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let stopping = false;
  let loopDone: Promise<void> | null = null;
  let wakeRechecks = 0;
  let interrupt: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;

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
      // A slot is free: claim more at once if the worker was saturated.
      interrupt?.();
    });
  };

  async function loop(): Promise<void> {
    let errorBackoff = 0;
    while (!stopping) {
      const free = settings.concurrency - inFlight.size;
      let claimedFull = false;
      if (free > 0) {
        try {
          const limit = Math.min(free, settings.batchSize);
          if (await hasDueDeliveries(db, options.scope)) {
            const claimed = stopping ? [] : await claimDueDeliveries(db, limit, settings.leaseMs, options.scope);
            for (const delivery of claimed) {
              track(
                processClaimedDelivery(db, delivery, settings, logger).then(
                  () => undefined,
                  (error: unknown) => {
                    // The lease will expire and the delivery will be retried: at-least-once.
                    logger?.error({ err: error, deliveryId: delivery.id }, 'webhook delivery could not be recorded');
                  },
                ),
              );
            }
            claimedFull = claimed.length === limit;
            if (claimed.length > 0) wakeRechecks = 0;
          }
          errorBackoff = 0;
        } catch (error) {
          errorBackoff = Math.min(MAX_ERROR_BACKOFF_MS, Math.max(100, errorBackoff * 2));
          logger?.warn({ err: error, retryInMs: errorBackoff }, 'webhook worker cannot claim deliveries');
          await sleep(errorBackoff);
          continue;
        }
      }
      if (stopping) break;
      if (claimedFull && inFlight.size < settings.concurrency) continue;
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
    start() {
      if (running) return;
      running = true;
      stopping = false;
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
      running = false;
    },
  };
}
