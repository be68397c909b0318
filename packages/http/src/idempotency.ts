import {
  AppError,
  beginIdempotentRequest,
  completeIdempotentRequest,
  hashRequestBody,
  type Logger,
  releaseIdempotentRequest,
} from '@mypay/core';
import type { Pool } from '@mypay/db';
import type { NextFunction, Request, Response } from 'express';
import { principalOf } from './auth.ts';
import { isDatabaseUnavailableError } from './db-errors.ts';

/**
 * The effect is already committed when the record is settled; if the database blips right then,
 * an unsettled record would answer 409 to every retry for a minute and then let one run the
 * request again. So ride out a short outage (bounded: ~3 s) before answering.
 */
async function settleWithRetry(settle: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 3_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await settle();
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

/**
 * `Idempotency-Key` on a creating POST (behind apiKeyAuth). Only successful responses are
 * stored: every error response of our APIs is returned before any effect is committed
 * (the use-case's transaction rolled back), so the key is released and may be retried.
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
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(start.status).json(start.body);
        return;
      }
      const recordId = start.recordId;
      let settled = false;
      const originalJson = res.json.bind(res);
      // The record is settled before the response leaves, so a retry right after sees it.
      res.json = (body: unknown) => {
        settled = true;
        const status = res.statusCode;
        const settle = settleWithRetry(() =>
          status < 400
            ? completeIdempotentRequest(options.pool, recordId, { status, body })
            : releaseIdempotentRequest(options.pool, recordId),
        );
        settle
          .catch((error) => options.logger.error({ err: error, recordId }, 'could not settle idempotency record'))
          .finally(() => originalJson(body));
        return res;
      };
      res.on('close', () => {
        if (!settled) releaseIdempotentRequest(options.pool, recordId).catch(() => {});
      });
      next();
    } catch (error) {
      next(error);
    }
  };
}
