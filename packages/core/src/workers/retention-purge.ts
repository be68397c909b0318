import type { Pool } from '@mypay/db';
import { purgeExpiredIdempotencyRecords } from '../idempotency/idempotent-request.ts';
import type { Logger } from '../logger.ts';
import { purgeRequestLogs } from '../request-logs/list-request-logs.ts';

export interface RetentionPurge {
  start(): void;
  stop(): void;
}

/**
 * The API processes' housekeeping, every 10 minutes: request log entries older than
 * REQUEST_LOG_RETENTION_DAYS and, where `idempotency` is set, expired idempotency records (they
 * live 24 h; an expired one is also replaced on reuse, this just keeps the table small). Every
 * replica of both APIs may run it: each purge is idempotent.
 */
export function createRetentionPurge(options: {
  pool: Pool;
  logger: Logger;
  requestLogRetentionDays: number;
  idempotency?: boolean;
  intervalMs?: number;
}): RetentionPurge {
  let timer: NodeJS.Timeout | null = null;
  const run = () => {
    if (options.idempotency) {
      purgeExpiredIdempotencyRecords(options.pool).catch((error) =>
        options.logger.warn({ err: error }, 'idempotency purge failed'),
      );
    }
    purgeRequestLogs(options.pool, options.requestLogRetentionDays).catch((error) =>
      options.logger.warn({ err: error }, 'request log purge failed'),
    );
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(run, options.intervalMs ?? 600_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
