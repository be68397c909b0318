import type { Logger } from '@mypay/core';
import type { NextFunction, Request, Response } from 'express';
import { expectedErrorOf } from './errors.ts';
import { requestIdOf } from './request-id.ts';

/**
 * One structured line per request when its response ends: request id, method, path, status,
 * latency (ms) — `{"requestId":…,"req":{"method","path"},"res":{"status"},"latencyMs":…,"msg":"POST
 * /api/v1/payouts 201"}`. Headers and bodies are never logged, so a key or secret cannot reach a
 * log line. A response the client gave up on before it was sent is `"aborted":true`.
 *
 * Levels: info; warn for a 5xx the API answers on purpose (an AppError such as scenario 7's 503,
 * whose own warn line the error handler wrote); error for any other 5xx, with an `err` naming the
 * status. This was pino-http's line, field for field; it is written here with the process's
 * logger because pino-http makes two child loggers per request (one for `requestId`, one for
 * `req`), ≈ 4 % of a payout create's CPU time, and no line needs them (the error handler's lines
 * carry `requestId` too).
 */
export function requestLogger(logger: Logger, options: { ignorePaths?: string[] } = {}) {
  const ignore = new Set(options.ignorePaths ?? []);
  return (req: Request, res: Response, next: NextFunction) => {
    const startedAt = Date.now();
    // Inside a mounted router req.url is relative; originalUrl is the full path.
    const path = (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
    if (!ignore.has(path)) {
      // 'close' comes after 'finish' for every response, and alone when the client went away first.
      res.once('close', () => logRequest(logger, req, res, path, Date.now() - startedAt));
    }
    next();
  };
}

function logRequest(logger: Logger, req: Request, res: Response, path: string, latencyMs: number): void {
  const status = res.statusCode;
  const expected = status >= 500 ? expectedErrorOf(res) : undefined;
  const level = status < 500 ? 'info' : expected ? 'warn' : 'error';
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = {
    requestId: requestIdOf(req),
    req: { method: req.method, path },
    res: { status },
    latencyMs,
  };
  if (!res.writableFinished) line.aborted = true;
  if (expected) line.code = expected;
  else if (status >= 500) line.err = new Error(`failed with status code ${status}`);
  logger[level](line, `${req.method} ${path} ${status}`);
}
