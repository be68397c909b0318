import { z } from 'zod';
import { booleanFromEnv, DEFAULT_WEBHOOK_RETRY_SCHEDULE, durationFromEnv, parseDuration } from '../config.ts';

/**
 * Webhook tuning, as plain values. Processes add `webhookEnvShape` to their env schema (next to
 * commonEnvShape, which already has WEBHOOK_RETRY_SCHEDULE and WEBHOOK_ALLOW_PRIVATE_TARGETS)
 * and build the settings once with `webhookSettingsFromEnv`.
 */
export interface WebhookSettings {
  /** Entry i is the delay before attempt i+1 (entry 0 is normally 0: the first attempt is due at once). */
  retryScheduleMs: number[];
  allowPrivateTargets: boolean;
  /** How often an idle worker looks for due deliveries (an in-process enqueue wakes it sooner). */
  pollIntervalMs: number;
  /** Deliveries claimed per claim transaction. */
  batchSize: number;
  /** Sends in flight at once per worker. */
  concurrency: number;
  /** A claimed delivery is invisible to other workers this long; must exceed the request timeout. */
  leaseMs: number;
  requestTimeoutMs: number;
  /** An endpoint whose every attempt failed for this long is disabled. */
  disableAfterMs: number;
  userAgent: string;
  /**
   * Connections of the worker's own pool (0: share the process's pool). Its own pool keeps a burst
   * of API requests queueing for connections from stalling deliveries, and the reverse.
   */
  dbConnections: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  retryScheduleMs: DEFAULT_WEBHOOK_RETRY_SCHEDULE.split(',').map(parseDuration),
  allowPrivateTargets: false,
  pollIntervalMs: 100,
  batchSize: 50,
  concurrency: 16,
  leaseMs: 30_000,
  requestTimeoutMs: 10_000,
  disableAfterMs: 3 * 86_400_000,
  userAgent: 'MyPay-Webhooks/1.0',
  dbConnections: 4,
};

export const webhookEnvShape = {
  /** Run the delivery worker in this process (default true; turn off for one-off scripts). */
  WEBHOOK_WORKER_ENABLED: booleanFromEnv.default(true),
  WEBHOOK_POLL_INTERVAL: durationFromEnv.prefault('100ms'),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  WEBHOOK_DISABLE_AFTER: durationFromEnv.prefault('3d'),
  WEBHOOK_DB_CONNECTIONS: z.coerce.number().int().min(0).max(64).default(4),
} as const;

export function webhookSettingsFromEnv(env: {
  WEBHOOK_RETRY_SCHEDULE: number[];
  allowPrivateTargets: boolean;
  WEBHOOK_POLL_INTERVAL?: number;
  WEBHOOK_CONCURRENCY?: number;
  WEBHOOK_DISABLE_AFTER?: number;
  WEBHOOK_DB_CONNECTIONS?: number;
}): WebhookSettings {
  return {
    ...DEFAULT_WEBHOOK_SETTINGS,
    retryScheduleMs: env.WEBHOOK_RETRY_SCHEDULE,
    allowPrivateTargets: env.allowPrivateTargets,
    pollIntervalMs: env.WEBHOOK_POLL_INTERVAL ?? DEFAULT_WEBHOOK_SETTINGS.pollIntervalMs,
    concurrency: env.WEBHOOK_CONCURRENCY ?? DEFAULT_WEBHOOK_SETTINGS.concurrency,
    disableAfterMs: env.WEBHOOK_DISABLE_AFTER ?? DEFAULT_WEBHOOK_SETTINGS.disableAfterMs,
    dbConnections: env.WEBHOOK_DB_CONNECTIONS ?? DEFAULT_WEBHOOK_SETTINGS.dbConnections,
  };
}

/** When the attempt after `attemptsMade` failed attempts is due, or null when the schedule is exhausted. */
export function nextRetryDelayMs(schedule: number[], attemptsMade: number): number | null {
  return attemptsMade < schedule.length ? (schedule[attemptsMade] ?? null) : null;
}
