import { AppError } from '@mypay/core';
import type { Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

export interface RateLimitOptions {
  /** Requests per window per API key (per client IP before authentication). */
  limit: number;
  windowMs?: number;
}

/**
 * Per-key fixed window (in memory, so per replica). Place it after apiKeyAuth so the key, not
 * the IP, is what is counted; a blocked request gets 429 RATE_LIMITED with Retry-After.
 */
export function perKeyRateLimit(options: RateLimitOptions) {
  const windowMs = options.windowMs ?? 60_000;
  return rateLimit({
    windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req: Request) => req.principal?.keyId ?? ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, _res, next, opts) => {
      next(
        new AppError('RATE_LIMITED', `too many requests: at most ${opts.limit} per ${Math.round(windowMs / 1000)} s`),
      );
    },
  });
}
