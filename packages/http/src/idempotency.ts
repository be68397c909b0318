import {
  AppError,
  beginIdempotentRequest,
  hashRequestBody,
  holdFor,
  type IdempotencyClaim,
  type IdempotencyHold,
  type Logger,
  releaseIdempotentRequest,
  settleIdempotentRequest,
} from '@mypay/core';
import type { Pool } from '@mypay/db';
import type { NextFunction, Request, Response } from 'express';
import { principalOf } from './auth.ts';
import { isDatabaseUnavailableError } from './db-errors.ts';
import { processMetrics } from './metrics.ts';

/**
 * Bookkeeping after the fact (releasing a failed request's record) rides out a short database
 * blip (bounded: ~3 s), so the key is free for the client's retry rather than blocked until stale.
 */
async function withShortRetry(work: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 3_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if (Date.now() >= deadline || !isDatabaseUnavailableError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export interface IdempotencyOptions {
  pool: Pool;
  logger: Logger;
  ttlMs?: number;
  staleAfterMs?: number;
}

const holds = new WeakMap<Request, IdempotencyHold>();

/**
 * The hold of this request's Idempotency-Key, for the route to pass to its use-case
 * (`{ idempotency: idempotencyOf(req) }`); undefined when the request carries no key.
 */
export const idempotencyOf = (req: Request): IdempotencyHold | undefined => holds.get(req);

/**
 * `Idempotency-Key` on a creating POST (behind apiKeyAuth). The use-case stores the response in
 * the transaction that makes its effect (`hold.settle`, see @mypay/core idempotent-request.ts),
 * so this middleware only:
 *  - answers a replay, a reused key (422) or a request still running (409) before the route runs;
 *  - releases the key when the request ended with an error: no effect committed (an effect
 *    settles the record in its own transaction, which a release never undoes);
 *  - never releases it because the client went away — the request runs on and settles.
 */
export function idempotency(options: IdempotencyOptions) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    try {
      if (key.length < 1 || key.length > 255) {
        throw new AppError('VALIDATION_ERROR', 'the request is not valid', [
          { field: 'Idempotency-Key', message: 'must be 1 to 255 characters' },
        ]);
      }
      const { merchantId } = principalOf(req);
      const start = await beginIdempotentRequest(
        options.pool,
        {
          merchantId,
          key,
          endpoint: `${req.method} ${req.originalUrl.split('?')[0]}`.slice(0, 191),
          requestHash: hashRequestBody(req.body),
        },
        { ttlMs: options.ttlMs, staleAfterMs: options.staleAfterMs },
      );
      if (start.kind === 'replay') {
        processMetrics().idempotentReplays.inc();
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(start.status).json(start.body);
        return;
      }
      if (start.takenOver) {
        options.logger.info({ recordId: start.claim.recordId }, 'idempotency key taken over from a stale request');
      }
      const hold = holdFor(start.claim);
      holds.set(req, hold);
      const originalJson = res.json.bind(res);
      let answered = false;
      // The record is dealt with before the response leaves, so a retry right after sees it.
      res.json = (body: unknown) => {
        // `settled` says the settle statement ran, not that its transaction committed: an effect
        // whose batch failed after it (INSUFFICIENT_BALANCE, say) rolled the settle back too. An
        // error answer therefore always releases; the release only takes a record still
        // IN_PROGRESS and this request's, so one a commit completed is left alone. (Every
        // settle stores a 2xx.)
        if (answered || (hold.settled && res.statusCode < 400)) return originalJson(body);
        answered = true;
        afterUnsettledAnswer(options, start.claim, res.statusCode, body, req)
          .catch((error) => options.logger.error({ err: error, recordId: start.claim.recordId }, 'idempotency record'))
          .finally(() => originalJson(body));
        return res;
      };
      next();
    } catch (error) {
      next(error);
    }
  };
}

async function afterUnsettledAnswer(
  options: IdempotencyOptions,
  claim: IdempotencyClaim,
  status: number,
  body: unknown,
  req: Request,
): Promise<void> {
  if (status >= 400) {
    await withShortRetry(() => releaseIdempotentRequest(options.pool, claim));
    return;
  }
  // A success the use-case did not settle in its transaction: a route that forgot to pass
  // `idempotencyOf(req)` on. Store it now (the old, weaker way) rather than lose it, and say so.
  options.logger.error(
    { route: `${req.method} ${req.originalUrl.split('?')[0]}`, recordId: claim.recordId },
    'idempotent route answered without settling its Idempotency-Key in its transaction',
  );
  await withShortRetry(() => settleIdempotentRequest(options.pool, claim, { status, body }));
}
