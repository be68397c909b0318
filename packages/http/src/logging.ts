import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mypay/core';
import type { Request, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { expectedErrorOf } from './errors.ts';

/**
 * One structured line per request: request id, method, path, status, latency (ms).
 * Headers and bodies are never logged, so a key or secret cannot reach a log line.
 */
// Inside a mounted router req.url is relative; originalUrl is the full path.
const pathOf = (req: IncomingMessage) => ((req as Request).originalUrl ?? req.url ?? '').split('?')[0] ?? '';

export function requestLogger(logger: Logger, options: { ignorePaths?: string[] } = {}) {
  const ignore = new Set(options.ignorePaths ?? []);
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage) => (req as Request).id,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'latencyMs' },
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, path: pathOf(req) }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => {
      // A 5xx the API answered on purpose (an AppError such as scenario 7's 503) is a warning.
      if (!error && res.statusCode >= 500 && expectedErrorOf(res as ServerResponse & Response)) return 'warn';
      if (error || res.statusCode >= 500) return 'error';
      return 'info';
    },
    // pino-http makes an Error ("failed with status code 503") for every 5xx and logs its stack;
    // for an intended answer that is noise, so the line carries the error code instead.
    customErrorObject: (_req, res, error, value) => {
      const code = expectedErrorOf(res as ServerResponse & Response);
      if (!code || !/^failed with status code/.test((error as Error | undefined)?.message ?? '')) return value;
      const { err: _err, ...rest } = value as Record<string, unknown>;
      return { ...rest, code };
    },
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    autoLogging: { ignore: (req) => ignore.has(pathOf(req)) },
    quietReqLogger: true,
  });
}
